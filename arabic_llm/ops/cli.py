"""The `arabic-llm` command: run, status, dag, gc, verify, ui, server."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

DEFAULT_STORE = "artifacts"


def _quiet_libraries() -> None:
    # Set before Prefect and transformers are imported: their INFO lines and per-model progress
    # bars would bury the stage table, and a temporary server needs no telemetry.
    # Users can override any of these in the environment.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # The temporary server can take more than its default 20 s to start on a busy two-core machine.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # a Dask cluster's INFO lines, per worker


def prepare_local_prefect() -> None:
    """Create Prefect's local database once, under a lock, before any temporary server starts.

    Without a server (no PREFECT_API_URL) each run starts a temporary one on the SQLite database under
    PREFECT_HOME; runs started together on a fresh database would each migrate it and register
    blocks at once, printing SQLite tracebacks ("table already exists", "database is locked").
    """
    if os.environ.get("PREFECT_API_URL"):
        return
    import fcntl

    import prefect
    from prefect.settings import get_current_settings

    home = Path(get_current_settings().home).expanduser()
    home.mkdir(parents=True, exist_ok=True)
    ready = home / f".arabic-llm-database-ready-{prefect.__version__}"
    if ready.exists():
        return
    with open(home / ".arabic-llm-database.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ready.exists():
            from prefect.server.api.server import SubprocessASGIServer

            server = SubprocessASGIServer()  # its start-up migrates the database and registers blocks
            server.start()
            server.stop()
            ready.touch()


def _open_store(args):
    """The local store, or the local cache in front of a remote store URL (s3://, gs://, ...)."""
    from arabic_llm.cache.remote import RemoteStoreError
    from arabic_llm.cache.store import Store, StoreError

    try:
        return Store.open(args.store, getattr(args, "store_cache", None))
    except (StoreError, RemoteStoreError, ValueError, ImportError) as exc:
        print(f"arabic-llm: --store {args.store}: {exc}", file=sys.stderr)
        raise SystemExit(2)


def _load(args):
    from arabic_llm.config import ConfigError, load_config

    try:
        return load_config(args.config, args.set or [])
    except ConfigError as exc:
        head, *keys = str(exc).splitlines()  # one line: "invalid configuration (FILE): KEY: why; KEY: why"
        print(f"arabic-llm: {head} {'; '.join(k.strip() for k in keys)}".rstrip(), file=sys.stderr)
        raise SystemExit(2)


FILE_KEYS = (("download", "wikipedia"), ("dialect", "train_data"), ("evaluate", "qa"), ("evaluate", "sentiment"),
             ("evaluate", "parallel"), ("bias_audit", "crows_pairs"), ("bias_audit", "entities"))
DATASET_KEYS = (("download", "bactrian_x"), ("download", "oasst1"))  # a file, or a hub mirror directory
DATASET_FILES = ("*.parquet", "*.jsonl", "*.json", "*.jsonl.gz", "*.json.gz", "*.arrow", "*.csv")


def _directories_where_files_belong(cfg) -> list[str]:
    """Keys naming a directory where a file is expected, or a directory with no dataset files in it."""
    problems = []
    for section, key in FILE_KEYS + DATASET_KEYS:
        value = getattr(getattr(cfg, section), key)
        folder = Path(value).expanduser() if isinstance(value, str) else None
        if folder is None or not folder.is_dir():
            continue
        if (section, key) in FILE_KEYS:
            problems.append(f"{section}.{key}: {value} is a directory; expected a file")
        elif not any(next(folder.rglob(pattern), None) for pattern in DATASET_FILES):
            problems.append(f"{section}.{key}: {value} is a directory without dataset files ({', '.join(DATASET_FILES)}); "
                            "give a JSONL file or a hub mirror directory")
    return problems


def _preflight(cfg) -> None:
    """Every file and local model the config names exists, or exit 2 before any work starts."""
    from arabic_llm.data.documents import CorpusError
    from arabic_llm.ops.status import DagRecorder
    from flows.pipeline import pipeline

    problems = _directories_where_files_belong(cfg)
    processes = cfg.runtime.train_processes
    for section in ("train_msa", "train_dialects"):
        accum = getattr(cfg, section).grad_accum
        if accum % processes:
            problems.append(f"{section}.grad_accum: {accum} is not a multiple of runtime.train_processes={processes} "
                            "(each optimiser step's micro-batches are split over the processes)")
    for section in ("model", "tokenizer"):
        value = getattr(cfg, section).name_or_path
        local = value and not value.startswith("package:") and (  # package: files are resolved by the pipeline
            value.startswith(("/", "./", "../", "~")) or value.endswith(".gguf"))
        if local and not Path(value).expanduser().exists():  # a hub id is checked where it is loaded
            problems.append(f"{section}.name_or_path: no such local model {value}")
    try:
        if not problems:  # a directory given for a file would fail here again, less clearly
            pipeline(cfg, DagRecorder())  # resolves every source file a stage will read
    except (CorpusError, FileNotFoundError) as exc:
        problems.append(str(exc))
    if problems:
        print(f"arabic-llm: {'; '.join(problems)}", file=sys.stderr)
        raise SystemExit(2)


def _clear_dead_staging(store) -> None:
    """Staging directories of killed runs go at once (their owner process is gone), not after gc's hours."""
    removed = store.clear_dead_staging()
    if removed:
        print(f"removed {len(removed)} staging director{'y' if len(removed) == 1 else 'ies'} of killed runs")


def _refuse_distributed_launch() -> None:
    """Under ``accelerate launch``/``torchrun`` every rank would run the whole pipeline."""
    world = os.environ.get("WORLD_SIZE", "1")
    if world not in ("", "1"):
        print(f"arabic-llm: run was started by a distributed launcher (WORLD_SIZE={world}); the pipeline is one "
              "process and launches its training ranks itself. Fix: run it plainly with "
              f"--set runtime.train_processes={world}", file=sys.stderr)
        raise SystemExit(2)


def prefect_server_for_run(ephemeral: bool = False) -> str | None:
    """The API URL this run reports to (None: PREFECT_API_URL is set and used as it is).

    A running server recorded in PREFECT_HOME (by `ui` or an earlier run), else one started in the
    background that stays for later runs and the UI, else a temporary one that dies with this process;
    see arabic_llm/ops/server.py.
    """
    from arabic_llm.ops import server

    if os.environ.get("PREFECT_API_URL"):
        return None
    running = None if ephemeral else server.recorded_server()
    if running is not None:
        return f"{running['url']}/api"
    mode = "temporary" if ephemeral else os.environ.get("ARABIC_LLM_PREFECT_SERVER") or (
        "temporary" if os.environ.get("CI") else "background")
    prepare_local_prefect()
    if mode == "background":
        try:
            started = server.start_background()
        except (server.ServerError, OSError) as exc:
            print(f"arabic-llm: no background Prefect server ({exc}); this run uses a temporary one", file=sys.stderr)
        else:
            print(f"Prefect server started in the background: {started['url']} (runs and UI; it stays for the next "
                  f"runs, `arabic-llm server stop` ends it)")
            return f"{started['url']}/api"
    return f"{server.temporary_server_url()}/api"


def _predict(cfg, store):
    """`status`'s prediction of every stage against ``store`` (no Prefect, torch or transformers)."""
    from arabic_llm.ops.status import StatusPredictor
    from flows.pipeline import pipeline

    predictor = StatusPredictor(store)
    pipeline(cfg, predictor)
    return predictor


def _record_up_to_date_run(cfg, store, stages: dict, started: float) -> int:
    """A run with nothing to do: its record, no Prefect flow run (nothing would show but Cached stages)."""
    from arabic_llm.cache.keys import sha256_bytes
    from arabic_llm.cache.runs import new_run_id, write_run_record

    run_id = new_run_id()
    print(f"run {run_id}  store {store.root}")
    for stage, info in stages.items():
        print(f"  {stage:<15} {info['outcome']:<7} {info['seconds']:8.2f}s")
    record = {"run_id": run_id, "flow_run_id": None, "config_digest": sha256_bytes(cfg.digest_source().encode()),
              "started": started, "finished": time.time(), "stages": stages,
              "prefect": "no flow run: every stage was up to date (--force-flow runs one)"}
    path = write_run_record(store, record)
    print(f"done: 0 ran, {len(stages)} cached (every artifact verified; no Prefect flow run, --force-flow starts one); "
          f"record {path}")
    print(f"report: {store.root / stages['report']['artifact'] / 'data' / 'report.md'}")
    return 0


def cmd_run(args) -> int:
    _refuse_distributed_launch()
    _quiet_libraries()
    cfg = _load(args)
    _preflight(cfg)
    started, store = time.time(), _open_store(args)
    if not args.force_flow:
        from arabic_llm.ops.status import up_to_date_stages

        stages = up_to_date_stages(_predict(cfg, store))
        if stages is not None:
            return _record_up_to_date_run(cfg, store, stages, started)
    api_url = prefect_server_for_run(args.ephemeral)
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from arabic_llm.cache.keys import sha256_bytes
    from arabic_llm.cache.runs import new_run_id, write_run_record
    from flows.failures import expected_failure
    from flows.flow import flow_with_runner
    from flows.logs import route_run_logs
    from flows.runner import STAGE_LISTENERS

    route_run_logs(debug=args.debug)  # stage logs to the run (UI), expected failures off the console
    _clear_dead_staging(store)
    run_id = new_run_id()
    print(f"run {run_id}  store {store.root}")

    failed = []  # the stage whose error ends the run

    def echo(stage: str, outcome: str, seconds: float) -> None:
        # Written to stdout directly: Prefect would route print() inside a flow to its logger.
        sys.stdout.write(f"  {stage:<15} {outcome:<7} {seconds:8.2f}s\n")
        sys.stdout.flush()
        if outcome == "failed":
            failed.append(stage)

    STAGE_LISTENERS.append(echo)
    started = time.time()
    try:
        flow = flow_with_runner(args.runner, args.dask_address, args.dask_workers)
        with temporary_settings(updates={PREFECT_API_URL: api_url} if api_url else {}):
            result = flow(config=cfg, store=str(store.root), run_id=run_id)
    except Exception as exc:  # the stage's error, after Prefect recorded the failed run with its message
        failure = expected_failure(exc)
        if failure is None:  # a bug: Prefect has logged its traceback above
            print(f"arabic-llm: run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
        if args.debug:
            traceback.print_exception(exc, file=sys.stderr)
        where = f"{failed[0]}: " if failed and not failure.message.startswith(f"{failed[0]}:") else ""
        print(f"arabic-llm: {where}{failure.message}", file=sys.stderr)
        return failure.exit_code
    finally:
        STAGE_LISTENERS.remove(echo)
    record = {
        "run_id": run_id,
        "flow_run_id": result["flow_run_id"],
        "config_digest": sha256_bytes(cfg.digest_source().encode()),
        "started": started,
        "finished": time.time(),
        "stages": result["stages"],
    }
    path = write_run_record(store, record)
    ran = sum(s["outcome"] == "ran" for s in record["stages"].values())
    print(f"done: {ran} ran, {len(record['stages']) - ran} cached; record {path}")
    report = store.root / record["stages"]["report"]["artifact"] / "data" / "report.md"
    print(f"report: {report}")
    return 0


def cmd_status(args) -> int:
    cfg = _load(args)
    if args.explain:
        return explain_stage(cfg, args.explain)
    predictor = _predict(cfg, _open_store(args))
    if args.json:
        print(json.dumps({"stages": predictor.stages}, indent=2, ensure_ascii=False))
        return 0
    for stage, info in predictor.stages.items():
        mark = "~" if info["conditional"] else ("*" if info["state"] == "will-run" else " ")
        print(f"{mark} {stage:<15} {info['state']:<11} {info['reason']}")
    print("\n* will run   ~ will run unless its upstream output comes out identical")
    return 0


def explain_stage(cfg, name: str) -> int:
    """Print what a stage's code fingerprint covers: its modules, data files and library versions."""
    from arabic_llm.cache.fingerprint import explain
    from arabic_llm.ops.status import DagRecorder
    from flows.pipeline import pipeline

    recorder = DagRecorder()
    pipeline(cfg, recorder)
    spec = recorder.specs.get(name)
    if spec is None:
        print(f"arabic-llm: status --explain {name}: no such stage; stages: {', '.join(recorder.stages)}", file=sys.stderr)
        return 2
    print(f"{name}: code fingerprint {spec.code()}\n  (an edit to any of these reruns {name}; nothing else does)")
    for kind, what, digest in explain(spec.module, spec.libraries):
        print(f"  {kind:<8} {what:<48} {digest[:19] if kind != 'library' else digest}")
    return 0


def cmd_dag(args) -> int:
    from arabic_llm.config import load_config
    from arabic_llm.ops.status import DagRecorder
    from flows.pipeline import pipeline

    recorder = DagRecorder()
    pipeline(load_config(args.config), recorder)
    print(recorder.as_mermaid() if args.mermaid else recorder.as_text())
    return 0


def _built_from(store, artifacts: set[str]) -> set[str]:
    """The artifacts that ``artifacts`` were built from, by their manifests' inputs. In one run these are
    the run's own; a kept learned resource (learned on earlier documents) or an incremental adapter (its
    parent, the shards it saw) names older ones, which drift checks and incremental training read."""
    found = set()
    for rel in artifacts:
        stage, _, key = rel.removeprefix("artifacts/").partition("/")
        for ref in ((store.manifest(stage, key) or {}).get("inputs") or {}).values():
            if ref.get("stage") and ref.get("key"):
                found.add(f"artifacts/{ref['stage']}/{ref['key']}")
    return found


def cmd_gc(args) -> int:
    from arabic_llm.cache.runs import read_run_records

    if args.keep_last < 0 or args.tmp_hours < 0:  # -1 would read as "keep nothing" and remove every artifact
        print(f"arabic-llm: gc: --keep-last and --tmp-hours must be 0 or more (got --keep-last {args.keep_last}, "
              f"--tmp-hours {args.tmp_hours:g}); --keep-last 0 removes every artifact", file=sys.stderr)
        return 2
    store = _open_store(args)  # a remote store's local cache; the remote itself is never collected
    records = read_run_records(store)
    keep_records = records[-args.keep_last:] if args.keep_last > 0 else []
    reachable = {info["artifact"] for r in keep_records for info in r.get("stages", {}).values()}
    reachable |= _built_from(store, reachable)
    removed, freed = [], 0
    artifacts = store.root / "artifacts"
    for path in sorted(artifacts.glob("*/*")) if artifacts.is_dir() else []:
        rel = path.relative_to(store.root).as_posix()
        if rel in reachable:
            continue
        # A part another artifact links (arabic_llm/data/segments.py) stays on disk: not counted as freed.
        size = sum(st.st_size for st in (f.stat() for f in path.rglob("*") if f.is_file()) if st.st_nlink == 1)
        removed.append((rel, size))
        freed += size
        if not args.dry_run:
            store.forget_prefect_record(path.name)
            shutil.rmtree(path)
    # Staging directories of runs that crashed or were killed: at once where their owner process is gone,
    # else (another host's, or an older layout's) after --tmp-hours (live runs touch theirs constantly).
    dead = set(store.dead_staging())
    cutoff = time.time() - args.tmp_hours * 3600
    for path in sorted((store.root / "tmp").glob("*")) if (store.root / "tmp").is_dir() else []:
        if path in dead or path.stat().st_mtime < cutoff:
            size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
            removed.append((path.relative_to(store.root).as_posix(), size))
            freed += size
            if not args.dry_run:
                shutil.rmtree(path, ignore_errors=True)
    verb = "would remove" if args.dry_run else "removed"
    for rel, size in removed:
        print(f"{verb} {rel} ({size / 1e6:.2f} MB)")
    print(f"{verb} {len(removed)} artifacts and staging directories, {freed / 1e6:.2f} MB; kept those of the last "
          f"{len(keep_records)} run(s)")
    return 0


def cmd_verify(args) -> int:
    """Re-hash every artifact and repair the store (arabic_llm/ops/verify.py); or reproduce one artifact."""
    from arabic_llm.config import DEFAULT_CONFIG
    from arabic_llm.ops.verify import ReproduceError, reproduce, verify_store

    if (args.config or args.set) and not args.reproduce:
        print("arabic-llm: verify: -c/--config and --set go with --reproduce (to find its local input files)",
              file=sys.stderr)
        return 2
    store = _open_store(args)
    if not (store.root / "artifacts").is_dir():
        print(f"arabic-llm: no artifacts under {store.root}", file=sys.stderr)
        return 2
    if args.reproduce:
        cfg = _load(args) if args.config or args.set else None
        try:
            return 0 if reproduce(store, args.reproduce, cfg, str(args.config or DEFAULT_CONFIG)) else 1
        except ReproduceError as exc:  # a stage, an artifact or an input file that is not there: one line
            print(f"arabic-llm: verify --reproduce {args.reproduce}: {exc}", file=sys.stderr)
            return 2
    return 1 if verify_store(store, cascade=args.cascade, verbose=args.verbose) else 0


def cmd_ui(args) -> int:
    _quiet_libraries()
    if args.database_url:  # Postgres for a team server; SQLite under PREFECT_HOME otherwise
        os.environ["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = args.database_url
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"arabic-llm: warning: the Prefect API on {args.host} has no authentication; anyone who reaches "
              f"port {args.port} can read and start runs", file=sys.stderr)
    url = f"http://{args.host}:{args.port}"
    from arabic_llm.ops import server

    running = server.recorded_server()
    if running is not None:  # started by a run (or another `ui`): one server per PREFECT_HOME
        same = running["url"].rsplit(":", 1)[-1] == str(args.port) and not args.database_url
        print(f"Prefect UI: {running['url']} (already running, started by {running['started_by']}, pid {running['pid']}"
              f"{'' if same else '; stop it first with `arabic-llm server stop` to start one with other settings'})")
        return 0 if same else 2
    os.environ.setdefault("PREFECT_UI_API_URL", f"{url}/api")  # for the browser; Prefect assumes port 4200
    print(f"Prefect UI: {url}\nRuns started with `arabic-llm run` show there (same PREFECT_HOME database);\n"
          f"to send runs to this server from elsewhere: export PREFECT_API_URL={url}/api")
    sys.stdout.flush()
    prefect = shutil.which("prefect") or str(Path(sys.executable).with_name("prefect"))
    local = url.replace("0.0.0.0", "127.0.0.1")
    server.write_record(local, os.getpid(), "ui")  # exec keeps the pid: runs find this server
    os.execv(prefect, [prefect, "server", "start", "--host", args.host, "--port", str(args.port)])
    return 0


def cmd_server(args) -> int:
    """The local Prefect server recorded in PREFECT_HOME: status, start (in the background), stop."""
    from arabic_llm.ops import server

    if args.action == "start":
        _quiet_libraries()
        if os.environ.get("PREFECT_API_URL"):
            print(f"PREFECT_API_URL is set ({os.environ['PREFECT_API_URL']}): runs use that server")
            return 0
        prepare_local_prefect()
        try:
            info = server.start_background(port=args.port)
        except server.ServerError as exc:
            print(f"arabic-llm: {exc}", file=sys.stderr)
            return 1
        print(f"Prefect server: {info['url']} (pid {info['pid']}, started by {info['started_by']})")
        return 0
    if args.action == "stop":
        info = server.stop_server()
        print(f"stopped the Prefect server {info['url']} (pid {info['pid']})" if info else
              "no Prefect server recorded in PREFECT_HOME")
        return 0
    info = server.recorded_server()
    if info is None:
        print("no Prefect server running from PREFECT_HOME; `arabic-llm run` starts one in the background"
              + (f" (PREFECT_API_URL is set: runs use {os.environ['PREFECT_API_URL']})" if os.environ.get("PREFECT_API_URL") else ""))
        return 3
    print(f"Prefect server: {info['url']} (pid {info['pid']}, started by {info['started_by']})")
    return 0


def cmd_serve(args) -> int:
    """Register the nightly deployment and serve it (runs on schedule until interrupted)."""
    _quiet_libraries()
    cfg = _load(args)
    from tasks.download import is_published_dump

    overrides = list(args.set or [])
    if cfg.download.wikipedia is None or not is_published_dump(cfg.download.wikipedia):
        overrides.append("download.wikipedia=latest")  # nightly means the newest published dump
    from flows.nightly import build_deployment

    deployment = build_deployment(str(args.config) if args.config else None, overrides, args.store, args.cron,
                                  args.name)
    print(f"deployment {deployment.flow_name}/{deployment.name}: cron {args.cron!r}, store {deployment.parameters['store']}")
    if args.dry_run:
        return 0
    from prefect import serve

    serve(deployment)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arabic-llm", description=__doc__.splitlines()[0].split(": ")[0] +
                                     ": adapt a causal LM to Arabic with cached Prefect stages")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_config(p):
        p.add_argument("-c", "--config", type=Path, default=None, help="YAML config (default: configs/default.yaml)")
        p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override one key, e.g. normalize.alef=false")
        p.add_argument("--store", default=DEFAULT_STORE,
                       help="artifact store directory, or a shared remote store URL such as s3://bucket/prefix "
                            "(default: ./artifacts)")
        p.add_argument("--store-cache", metavar="DIR", help="local cache in front of a remote --store "
                       "(default: ~/.cache/arabic-llm/<hash of the URL>)")
        return p

    run = with_config(sub.add_parser("run", help="run the pipeline; unchanged stages come from the cache"))
    run.add_argument("--runner", choices=("local", "dask"), default="local",
                     help="where stages run: this process, or Dask (shard-parallel stages spread over its workers)")
    run.add_argument("--dask-address", metavar="tcp://HOST:8786", help="join this Dask scheduler (implies --runner dask)")
    run.add_argument("--dask-workers", type=int, default=2, metavar="N",
                     help="workers of the local Dask cluster --runner dask starts (default 2)")
    run.add_argument("-v", "--debug", action="store_true",
                     help="show the traceback of an expected failure (bad input, disk full, ...) and Prefect's INFO lines")
    run.add_argument("--ephemeral", action="store_true",
                     help="report to a temporary Prefect server that stops with this run, instead of a running "
                          "local server or one started in the background for later runs")
    run.add_argument("--force-flow", action="store_true",
                     help="start the Prefect flow run even when every stage is up to date (it then shows in the UI "
                          "with every stage Cached); without it such a run only writes its run record")
    run.set_defaults(fn=cmd_run)
    status = with_config(sub.add_parser("status", help="say which stages would rerun and why; runs nothing"))
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.add_argument("--explain", metavar="STAGE", help="list the files and library versions that make up STAGE's "
                        "code fingerprint (what an edit must touch to rerun it)")
    status.set_defaults(fn=cmd_status)
    dag = sub.add_parser("dag", help="print the DAG")
    dag.add_argument("-c", "--config", type=Path, default=None)
    dag.add_argument("--mermaid", action="store_true", help="Mermaid flowchart instead of text")
    dag.set_defaults(fn=cmd_dag)
    gc = sub.add_parser("gc", help="remove artifacts no run among the last N refers to")
    gc.add_argument("--store", default=DEFAULT_STORE)
    gc.add_argument("--keep-last", type=int, default=5, metavar="N", help="runs whose artifacts are kept (default 5)")
    gc.add_argument("--dry-run", action="store_true", help="list what would go, remove nothing")
    gc.add_argument("--tmp-hours", type=float, default=24, metavar="H",
                    help="also remove staging directories older than H hours (left by killed runs)")
    gc.set_defaults(fn=cmd_gc)
    verify = sub.add_parser("verify", help="re-hash the store; quarantine artifacts that no longer match their "
                            "manifest and list those built from them")
    verify.add_argument("--store", default=DEFAULT_STORE)
    verify.add_argument("--store-cache", metavar="DIR")
    verify.add_argument("-v", "--verbose", action="store_true", help="list the good artifacts too")
    verify.add_argument("--cascade", action="store_true", help="also quarantine the artifacts built from a bad one")
    verify.add_argument("--reproduce", metavar="STAGE[/KEY]", help="recompute STAGE's newest artifact (or KEY) from "
                        "its inputs in a temporary store and compare digests; local input files are taken from the "
                        "paths its manifest records, or from -c/--set, and only if their digests are those it was "
                        "built from")
    verify.add_argument("-c", "--config", type=Path, default=None,
                        help="with --reproduce: find the stage's local input files as this config names them")
    verify.add_argument("--set", action="append", metavar="KEY=VALUE", help="with --reproduce and -c: override one key")
    verify.set_defaults(fn=cmd_verify)
    ui = sub.add_parser("ui", help="start the Prefect server and UI on 127.0.0.1")
    ui.add_argument("--host", default="127.0.0.1")
    ui.add_argument("--port", type=int, default=4200)
    ui.add_argument("--database-url", metavar="URL", default=os.environ.get("ARABIC_LLM_DATABASE_URL"),
                    help="Postgres instead of SQLite, e.g. postgresql+asyncpg://USER:PASSWORD@HOST:5432/prefect "
                         "(default: $ARABIC_LLM_DATABASE_URL, else SQLite under PREFECT_HOME)")
    ui.set_defaults(fn=cmd_ui)
    srv = sub.add_parser("server", help="the local Prefect server runs report to: status, start, stop")
    srv.add_argument("action", choices=("status", "start", "stop"), nargs="?", default="status")
    srv.add_argument("--port", type=int, default=4200, help="port for `start` (default 4200, else a free one)")
    srv.set_defaults(fn=cmd_server)
    serve = with_config(sub.add_parser("serve", help="serve a Prefect deployment that reruns on the latest dump on a schedule"))
    serve.add_argument("--cron", default="0 2 * * *", help='schedule (default "0 2 * * *": every night at 02:00)')
    serve.add_argument("--name", default="nightly", help="deployment name")
    serve.add_argument("--dry-run", action="store_true", help="build and describe the deployment, serve nothing")
    serve.set_defaults(fn=cmd_serve)
    from arabic_llm.ops.text_cli import add_text_commands

    add_text_commands(sub)  # `arabic-llm text clean|normalize|segment|dialect|train-dialect|audit`
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    raise SystemExit(main())
