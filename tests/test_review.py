"""For the lawyer: filled clause language, annotated DOCX, review memo, version comparison, CLI.

Assertions are on structure and on the deliberate v1 -> v2 changes (sample_contracts/versions/
CHANGES.md), not on classifier scores, so they hold when the model in models/ is replaced.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from clausescan.cli import main
from clausescan.ingest import IngestOptions, ingest
from clausescan.model import DocumentResult, Label
from clausescan.nlp import default_tagger
from clausescan.review import defined_terms, fill_language, with_filled_language
from clausescan.review.annotate import annotate_docx, body_paragraphs, map_clauses, write_review_memo
from clausescan.review.compare import compare, period_delta_text, render_comparison
from clausescan.review.language import PLACEHOLDER_RE, fill_template, number_words, period_words
from clausescan.rules.loader import Playbook
from clausescan.scan import ScanOptions, load_scan_playbook, scan_document

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_contracts"
MANAGED = SAMPLES / "strong-managed-services.docx"
PDF = SAMPLES / "strong-it-outsourcing.pdf"
V1 = SAMPLES / "versions" / "acme-msa-v1.docx"
V2 = SAMPLES / "versions" / "acme-msa-v2.docx"
# CHANGES.md: clause -> (kind, verdict) of the five deliberate edits
DELIBERATE = {
    "clause 21.2": ("modified", "weakened"),
    "clause 20.1": ("modified", "weakened"),
    "clause 9.6": ("removed", "removed"),
    "clause 4.2": ("modified", "strengthened"),
    "clause 14.2": ("modified", "weakened"),
}
# provision -> acceptable verdicts: the deletion clause is gone, but whether the classifier still
# finds (weaker) deletion wording elsewhere decides between "removed" and "weakened"
EXPECTED_PROVISIONS = {
    "EXIT002": ("weakened",),
    "TERM001": ("weakened",),
    "DATA002": ("removed", "weakened"),
    "SLA002": ("strengthened",),
    "RISK003": ("weakened",),
}


@pytest.fixture(scope="module")
def playbook() -> Playbook:
    return load_scan_playbook(ScanOptions())


@pytest.fixture(scope="module")
def scans(playbook: Playbook) -> dict[str, DocumentResult]:
    old = Path.cwd()
    os.chdir(REPO)  # display paths relative to the repo, as the CLI shows them
    try:
        tagger, options = default_tagger(), ScanOptions()
        return {p.name: scan_document(p.relative_to(REPO), playbook, tagger, options) for p in (MANAGED, PDF, V1, V2)}
    finally:
        os.chdir(old)


def _norm(text: str) -> str:
    text = text.translate(str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'", "–": "-", "—": "-"}))
    return " ".join(text.split()).casefold()


def _strip_number(text: str) -> str:
    return re.sub(r"^\s*(?:\d+(?:\.\d+)*[.)]?|\([a-z0-9]{1,4}\))\s+", "", text)


def _all_texts(document: Any) -> list[str]:
    """Every paragraph and table-cell text python-docx sees (nested tables included)."""
    out = [p.text for p in document.paragraphs]

    def cells(tables: Any) -> None:
        for t in tables:
            for row in t.rows:
                for cell in row.cells:
                    out.append(cell.text)
                    cells(cell.tables)

    cells(document.tables)
    return out


def _anchors(path: Path) -> dict[int, str]:
    """comment id -> text of the paragraph its range starts in."""
    document = docx.Document(str(path))
    out = {}
    for start in document.element.body.iter(qn("w:commentRangeStart")):
        p = next(a for a in start.iterancestors() if a.tag == qn("w:p"))
        out[int(start.get(qn("w:id")))] = Paragraph(p, None).text  # type: ignore[arg-type]
    return out


def _comments(path: Path) -> dict[int, tuple[str, str]]:
    document = docx.Document(str(path))
    return {c.comment_id: (c.author, c.text) for c in document.comments}


# ---------------------------------------------------------------------------------------------
# Suggested language


def test_number_and_period_words() -> None:
    assert number_words(12) == "twelve"
    assert number_words(45) == "forty-five"
    assert number_words(180) == "one hundred and eighty"
    assert period_words(360) == "twelve (12) months"
    assert period_words(365) == "twelve (12) months"
    assert period_words(180) == "six (6) months"
    assert period_words(45) == "forty-five (45) days"
    assert period_words(90, possessive=True, unit="day") == "ninety (90) days'"
    assert period_words(30) == "one (1) month"


def test_fill_template_capitalises_and_keeps_unknown_braces() -> None:
    template = "{supplier} shall notify {customer}. {customer}'s right {other} on {notice_period} written notice."
    text = fill_template(
        template, {"customer": "the Client", "supplier": "Provider"}, {"transition_days": 360, "notice_days": 60}
    )
    assert text == ("Provider shall notify the Client. The Client's right {other} on sixty (60) days' written notice.")


def test_defined_terms_follow_the_contract(scans: dict[str, DocumentResult]) -> None:
    assert defined_terms(scans[MANAGED.name]) == {"customer": "Customer", "supplier": "Provider"}
    assert defined_terms(scans[PDF.name]) == {"customer": "the Customer", "supplier": "the Supplier"}


def test_fill_language_uses_parties_and_periods(scans: dict[str, DocumentResult], playbook: Playbook) -> None:
    rule = playbook.rule("EXIT002")
    assert rule is not None and "{transition_period}" in rule.suggested_language
    managed = scans[MANAGED.name]
    text = fill_language(rule, managed, defined_terms(managed), playbook.thresholds)
    assert not PLACEHOLDER_RE.search(text)
    assert text.startswith("Provider shall continue") and "Customer may extend" in text
    months = re.search(r"Termination Assistance Period of [a-z -]+ \((\d+)\) months", text)
    assert months and int(months.group(1)) >= 6  # never below the playbook floor
    # the contract's own period wins when it is longer than min_transition_days ...
    clause = replace(managed.clauses[0], labels=(Label("transition_period", 0.9),), attributes={"transition_days": 540})
    longer = replace(managed, clauses=(clause,))
    assert "Termination Assistance Period of eighteen (18) months" in fill_language(
        rule, longer, None, playbook.thresholds
    )
    # ... and the floor (min_transition_days = 180 days) applies when it is shorter
    shorter = replace(managed, clauses=(replace(clause, attributes={"transition_days": 90}),))
    default = fill_language(rule, shorter, None, playbook.thresholds)
    assert "Termination Assistance Period of six (6) months" in default
    # no defined terms: "the Customer" / "the Supplier", capitalised at the start of a sentence
    assert default.startswith("The Supplier shall") and "by giving the Supplier thirty (30)" in default


def test_with_filled_language_is_deterministic_and_idempotent(
    scans: dict[str, DocumentResult], playbook: Playbook
) -> None:
    result = scans[V1.name]
    once = with_filled_language(result, playbook)
    assert once == with_filled_language(result, playbook)
    assert with_filled_language(once, playbook) == once
    for f in once.provisions:
        assert not PLACEHOLDER_RE.search(f.suggested_language), f.rule_id
    term001 = next(f for f in once.provisions if f.rule_id == "TERM001")
    assert "ninety (90) days' written notice" in term001.suggested_language
    assert term001.suggested_language.startswith("The Customer may terminate")


# ---------------------------------------------------------------------------------------------
# Annotated DOCX


@pytest.fixture(scope="module")
def annotated(
    tmp_path_factory: pytest.TempPathFactory, scans: dict[str, DocumentResult], playbook: Playbook
) -> dict[str, tuple[Path, Any]]:
    out = tmp_path_factory.mktemp("annotated")
    done = {}
    for src in (MANAGED, V1, V2):
        dst = out / f"reviewed-{src.name}"
        done[src.name] = (dst, annotate_docx(src, dst, scans[src.name], playbook))
    return done


@pytest.mark.parametrize("src", [MANAGED, V1], ids=["managed", "acme-v1"])
def test_every_clause_maps_to_a_paragraph(src: Path, scans: dict[str, DocumentResult]) -> None:
    result = scans[src.name]
    paras = body_paragraphs(docx.Document(str(src)))
    mapping = map_clauses(paras, list(result.clauses))
    assert len(mapping) == len(result.clauses)
    for clause in result.clauses:
        para = paras[mapping[clause.id]].text
        first = _norm(_strip_number(clause.text.split("\n", 1)[0].split(" | ", 1)[0]))
        assert first[:60] in _norm(para) or _norm(para) in first, (clause.number, para[:80])


@pytest.mark.parametrize("src", [MANAGED, V1], ids=["managed", "acme-v1"])
def test_annotated_docx_has_comments_on_the_evidence(
    src: Path, annotated: dict[str, tuple[Path, Any]], scans: dict[str, DocumentResult]
) -> None:
    dst, summary = annotated[src.name]
    result = scans[src.name]
    assert summary.mode == "comments" and summary.matched == summary.evidence_clauses > 0
    with zipfile.ZipFile(dst) as zf:
        assert "word/comments.xml" in zf.namelist()
    comments = _comments(dst)
    anchors = _anchors(dst)
    ours = {cid: text for cid, (author, text) in comments.items() if author == "clausescan"}
    assert len(ours) == summary.comments_added
    assert set(ours) <= set(anchors)
    by_id = {c.id: c for c in result.clauses}
    for f in result.provisions:
        if f.status == "missing":
            continue
        for e in f.evidence:
            first = _norm(_strip_number(by_id[e.clause_id].text.split("\n", 1)[0].split(" | ", 1)[0]))[:60]
            hits = [
                cid
                for cid, text in ours.items()
                if f.rule_id in text and (first in _norm(anchors[cid]) or _norm(anchors[cid]) in first)
            ]
            assert hits, (f.rule_id, e.number)


def _comment_on(path: Path, starts: str) -> str:
    comments, anchors = _comments(path), _anchors(path)
    texts = [
        comments[cid][1]
        for cid, para in anchors.items()
        if _norm(para).startswith(_norm(starts)) and comments[cid][0] == "clausescan"
    ]
    assert texts, f"no clausescan comment on the paragraph starting {starts!r}"
    return "\n".join(texts)


def test_comments_sit_on_the_right_paragraphs(
    annotated: dict[str, tuple[Path, Any]], scans: dict[str, DocumentResult]
) -> None:
    managed = annotated[MANAGED.name][0]
    assert "DATA001" in _comment_on(managed, "Section 8.3 Return of Customer Data")
    assert "EXIT001" in _comment_on(managed, "Section 14.1 Disengagement Services")
    acme = annotated[V1.name][0]
    assert "DATA001" in _comment_on(acme, "9.5\tWithin thirty (30) days after the Termination Date")
    text = _comment_on(acme, "20.1\tThe Customer may terminate")
    assert "TERM001 Termination for convenience" in text and "Why it matters" in text
    # and wherever the classifier puts EXIT002's evidence, the comment is on that clause's paragraph
    exit002 = next(f for f in scans[V1.name].provisions if f.rule_id == "EXIT002")
    for e in exit002.evidence:
        clause = next(c for c in scans[V1.name].clauses if c.id == e.clause_id)
        assert "EXIT002" in _comment_on(acme, clause.text.split("\n", 1)[0][:60])


@pytest.mark.parametrize("src", [MANAGED, V1, V2], ids=["managed", "acme-v1", "acme-v2"])
def test_first_comment_lists_missing_provisions(
    src: Path, annotated: dict[str, tuple[Path, Any]], scans: dict[str, DocumentResult]
) -> None:
    dst, _ = annotated[src.name]
    comments, anchors = _comments(dst), _anchors(dst)
    first_id = min(cid for cid, (author, _) in comments.items() if author == "clausescan")
    text = comments[first_id][1]
    assert text.startswith("clausescan review") and "Missing provisions" in text
    assert _norm(anchors[first_id]) == _norm(docx.Document(str(dst)).paragraphs[0].text)
    missing = [f for f in scans[src.name].provisions if f.status == "missing"]
    for f in missing:
        assert f"{f.rule_id} {f.title}" in text and f.severity.upper() in text
    if not missing:
        assert "Missing provisions: none" in text


def test_summary_comment_gives_position_and_language_for_missing(
    tmp_path: Path, scans: dict[str, DocumentResult], playbook: Playbook
) -> None:
    result = scans[V1.name]  # make DATA002 missing whatever the classifier says
    provisions = tuple(
        replace(f, status="missing", evidence=(), reasons=()) if f.rule_id == "DATA002" else f
        for f in result.provisions
    )
    dst = tmp_path / "v1-missing.docx"
    summary = annotate_docx(V1, dst, replace(result, provisions=provisions), playbook)
    comments = _comments(dst)
    first = comments[min(cid for cid, (a, _) in comments.items() if a == "clausescan")][1]
    assert summary.missing >= 1
    assert "[MEDIUM] DATA002 Certified deletion of Customer Data after return" in first
    assert "Recommended position: Ask for secure deletion" in first
    assert "Suggested language: Within thirty (30) days after the Customer confirms" in first
    assert "DATA002" not in "".join(
        text
        for cid, (a, text) in comments.items()
        if a == "clausescan" and cid != min(c for c, (x, _) in comments.items() if x == "clausescan")
    )


@pytest.mark.parametrize("src", [MANAGED, V1], ids=["managed", "acme-v1"])
def test_document_text_is_unchanged(src: Path, annotated: dict[str, tuple[Path, Any]]) -> None:
    dst, _ = annotated[src.name]
    assert _all_texts(docx.Document(str(dst))) == _all_texts(docx.Document(str(src)))
    before = ingest(src, IngestOptions(), display_path=src.name)
    after = ingest(dst, IngestOptions(), display_path=src.name)
    assert after.text == before.text and after.blocks == before.blocks
    assert len(after.comments) == len(before.comments) + annotated[src.name][1].comments_added


def test_existing_word_comment_survives(annotated: dict[str, tuple[Path, Any]]) -> None:
    original = _comments(MANAGED)
    assert [a for a, _ in original.values()] == ["Jordan Alvarez"]
    dst, _ = annotated[MANAGED.name]
    comments, anchors = _comments(dst), _anchors(dst)
    ((cid, (author, text)),) = original.items()
    assert comments[cid] == (author, text)
    assert anchors[cid] == _anchors(MANAGED)[cid]


def test_annotated_docx_converts_with_libreoffice(annotated: dict[str, tuple[Path, Any]], tmp_path: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    dst, _ = annotated[MANAGED.name]
    proc = subprocess.run(
        [
            office,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(dst),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    pdf = tmp_path / (dst.stem + ".pdf")
    assert proc.returncode == 0 and pdf.exists() and pdf.stat().st_size > 10_000, proc.stderr
    assert pdf.read_bytes().startswith(b"%PDF")


# ---------------------------------------------------------------------------------------------
# Review memo


def test_review_memo_for_a_pdf(tmp_path: Path, scans: dict[str, DocumentResult], playbook: Playbook) -> None:
    result = scans[PDF.name]
    dst = tmp_path / "memo.docx"
    summary = write_review_memo(result, playbook, dst)
    assert summary.mode == "memo" and summary.findings == len(result.provisions)
    memo = docx.Document(str(dst))
    text = "\n".join(p.text for p in memo.paragraphs)
    assert memo.paragraphs[0].text.startswith("Contract review memo")
    assert result.sha256 and result.sha256 in text and "strong-it-outsourcing.pdf" in text
    summary_table, findings_table = memo.tables[0], memo.tables[1]
    rows = {r.cells[0].text: r.cells[1].text for r in summary_table.rows}
    assert rows["Coverage (severity-weighted)"].endswith("%") and rows["Provisions checked"] == "30"
    assert [c.text for c in findings_table.rows[0].cells] == ["Rule", "Severity", "Status", "Clause", "Page"]
    assert len(findings_table.rows) == len(result.provisions) + 1
    for f in result.provisions:
        assert any(p.style.name == "Heading 2" and p.text.startswith(f"{f.rule_id} {f.title}") for p in memo.paragraphs)
    assert "Quote, clause 21.2, page" in text  # quotes carry clause and page numbers
    assert "Suggested language: The Supplier shall" in text and not PLACEHOLDER_RE.search(text)


# ---------------------------------------------------------------------------------------------
# Comparison


def test_compare_finds_exactly_the_deliberate_changes(scans: dict[str, DocumentResult], playbook: Playbook) -> None:
    cmp = compare(scans[V1.name], scans[V2.name], playbook)
    assert {c.where: (c.kind, c.verdict) for c in cmp.changes} == DELIBERATE
    deltas = {(c.where, d.attribute): d for c in cmp.changes for d in c.deltas}
    transition = deltas[("clause 21.2", "transition_days")]
    assert (transition.old, transition.new, transition.direction) == (360, 180, "weaker")
    assert transition.text == "transition period 12 → 6 months"
    notice = deltas[("clause 20.1", "notice_days")]
    assert (notice.old, notice.new, notice.direction) == (90, 180, "weaker")
    assert notice.text.endswith("90 → 180 days")
    credit = deltas[("clause 4.2", "credit_percent")]
    assert (credit.old, credit.new, credit.direction) == (5, 10, "stronger")
    assert credit.text == "service credit 5% → 10%"
    # per provision: the five effects, and nothing changed that no deliberate edit explains
    verdicts = {p.rule_id: p.verdict for p in cmp.provisions}
    for rule_id, allowed in EXPECTED_PROVISIONS.items():
        assert verdicts[rule_id] in allowed, (rule_id, verdicts[rule_id])
    for p in cmp.changed_provisions:
        assert p.clauses and set(p.clauses) <= set(DELIBERATE), (p.rule_id, p.clauses)
    assert next(p for p in cmp.provisions if p.rule_id == "RISK003").new_status == "weak"
    assert next(p for p in cmp.provisions if p.rule_id == "DATA002").new_status in ("weak", "missing")
    assert cmp.weakened and not cmp.moved


def test_compare_with_itself_reports_nothing(scans: dict[str, DocumentResult], playbook: Playbook) -> None:
    cmp = compare(scans[V1.name], scans[V1.name], playbook)
    assert cmp.changes == () and not cmp.changed_provisions and not cmp.weakened
    assert cmp.matched == cmp.old_clauses == cmp.new_clauses
    assert "No changes" in render_comparison(cmp, "text")


def test_moved_and_renumbered_clauses_are_unchanged(scans: dict[str, DocumentResult], playbook: Playbook) -> None:
    old = scans[V1.name]
    clauses = list(old.clauses)
    moved = clauses.pop(next(i for i, c in enumerate(clauses) if c.number == "4.2"))
    renumbered = []
    for c in clauses:
        if c.number and re.fullmatch(r"25\.\d", c.number):  # clause 25 becomes clause 30
            number = "30" + c.number[2:]
            c = replace(c, number=number, text=c.text.replace(c.number, number, 1))
        renumbered.append(c)
    new = replace(old, clauses=(*renumbered, moved))
    cmp = compare(old, new, playbook)
    assert cmp.changes == () and not cmp.changed_provisions
    assert ("25.1", "30.1") in cmp.moved


def test_compare_output_is_deterministic(scans: dict[str, DocumentResult], playbook: Playbook) -> None:
    a = render_comparison(compare(scans[V1.name], scans[V2.name], playbook), "json")
    b = render_comparison(compare(scans[V1.name], scans[V2.name], playbook), "json")
    assert a == b
    data = json.loads(a)
    assert data["weakened"] is True and len(data["changes"]) == 5
    assert data["summary"]["removed"] + data["summary"]["weakened"] >= 4 and data["summary"]["strengthened"] >= 1
    md = render_comparison(compare(scans[V1.name], scans[V2.name], playbook), "markdown")
    assert "~~twelve (12)~~ **six (6)**" in md and "## Provisions that changed" in md


def test_period_delta_text_uses_the_contracts_unit() -> None:
    assert (
        period_delta_text("transition period", 360, 180, "twelve (12) months", "six (6) months")
        == "transition period 12 → 6 months"
    )
    assert (
        period_delta_text("notice period", 90, 180, "ninety (90) days'", "one hundred and eighty (180) days'")
        == "notice period 90 → 180 days"
    )
    assert period_delta_text("cure period", 30, 45, "", "") == "cure period 30 → 45 days"


# ---------------------------------------------------------------------------------------------
# CLI


def _run(*args: str) -> Any:
    old = Path.cwd()
    os.chdir(REPO)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def test_cli_annotate_docx(tmp_path: Path) -> None:
    out = tmp_path / "reviewed.docx"
    result = _run("annotate", str(MANAGED), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "annotated copy" in result.output and out.exists()
    assert any(a == "clausescan" for a, _ in _comments(out).values())


def test_cli_annotate_pdf_writes_a_memo(tmp_path: Path) -> None:
    out = tmp_path / "memo.docx"
    result = _run("annotate", str(PDF), "-o", str(out), "--playbook", "backsourcing")
    assert result.exit_code == 0, result.output
    assert "review memo" in result.output
    assert docx.Document(str(out)).paragraphs[0].text.startswith("Contract review memo")


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_cli_compare_formats(fmt: str, tmp_path: Path) -> None:
    result = _run("compare", str(V1), str(V2), "-f", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert json.loads(result.output)["weakened"] is True
    else:
        assert "21.2" in result.output and ("WEAKENED" in result.output or "weakened" in result.output)
    out = tmp_path / f"cmp.{fmt}"
    assert _run("compare", str(V1), str(V2), "-f", fmt, "-o", str(out)).exit_code == 0
    assert out.read_text("utf-8") == result.output


def test_cli_compare_fail_on_weakening() -> None:
    assert _run("compare", str(V1), str(V2), "--fail-on-weakening").exit_code == 1
    assert _run("compare", str(V1), str(V1), "--fail-on-weakening").exit_code == 0
    assert _run("compare", str(V2), str(V1), "--fail-on-weakening", "-f", "json").exit_code == 1  # credit 10% -> 5%


def test_cli_bad_input_exits_2(tmp_path: Path) -> None:
    result = _run("annotate", str(tmp_path / "nope.docx"), "-o", str(tmp_path / "out.docx"))
    assert result.exit_code == 2 and "CS-IO-NOT-FOUND" in result.output and "hint:" in result.output
    legacy = tmp_path / "old.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    result = _run("compare", str(legacy), str(V1))
    assert result.exit_code == 2 and "error CS-" in result.output
    assert not (tmp_path / "out.docx").exists()
    result = _run("annotate", str(V1), "-o", str(V1))
    assert result.exit_code == 2 and "overwrite" in result.output


def test_regression_review_outputs_carried_the_time_they_were_written(
    tmp_path: Path, scans: dict[str, DocumentResult], playbook: Playbook
) -> None:
    """Every annotate run gave new bytes (comment dates and zip member times were "now"), so the
    committed docs/examples changed on each regeneration. Same input, same bytes; our comments are
    undated."""
    runs = []
    for k in (1, 2):
        copy, memo = tmp_path / f"reviewed-{k}.docx", tmp_path / f"memo-{k}.docx"
        annotate_docx(MANAGED, copy, scans[MANAGED.name], playbook)
        write_review_memo(scans[PDF.name], playbook, memo)
        runs.append((copy.read_bytes(), memo.read_bytes()))
        with zipfile.ZipFile(copy) as zf:
            assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
            ours = re.findall(rb"<w:comment [^>]*>", zf.read("word/comments.xml"))
            ours = [tag for tag in ours if b'w:author="clausescan"' in tag]
            assert ours and not any(b"w:date=" in tag for tag in ours)  # the contract's own comment keeps its date
    assert runs[0] == runs[1]
