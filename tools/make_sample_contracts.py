"""Render clausescan's own sample contracts to PDF, DOCX, TXT and Markdown.

Run from the repository root (or from anywhere)::

    python tools/make_sample_contracts.py

It reads ``tools/sample_contract_sources/*.md`` and writes the files listed in ``TARGETS`` below
into ``sample_contracts/``. Output is deterministic: running it twice gives byte-identical
files (fixed PDF creation date; fixed DOCX core properties, comment dates and zip timestamps).

Source markup
=============

The sources are UTF-8 text, one block per line (there is no line wrapping in the sources; a
long paragraph is one long line). Numbering is always written out in the text, never computed,
except for ``+`` items (see below). Blank lines only separate blocks.

``@title TEXT``
    Document title (may be repeated for several title lines).
``@subtitle TEXT``
    Line printed under the title.
``@header TEXT`` / ``@footer TEXT``
    Running header / extra footer text (PDF and DOCX). PDF and DOCX footers always carry
    "Page N of M".
``@author TEXT``
    Document author property (DOCX core properties, PDF metadata).
``@font NAME SIZE``
    Body font for DOCX output, e.g. ``@font Times New Roman 10`` (default ``Calibri 10.5``).
``# TEXT``
    Level-1 heading: a top-level clause or a schedule, e.g. ``# 14. Termination`` or
    ``# Schedule 3 – Exit Management``.
``## TEXT`` / ``### TEXT``
    Level-2 / level-3 heading.
``14.2 TEXT`` (also ``1. TEXT`` and ``1.2.3 TEXT``)
    Numbered paragraph; the number becomes a hanging label.
``(a) TEXT``
    Lettered item, level 1. ``  (i) TEXT`` (two leading spaces) is level 2 and ``    (A) TEXT``
    (four leading spaces) is level 3. Any ``(token)`` label works: ``(1)``, ``(A)``, ``(iv)``.
``+ TEXT``
    Automatically numbered item. DOCX uses Word's built-in "List Number" style, so the number
    is not part of the paragraph text; the other formats print "1.", "2.", ... (restarting
    after any other block).
``- TEXT``
    Bullet item.
``| cell | cell |``
    Table row; consecutive rows form one table and the first row is the header row. A row
    ``|= 1 | 3 |`` gives relative column widths; a row of dashes (``|---|---|``) is ignored.
``!comment AUTHOR | INITIALS | TEXT``
    Reviewer comment anchored on the previous block (DOCX only; ignored elsewhere).
``!pagebreak``
    Page break (PDF and DOCX; a blank line elsewhere).
anything else
    A body paragraph.

Inline: ``**bold**`` marks bold text and ``{-}`` marks a soft hyphen (an optional line break
point, printed as a hyphen when the PDF breaks a line there; dropped in other formats).
"""

from __future__ import annotations

import io
import re
import textwrap
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from fpdf import FPDF, XPos, YPos

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "sample_contract_sources"
OUTPUT = ROOT / "sample_contracts"
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# source file -> output file (relative to sample_contracts/); the format follows the suffix.
TARGETS: tuple[tuple[str, str], ...] = (
    ("strong-it-outsourcing.md", "strong-it-outsourcing.pdf"),
    ("strong-managed-services.md", "strong-managed-services.docx"),
    ("weak-hosting-services.md", "weak-hosting-services.txt"),
    ("weak-support-agreement.md", "weak-support-agreement.pdf"),
    ("bare-saas-subscription.md", "bare-saas-subscription.docx"),
    ("bare-consulting-terms.md", "bare-consulting-terms.md"),
    ("acme-msa-v1.md", "versions/acme-msa-v1.docx"),
    ("acme-msa-v2.md", "versions/acme-msa-v2.docx"),
)

NUMBERED_RE = re.compile(r"^(\d+\.(?:\d+(?:\.\d+)*)?)\s+(.*)$")
ITEM_RE = re.compile(r"^( *)(\([A-Za-z0-9]{1,6}\))\s+(.*)$")
BOLD_RE = re.compile(r"\*\*(.+?)\*\*")
SOFT_HYPHEN_MARK = "{-}"
SOFT_HYPHEN = "\u00ad"


