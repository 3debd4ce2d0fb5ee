"""Report formats: golden files, schemas (JSON, SARIF), escaping, injection guards, determinism."""

from __future__ import annotations

import csv
import difflib
import html
import importlib.util
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import openpyxl
import pytest

from clausescan.errors import HINTS, ErrorInfo
from clausescan.formats import FormatOptions, available, render
from clausescan.formats.csv_format import guard
from clausescan.formats.markdown_format import quote, slug
from clausescan.formats.sarif_format import LEVELS
from clausescan.model import (
    SEVERITIES,
    STATUSES,
    Clause,
    DocumentResult,
    Evidence,
    Finding,
    Report,
    severity_rank,
)

from .conftest import REPO, SHARED_SCHEMAS

UPDATE = "python tools/update_golden.py"
REPORT_SCHEMA = REPO / "clausescan" / "schemas" / "report-v1.schema.json"
SARIF_SCHEMA = SHARED_SCHEMAS / "sarif-schema-2.1.0.json"
EVIL = '<script>alert(1)</script>"onload=alert(2)'
ERROR_PATH = "sample_contracts/locked, final v2.pdf"  # space and comma: SARIF must URI-encode them


def _load_golden_tool() -> ModuleType:
    """tools/update_golden.py defines how golden files are rendered; the test uses the very same code."""
    spec = importlib.util.spec_from_file_location("update_golden", REPO / "tools" / "update_golden.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


golden = _load_golden_tool()


def as_bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def findings(report: Report) -> list[tuple[DocumentResult, Finding]]:
    return [(d, f) for d in report.documents for f in d.provisions]


def replace_doc(report: Report, path_part: str, **changes: Any) -> Report:
    docs = tuple(replace(d, **changes) if path_part in d.path else d for d in report.documents)
    return replace(report, documents=docs)


@pytest.fixture(scope="module")
def mixed_report(sample_report: Report) -> Report:
    """The sample scan plus what it lacks: an unreadable document, a waived finding and a reader warning."""
    docs = []
    for d in sample_report.documents:
        if d.path.endswith("weak-hosting-services.txt"):
            first_missing = next(f for f in d.provisions if f.status == "missing")
            waived = replace(first_missing, status="waived", waiver="Accepted by legal, ticket LEG-42 (config waiver)")
            d = replace(
                d,
                provisions=tuple(waived if f is first_missing else f for f in d.provisions),
                warnings=(ErrorInfo("CS-PDF-LOW-QUALITY", "Some text looks garbled.", HINTS["CS-PDF-LOW-QUALITY"]),),
            )
        docs.append(d)
    docs.append(
        DocumentResult(
            ERROR_PATH,
            None,
            "pdf",
            "error",
            ErrorInfo("CS-PDF-ENCRYPTED", "The PDF is encrypted.", HINTS["CS-PDF-ENCRYPTED"]),
        )
    )
    return replace(sample_report, documents=tuple(docs))


@pytest.fixture(scope="module")
def evil_report(mixed_report: Report) -> Report:
    """Hostile contract text and file names everywhere a formatter copies report data."""
    doc = next(d for d in mixed_report.documents if d.path.endswith("weak-hosting-services.txt"))
    target = next(f for f in doc.provisions if f.status == "weak" and f.evidence)
    e = target.evidence[0]
    clauses = tuple(replace(c, text=f"{c.text} {EVIL}") if c.id == e.clause_id else c for c in doc.clauses)
    bad_quote = f"{e.quote} {EVIL} | `tick` \x0c\x0b=cmd()"
    evidence = (replace(e, quote=bad_quote), *target.evidence[1:])
    provisions = tuple(
        replace(f, evidence=evidence, title=f"{f.title} {EVIL}", message=f"{f.message} {EVIL}") if f is target else f
        for f in doc.provisions
    )
    evil_doc = replace(
        doc,
        path=f"sample_contracts/{EVIL}|`x`.txt",
        clauses=clauses,
        provisions=provisions,
        warnings=(ErrorInfo("CS-PDF-LOW-QUALITY", EVIL, None),),
    )
    evil_error = DocumentResult(f"=cmd|{EVIL}.pdf", None, "pdf", "error", ErrorInfo("CS-PDF-CORRUPT", EVIL, EVIL))
    others = tuple(d for d in mixed_report.documents if d is not doc)
    return replace(mixed_report, documents=(*others, evil_doc, evil_error))


# ---------------------------------------------------------------------------------------------- golden files


def test_golden_tool_covers_every_format() -> None:
    assert set(golden.FORMATS) == set(available()), f"add the new format to tools/update_golden.py and run {UPDATE}"


@pytest.mark.parametrize("fmt", [f for f in golden.FORMATS if f != "xlsx"])
def test_golden(sample_report: Report, fmt: str) -> None:
    path: Path = golden.golden_path(fmt)
    if not path.exists():
        pytest.fail(f"golden file {path.relative_to(REPO)} is missing: run `{UPDATE}`")
    actual = golden.render_golden(sample_report, fmt)
    expected = path.read_bytes()
    if actual != expected:
        diff = list(
            difflib.unified_diff(
                expected.decode().splitlines(), actual.decode().splitlines(), "golden", "now", lineterm="", n=1
            )
        )
        pytest.fail(
            f"{fmt} output differs from {path.relative_to(REPO)}. If the change is intended, run `{UPDATE}` "
            "and review `git diff tests/golden`.\n" + "\n".join(diff[:60]),
            pytrace=False,
        )


def xlsx_snapshot(data: bytes) -> dict[str, Any]:
    """What a reader of the workbook sees: values, colours, frozen panes, filters (not zip bytes)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    snap: dict[str, Any] = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        snap[ws.title] = {
            "values": [list(r) for r in ws.iter_rows(values_only=True)],
            "fills": [[c.fill.fgColor.rgb if c.fill.fill_type else None for c in row] for row in ws.iter_rows()],
            "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
        }
    return snap


def test_golden_xlsx(sample_report: Report) -> None:
    path: Path = golden.golden_path("xlsx")
    if not path.exists():
        pytest.fail(f"golden file {path.relative_to(REPO)} is missing: run `{UPDATE}`")
    expected, actual = xlsx_snapshot(path.read_bytes()), xlsx_snapshot(golden.render_golden(sample_report, "xlsx"))
    assert actual == expected, f"xlsx differs from {path.relative_to(REPO)}; if intended, run `{UPDATE}`"


# ---------------------------------------------------------------------------------------------- JSON


@pytest.fixture(scope="module")
def report_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("include_text", [True, False])
def test_json_matches_report_schema(
    report_validator: jsonschema.Draft202012Validator, sample_report: Report, mixed_report: Report, include_text: bool
) -> None:
    for report in (sample_report, mixed_report):
        data = json.loads(render("json", report, FormatOptions(include_text=include_text)))
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in report_validator.iter_errors(data)]
        assert not errors, errors[:5]


def test_report_schema_is_strict_where_it_should_be(
    report_validator: jsonschema.Draft202012Validator, mixed_report: Report
) -> None:
    good = json.loads(render("json", mixed_report))
    ok_doc = next(i for i, d in enumerate(good["documents"]) if d["status"] == "ok" and d["provisions"])
    error_doc = next(i for i, d in enumerate(good["documents"]) if d["status"] == "error")

    def invalid(mutate: Any) -> bool:
        data = json.loads(json.dumps(good))
        mutate(data)
        return not report_validator.is_valid(data)

    assert not invalid(lambda d: d.update(future_field=1)), "extra top-level fields are allowed"
    assert not invalid(lambda d: d["documents"][ok_doc].update(future_field=1)), "extra document fields are allowed"
    assert invalid(lambda d: d.pop("summary"))
    assert invalid(lambda d: d.update(schema_version=2))
    assert invalid(lambda d: d["documents"][ok_doc].update(status="partial"))
    assert invalid(lambda d: d["documents"][ok_doc].pop("coverage"))
    assert invalid(lambda d: d["documents"][ok_doc]["provisions"][0].update(status="absent"))
    assert invalid(lambda d: d["documents"][ok_doc]["provisions"][0].update(severity="urgent"))
    assert invalid(lambda d: d["documents"][ok_doc]["provisions"][0].pop("rule_id"))
    assert invalid(lambda d: d["documents"][error_doc].update(error=None))  # an error document must say why
    assert invalid(lambda d: d["documents"][ok_doc].update(error={"code": "CS-X", "message": "", "hint": None}))


# ---------------------------------------------------------------------------------------------- SARIF


def sarif(report: Report, options: FormatOptions | None = None) -> dict[str, Any]:
    return json.loads(render("sarif", report, options))


@pytest.mark.parametrize("which", ["sample", "mixed", "evil"])
def test_sarif_validates_against_official_schema(
    which: str, sample_report: Report, mixed_report: Report, evil_report: Report
) -> None:
    if not SARIF_SCHEMA.exists():
        pytest.skip(f"SARIF schema not available: {SARIF_SCHEMA}")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    report = {"sample": sample_report, "mixed": mixed_report, "evil": evil_report}[which]
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(sarif(report))]
    assert not errors, errors[:5]


def test_sarif_results_are_what_github_needs(mixed_report: Report) -> None:
    log = sarif(mixed_report)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "clausescan" and driver["version"] == mixed_report.clausescan_version
    assert driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert {r["id"] for r in rules} == {f.rule_id for _, f in findings(mixed_report)}
    for r in rules:
        assert r["shortDescription"]["text"] and r["help"]["text"] and r["help"]["markdown"]
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert len(r["properties"]["tags"]) == 2
    assert "originalUriBaseIds" not in run
    reported = [(d, f) for d, f in findings(mixed_report) if f.status in ("missing", "weak", "waived")]
    results = run["results"]
    assert len(results) == len(reported)
    for res in results:
        assert res["ruleId"] and rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")
        assert res["message"]["text"].strip()
        assert len(res["locations"]) == 1
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not loc["artifactLocation"]["uri"].startswith("/") and " " not in loc["artifactLocation"]["uri"]
        assert loc["region"]["startLine"] >= 1
        assert re.fullmatch(r"[0-9a-f]{32}", res["partialFingerprints"]["clausescan/v1"])
        assert res["properties"]["status"] in ("missing", "weak", "waived")
    fingerprints = [r["partialFingerprints"]["clausescan/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints), "one alert per rule and document"


def test_sarif_levels_locations_and_suppressions(mixed_report: Report) -> None:
    results = sarif(mixed_report)["runs"][0]["results"]
    reported = [
        (d, f)
        for d, f in sorted(findings(mixed_report), key=lambda x: x[0].path)
        if f.status in ("missing", "weak", "waived")
    ]
    assert [LEVELS[f.severity] for _, f in reported] == [r["level"] for r in results]
    assert LEVELS == {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
    for (d, f), res in zip(reported, results, strict=True):
        assert res["ruleId"] == f.rule_id
        region = res["locations"][0]["physicalLocation"]["region"]
        if f.evidence and d.format in ("txt", "md"):
            assert region["startLine"] == f.evidence[0].line
            assert region["endLine"] >= region["startLine"]
            assert f"line {f.evidence[0].line}" in res["message"]["text"]
        else:
            assert region == {"startLine": 1}
        if f.evidence:
            e = f.evidence[0]
            assert res["properties"]["page"] == e.page and f"page {e.page}" in res["message"]["text"]
            if e.number:
                assert res["properties"]["clause"] == e.number and f"clause {e.number}" in res["message"]["text"]
        if f.status == "waived":
            assert res["suppressions"] == [{"kind": "external", "justification": f.waiver}]
        else:
            assert "suppressions" not in res


def test_sarif_errors_become_notifications(sample_report: Report, mixed_report: Report) -> None:
    clean = sarif(sample_report)["runs"][0]["invocations"][0]
    assert clean["executionSuccessful"] is True and clean["toolExecutionNotifications"] == []
    invocation = sarif(mixed_report)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    errors = [n for n in invocation["toolExecutionNotifications"] if n["level"] == "error"]
    assert len(errors) == 1 and "CS-PDF-ENCRYPTED" in errors[0]["message"]["text"]
    uri = errors[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "sample_contracts/locked%2C%20final%20v2.pdf"
    assert any(
        n["level"] == "warning" and n["descriptor"]["id"] == "CS-PDF-LOW-QUALITY"
        for n in invocation["toolExecutionNotifications"]
    )


def test_sarif_base_uri_only_when_given(sample_report: Report) -> None:
    run = sarif(sample_report, FormatOptions(base_uri="https://example.invalid/contracts"))["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "https://example.invalid/contracts/"}}


def _moved(report: Report, path_part: str, chars: int, pages: int, lines: int) -> Report:
    """The same contract with text inserted before every clause: offsets, pages and lines all shift."""
    doc = next(d for d in report.documents if path_part in d.path)

    def shift_evidence(e: Evidence) -> Evidence:
        return replace(
            e,
            char_start=e.char_start + chars,
            char_end=e.char_end + chars,
            page=e.page + pages,
            line=e.line + lines if e.line else None,
        )

    def shift_clause(c: Clause) -> Clause:
        return replace(
            c,
            char_start=c.char_start + chars,
            char_end=c.char_end + chars,
            page_start=c.page_start + pages,
            page_end=c.page_end + pages,
        )

    provisions = tuple(replace(f, evidence=tuple(shift_evidence(e) for e in f.evidence)) for f in doc.provisions)
    return replace_doc(
        report,
        path_part,
        clauses=tuple(shift_clause(c) for c in doc.clauses),
        provisions=provisions,
        pages=doc.pages + pages,
    )


def _fingerprints(report: Report) -> dict[tuple[str, str], str]:
    return {
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"]): r["partialFingerprints"][
            "clausescan/v1"
        ]
        for r in sarif(report)["runs"][0]["results"]
    }


@pytest.mark.parametrize("path_part", ["weak-hosting-services.txt", "weak-support-agreement.pdf"])
def test_sarif_fingerprints_survive_moved_clauses(sample_report: Report, path_part: str) -> None:
    before = _fingerprints(sample_report)
    after = _fingerprints(_moved(sample_report, path_part, chars=1234, pages=2, lines=40))
    assert before == after
    # the positions did move, so the test is not vacuous
    moved = sarif(_moved(sample_report, path_part, chars=1234, pages=2, lines=40))["runs"][0]["results"]
    assert moved != sarif(sample_report)["runs"][0]["results"]


def test_sarif_fingerprint_tracks_content_not_numbering(sample_report: Report) -> None:
    doc = next(d for d in sample_report.documents if d.path.endswith("weak-hosting-services.txt"))
    f = next(f for f in doc.provisions if f.status == "weak" and f.evidence and f.evidence[0].number)
    e = f.evidence[0]
    assert e.quote.startswith(e.number or "")

    def with_quote(number: str, quote: str) -> dict[tuple[str, str], str]:
        ev = (replace(e, number=number, quote=quote), *f.evidence[1:])
        provisions = tuple(replace(x, evidence=ev) if x is f else x for x in doc.provisions)
        return _fingerprints(replace_doc(sample_report, doc.path, provisions=provisions))

    key = ("sample_contracts/weak-hosting-services.txt", f.rule_id)
    original = _fingerprints(sample_report)[key]
    renumbered = "99.9" + e.quote[len(e.number or "") :]
    assert with_quote("99.9", renumbered)[key] == original, "renumbering a clause keeps the alert"
    assert with_quote(e.number or "", "  " + e.quote.upper().replace(" ", "\n  ") + " ")[key] == original
    assert with_quote(e.number or "", e.quote + " Unless the Supplier agrees.")[key] != original, "new text, new alert"


# ---------------------------------------------------------------------------------------------- HTML / Markdown


class _TagChecker(HTMLParser):
    """Collects ids, hrefs and unclosed or mismatched tags: enough to catch broken markup."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src") and value is not None:
                self.hrefs.append(value)
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name}")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()


