"""``--baseline previous.json``: keep only findings that are new relative to an earlier report.

A finding is identified by its rule, document path and the text of its evidence (not positions),
the same fingerprint SARIF output uses, so moving a clause does not make an old finding "new".
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

from clausescan.errors import UsageError
from clausescan.model import DocumentResult, Finding, Report


def fingerprint(path: str, rule_id: str, status: str, quotes: list[str]) -> str:
    quote = " ".join(re.sub(r"\s+", " ", q).strip().lower() for q in quotes) or "missing"
    return hashlib.sha256(f"{rule_id}|{path}|{status}|{quote}".encode()).hexdigest()[:32]


def finding_fingerprint(doc: DocumentResult, f: Finding) -> str:
    return fingerprint(doc.path, f.rule_id, f.status, [e.quote for e in f.evidence])


def load_baseline(path: str) -> set[str]:
    try:
        data = json.loads(Path(path).read_text("utf-8"))
        known = set()
        for d in data["documents"]:
            for f in d.get("provisions", []):
                known.add(
                    fingerprint(d["path"], f["rule_id"], f["status"], [e["quote"] for e in f.get("evidence", [])])
                )
        return known
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError("CS-BASELINE-INVALID", f"cannot read baseline {path}: {exc}") from exc


def apply_baseline(report: Report, known: set[str]) -> Report:
    """Drop missing/weak findings already present in the baseline."""
    docs = []
    for d in report.documents:
        kept = tuple(
            f for f in d.provisions if f.status not in ("missing", "weak") or finding_fingerprint(d, f) not in known
        )
        docs.append(replace(d, provisions=kept))
    return replace(report, documents=tuple(docs))