# --------------------------------------------------------------------------------------------
# Parsing


@dataclass
class Block:
    """One rendered unit of a source file."""

    kind: str  # heading | para | numbered | item | auto | bullet | table | pagebreak
    text: str = ""
    label: str = ""
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)
    comments: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Source:
    """A parsed source file: metadata plus blocks."""

    name: str
    titles: list[str] = field(default_factory=list)
    subtitle: str = ""
    header: str = ""
    footer: str = ""
    author: str = ""
    font: str = "Calibri 10.5"
    blocks: list[Block] = field(default_factory=list)


def split_row(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse(path: Path) -> Source:
    src = Source(name=path.stem)
    table: Block | None = None
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.rstrip()
        if line.startswith("|"):
            if table is None:
                table = Block(kind="table")
                src.blocks.append(table)
            cells = split_row(line)
            if cells and cells[0].startswith("="):
                cells[0] = cells[0][1:]
                table.widths = [int(c) for c in cells]
            elif all(set(c) <= set("-: ") for c in cells):
                continue
            else:
                table.rows.append(cells)
            continue
        table = None
        if not line.strip():
            continue
        if line.startswith("@"):
            key, _, value = line[1:].partition(" ")
            if key == "title":
                src.titles.append(value)
            elif key in ("subtitle", "header", "footer", "author", "font"):
                setattr(src, key, value)
            else:
                raise ValueError(f"{path.name}:{lineno}: unknown directive @{key}")
            continue
        if line.startswith("!"):
            key, _, value = line[1:].partition(" ")
            if key == "pagebreak":
                src.blocks.append(Block(kind="pagebreak"))
            elif key == "comment":
                author, initials, text = (part.strip() for part in value.split("|", 2))
                src.blocks[-1].comments.append((author, initials, text))
            else:
                raise ValueError(f"{path.name}:{lineno}: unknown command !{key}")
            continue
        heading = re.match(r"^(#{1,3}) (.*)$", line)
        if heading:
            src.blocks.append(Block("heading", heading.group(2), level=len(heading.group(1))))
            continue
        numbered = NUMBERED_RE.match(line)
        if numbered:
            src.blocks.append(Block("numbered", numbered.group(2), label=numbered.group(1)))
            continue
        item = ITEM_RE.match(line)
        if item:
            level = len(item.group(1)) // 2 + 1
            src.blocks.append(Block("item", item.group(3), label=item.group(2), level=level))
            continue
        if line.startswith("+ "):
            src.blocks.append(Block("auto", line[2:]))
            continue
        if line.startswith("- "):
            src.blocks.append(Block("bullet", line[2:]))
            continue
        src.blocks.append(Block("para", line.strip()))
    return src


def plain(text: str) -> str:
    """Text without inline markup."""
    return BOLD_RE.sub(r"\1", text).replace(SOFT_HYPHEN_MARK, "")


def segments(text: str) -> list[tuple[str, bool]]:
    """Split inline markup into (text, bold) runs; soft hyphens are dropped."""
    out: list[tuple[str, bool]] = []
    pos = 0
    text = text.replace(SOFT_HYPHEN_MARK, "")
    for m in BOLD_RE.finditer(text):
        if m.start() > pos:
            out.append((text[pos : m.start()], False))
        out.append((m.group(1), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def auto_numbers(blocks: list[Block]) -> list[int]:
    """1-based counter for each ``auto`` block (0 for other blocks); restarts after a gap."""
    numbers: list[int] = []
    count = 0
    for block in blocks:
        count = count + 1 if block.kind == "auto" else 0
        numbers.append(count)
    return numbers


# --------------------------------------------------------------------------------------------
# PDF (fpdf2, core fonts, Windows-1252 text)


class ContractPDF(FPDF):
    def __init__(self, src: Source) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.src = src
        self.core_fonts_encoding = "windows-1252"
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(auto=True, margin=20)
        self.set_creation_date(FIXED_DATE)
        self.set_title(" ".join(src.titles))
        self.set_author(src.author or "clausescan sample contracts")
        self.set_creator("clausescan tools/make_sample_contracts.py")
        self.set_producer("clausescan")

    def header(self) -> None:
        if not self.src.header:
            return
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.set_y(10)
        self.cell(0, 4, self.src.header, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(160, 160, 160)
        self.line(self.l_margin, 15, self.w - self.r_margin, 15)
        self.set_text_color(0, 0, 0)
        self.set_y(20)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        if self.src.footer:
            self.cell(0, 4, self.src.footer, align="L")
            self.set_x(self.l_margin)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def pdf_text(text: str) -> str:
    out = text.replace(SOFT_HYPHEN_MARK, SOFT_HYPHEN)
    for marker in ("--", "__", "~~"):  # fpdf2 markdown markers other than ** must not occur
        if marker in out:
            raise ValueError(f"PDF text may not contain {marker!r}: {out[:60]!r}")
    out.encode("windows-1252")  # fail loudly on characters the core fonts cannot show
    return out


def render_pdf(src: Source) -> bytes:
    pdf = ContractPDF(src)
    pdf.add_page()
    body_size, line_h = 10.0, 4.25
    label_w, item_w = 13.0, 9.0

    pdf.set_font("Helvetica", "B", 16)
    for title in src.titles:
        pdf.multi_cell(0, 8, pdf_text(title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if src.subtitle:
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 6, pdf_text(src.subtitle), align="C")
    pdf.ln(6)

    numbers = auto_numbers(src.blocks)
    for block, number in zip(src.blocks, numbers):
        if block.kind == "pagebreak":
            pdf.add_page()
            continue
        if block.kind == "heading":
            if pdf.get_y() > pdf.page_break_trigger - 25:
                pdf.add_page()
            pdf.ln(3 if block.level == 1 else 1.5)
            size = {1: 11.5, 2: 10.5, 3: 10.5}[block.level]
            pdf.set_font("Helvetica", "B", size)
            pdf.multi_cell(0, 6, pdf_text(plain(block.text)), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
            continue
        if block.kind == "table":
            render_pdf_table(pdf, block)
            continue
        pdf.set_font("Times", "", body_size)
        if block.kind == "para":
            label, x_label, x_text = "", pdf.l_margin, pdf.l_margin
        elif block.kind == "numbered":
            label, x_label = block.label, pdf.l_margin
            x_text = x_label + label_w
        elif block.kind == "item":
            label = block.label
            x_label = pdf.l_margin + label_w + item_w * (block.level - 1)
            x_text = x_label + item_w
        elif block.kind == "auto":
            label, x_label = f"{number}.", pdf.l_margin + label_w
            x_text = x_label + item_w
        else:  # bullet
            label, x_label = "\u2022", pdf.l_margin + label_w
            x_text = x_label + item_w
        pdf.set_x(x_label)
        if label:
            pdf.cell(x_text - x_label, line_h, pdf_text(label))
            pdf.set_x(x_text)
        width = pdf.w - pdf.r_margin - x_text
        pdf.multi_cell(
            width,
            line_h,
            pdf_text(block.text),
            align="J",
            markdown=True,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.ln(1.3)
    return bytes(pdf.output())


def render_pdf_table(pdf: ContractPDF, block: Block) -> None:
    ncols = max(len(r) for r in block.rows)
    widths = block.widths or [1] * ncols
    pdf.ln(1)
    pdf.set_font("Helvetica", "", 8.5)
    with pdf.table(
        col_widths=tuple(widths),
        line_height=4.2,
        text_align="LEFT",
        first_row_as_headings=True,
        padding=1.2,
    ) as table:
        for cells in block.rows:
            row = table.row()
            for cell in cells:
                row.cell(pdf_text(plain(cell)))
    pdf.ln(3)


# --------------------------------------------------------------------------------------------
# DOCX (python-docx)


def add_runs(paragraph: Paragraph, text: str, bold: bool = False) -> None:
    for chunk, is_bold in segments(text):
        run = paragraph.add_run(chunk)
        if bold or is_bold:
            run.bold = True


def add_field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """Append a simple Word field (PAGE, NUMPAGES) with a cached result."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run._r.append(sep)
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def render_docx(src: Source) -> bytes:
    document = docx.Document()
    styles = document.styles
    font_name, _, font_size = src.font.rpartition(" ")
    styles["Normal"].font.name = font_name
    styles["Normal"].font.size = Pt(float(font_size))
    styles["Normal"].paragraph_format.space_after = Pt(4)
    styles["Normal"].paragraph_format.line_spacing = 1.0
    styles["Title"].font.size = Pt(20)
    styles["Subtitle"].font.size = Pt(12)
    for level, (size, before) in {1: (12.5, 12), 2: (11, 8), 3: (10.5, 6)}.items():
        fmt = styles[f"Heading {level}"]
        fmt.font.size = Pt(size)
        fmt.paragraph_format.space_before = Pt(before)
        fmt.paragraph_format.space_after = Pt(4)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    assert section.start_type == WD_SECTION.NEW_PAGE

    if src.header:
        para = section.header.paragraphs[0]
        para.text = plain(src.header)
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if src.footer:
        footer.add_run(plain(src.footer) + "    ")
    footer.add_run("Page ")
    add_field(footer, "PAGE", "1")
    footer.add_run(" of ")
    add_field(footer, "NUMPAGES", "1")

    for title in src.titles:
        document.add_paragraph(plain(title), style="Title")
    if src.subtitle:
        document.add_paragraph(plain(src.subtitle), style="Subtitle")

    indent = Cm(1.25)
    step = Cm(1.0)
    for block in src.blocks:
        paragraphs: list[Paragraph] = []
        if block.kind == "pagebreak":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            continue
        if block.kind == "heading":
            para = document.add_heading(level=block.level)
            add_runs(para, block.text)
            paragraphs.append(para)
        elif block.kind == "table":
            paragraphs.extend(render_docx_table(document, block))
        elif block.kind == "auto":
            para = document.add_paragraph(style="List Number")
            add_runs(para, block.text)
            paragraphs.append(para)
        elif block.kind == "bullet":
            para = document.add_paragraph(style="List Bullet")
            add_runs(para, block.text)
            paragraphs.append(para)
        else:
            para = document.add_paragraph()
            fmt = para.paragraph_format
            if block.kind == "numbered":
                fmt.left_indent, fmt.first_line_indent = indent, -indent
                fmt.tab_stops.add_tab_stop(indent)
                para.add_run(block.label + "\t")
            elif block.kind == "item":
                left = indent + step * block.level
                fmt.left_indent, fmt.first_line_indent = left, -step
                fmt.tab_stops.add_tab_stop(left)
                para.add_run(block.label + "\t")
            add_runs(para, block.text)
            if block.kind != "para" or len(block.text) > 80:
                para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraphs.append(para)
        for author, initials, text in block.comments:
            runs = [run for p in paragraphs for run in p.runs]
            comment = document.add_comment(runs, text=text, author=author, initials=initials)
            comment._comment_elm.date = FIXED_DATE

    props = document.core_properties
    props.title = " ".join(plain(t) for t in src.titles)
    props.subject = plain(src.subtitle)
    props.author = src.author or "clausescan sample contracts"
    props.last_modified_by = "clausescan"
    props.comments = "Sample contract written for the clausescan project (Apache-2.0)."
    props.keywords = "clausescan sample contract"
    props.revision = 1
    props.created = props.modified = props.last_printed = FIXED_DATE.replace(tzinfo=None)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue())


def render_docx_table(document: docx.document.Document, block: Block) -> list[Paragraph]:
    ncols = max(len(r) for r in block.rows)
    table = document.add_table(rows=len(block.rows), cols=ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = block.widths or [1] * ncols
    total_width = 16.8
    col_widths = [Cm(total_width * w / sum(widths)) for w in widths]
    table.autofit = False
    for column, width in zip(table.columns, col_widths):
        column.width = width
    paragraphs: list[Paragraph] = []
    for r, cells in enumerate(block.rows):
        for c in range(ncols):
            cell = table.cell(r, c)
            cell.width = col_widths[c]
            para = cell.paragraphs[0]
            add_runs(para, cells[c] if c < len(cells) else "", bold=r == 0)
            para.paragraph_format.space_after = Pt(0)
            for run in para.runs:
                run.font.size = Pt(9)
            paragraphs.append(para)
    document.add_paragraph()
    return paragraphs


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip package with sorted members and fixed timestamps."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        members = {name: zin.read(name) for name in zin.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            zout.writestr(info, members[name], compresslevel=9)
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# Plain text and Markdown

TEXT_WIDTH = 78


def wrap(text: str, first: str, rest: str) -> str:
    return textwrap.fill(
        text,
        width=TEXT_WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=False,
    )


def text_table(block: Block) -> list[str]:
    ncols = max(len(r) for r in block.rows)
    widths = block.widths or [1] * ncols
    usable = TEXT_WIDTH - 3 * (ncols - 1)
    cols = [max(6, usable * w // sum(widths)) for w in widths]
    lines: list[str] = []
    for r, cells in enumerate(block.rows):
        wrapped = [textwrap.wrap(plain(cells[c]) if c < len(cells) else "", cols[c]) or [""] for c in range(ncols)]
        for i in range(max(len(w) for w in wrapped)):
            parts = [(w[i] if i < len(w) else "").ljust(cols[c]) for c, w in enumerate(wrapped)]
            lines.append(" | ".join(parts).rstrip())
        if r == 0:
            lines.append("-+-".join("-" * c for c in cols))
    return lines


def render_txt(src: Source) -> bytes:
    out: list[str] = []
    for title in src.titles:
        out.append(plain(title).upper().center(TEXT_WIDTH).rstrip())
    if src.subtitle:
        out.append(plain(src.subtitle).center(TEXT_WIDTH).rstrip())
    out.append("")
    numbers = auto_numbers(src.blocks)
    for block, number in zip(src.blocks, numbers):
        text = plain(block.text)
        if block.kind == "pagebreak":
            out.append("")
        elif block.kind == "heading":
            out.append("")
            out.append(text.upper() if block.level == 1 else text)
            out.append("")
        elif block.kind == "table":
            out.extend(text_table(block))
            out.append("")
        elif block.kind == "para":
            out.extend([wrap(text, "", ""), ""])
        elif block.kind == "numbered":
            label = block.label.ljust(6)
            out.extend([wrap(text, label, " " * 6), ""])
        elif block.kind == "item":
            pad = " " * (6 + 5 * (block.level - 1))
            out.extend([wrap(text, pad + block.label.ljust(5), pad + " " * 5), ""])
        elif block.kind == "auto":
            out.extend([wrap(text, f"      {number}.".ljust(11), " " * 11), ""])
        else:
            out.extend([wrap(text, "      -    ", " " * 11), ""])
    return ("\n".join(out).rstrip() + "\n").encode("utf-8")


def render_md(src: Source) -> bytes:
    out: list[str] = []
    for title in src.titles:
        out.extend([f"# {plain(title)}", ""])
    if src.subtitle:
        out.extend([f"*{plain(src.subtitle)}*", ""])
    numbers = auto_numbers(src.blocks)
    for block, number in zip(src.blocks, numbers):
        text = block.text.replace(SOFT_HYPHEN_MARK, "")
        if block.kind == "pagebreak":
            continue
        if block.kind == "heading":
            out.extend(["#" * (block.level + 1) + " " + text, ""])
        elif block.kind == "table":
            ncols = max(len(r) for r in block.rows)
            for r, cells in enumerate(block.rows):
                cells = cells + [""] * (ncols - len(cells))
                out.append("| " + " | ".join(cells) + " |")
                if r == 0:
                    out.append("|" + "|".join(["---"] * ncols) + "|")
            out.append("")
        elif block.kind in ("numbered", "item"):
            out.extend([f"{block.label} {text}", ""])
        elif block.kind == "auto":
            out.extend([f"{number}. {text}", ""])
        elif block.kind == "bullet":
            out.extend([f"- {text}", ""])
        else:
            out.extend([text, ""])
    return ("\n".join(out).rstrip() + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------

RENDERERS = {".pdf": render_pdf, ".docx": render_docx, ".txt": render_txt, ".md": render_md}


def main() -> None:
    for source_name, output_name in TARGETS:
        src = parse(SOURCES / source_name)
        target = OUTPUT / output_name
        data = RENDERERS[target.suffix](src)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(f"{target.relative_to(ROOT)}  {len(data):,} bytes")


if __name__ == "__main__":
    main()
