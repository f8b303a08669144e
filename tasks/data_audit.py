"""`data_audit`: drop documents with hateful or abusive content (lexicon), counting by reason."""

from __future__ import annotations

import functools
import json
from collections import Counter
from pathlib import Path

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import AuditConfig, RuntimeConfig
from arabic_llm.data.mapping import map_documents, per_record
from arabic_llm.layout import AUDIT_SUMMARY_FILE


@functools.lru_cache(maxsize=4)
def _auditor(params_json: str) -> ContentAuditor:  # built once per worker process
    from arabic_nlp.audit import ContentAuditor

    params = AuditConfig.model_validate_json(params_json)
    extra = {reason: list(terms) for reason, terms in params.extra_terms.items()}
    return ContentAuditor.build(("builtin",), extra or None, params.thresholds or None)


@per_record
def audit_shard(docs: list[dict], params: AuditConfig) -> list[tuple[list[dict], dict]]:
    if not params.enabled:
        return [([doc], {}) for doc in docs]
    auditor = _auditor(params.model_dump_json())
    out = []
    for doc in docs:
        verdict = auditor.check(" ".join(doc["sentences"]))
        if verdict.keep:
            out.append(([doc], {"dropped": 0, "dropped_by_reason": {}, "dropped_by_dialect": {}}))
            continue
        out.append(([], {"dropped": 1, "dropped_by_reason": dict(Counter(verdict.triggered)),  # reasons over threshold
                         "dropped_by_dialect": {doc.get("dialect", "unknown"): 1}}))
    return out


@stage_task("data_audit")
def data_audit(out_dir: Path, params: AuditConfig, docs: Path, runtime: RuntimeConfig = RuntimeConfig()) -> dict:
    summary = map_documents(audit_shard, params, docs, out_dir, "data_audit", workers=runtime.workers)
    (out_dir / AUDIT_SUMMARY_FILE).write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return summary
