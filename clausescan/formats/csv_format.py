"""Procurement view: one row per contract, one column per rule. Also the table behind the XLSX format."""

from __future__ import annotations

import csv
import io

from clausescan.formats import FormatOptions, register
from clausescan.formats._common import status_counts
from clausescan.model import DocumentResult, Report

BASE_COLUMNS = (
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
)
# Spreadsheets evaluate cells starting with these as formulas (CSV/formula injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


def guard(value: Cell) -> Cell:
    """Neutralise a text cell a spreadsheet would run as a formula; numbers pass through untouched."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def sorted_documents(report: Report) -> list[DocumentResult]:
    # Same order as Report.to_dict(), so every format lists documents alike.
    return sorted(report.documents, key=lambda d: d.path)


def rule_columns(docs: list[DocumentResult]) -> list[str]:
    """Rule ids in the order of the first readable document's findings, then any others by id."""
    first = next((d for d in docs if d.status == "ok"), None)
    order = {f.rule_id: i for i, f in enumerate(first.provisions)} if first else {}
    ids = {f.rule_id for d in docs for f in d.provisions}
    return sorted(ids, key=lambda r: (order.get(r, len(order)), r))


def table(report: Report) -> tuple[list[str], list[list[Cell]]]:
    """Header and typed rows (numbers stay numbers for XLSX); text cells are already guarded."""
    docs = sorted_documents(report)
    rules = rule_columns(docs)
    rows: list[list[Cell]] = []
    for d in docs:
        counts = status_counts(d)
        by_rule = {f.rule_id: f.status for f in d.provisions}
        row: list[Cell] = [
            d.path,
            d.status,
            d.format,
            d.pages,
            d.coverage,
            counts["missing"],
            counts["weak"],
            counts["present"],
            counts["waived"],
            d.error.code if d.error else None,
            d.error.message if d.error else None,
            *(by_rule.get(r) for r in rules),
        ]
        rows.append([guard(c) for c in row])
    return [str(guard(h)) for h in (*BASE_COLUMNS, *rules)], rows


@register("csv", ".csv")
def render_csv(report: Report, options: FormatOptions) -> str:
    header, rows = table(report)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    return buf.getvalue()
