"""TXT and Markdown. Offsets and line numbers match the file (after CRLF -> LF)."""

from __future__ import annotations

import bisect
import re

from clausescan.errors import ErrorInfo, InputError
from clausescan.ingest import IngestOptions, register
from clausescan.ingest.cleanup import text_quality
from clausescan.model import Block, Document

_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+\S")
_PAGE_LINE_RE = re.compile(
    r"^(?:page\s+)?[-\u2013(]?\s*\d{1,4}\s*[-\u2013)]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE
)
_DIGITS_RE = re.compile(r"\d+")
FURNITURE_REPEATS = 3  # a short line seen this often (digits masked) is a running header/footer
# Inline HTML in Markdown (Common Paper uses <span>): blanked to spaces of the same length so
# offsets and line numbers still match the file.
_HTML_TAG_RE = re.compile(r"</?[A-Za-z][^<>\n]{0,300}>")


# C0/C1 control characters other than tab, line feed, carriage return and form feed (a page
# break). They are replaced by spaces, one for one, so offsets still match the decoded file and
# escape sequences in a hostile file cannot reach a terminal through the text report.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
MAX_CONTROL_SHARE = 0.01  # more control characters than this (and more than a few): binary, not text
_SAVE_AS_UTF8 = "Save the file as UTF-8."


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text from Windows tools without a byte-order mark: NUL in every other byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    if odd >= 0.6 * half and even <= 0.05 * half:
        encoding = "utf-16-le"
    elif even >= 0.6 * half and odd <= 0.05 * half:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return None if _too_many_controls(text) else text


def _too_many_controls(text: str) -> bool:
    n = len(_CONTROL_RE.findall(text))
    return n > 8 and n > MAX_CONTROL_SHARE * len(text)


def decode(data: bytes) -> tuple[str, ErrorInfo | None]:
    """UTF-8 (with or without BOM), UTF-16 (with BOM, or detected without), else Windows-1252.

    Guesses carry a CS-TEXT-DECODE warning. Binary content (many NUL or other control bytes) is
    an error, not text; a few stray control characters are handled by ``build_text_document``.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text, warning = data[3:].decode("utf-8", errors="replace"), None
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, warning = data.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            raise InputError("CS-TEXT-DECODE", "invalid UTF-16 text") from exc
    else:
        try:
            text, warning = data.decode("utf-8"), None
        except UnicodeDecodeError:
            utf16 = _utf16_without_bom(data) if b"\x00" in data else None
            if utf16 is not None:
                text = utf16
                warning = ErrorInfo("CS-TEXT-DECODE", "UTF-16 without a byte-order mark", _SAVE_AS_UTF8)
            elif b"\x00" in data:
                raise InputError("CS-TEXT-DECODE", "binary content (NUL bytes) in a text file") from None
            else:
                text = data.decode("cp1252", errors="replace")
                warning = ErrorInfo("CS-TEXT-DECODE", "not UTF-8; decoded as Windows-1252", _SAVE_AS_UTF8)
    if _too_many_controls(text):
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise InputError("CS-TEXT-DECODE", "binary content (control characters) in a text file")
        text = utf16
        warning = ErrorInfo("CS-TEXT-DECODE", "UTF-16 without a byte-order mark", _SAVE_AS_UTF8)
    return text, warning


def build_text_document(text: str, name: str, sha: str, fmt: str, warnings: list[ErrorInfo]) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, controls = _CONTROL_RE.subn(" ", text)
    if controls:
        warnings.append(ErrorInfo("CS-TEXT-CONTROL-CHARS", f"{controls} control characters replaced by spaces"))
    if fmt == "md":
        text = _HTML_TAG_RE.sub(lambda m: " " * len(m.group(0)), text)
    page_starts = [0]
    blocks: list[Block] = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if "\f" in line:  # form feed: a page break in text exported from a paginated source
            for i, ch in enumerate(line):
                if ch == "\f":
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
            # the page the block starts on ("1. Term\f" starts on this page, not the next one)
            page = bisect.bisect_right(page_starts, start)
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

    keys = [_DIGITS_RE.sub("#", text[b.start : b.end].strip().lower()) for b in blocks]
    counts = Counter(k for k in keys if len(k) <= 120)
    out = []
    for b, key in zip(blocks, keys):
        line = text[b.start : b.end].strip()
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