def check_html(text: str) -> _TagChecker:
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    assert not checker.problems, checker.problems[:5]
    assert checker.stack == [], checker.stack
    return checker


def test_html_is_self_contained_and_well_formed(mixed_report: Report) -> None:
    page = render("html", mixed_report)
    assert page.startswith("<!DOCTYPE html>")
    checker = check_html(page)
    assert "script" not in checker.tags and "link" not in checker.tags and "img" not in checker.tags
    assert all(h.startswith("#") for h in checker.hrefs), "no external resources or links"
    assert "url(" not in page and "@import" not in page
    assert {h[1:] for h in checker.hrefs} <= checker.ids, "every table-of-contents link has a target"
    assert len([h for h in checker.hrefs if h.startswith("#doc-")]) == len(mixed_report.documents)


def test_html_content_for_a_lawyer(mixed_report: Report) -> None:
    page = render("html", mixed_report)
    assert f"clausescan {mixed_report.clausescan_version}" in page
    assert mixed_report.playbook is not None and mixed_report.playbook.id in page
    for status in ("MISSING", "WEAK", "PRESENT", "WAIVED", "ERROR"):
        assert f">{status}</span>" in page, "status badges carry a word, not only a colour"
    assert "CS-PDF-ENCRYPTED" in page and "No provisions were assessed" in page
    assert "Accepted by legal, ticket LEG-42" in page
    for heading in ("Why it matters", "What to ask for", "Suggested language", "Sources", "Evidence"):
        assert f"<h4>{heading}</h4>" in page
    txt = next(d for d in mixed_report.documents if d.path.endswith(".txt"))
    e = next(f for f in txt.provisions if f.evidence).evidence[0]
    assert f"line {e.line}" in page
    for f in txt.provisions:  # reasons are shown once, never lost
        assert all(html.escape(r, quote=True) in page for r in f.reasons)
    # worst first within each document, as the engine ordered them
    section = page.split("<h2>sample_contracts/weak-hosting-services.txt</h2>")[1].split("</section>")[0]
    order = re.findall(r'<article class="finding (\w+)"', section)
    assert order == [f.status for f in txt.provisions]


