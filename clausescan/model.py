"""The data that flows between stages. Plain frozen dataclasses, serialisable to the JSON contract.

path --ingest--> Document --segment--> [Clause] --classify--> [Clause + labels/attributes]
     --rules--> [Finding] --> DocumentResult --> Report --formats--> bytes
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from clausescan.errors import ErrorInfo

SCHEMA_VERSION = 1
STATUSES = ("present", "weak", "missing", "waived")
SEVERITIES = ("info", "low", "medium", "high", "critical")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Block:
    """A unit the parser saw: a line (PDF/TXT), a paragraph or table cell (DOCX).

    ``start``/``end`` index ``Document.text``. ``number`` is list numbering the parser recovered
    (DOCX automatic numbering); ``heading_level`` comes from styles or Markdown ``#``.
    """

    start: int
    end: int
    page: int
    kind: str = "line"
    number: str | None = None
    heading_level: int | None = None
    ref: str | None = None  # where the block came from in the source (DOCX paragraph/row index)


@dataclass(frozen=True)
class Comment:
    """A reviewer comment carried by the source file (DOCX ``word/comments.xml``)."""

    author: str
    text: str
    anchor_start: int | None = None
    anchor_end: int | None = None


@dataclass(frozen=True)
class Document:
    """Text of one file with provenance. Pages are 1-based; ``page_starts[i]`` is where page i+1 starts."""

    path: str
    sha256: str
    format: str
    text: str
    page_starts: tuple[int, ...]
    blocks: tuple[Block, ...]
    extractor: str
    warnings: tuple[ErrorInfo, ...] = ()
    comments: tuple[Comment, ...] = ()
    headers_footers: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        return len(self.page_starts)

    def page_at(self, offset: int) -> int:
        """1-based page number of the character at ``offset``."""
        return max(1, bisect.bisect_right(self.page_starts, offset))


@dataclass(frozen=True)
class Label:
    label: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "score": round(self.score, 4)}


@dataclass(frozen=True)
class Clause:
    id: str
    number: str | None
    parent: str | None  # id of the parent clause
    heading: str | None
    text: str
    char_start: int
    char_end: int
    page_start: int
    page_end: int
    level: int = 0
    labels: tuple[Label, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def has_label(self, label: str) -> bool:
        return any(lab.label == label for lab in self.labels)

    def score(self, label: str) -> float:
        return max((lab.score for lab in self.labels if lab.label == label), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "parent": self.parent,
            "heading": self.heading,
            "level": self.level,
            "text": self.text,
            "page_start": self.page_start,
            "page_end": self.page_end,
            "char_start": self.char_start,
            "char_end": self.char_end,
            "labels": [lab.to_dict() for lab in sorted(self.labels, key=lambda x: (-x.score, x.label))],
            "attributes": {k: self.attributes[k] for k in sorted(self.attributes)},
        }


@dataclass(frozen=True)
class Evidence:
    clause_id: str
    number: str | None
    page: int
    quote: str
    char_start: int
    char_end: int
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause_id": self.clause_id,
            "clause_number": self.number,
            "page": self.page,
            "line": self.line,
            "quote": self.quote,
            "char_start": self.char_start,
            "char_end": self.char_end,
        }


@dataclass(frozen=True)
class Finding:
    """One rule checked against one document."""

    rule_id: str
    title: str
    label: str
    status: str  # present | weak | missing | waived
    severity: str
    confidence: str  # high | medium | low
    message: str
    evidence: tuple[Evidence, ...] = ()
    reasons: tuple[str, ...] = ()
    rationale: str = ""
    recommendation: str = ""
    suggested_language: str = ""
    sources: tuple[str, ...] = ()
    waiver: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "title": self.title,
            "label": self.label,
            "status": self.status,
            "severity": self.severity,
            "confidence": self.confidence,
            "message": self.message,
            "reasons": list(self.reasons),
            "evidence": [e.to_dict() for e in self.evidence],
            "rationale": self.rationale,
            "recommendation": self.recommendation,
            "suggested_language": self.suggested_language,
            "sources": list(self.sources),
            "waiver": self.waiver,
        }


@dataclass(frozen=True)
class DocumentResult:
    """Everything clausescan says about one input file. ``status == "error"`` means no findings."""

    path: str
    sha256: str | None
    format: str | None
    status: str  # ok | error
    error: ErrorInfo | None = None
    pages: int = 0
    extractor: str | None = None
    clauses: tuple[Clause, ...] = ()
    provisions: tuple[Finding, ...] = ()
    coverage: float | None = None
    warnings: tuple[ErrorInfo, ...] = ()
    comments: tuple[Comment, ...] = ()

    def to_dict(self, include_text: bool = True) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "format": self.format,
            "status": self.status,
            "error": self.error.to_dict() if self.error else None,
            "pages": self.pages,
            "extractor": self.extractor,
            "coverage": self.coverage,
            "warnings": [w.to_dict() for w in self.warnings],
            "clauses": [c.to_dict() for c in self.clauses] if include_text else [],
            "provisions": [f.to_dict() for f in self.provisions],
            "comments": [
                {"author": c.author, "text": c.text, "anchor_start": c.anchor_start, "anchor_end": c.anchor_end}
                for c in self.comments
            ],
        }


@dataclass(frozen=True)
class PlaybookInfo:
    id: str
    version: str
    title: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "version": self.version, "title": self.title}


@dataclass(frozen=True)
class Report:
    clausescan_version: str
    playbook: PlaybookInfo | None
    documents: tuple[DocumentResult, ...]
    model: str | None = None

    def to_dict(self) -> dict[str, Any]:
        docs = sorted(self.documents, key=lambda d: d.path)
        return {
            "schema_version": SCHEMA_VERSION,
            "clausescan_version": self.clausescan_version,
            "playbook": self.playbook.to_dict() if self.playbook else None,
            "model": self.model,
            "summary": summarise(docs),
            "documents": [d.to_dict() for d in docs],
        }


def summarise(docs: list[DocumentResult] | tuple[DocumentResult, ...]) -> dict[str, Any]:
    counts = {s: 0 for s in STATUSES}
    for d in docs:
        for f in d.provisions:
            counts[f.status] += 1
    return {
        "documents": len(docs),
        "documents_ok": sum(1 for d in docs if d.status == "ok"),
        "documents_error": sum(1 for d in docs if d.status == "error"),
        "pages": sum(d.pages for d in docs),
        "findings": counts,
    }


# --- reading results back (result cache, baselines) ---------------------------------------------


def _error_from(d: dict[str, Any] | None) -> ErrorInfo | None:
    return ErrorInfo(d["code"], d["message"], d.get("hint")) if d else None


def clause_from_dict(d: dict[str, Any]) -> Clause:
    return Clause(
        id=d["id"],
        number=d["number"],
        parent=d.get("parent"),
        heading=d["heading"],
        text=d["text"],
        char_start=d["char_start"],
        char_end=d["char_end"],
        page_start=d["page_start"],
        page_end=d["page_end"],
        level=d.get("level", 0),
        # most clauses have neither: skip building empty containers (a cached re-scan reads 15,000)
        labels=tuple(Label(x["label"], x["score"]) for x in labels) if (labels := d.get("labels")) else (),
        attributes=dict(attributes) if (attributes := d.get("attributes")) else {},
    )


def finding_from_dict(d: dict[str, Any]) -> Finding:
    return Finding(
        rule_id=d["rule_id"],
        title=d.get("title", ""),
        label=d["label"],
        status=d["status"],
        severity=d["severity"],
        confidence=d.get("confidence", "medium"),
        message=d["message"],
        evidence=tuple(
            Evidence(
                e["clause_id"],
                e.get("clause_number"),
                e["page"],
                e["quote"],
                e["char_start"],
                e["char_end"],
                e.get("line"),
            )
            for e in d.get("evidence", [])
        ),
        reasons=tuple(d.get("reasons", [])),
        rationale=d.get("rationale", ""),
        recommendation=d.get("recommendation", ""),
        suggested_language=d.get("suggested_language", ""),
        sources=tuple(d.get("sources", [])),
        waiver=d.get("waiver"),
    )


def result_from_dict(d: dict[str, Any]) -> DocumentResult:
    return DocumentResult(
        path=d["path"],
        sha256=d.get("sha256"),
        format=d.get("format"),
        status=d["status"],
        error=_error_from(d.get("error")),
        pages=d.get("pages", 0),
        extractor=d.get("extractor"),
        clauses=tuple(clause_from_dict(c) for c in d.get("clauses", [])),
        provisions=tuple(finding_from_dict(f) for f in d.get("provisions", [])),
        coverage=d.get("coverage"),
        warnings=tuple(ErrorInfo(w["code"], w["message"], w.get("hint")) for w in d.get("warnings", [])),
        comments=tuple(
            Comment(c["author"], c["text"], c.get("anchor_start"), c.get("anchor_end")) for c in d.get("comments", [])
        ),
    )
