"""The contract back to the lawyer: Word comments on a DOCX, or a review memo for a PDF.

``annotate_docx`` copies a DOCX and adds Word comments (python-docx 1.2 ``add_comment``), so the
findings sit in the margin of the contract itself:

- one comment on each paragraph that starts a clause used as evidence for a rule, with the
  status, rule id and title, the message (which carries the reasons), why it matters and, for a
  weak provision, what to ask for and the suggested language (given in full on the first clause
  of each rule; later clauses of the same rule point back to it);
- one comment on the first paragraph: coverage and counts, then every missing provision with
  its severity, recommendation and suggested language.

Clauses are found in the Word file by their text, not by position: python-docx's
``paragraphs``/``tables`` order differs from clausescan's body walk (which counts table rows,
content controls and text boxes). Every ``w:p`` of the body is read in document order with the
same text rules as the ingester (deleted text and fallbacks skipped, tabs kept), cleaned with
the ingester's ``repair_line`` and normalised (whitespace, quotes, dashes, case). A clause's
first line is then looked up: (1) the first 80 characters equal a paragraph's, with or without
a leading number (Word's automatic list numbers are not in the paragraph text, but clausescan
prefixes them, e.g. "4.2 "); (2) for a table row, its first cell; (3) the start of the clause
inside a longer paragraph (a clause cut out of a long block). Candidates after the previous
match are preferred, so repeated texts map in document order. Only comment anchors and comment
reference runs are added: the document text is unchanged.

``write_review_memo`` writes the same review as a new DOCX for inputs that cannot carry
comments (PDF, TXT, Markdown): summary table, findings table, then each finding in detail.
"""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from docx.text.run import Run

from clausescan import __version__
from clausescan.formats._common import normalise_zip
from clausescan.ingest.cleanup import PLAIN_QUOTES, repair_line
from clausescan.model import STATUSES, Clause, DocumentResult, Finding
from clausescan.review.language import with_filled_language
from clausescan.rules.loader import Playbook

AUTHOR = "clausescan"
INITIALS = "CS"
KEY_CHARS = 80
_LEADING_NUMBER_RE = re.compile(
    r"^(?:\d{1,3}(?:\.\d{1,3})*[.)]?|\(?[a-z]{1,2}[.)]|\([ivxlc]{1,6}\)|\(\d{1,3}\)|[ivxlc]{1,6}[.)])\s+",
    re.IGNORECASE,
)
_SKIP_ANCESTORS = {"del", "Fallback"}
STATUS_LABEL = {"present": "PRESENT", "weak": "WEAK", "missing": "MISSING", "waived": "WAIVED"}
STATUS_ORDER = {"missing": 0, "weak": 1, "waived": 2, "present": 3}


@dataclass(frozen=True)
class AnnotateSummary:
    """What ``annotate_docx`` / ``write_review_memo`` wrote."""

    output: str
    mode: str  # "comments" (annotated DOCX) or "memo"
    comments_added: int = 0
    evidence_clauses: int = 0  # clauses carrying evidence for a rule
    matched: int = 0  # of those, located in the Word file
    unmatched: tuple[str, ...] = ()  # clause numbers (or ids) not located
    missing: int = 0
    findings: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "mode": self.mode,
            "comments_added": self.comments_added,
            "evidence_clauses": self.evidence_clauses,
            "matched": self.matched,
            "unmatched": list(self.unmatched),
            "missing": self.missing,
            "findings": self.findings,
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------------------------------------
# Text normalisation and paragraph discovery


def normalise(text: str) -> str:
    """Text as compared: ingester clean-up, straight quotes and dashes, single spaces, case-folded."""
    return " ".join(repair_line(text.replace("\n", " ")).translate(PLAIN_QUOTES).split()).casefold()


def strip_number(text: str) -> str:
    """ "4.2 The Supplier ..." -> "The Supplier ..." (one leading list number or letter)."""
    return _LEADING_NUMBER_RE.sub("", text.lstrip(), count=1)


