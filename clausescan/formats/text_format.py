"""Terminal report (rich) for a lawyer: each provision with status, why, and quoted evidence."""

from __future__ import annotations

import io

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from clausescan.formats import FormatOptions, register
from clausescan.formats._common import where_all
from clausescan.model import DocumentResult, Finding, Report

STATUS_STYLE = {"present": "green", "weak": "yellow", "missing": "red", "waived": "blue"}
STATUS_MARK = {"present": "PRESENT", "weak": "WEAK", "missing": "MISSING", "waived": "WAIVED"}


def _finding(f: Finding, verbose: bool) -> Table:
    """Status in a fixed column, everything else in a wrapped column beside it."""
    body: list[Text] = [
        Text.assemble((f.rule_id, "bold"), f"  {f.title}  ", (f"[{f.severity}]", "dim")),
        Text(f.message),
    ]
    if f.waiver:
        body.append(Text(f"waiver: {f.waiver}", style="blue"))
    if f.evidence:
        body.append(Text(f"evidence: {where_all(f, page='p.')}", style="dim"))
        body.append(Text(f"\u201c{f.evidence[0].quote}\u201d", style="italic"))
    if f.status in ("missing", "weak") or verbose:
        body.append(Text.assemble(("why it matters: ", "bold dim"), (f.rationale, "dim")))
        body.append(Text.assemble(("ask for: ", "bold cyan"), (f.recommendation, "cyan")))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=8, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(STATUS_MARK[f.status], style=f"bold {STATUS_STYLE[f.status]}"), Group(*body))
    return grid


def _document(d: DocumentResult, verbose: bool) -> Panel:
    if d.status == "error":
        assert d.error is not None
        body = Text.assemble(("ERROR ", "bold red"), (d.error.code, "bold"), f"  {d.error.message}")
        if d.error.hint:
            body.append(f"\nhint: {d.error.hint}", style="dim")
        body.append("\nNo provisions were assessed: the text could not be read.", style="dim")
        return Panel(body, title=escape(d.path), title_align="left", border_style="red")
    counts = {s: sum(1 for f in d.provisions if f.status == s) for s in STATUS_MARK}
    cov = f"{d.coverage:.0%}" if d.coverage is not None else "n/a"
    summary = Text.assemble(
        f"{d.format.upper() if d.format else ''}, {d.pages} page(s), {len(d.clauses)} clauses  \u00b7  coverage ",
        (cov, "bold"),
        "  \u00b7  ",
        (f"{counts['missing']} missing", "red"),
        ", ",
        (f"{counts['weak']} weak", "yellow"),
        ", ",
        (f"{counts['present']} present", "green"),
        *([", ", (f"{counts['waived']} waived", "blue")] if counts["waived"] else []),
    )
    parts: list[Text | Group | Table] = [summary]
    for w in d.warnings:
        parts.append(Text(f"warning {w.code}: {w.message}", style="yellow"))
    for f in d.provisions:
        if f.status == "present" and not verbose:
            continue
        parts.append(Text(""))
        parts.append(_finding(f, verbose))
    present = [f for f in d.provisions if f.status == "present"]
    if present and not verbose:
        parts.append(Text(""))
        parts.append(
            Text(
                "Present: " + ", ".join(f"{f.rule_id} {f.title} ({where_all(f, page='p.')})" for f in present),
                style="green",
            )
        )
    return Panel(Group(*parts), title=escape(d.path), title_align="left")


@register("text", ".txt")
def render_text(report: Report, options: FormatOptions) -> str:
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=options.width,
        force_terminal=options.color,
        no_color=not options.color,
        highlight=False,
        soft_wrap=False,
    )
    docs = sorted(report.documents, key=lambda d: d.path)
    pb = report.playbook
    console.print(
        Text.assemble(
            ("clausescan ", "bold"),
            report.clausescan_version,
            f"  \u00b7  playbook {pb.id} {pb.version}" if pb else "",
            f"  \u00b7  model {report.model}" if report.model else "",
        )
    )
    for d in docs:
        console.print(_document(d, options.verbose))
    if len(docs) > 1:
        table = Table(title="Summary", show_lines=False)
        for col in ("document", "status", "coverage", "missing", "weak", "present"):
            table.add_column(col, justify="right" if col not in ("document", "status") else "left")
        for d in docs:
            c = {s: sum(1 for f in d.provisions if f.status == s) for s in STATUS_MARK}
            table.add_row(
                escape(d.path),
                d.status if d.status == "ok" else f"error {d.error.code if d.error else ''}",
                f"{d.coverage:.0%}" if d.coverage is not None else "-",
                str(c["missing"]),
                str(c["weak"]),
                str(c["present"]),
            )
        console.print(table)
    return buf.getvalue()
