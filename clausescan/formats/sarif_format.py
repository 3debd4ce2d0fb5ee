"""SARIF 2.1.0 for GitHub code scanning: weak/missing provisions become alerts on the contract file."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import quote

from clausescan.formats import FormatOptions, register
from clausescan.formats._common import where
from clausescan.model import Clause, DocumentResult, Evidence, Finding, Report

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/clausescan/clausescan"
FINGERPRINT_KEY = "clausescan/v1"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub's precision vocabulary; a rule gets the lowest confidence seen in its findings (conservative).
PRECISION = {"high": "high", "medium": "medium", "low": "low"}
PRECISION_ORDER = ("low", "medium", "high")
REPORTED = ("missing", "weak", "waived")  # present provisions are not problems, so not results
_ABSOLUTE = re.compile(r"^(/|[A-Za-z]:[/\\])")


def _artifact(path: str) -> dict[str, str]:
    """Repo-relative URI under %SRCROOT% (GitHub resolves it against the checkout); absolute paths as file URIs."""
    posix = path.replace("\\", "/")
    if _ABSOLUTE.match(posix):
        return {"uri": "file://" + ("" if posix.startswith("/") else "/") + quote(posix, safe="/:")}
    return {"uri": quote(posix, safe="/"), "uriBaseId": "%SRCROOT%"}


def _normalise_quote(e: Evidence) -> str:
    """Whitespace- and case-insensitive quote without its clause number: renumbering or moving keeps the identity."""
    text = " ".join(e.quote.split()).casefold()
    if e.number and text.startswith(e.number.casefold()):
        text = text[len(e.number) :].lstrip(" .):\t")
    return text


def fingerprint(f: Finding, path: str) -> str:
    content = _normalise_quote(f.evidence[0]) if f.evidence else "missing"
    return hashlib.sha256(f"{f.rule_id}|{path}|{content}".encode()).hexdigest()[:32]


def _message(f: Finding) -> str:
    text = f"{f.status.capitalize()}: {f.title}. {f.message}"
    extra = [r.rstrip(".") for r in f.reasons if r not in f.message]  # the engine usually appends them already
    if extra:
        text += " Reasons: " + "; ".join(extra) + "."
    if f.evidence:
        text += " Where: " + "; ".join(where(e) for e in f.evidence) + "."
    else:
        text += " Where: not found anywhere in the document."
    return text


def _region(d: DocumentResult, f: Finding, clauses: dict[str, Clause]) -> dict[str, int]:
    """Line region for text documents; PDF/DOCX have no lines GitHub could show, so line 1 (page is in the message)."""
    e = f.evidence[0] if f.evidence else None
    if e is None or e.line is None or d.format not in ("txt", "md"):
        return {"startLine": 1}
    region = {"startLine": e.line}
    c = clauses.get(e.clause_id)
    if c is not None and c.char_start <= e.char_start <= e.char_end <= c.char_end:
        span = c.text[e.char_start - c.char_start : e.char_end - c.char_start]
        region["endLine"] = e.line + span.count("\n")
    return region


def _rule(f: Finding, confidence: str) -> dict[str, Any]:
    help_md = [f"**What to ask for:** {f.recommendation}", f"**Why it matters:** {f.rationale}"]
    if f.suggested_language:
        help_md.append("**Suggested language:**\n\n> " + f.suggested_language.replace("\n", "\n> "))
    if f.sources:
        help_md.append("**Sources:**\n\n" + "\n".join(f"- {s}" for s in f.sources))
    rule: dict[str, Any] = {
        "id": f.rule_id,
        "name": "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", f.title)) or f.rule_id,
        "shortDescription": {"text": f.title or f.rule_id},
        "help": {"text": f.recommendation or f.title or f.rule_id, "markdown": "\n\n".join(help_md)},
        "defaultConfiguration": {"level": LEVELS[f.severity]},
        "properties": {
            "tags": [re.sub(r"\d+$", "", f.rule_id).lower() or f.rule_id, f.label],
            "precision": PRECISION.get(confidence, "medium"),
            "severity": f.severity,
        },
    }
    if f.rationale:
        rule["fullDescription"] = {"text": f.rationale}
    return rule


def _rules(docs: list[DocumentResult]) -> list[dict[str, Any]]:
    first: dict[str, Finding] = {}
    confidence: dict[str, str] = {}
    for d in docs:
        for f in d.provisions:
            first.setdefault(f.rule_id, f)
            seen = confidence.get(f.rule_id, "high")
            conf = f.confidence if f.confidence in PRECISION_ORDER else "medium"
            confidence[f.rule_id] = min(seen, conf, key=PRECISION_ORDER.index)
    return [_rule(first[r], confidence[r]) for r in sorted(first)]


def _result(d: DocumentResult, f: Finding, rule_index: int, clauses: dict[str, Clause]) -> dict[str, Any]:
    props: dict[str, Any] = {"status": f.status, "severity": f.severity, "confidence": f.confidence}
    if d.coverage is not None:
        props["coverage"] = d.coverage
    if f.evidence:
        props["page"] = f.evidence[0].page
        if f.evidence[0].number:
            props["clause"] = f.evidence[0].number
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS[f.severity],
        "message": {"text": _message(f)},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(d.path), "region": _region(d, f, clauses)}}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f, d.path)},
        "properties": props,
    }
    if f.status == "waived":  # still reported, but GitHub shows it as dismissed with the reason
        result["suppressions"] = [{"kind": "external", "justification": f.waiver or "waived"}]
    return result


def _notifications(docs: list[DocumentResult]) -> list[dict[str, Any]]:
    """Unreadable documents (errors) and reader warnings: GitHub lists these on the tool status page."""
    out = []
    for d in docs:
        problems = [("error", d.error)] if d.error else []
        problems += [("warning", w) for w in d.warnings]
        for level, info in problems:
            text = f"{d.path}: {info.code}: {info.message}" + (f" Hint: {info.hint}" if info.hint else "")
            out.append(
                {
                    "level": level,
                    "message": {"text": text},
                    "descriptor": {"id": info.code},
                    "locations": [{"physicalLocation": {"artifactLocation": _artifact(d.path)}}],
                }
            )
    return out


@register("sarif", ".sarif")
def render_sarif(report: Report, options: FormatOptions) -> str:
    docs = sorted(report.documents, key=lambda d: d.path)
    rules = _rules(docs)
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    for d in docs:
        clauses = {c.id: c for c in d.clauses}
        results += [_result(d, f, index[f.rule_id], clauses) for f in d.provisions if f.status in REPORTED]
    driver: dict[str, Any] = {
        "name": "clausescan",
        "version": report.clausescan_version,
        "informationUri": INFORMATION_URI,
        "rules": rules,
    }
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [
            {
                "executionSuccessful": not any(d.status == "error" for d in docs),
                "toolExecutionNotifications": _notifications(docs),
            }
        ],
        "results": results,
        "properties": {"model": report.model, "playbook": report.playbook.to_dict() if report.playbook else None},
    }
    # No automationDetails: upload-sarif's `category` input would not override ours, so leave that to the workflow.
    if options.base_uri:
        base = options.base_uri if options.base_uri.endswith("/") else options.base_uri + "/"
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": base}}
    sarif = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(sarif, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
