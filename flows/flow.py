"""The Prefect flow: every stage of flows/pipeline.py as a cached task against the content-addressed store."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from prefect import flow, runtime

from arabic_llm.audit.report import TABLE_TITLES, TABLES_FILE
from arabic_llm.cache.stage import RUN_DIR
from arabic_llm.cache.store import Store
from arabic_llm.config import PipelineConfig
from arabic_llm.layout import MEASUREMENTS_MD, REPORT_MD
from flows.pipeline import pipeline
from flows.runner import StageRunner


@flow(name="arabic-llm", flow_run_name="arabic-llm {run_id}")
def arabic_llm_flow(config: PipelineConfig, store: str, run_id: str) -> dict:
    """Run every stage as a cached Prefect task against the content-addressed store."""
    runner = StageRunner(Store(store), run_id, runtime=config.runtime)
    outputs = pipeline(config, runner)
    publish_prefect_artifacts(Store(store), runner.stages, outputs["report"])
    return {"flow_run_id": str(runtime.flow_run.id), "stages": runner.stages}


def publish_prefect_artifacts(store: Store, stages: dict, report_ref) -> None:
    """The run summary table and the report, shown on the flow run's page in the Prefect UI."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    create_table_artifact(
        key="arabic-llm-stages",
        table=[{"stage": name, **{k: v for k, v in info.items() if k != "digest"}} for name, info in stages.items()],
        description="Each stage: ran or cached, its key, its artifact in the store",
    )
    report_md = report_ref.data_dir(store.root) / REPORT_MD
    create_markdown_artifact(key="arabic-llm-report", markdown=inline_figures(report_md),
                             description=f"Report artifact: {report_ref.path}")
    measurements = store.root / report_ref.path / RUN_DIR / MEASUREMENTS_MD
    if measurements.is_file():
        create_markdown_artifact(key="arabic-llm-measurements", markdown=inline_figures(measurements),
                                 description="What this run measured: training time and memory (outside the digest)")
    tables = json.loads((report_ref.data_dir(store.root) / TABLES_FILE).read_text(encoding="utf-8"))
    for name, rows in tables.items():
        create_table_artifact(key=f"arabic-llm-{name.replace('_', '-')}", table=rows,
                              description=f"{TABLE_TITLES.get(name, name)} (report artifact {report_ref.path})")


FIGURE = re.compile(r"!\[([^\]]*)\]\(([\w.-]+\.(png|svg))\)")
MIME = {"png": "image/png", "svg": "image/svg+xml"}
MAX_INLINE_BYTES = 2_000_000  # a larger figure keeps its file name (and shows as a broken image)


def inline_figures(markdown_file: Path) -> str:
    """The Markdown with its figures (files beside it) as data: URIs: the UI cannot fetch local files.

    Only the Prefect artifact's copy changes; the report in the store keeps its file names."""
    folder = markdown_file.parent

    def embed(match: re.Match) -> str:
        figure = folder / match[2]
        if not figure.is_file() or figure.stat().st_size > MAX_INLINE_BYTES:
            return match[0]
        data = base64.b64encode(figure.read_bytes()).decode("ascii")
        return f"![{match[1]}](data:{MIME[match[3]]};base64,{data})"

    return FIGURE.sub(embed, markdown_file.read_text(encoding="utf-8"))


def flow_with_runner(runner: str = "local", dask_address: str | None = None, dask_workers: int = 2):
    """The flow on its task runner: ``local`` (stages in this process) or ``dask`` (a new local
    cluster of ``dask_workers`` workers, or the scheduler at ``dask_address``)."""
    if runner == "local" and not dask_address:
        return arabic_llm_flow
    from flows.runner import dask_task_runner

    return arabic_llm_flow.with_options(task_runner=dask_task_runner(dask_address, dask_workers))