def _local(el: Any) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _owner_ok(el: Any, p: Any) -> bool:
    """``el`` belongs to paragraph ``p`` (not to a nested text-box paragraph) and is not deleted text."""
    parent = el.getparent()
    while parent is not None:
        name = _local(parent)
        if name in _SKIP_ANCESTORS:
            return False
        if name == "p":
            return parent is p
        parent = parent.getparent()
    return False


def paragraph_text(p: Any) -> str:
    """A ``w:p``'s text read like the ingester reads it (tabs kept, breaks as spaces)."""
    out: list[str] = []
    for el in p.iter():
        name = _local(el)
        if name not in ("t", "tab", "br", "cr") or not _owner_ok(el, p):
            continue
        if name == "t":
            out.append(el.text or "")
        elif name == "tab":
            if _local(el.getparent()) == "r":
                out.append("\t")
        else:
            out.append(" ")
    return "".join(out)


@dataclass
class _Para:
    element: Any
    text: str
    norm: str
    stripped: str


def body_paragraphs(document: DocxDocument) -> list[_Para]:
    """Every paragraph of the body in document order: tables, content controls and text boxes too."""
    body = document.element.body
    out = []
    for p in body.iter(qn("w:p")):
        if any(_local(a) in _SKIP_ANCESTORS for a in p.iterancestors()):
            continue
        text = paragraph_text(p)
        norm = normalise(text)
        if norm:
            out.append(_Para(p, text, norm, normalise(strip_number(text))))
    return out


def _first_line(clause: Clause) -> str:
    return clause.text.lstrip().split("\n", 1)[0]


def _pick(candidates: list[int], cursor: int) -> int | None:
    if not candidates:
        return None
    after = [i for i in candidates if i >= cursor]
    return min(after) if after else min(candidates)


def map_clauses(paras: list[_Para], clauses: list[Clause]) -> dict[str, int]:
    """clause id -> index into ``paras`` of the paragraph the clause starts in (found ones only)."""
    by_prefix: dict[str, list[int]] = {}
    for i, p in enumerate(paras):
        for key in {p.norm[:KEY_CHARS], p.stripped[:KEY_CHARS]}:
            if key:
                by_prefix.setdefault(key, []).append(i)
    out: dict[str, int] = {}
    cursor = 0
    for clause in sorted(clauses, key=lambda c: c.char_start):
        line = _first_line(clause)
        full, bare = normalise(line), normalise(strip_number(line))
        found = _pick(sorted(set(by_prefix.get(full[:KEY_CHARS], []) + by_prefix.get(bare[:KEY_CHARS], []))), cursor)
        if found is None and " | " in line:  # a table row: its first cell's (first) paragraph
            cell = normalise(line.split(" | ", 1)[0])
            found = _pick(
                [
                    i
                    for i, p in enumerate(paras)
                    if cell.startswith(p.norm)
                    and (len(p.norm) == len(cell) or cell[len(p.norm)] == " ")
                    and len(p.norm) >= min(len(cell), 12)
                ],
                cursor,
            )
        if found is None and len(bare) >= 15:  # a clause that starts inside a longer paragraph
            key = bare[:60]
            found = _pick([i for i, p in enumerate(paras) if key in p.norm], cursor)
        if found is not None:
            out[clause.id] = found
            cursor = found
    return out


# ---------------------------------------------------------------------------------------------
# Comment text


def _runs_of(p: Any) -> list[Run]:
    """Runs to anchor a comment on: the paragraph's own text runs (direct children first)."""
    direct = [r for r in p.findall(qn("w:r")) if r.find(qn("w:t")) is not None]
    if not direct:
        direct = [r for r in p.iter(qn("w:r")) if r.find(qn("w:t")) is not None and _owner_ok(r, p)]
    return [Run(r, None) for r in direct]  # type: ignore[arg-type]


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def _counts(result: DocumentResult) -> dict[str, int]:
    counts = {s: 0 for s in STATUSES}
    for f in result.provisions:
        counts[f.status] += 1
    return counts


