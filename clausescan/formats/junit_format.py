"""JUnit XML for CI test views (GitLab, Jenkins): a contract is a suite, a rule is a test case."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from clausescan.formats import FormatOptions, register
from clausescan.formats._common import split_message, where_all
from clausescan.model import DocumentResult, Finding, Report, severity_rank

# XML 1.0 cannot carry most control characters (PDF text has form feeds); ElementTree would write them anyway.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _x(text: str) -> str:
    return _INVALID_XML.sub("", text)


def _details(f: Finding) -> str:
    message, reasons = split_message(f)
    lines = [f"{f.status.upper()} [{f.severity}] {f.rule_id} {f.title}", message]
    lines += [f"- {r}" for r in reasons]
    lines.append(f"Where: {where_all(f, empty='not found in the document')}")
    lines += [f"Quote (clause {e.number or 'unnumbered'}, page {e.page}): {e.quote}" for e in f.evidence]
    if f.waiver:
        lines.append(f"Waived: {f.waiver}")
    if f.rationale:
        lines.append(f"Why it matters: {f.rationale}")
    if f.recommendation:
        lines.append(f"What to ask for: {f.recommendation}")
    return _x("\n".join(lines))


def _fails(f: Finding, fail_on: str) -> bool:
    # Same rule as the CLI exit code, so the CI test view and the job status agree.
    if fail_on == "never" or f.status not in ("missing", "weak"):
        return False
    return severity_rank(f.severity) >= severity_rank(fail_on)


def _suite(d: DocumentResult, fail_on: str) -> tuple[ET.Element, dict[str, int]]:
    suite = ET.Element("testsuite", name=_x(d.path))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if d.error:
        case = ET.SubElement(suite, "testcase", classname=_x(d.path), name="read document", time="0")
        err = ET.SubElement(case, "error", type=_x(d.error.code), message=_x(f"{d.error.code}: {d.error.message}"))
        lines = [d.error.hint, "No provisions were assessed: the text could not be read."]
        err.text = _x("\n".join(line for line in lines if line))
        counts["tests"] = counts["errors"] = 1
    for f in d.provisions:
        case = ET.SubElement(suite, "testcase", classname=_x(d.path), name=_x(f"{f.rule_id} {f.title}"), time="0")
        counts["tests"] += 1
        if _fails(f, fail_on):
            failure = ET.SubElement(case, "failure", type=f.status, message=_x(f"{f.status}: {f.message}"))
            failure.text = _details(f)
            counts["failures"] += 1
        elif f.status == "waived":
            ET.SubElement(case, "skipped", message=_x(f"waived: {f.waiver or ''}"))
            counts["skipped"] += 1
        else:  # passing (present, or weak/missing below --fail-on): still show what was found
            ET.SubElement(case, "system-out").text = _details(f)
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("time", "0")
    return suite, counts


@register("junit", ".xml")
def render_junit(report: Report, options: FormatOptions) -> str:
    root = ET.Element("testsuites", name="clausescan")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for d in sorted(report.documents, key=lambda d: d.path):
        suite, counts = _suite(d, options.fail_on)
        root.append(suite)
        totals = {k: totals[k] + counts[k] for k in totals}
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
