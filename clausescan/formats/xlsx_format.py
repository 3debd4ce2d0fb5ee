"""The CSV procurement table as a workbook people can filter, plus one row per finding. Byte-for-byte stable."""

from __future__ import annotations

import datetime
import io
import re

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from clausescan.formats import FormatOptions, register
from clausescan.formats._common import normalise_zip
from clausescan.formats.csv_format import Cell, guard, sorted_documents, table
from clausescan.model import Report

# (fill, font) like Excel's Good / Neutral / Bad styles; the cell also holds the word, so colour is not the only cue.
STATUS_COLOURS = {
    "present": ("C6EFCE", "006100"),
    "weak": ("FFEB9C", "9C5700"),
    "missing": ("FFC7CE", "9C0006"),
    "waived": ("DDEBF7", "1F4E78"),
    "error": ("FFC7CE", "9C0006"),
}
FINDING_COLUMNS = ("path", "rule_id", "title", "severity", "status", "message", "clause", "page", "quote")
FIXED_PROPS_TIME = datetime.datetime(2000, 1, 1)
# openpyxl stamps dcterms:modified with now() while saving, whatever the workbook properties say.
MODIFIED_RE = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _cell(value: Cell) -> Cell:
    """Guarded cell without the control characters XML (and so openpyxl) refuses, e.g. PDF form feeds."""
    if isinstance(value, str):  # strip first: "\x0b=cmd" must still be caught by the guard
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return guard(value)


def _style_sheet(ws: Worksheet, header: list[str], widths: dict[int, float]) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(ws.max_row, 1)}"
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


def _colour(cell_value: Cell) -> tuple[PatternFill, Font] | None:
    colours = STATUS_COLOURS.get(cell_value) if isinstance(cell_value, str) else None
    if colours is None:
        return None
    fill, font = colours
    return PatternFill("solid", start_color=fill, end_color=fill), Font(color=font)


def _contracts(ws: Worksheet, report: Report) -> None:
    header, rows = table(report)
    ws.append([_cell(h) for h in header])
    status_cols = {header.index("status")} | set(range(header.index("error_message") + 1, len(header)))
    coverage_col = header.index("coverage")
    for row in rows:
        ws.append([_cell(c) for c in row])
        for i in status_cols:
            style = _colour(row[i])
            if style:
                cell = ws.cell(row=ws.max_row, column=i + 1)
                cell.fill, cell.font = style
        ws.cell(row=ws.max_row, column=coverage_col + 1).number_format = "0%"
    path_width = max([len("path"), *(len(str(r[0])) for r in rows)]) + 2
    widths = {i + 1: float(max(len(h) + 4, 10)) for i, h in enumerate(header)}
    widths[1] = float(min(path_width, 60))
    widths[header.index("error_message") + 1] = 40.0
    _style_sheet(ws, header, widths)


def _findings(ws: Worksheet, report: Report) -> None:
    header = list(FINDING_COLUMNS)
    ws.append(header)
    for d in sorted_documents(report):
        if d.error:  # keep unreadable contracts visible in the detail sheet too
            ws.append([_cell(c) for c in (d.path, None, None, None, "error", f"{d.error.code}: {d.error.message}")])
            continue
        for f in d.provisions:
            e = f.evidence[0] if f.evidence else None  # the primary evidence; the rest is in the JSON/HTML
            row: list[Cell] = [
                d.path,
                f.rule_id,
                f.title,
                f.severity,
                f.status,
                f.message,
                e.number if e else None,
                e.page if e else None,
                e.quote if e else None,
            ]
            ws.append([_cell(c) for c in row])
    wrap = Alignment(wrap_text=True, vertical="top")
    for r in range(2, ws.max_row + 1):
        style = _colour(ws.cell(row=r, column=5).value)
        if style:
            ws.cell(row=r, column=5).fill, ws.cell(row=r, column=5).font = style
        for c in (6, 9):
            ws.cell(row=r, column=c).alignment = wrap
    _style_sheet(ws, header, {1: 45.0, 2: 10.0, 3: 40.0, 4: 10.0, 5: 10.0, 6: 60.0, 7: 10.0, 8: 8.0, 9: 80.0})


@register("xlsx", ".xlsx")
def render_xlsx(report: Report, options: FormatOptions) -> bytes:
    wb = Workbook()
    contracts = wb.active
    assert contracts is not None
    contracts.title = "Contracts"
    _contracts(contracts, report)
    _findings(wb.create_sheet("Findings"), report)
    wb.properties.creator = "clausescan"
    wb.properties.created = FIXED_PROPS_TIME
    wb.properties.modified = FIXED_PROPS_TIME
    buf = io.BytesIO()
    wb.save(buf)
    fixed = {"docProps/core.xml": lambda b: MODIFIED_RE.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", b)}
    return normalise_zip(buf.getvalue(), fixed)