def _finding_block(f: Finding, full: bool = True, first_at: str = "") -> list[tuple[str, bool]]:
    """(text, bold) paragraphs describing one finding in a comment.

    ``full`` on the first clause the finding is commented on; the others get the status and
    message with a pointer back (``first_at``), so the margin does not repeat itself.
    """
    lines: list[tuple[str, bool]] = [(f"{STATUS_LABEL[f.status]}: {f.rule_id} {f.title} ({f.severity})", True)]
    lines.append((f.message, False))
    for r in f.reasons:
        if r not in f.message:
            lines.append((f"- {r}", False))
    if f.waiver:
        lines.append((f"Waived: {f.waiver}", False))
    if not full:
        lines.append(
            (
                f"Why it matters{' and suggested language' if f.status == 'weak' else ''}: "
                f"see the comment on {first_at}.",
                False,
            )
        )
        return lines
    if f.rationale:
        lines.append((f"Why it matters: {f.rationale}", False))
    if f.status == "weak":
        if f.recommendation:
            lines.append((f"What to ask for: {f.recommendation}", False))
        if f.suggested_language:
            lines.append((f"Suggested language: {f.suggested_language}", False))
    return lines


def _summary_block(
    result: DocumentResult, playbook: Playbook | None, unmatched: list[tuple[str, list[str]]]
) -> list[tuple[str, bool]]:
    counts = _counts(result)
    title = f"{playbook.title} {playbook.version}" if playbook else "playbook"
    lines: list[tuple[str, bool]] = [(f"clausescan review: {title}", True)]
    lines.append(
        (
            f"Coverage {_pct(result.coverage)}: {counts['present']} present, {counts['weak']} weak, "
            f"{counts['missing']} missing, {counts['waived']} waived. Each provision found is "
            f"commented on the clause that provides it.",
            False,
        )
    )
    missing = [f for f in result.provisions if f.status == "missing"]
    if not missing:
        lines.append(("Missing provisions: none. Every provision in the playbook was found.", True))
    else:
        lines.append((f"Missing provisions ({len(missing)}):", True))
        for f in missing:
            lines.append((f"[{f.severity.upper()}] {f.rule_id} {f.title}", True))
            lines.append((f.message, False))
            if f.recommendation:
                lines.append((f"Recommended position: {f.recommendation}", False))
            if f.suggested_language:
                lines.append((f"Suggested language: {f.suggested_language}", False))
    if unmatched:
        text = "; ".join(f"{where} ({', '.join(rules)})" for where, rules in unmatched)
        lines.append((f"Evidence not located in the Word text (no comment placed): {text}", False))
    return lines


def _save(document: DocxDocument, dst: Path) -> None:
    """Save with fixed zip timestamps and member order (formats._common.normalise_zip)."""
    buf = io.BytesIO()
    document.save(buf)
    dst.write_bytes(normalise_zip(buf.getvalue()))


def _add_comment(document: DocxDocument, para: _Para, lines: list[tuple[str, bool]]) -> bool:
    runs = _runs_of(para.element)
    if not runs:
        return False
    comment = document.add_comment(runs, text="", author=AUTHOR, initials=INITIALS)
    comment._comment_elm.attrib.pop(qn("w:date"), None)  # no timestamp: same input, same bytes
    first = True
    for text, bold in lines:
        target = comment.paragraphs[0] if first else comment.add_paragraph()
        first = False
        run = target.add_run(text)
        run.bold = bold or None
    return True


# ---------------------------------------------------------------------------------------------
# Annotated DOCX


