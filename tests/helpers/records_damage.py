"""Ways a records table beside an artifact can be damaged, for the tests that prove reuse checks it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

DAMAGES = ("swap_starts", "point_at_another", "truncate", "garble", "change_stats", "swap_starts_resigned",
           "change_stats_resigned")


def _pair(table) -> tuple[int, int]:
    """Two rows in one shard with output rows at different starts."""
    shard = table.column("shard").to_pylist()
    start, count = table.column("start").to_pylist(), table.column("count").to_pylist()
    rows = [i for i in range(table.num_rows) if count[i] > 0]
    for a in rows:
        for b in rows:
            if shard[a] == shard[b] and start[a] != start[b]:
                return a, b
    raise AssertionError("no two rows to swap")


def damage(path: Path, how: str) -> None:
    """Damage the records table at ``path``; ``*_resigned`` also records the damaged table's digest in
    its artifact's manifest, as a writer with a bug would have (only the per-record digests catch it)."""
    import pyarrow as pa

    raw = path.read_bytes()
    if how == "truncate":
        path.write_bytes(raw[: len(raw) // 2])
        return
    if how == "garble":
        path.write_bytes(raw[:200] + bytes(b ^ 0x5A for b in raw[200:260]) + raw[260:])
        return
    table = pa.ipc.open_file(pa.BufferReader(raw)).read_all()
    base = how.removesuffix("_resigned")
    if base in ("swap_starts", "point_at_another"):
        a, b = _pair(table)
        start = table.column("start").to_pylist()
        start[a], start[b] = (start[b], start[a]) if base == "swap_starts" else (start[a], start[a])
        if base == "point_at_another":
            counts = table.column("count").to_pylist()
            counts[b] = counts[a]
            table = table.set_column(table.schema.get_field_index("count"), "count", pa.array(counts, pa.int64()))
        table = table.set_column(table.schema.get_field_index("start"), "start", pa.array(start, pa.int64()))
    elif base == "change_stats":
        stats = table.column("stats").to_pylist()
        stats[0] = json.dumps({**json.loads(stats[0]), "documents_changed": 7}, sort_keys=True)
        table = table.set_column(table.schema.get_field_index("stats"), "stats",
                                 pa.array(stats, pa.string()).dictionary_encode())
    else:
        raise ValueError(how)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as out:
        out.write_table(table)
    if how.endswith("_resigned"):
        manifest_path = path.parent / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        data = path.read_bytes()
        manifest["beside"] = [{"path": path.name, "size": len(data), "sha256": "sha256:" + hashlib.sha256(data).hexdigest()}]
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