def test_html_escapes_everything(evil_report: Report) -> None:
    page = render("html", evil_report)
    check_html(page)
    assert "<script" not in page.lower()
    assert '"onload=' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;onload=alert(2)" in page
    assert page.count("&lt;script&gt;") >= 5  # path (twice: contents, heading), quote, title, message, warning...


def test_markdown_escapes_and_quotes(evil_report: Report) -> None:
    text = render("markdown", evil_report)
    assert "<script" not in text.lower() and "&lt;script&gt;" in text
    assert "`tick`" not in text, "backticks are escaped"
    doc_rows = [line for line in text.splitlines() if line.startswith("| [")]
    assert len(doc_rows) == len(evil_report.documents)
    for row in doc_rows:  # escaped pipes keep every row at seven columns
        assert len(re.findall(r"(?<!\\)\|", row)) == 7, row
    assert "> " in text and re.search(r"^> .*&lt;script&gt;", text, re.M), "evidence is quoted with >"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9. BUSINESS CONTINUITY", "> 9\\. BUSINESS CONTINUITY"),  # not an ordered list
        ("- item\n# heading\n    code", "> \\- item\n> \\# heading\n> code"),
        ("a | b `c` <d> *e* [f](g)", "> a \\| b \\`c\\` &lt;d&gt; \\*e\\* \\[f\\](g)"),
    ],
)
def test_markdown_quote_escaping(raw: str, expected: str) -> None:
    assert quote(raw) == expected