def annotate_docx(src: Path, dst: Path, result: DocumentResult, playbook: Playbook | None) -> AnnotateSummary:
    """Copy ``src`` to ``dst`` with clausescan's findings as Word comments (see the module docstring)."""
    if result.status != "ok":
        raise ValueError(f"cannot annotate a document that failed to read: {result.error}")
    result = with_filled_language(result, playbook)
    src, dst = Path(src), Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.resolve() != dst.resolve():
        shutil.copyfile(src, dst)
    document = docx.Document(str(dst))
    paras = body_paragraphs(document)
    by_id = {c.id: c for c in result.clauses}

    # clause -> findings it carries evidence for
    carried: dict[str, list[Finding]] = {}
    for f in result.provisions:
        if f.status == "missing":
            continue
        for e in f.evidence:
            if e.clause_id in by_id and f not in carried.get(e.clause_id, []):
                carried.setdefault(e.clause_id, []).append(f)
    mapping = map_clauses(paras, [by_id[cid] for cid in carried])
    unmatched = [
        (f"clause {by_id[cid].number}" if by_id[cid].number else f"clause {cid}", sorted({f.rule_id for f in fs}))
        for cid, fs in sorted(carried.items())
        if cid not in mapping
    ]

    # one comment per paragraph: everything the clauses starting there carry
    per_para: dict[int, list[Finding]] = {}
    for cid in sorted(carried, key=lambda c: by_id[c].char_start):
        if cid in mapping:
            bucket = per_para.setdefault(mapping[cid], [])
            bucket.extend(f for f in carried[cid] if f not in bucket)
    first_at: dict[str, tuple[int, str]] = {}  # rule id -> (paragraph index, "clause 14.2") of its first comment
    for cid in sorted(mapping, key=lambda c: by_id[c].char_start):
        number = by_id[cid].number
        words = by_id[cid].text.split()
        label = f"clause {number}" if number else f'the text beginning "{" ".join(words[:5])}"'
        for f in carried[cid]:
            first_at.setdefault(f.rule_id, (mapping[cid], label))
    added = 0
    if paras and _add_comment(document, paras[0], _summary_block(result, playbook, unmatched)):
        added += 1
    for index in sorted(per_para):
        findings = sorted(per_para[index], key=lambda f: (STATUS_ORDER[f.status], f.rule_id))
        lines: list[tuple[str, bool]] = []
        for f in findings:
            if lines:
                lines.append(("", False))
            where_index, where = first_at[f.rule_id]
            lines.extend(_finding_block(f, full=where_index == index, first_at=where))
        if _add_comment(document, paras[index], lines):
            added += 1
    _save(document, dst)
    return AnnotateSummary(
        output=str(dst),
        mode="comments",
        comments_added=added,
        evidence_clauses=len(carried),
        matched=len(mapping),
        unmatched=tuple(w for w, _ in unmatched),
        missing=sum(1 for f in result.provisions if f.status == "missing"),
        findings=len(result.provisions),
    )


# ---------------------------------------------------------------------------------------------
# Review memo


