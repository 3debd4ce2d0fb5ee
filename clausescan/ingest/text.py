"""TXT and Markdown. Offsets and line numbers match the file (after CRLF -> LF)."""

from __future__ import annotations

import re

from clausescan.errors import ErrorInfo, InputError
from clausescan.ingest import IngestOptions, register
from clausescan.ingest.cleanup import text_quality
from clausescan.model import Block, Document

_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+\S")
_PAGE_LINE_RE = re.compile(r"^(?:page\s+)?[-\u2013(]?\s*\d{1,4}\s*[-\u2013)]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_DIGITS_RE = re.compile(r"\d+")
FURNITURE_REPEATS = 3  # a short line seen this often (digits masked) is a running header/footer
# Inline HTML in Markdown (Common Paper uses <span>): blanked to spaces of the same length so
# offsets and line numbers still match the file.
_HTML_TAG_RE = re.compile(r"</?[A-Za-z][^<>\n]{0,300}>")


def decode(data: bytes) -> tuple[str, ErrorInfo | None]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 with a warning."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            raise InputError("CS-TEXT-DECODE", "invalid UTF-16 text") from exc
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise InputError("CS-TEXT-DECODE", "binary content (NUL bytes) in a text file")
    text = data.decode("cp1252", errors="replace")
    return text, ErrorInfo("CS-TEXT-DECODE", "not UTF-8; decoded as Windows-1252", "Save the file as UTF-8.")


def build_text_document(text: str, name: str, sha: str, fmt: str, warnings: list[ErrorInfo]) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if fmt == "md":
        text = _HTML_TAG_RE.sub(lambda m: " " * len(m.group(0)), text)
    page_starts = [0]
    blocks: list[Block] = []
    pos = 0
    page = 1
    for line in text.split("\n"):
        end = pos + len(line)
        if "\f" in line:  # form feed: a page break in text exported from a paginated source
            for i, ch in enumerate(line):
                if ch == "\f":
                    page += 1
                    page_starts.append(pos + i + 1)
        stripped = line.strip().strip("\f")
        if stripped:
            lead = len(line) - len(line.lstrip(" \t\f"))
            start = pos + lead
            heading_level = None
            if fmt == "md":
                m = _MD_HEADING_RE.match(stripped)
                if m:
                    heading_level = len(m.group(1))
            blocks.append(Block(start, pos + len(line.rstrip()), page, "line", None, heading_level))
        pos = end + 1
    if not blocks:
        raise InputError("CS-TEXT-EMPTY", "the file contains no text")
    blocks = mark_furniture(text, blocks)
    if text_quality(text) < 0.05 and len(text) > 200:
        warnings.append(ErrorInfo("CS-PDF-LOW-QUALITY", "few recognisable words; is this a contract?"))
    return Document(name, sha, fmt, text, tuple(page_starts), tuple(blocks), "text", tuple(warnings))


def mark_furniture(text: str, blocks: list[Block]) -> list[Block]:
    """Page numbers and repeated short lines (text exported from PDFs) become kind="furniture".

    They stay in the text (offsets must match the file) but the segmenter looks through them.
    """
    from collections import Counter
    from dataclasses import replace

    keys = [_DIGITS_RE.sub("#", text[b.start:b.end].strip().lower()) for b in blocks]
    counts = Counter(k for k in keys if len(k) <= 120)
    out = []
    for b, key in zip(blocks, keys):
        line = text[b.start:b.end].strip()
        repeated = counts.get(key, 0) >= FURNITURE_REPEATS and len(key) <= 120 and not key.startswith(("(", "#"))
        if (_PAGE_LINE_RE.match(line) or (repeated and not line.endswith((".", ";", ":")))) and b.heading_level is None:
            out.append(replace(b, kind="furniture"))
        else:
            out.append(b)
    return out


@register("txt")
def read_txt(data: bytes, name: str, sha: str, options: IngestOptions) -> Document:
    text, warning = decode(data)
    return build_text_document(text, name, sha, "txt", [warning] if warning else [])


@register("md")
def read_md(data: bytes, name: str, sha: str, options: IngestOptions) -> Document:
    text, warning = decode(data)
    return build_text_document(text, name, sha, "md", [warning] if warning else [])