def test_markdown_content_and_anchors(mixed_report: Report) -> None:
    text = render("markdown", mixed_report)
    headings = [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")]
    seen: dict[str, int] = {}
    anchors = {slug(html.unescape(re.sub(r"\\(.)", r"\1", h)), seen) for h in headings}
    links = re.findall(r"\]\(#([^)]+)\)", text)
    assert links and set(links) <= anchors, set(links) - anchors
    assert "🔴 MISSING" in text and "🟠 WEAK" in text and "🔵 WAIVED" in text and "⛔ ERROR" in text
    assert "No provisions were assessed" in text and "CS-PDF-ENCRYPTED" in text
    assert "## Rule reference" in text and "**Why it matters:**" in text and "**What to ask for:**" in text
    # each unreadable or weak single-document comment fits GitHub's 65,536-character comment limit
    for d in mixed_report.documents:
        assert len(render("markdown", replace(mixed_report, documents=(d,)))) < 65536, d.path


def test_regression_markdown_comment_over_the_github_limit_drops_suggested_language(sample_report: Report) -> None:
    """A weak contract's single-document comment grew to 65,839 characters and GitHub would reject it."""
    big = Finding(**{**_finding_fields(sample_report), "suggested_language": "The Supplier shall " * 4000})
    doc = next(d for d in sample_report.documents if d.path.endswith("weak-hosting-services.txt"))
    one = replace(sample_report, documents=(replace(doc, provisions=(big, *doc.provisions[1:])),))
    text = render("markdown", one)
    assert len(text) <= 65536
    assert "`clausescan rules explain RULE_ID` prints it" in text and "Suggested language</summary>" not in text
    assert "**Why it matters:**" in text and "**What to ask for:**" in text
    assert "[why it matters, sources](#" in text and "suggested language, sources" not in text
    # a report that fits keeps the suggested language
    v2 = next(d for d in sample_report.documents if d.path.endswith("acme-msa-v2.docx"))
    fits = render("markdown", replace(sample_report, documents=(v2,)))
    assert "Suggested language</summary>" in fits and "rules explain RULE_ID" not in fits


def _finding_fields(report: Report) -> dict[str, Any]:
    doc = next(d for d in report.documents if d.path.endswith("weak-hosting-services.txt"))
    first = next(f for f in doc.provisions if f.status != "present")
    return {name: getattr(first, name) for name in first.__dataclass_fields__}


# ---------------------------------------------------------------------------------------------- JUnit


def _junit(report: Report, fail_on: str) -> ET.Element:
    return ET.fromstring(render("junit", report, FormatOptions(fail_on=fail_on)).encode("utf-8"))


@pytest.mark.parametrize("fail_on", [*SEVERITIES, "never"])
def test_junit_counts_and_failures(mixed_report: Report, fail_on: str) -> None:
    root = _junit(mixed_report, fail_on)
    assert root.tag == "testsuites"
    by_case = {(d.path, f"{f.rule_id} {f.title}"): f for d, f in findings(mixed_report)}
    expected_failures = {
        k
        for k, f in by_case.items()
        if f.status in ("missing", "weak")
        and fail_on != "never"
        and severity_rank(f.severity) >= severity_rank(fail_on)
    }
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == sorted(d.path for d in mixed_report.documents)
    failed, skipped, errored = set(), set(), set()
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests", -1)) == len(cases)
        assert int(suite.get("failures", -1)) == len(suite.findall("testcase/failure"))
        assert int(suite.get("errors", -1)) == len(suite.findall("testcase/error"))
        assert int(suite.get("skipped", -1)) == len(suite.findall("testcase/skipped"))
        for case in cases:
            assert case.get("classname") == suite.get("name")
            key = (case.get("classname"), case.get("name"))
            if (failure := case.find("failure")) is not None:
                failed.add(key)
                assert failure.get("type") == by_case[key].status and failure.get("message")
            if case.find("skipped") is not None:
                skipped.add(key)
            if case.find("error") is not None:
                errored.add(key)
    assert failed == expected_failures
    assert skipped == {k for k, f in by_case.items() if f.status == "waived"} and len(skipped) == 1
    assert errored == {(ERROR_PATH, "read document")}
    totals = {k: int(root.get(k, -1)) for k in ("tests", "failures", "errors", "skipped")}
    assert totals == {"tests": len(by_case) + 1, "failures": len(expected_failures), "errors": 1, "skipped": 1}


def test_junit_survives_hostile_text(evil_report: Report) -> None:
    root = _junit(evil_report, "info")  # parses although the quote held form feeds and markup
    assert any(EVIL in (s.get("name") or "") for s in root.iter("testsuite"))


# ---------------------------------------------------------------------------------------------- CSV / XLSX


def _csv(report: Report) -> list[list[str]]:
    return list(csv.reader(io.StringIO(render("csv", report))))


def test_csv_procurement_view(mixed_report: Report) -> None:
    rows = _csv(mixed_report)
    header, body = rows[0], rows[1:]
    base = [
        "path",
        "status",
        "format",
        "pages",
        "coverage",
        "missing",
        "weak",
        "present",
        "waived",
        "error_code",
        "error_message",
    ]
    assert header[:11] == base
    docs = sorted(mixed_report.documents, key=lambda d: d.path)
    assert [r[0] for r in body] == [d.path for d in docs]
    first_ok = next(d for d in docs if d.status == "ok")
    assert header[11 : 11 + len(first_ok.provisions)] == [f.rule_id for f in first_ok.provisions]
    for d, row in zip(docs, body, strict=True):
        cells = dict(zip(header, row, strict=True))
        assert cells["status"] == d.status
        if d.error:
            assert cells["error_code"] == d.error.code and all(cells[r] == "" for r in header[11:])
            continue
        for s in STATUSES:
            assert int(cells[s]) == sum(1 for f in d.provisions if f.status == s)
        assert {r: cells[r] for r in header[11:] if cells[r]} == {f.rule_id: f.status for f in d.provisions}
    assert render("csv", mixed_report).count("\r") == 0


@pytest.mark.parametrize("value", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_injection_guard(value: str) -> None:
    assert guard(value) == "'" + value
    assert guard(guard(value)) == guard(value)


def test_csv_and_xlsx_neutralise_formulas(mixed_report: Report) -> None:
    hostile = '=HYPERLINK("http://example.invalid","click")'
    report = replace(
        mixed_report,
        documents=(
            *mixed_report.documents,
            DocumentResult(hostile, None, "pdf", "error", ErrorInfo("CS-PDF-CORRUPT", "+cmd|' /C calc'!A0", None)),
        ),
    )
    row = next(r for r in _csv(report) if "HYPERLINK" in r[0])
    assert row[0] == "'" + hostile and row[10] == "'+cmd|' /C calc'!A0"
    wb = openpyxl.load_workbook(io.BytesIO(as_bytes(render("xlsx", report))))
    cells = [c for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert "'" + hostile in cells


def test_xlsx_workbook(mixed_report: Report) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(as_bytes(render("xlsx", mixed_report))))
    assert wb.sheetnames == ["Contracts", "Findings"]
    ws = wb["Contracts"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == _csv(mixed_report)[0]
    docs = sorted(mixed_report.documents, key=lambda d: d.path)
    assert [r[0] for r in rows[1:]] == [d.path for d in docs]
    assert [r[1] for r in rows[1:]] == [d.status for d in docs]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == ws.dimensions
    header = rows[0]
    colours = {"present": "C6EFCE", "weak": "FFEB9C", "missing": "FFC7CE", "waived": "DDEBF7"}
    seen = set()
    for row_cells in ws.iter_rows(min_row=2):
        for cell, name in zip(row_cells, header, strict=True):
            if name in header[11:] and cell.value:
                assert cell.fill.fgColor.rgb.endswith(colours[cell.value]), (name, cell.value)
                seen.add(cell.value)
    assert seen == set(STATUSES)
    assert ws.column_dimensions["A"].width > 20
    detail = wb["Findings"]
    drows = list(detail.iter_rows(values_only=True))
    assert drows[0] == ("path", "rule_id", "title", "severity", "status", "message", "clause", "page", "quote")
    assert len(drows) - 1 == len(findings(mixed_report)) + 1  # + the unreadable document
    assert wb.properties.created.year == 2000


# ---------------------------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("fmt", sorted(available()))
def test_rendering_is_deterministic(mixed_report: Report, fmt: str) -> None:
    first = as_bytes(render(fmt, mixed_report))
    assert as_bytes(render(fmt, mixed_report)) == first
    shuffled = replace(mixed_report, documents=tuple(reversed(mixed_report.documents)))
    assert as_bytes(render(fmt, shuffled)) == first, "document order in the report does not matter"


@pytest.mark.parametrize("fmt", sorted(available()))
def test_every_format_renders_hostile_input(evil_report: Report, fmt: str) -> None:
    data = as_bytes(render(fmt, evil_report))
    assert data
    if fmt in ("json", "sarif"):
        json.loads(data)
    if fmt == "xlsx":
        assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["Contracts", "Findings"]