def _table(document: DocxDocument, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
    """A grid table; ``widths`` in inches per column (Word and LibreOffice honour cell widths)."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    for column, width in zip(table.columns, widths):
        column.width = Inches(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Inches(width)


def _labelled(document: DocxDocument, label: str, text: str, style: str | None = None) -> None:
    para = document.add_paragraph(style=style)
    para.add_run(f"{label}: ").bold = True
    para.add_run(text)


def write_review_memo(
    result: DocumentResult, playbook: Playbook | None, dst: Path, model: str | None = None
) -> AnnotateSummary:
    """A DOCX review memo for ``result`` (any input format), written to ``dst``."""
    if result.status != "ok":
        raise ValueError(f"cannot write a memo for a document that failed to read: {result.error}")
    result = with_filled_language(result, playbook)
    dst = Path(dst)
    document = docx.Document()
    document.core_properties.title = f"Contract review memo: {Path(result.path).name}"
    document.core_properties.author = AUTHOR
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_heading(f"Contract review memo: {Path(result.path).name}", level=0)
    _labelled(document, "Document", result.path)
    _labelled(document, "SHA-256", result.sha256 or "n/a")
    _labelled(
        document,
        "Format",
        f"{result.format} ({result.pages} page{'s' if result.pages != 1 else ''}, read with {result.extractor})",
    )
    if playbook:
        _labelled(document, "Playbook", f"{playbook.title} (id {playbook.id}, version {playbook.version})")
    _labelled(document, "Produced by", f"clausescan {__version__}" + (f", model {model}" if model else ""))
    document.add_paragraph(
        "Produced automatically by clausescan. It finds and grades exit provisions; it does not replace a "
        "lawyer's reading of the contract. Clause numbers and page numbers refer to the document above."
    )

    counts = _counts(result)
    document.add_heading("Summary", level=1)
    _table(
        document,
        ["Measure", "Value"],
        [
            ["Coverage (severity-weighted)", _pct(result.coverage)],
            ["Provisions checked", str(len(result.provisions))],
            ["Present", str(counts["present"])],
            ["Weak", str(counts["weak"])],
            ["Missing", str(counts["missing"])],
            ["Waived", str(counts["waived"])],
            ["Clauses read", str(len(result.clauses))],
        ],
        [3.0, 1.5],
    )
    for w in result.warnings:
        _labelled(document, f"Warning {w.code}", w.message)

    document.add_heading("Findings", level=1)
    rows = []
    for f in result.provisions:
        clauses = ", ".join(e.number or "(unnumbered)" for e in f.evidence) or "-"
        pages = ", ".join(str(p) for p in sorted({e.page for e in f.evidence})) or "-"
        rows.append([f"{f.rule_id} {f.title}", f.severity, f.status, clauses, pages])
    _table(document, ["Rule", "Severity", "Status", "Clause", "Page"], rows, [3.0, 0.8, 0.8, 1.2, 0.7])

    document.add_heading("Findings in detail", level=1)
    for f in result.provisions:
        document.add_heading(f"{f.rule_id} {f.title}: {f.status} ({f.severity})", level=2)
        document.add_paragraph(f.message)
        for r in f.reasons:
            document.add_paragraph(r, style="List Bullet")
        if f.waiver:
            _labelled(document, "Waived", f.waiver)
        for e in f.evidence:
            where = f"clause {e.number}" if e.number else "unnumbered clause"
            _labelled(document, f"Quote, {where}, page {e.page}", e.quote, style="Quote")
        if not f.evidence:
            document.add_paragraph("Nothing in the document provides this.")
        if f.rationale:
            _labelled(document, "Why it matters", f.rationale)
        if f.recommendation:
            _labelled(document, "Recommendation", f.recommendation)
        if f.suggested_language:
            _labelled(document, "Suggested language", f.suggested_language, style="Intense Quote")
        if f.sources:
            _labelled(document, "Sources", "; ".join(f.sources))
    dst.parent.mkdir(parents=True, exist_ok=True)
    _save(document, dst)
    return AnnotateSummary(output=str(dst), mode="memo", missing=counts["missing"], findings=len(result.provisions))


def review(
    src: Path,
    dst: Path,
    result: DocumentResult,
    playbook: Playbook | None,
    memo: bool = False,
    model: str | None = None,
) -> AnnotateSummary:
    """Annotated DOCX for a .docx input, a review memo for anything else (or when ``memo``)."""
    if not memo and result.format == "docx" and Path(src).suffix.lower() == ".docx":
        try:
            return annotate_docx(src, dst, result, playbook)
        except (ValueError, KeyError) as exc:  # python-docx refuses the package: fall back to a memo
            summary = write_review_memo(result, playbook, dst, model)
            return AnnotateSummary(**{**summary.__dict__, "notes": (f"annotation failed ({exc}); wrote a memo",)})
    return write_review_memo(result, playbook, dst, model)
