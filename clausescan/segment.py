"""Split a Document into clauses with numbers, headings, hierarchy and exact offsets.

A clause starts at a block (line or paragraph) that opens with a clause marker: recovered DOCX
numbering, a heading style or Markdown ``#``, ``Article/Section/Clause/Schedule N``, ``1.`` /
``1.1`` / ``1.1.1``, ``(a)`` / ``(i)`` / ``(1)`` / ``(A)``, a quoted definition (``"Term" means``),
``A.`` / ``II.``, or a short stand-alone heading line. Everything up to the next marker belongs to
it, so clauses tile the text: they never overlap and their offsets slice ``Document.text`` exactly.

Long lines are searched for markers inside them (after a sentence end, or after a run of spaces
where text converted from a laid-out page lost its line breaks), and a clause that has run past
PARAGRAPH_SPLIT_CHARS of unnumbered text is split at its paragraphs.

Hierarchy comes from the numbering style (dotted depth; letter, roman and numeral lists nest in
the order they first appear), as a lawyer reads it: ``14.2(a)(i)`` is a child of ``14.2(a)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from clausescan.model import Block, Clause, Document

_ROMAN_RE = re.compile(r"^(?=[ivxlc]+$)c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$")
_WORD_MARKER_RE = re.compile(
    r"^(?P<word>article|section|clause|schedule|exhibit|annex|annexure|appendix|attachment|part|paragraph)"
    r"\s+(?P<num>\d{1,3}(?:\.\d{1,3}){0,3}[A-Za-z]?|[IVXLC]{1,6}|[A-Z])\b[.:)]?(?:\s*[-\u2013\u2014:.]\s*|\s+|$)",
    re.IGNORECASE,
)
_DOTTED_RE = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,3}){1,4})\.?(?=\s|$)\s*")
_SIMPLE_NUM_RE = re.compile(r"^(?P<num>\d{1,3}) ?(?:\.|\))(?=\s|$)\s*")  # "2 ." from converted PDFs
_PAREN_RE = re.compile(r"^\((?P<num>[a-z]{1,2}|[A-Z]{1,2}|\d{1,2}|[ivxlc]{1,6}|[IVXLC]{1,6})\)\s*")
_LETTER_DOT_RE = re.compile(r"^(?P<num>[a-z]|[ivx]{1,4})[.)]\s+(?=[A-Z(\"“])")
# "A. Distributor is ..." (recitals, lettered sections) and "II. TERM": upper-case letter or roman.
_UPPER_DOT_RE = re.compile(r"^(?P<num>[A-Z]|[IVX]{2,5})\.\s+(?=[A-Z(\"“])")
_DEFINITION_RE = re.compile(
    r"^[\"“”](?P<term>[A-Z][^\"“”\n]{0,80})[\"“”]\s*(?:\(|,)?\s*"
    r"(?:means|shall mean|has the meaning|shall have the meaning|includes|refers to|:)",
)
_INLINE_HEADING_RE = re.compile(r"^(?P<h>[A-Z][A-Za-z0-9'’&/,\- ]{1,80}?)(?:\.(?:\s+|$)|:\s+|\s+[-\u2013\u2014]\s+|$)")
_SENTENCE_END_RE = re.compile(r"[.;:!?)\]”\"']\s*$|(?:\band|\bor)\s*$")
_TOC_LINE_RE = re.compile(r"(?:\.{3,}|\s{2,}|\t)\s*\d{1,4}\s*$|\s\d{1,4}$")
# A page footer left at the end of a text line by PDF-to-text conversion: "... Information.    12",
# "... proceedings.   Commercial in Confidence   Page 38   May 2004". The sentence before it ended,
# so the next line starts fresh (before, "4. TERM AND TERMINATION." after such a line was glued to
# the previous clause).
_PAGE_TAIL_RE = re.compile(r"(?<=[.;:)\]])(?:\s+-?\s*\d{1,4}\s*-?|\s{2,}[^.;:]{0,60}\bPage\s+\d{1,4}\b[^.;:]{0,40})$")
_DOT_LEADER_RE = re.compile(r"\.{3,}\s*\d{1,4}\s*$")  # a table-of-contents entry, not a page footer
HEADING_MAX_CHARS = 90
# A list of schedules or sections on one line ("1   Specification 2   Use Fees 3   Project Managers
# 4   Escrow") is a table of contents, not a heading: as one it became the heading context of 200
# clauses, and every one of them read as a source-code escrow clause.
_LIST_LINE_RE = re.compile(
    r"(?:^|\s)\d{1,2}\.?\s+[A-Z][^\d]{0,60}?\s\d{1,2}\.?\s+[A-Z][^\d]{0,60}?\s\d{1,2}\.?\s+[A-Z]"
)
# "Effective Date:  11/4/10", "Company Name: Acme": a cover-page field, not a heading (as a heading it
# became the ancestor of every clause of a contract without top-level numbers)
_FIELD_LINE_RE = re.compile(r"\S:\s+\S")
_MD_EMPHASIS_RE = re.compile(r"\*{1,3}|(?<![A-Za-z0-9])_{1,3}|_{1,3}(?![A-Za-z0-9])")
LONG_BLOCK = 250  # blocks longer than this are searched for clause markers inside the line
PARAGRAPH_SPLIT_CHARS = 1500  # unnumbered text longer than this is split at its paragraphs
_PARAGRAPH_END_RE = re.compile(r"[.;:]\s*$")
# A marker inside a long line: after a sentence end, before a capitalised word. Plain "7." only
# counts with a short Title-case heading after it ("... as follows: 7. Term. This ...").
_INLINE_MARKER_RE = re.compile(
    r"(?<=[.;:])\s+(?=(?:(?:ARTICLE|Article|SECTION|Section)\s+\d{1,3}(?:\.\d{1,3})*\.?\s+[A-Z]"
    r"|\d{1,3}(?:\.\d{1,3}){1,3}\.?\s+[A-Z(\"“]"
    r"|\((?:[a-z]|[ivx]{1,4}|\d{1,2}|[A-Z])\)\s+[A-Z\"“]"
    r"|\d{1,2}\.\s+[A-Z][A-Za-z-]+(?:\s+[A-Za-z&-]+){0,6}(?:\.\s|\s+(?=\d{1,2}\.\d{1,2}\.?\s+[A-Z]))))"
)
# Text converted from a laid-out page (CUAD's TXT, some e-mail exports) keeps its line breaks only
# as runs of spaces: "... as follows:      REPRESENTATIONS      1. Issuer represents ...". A run
# of 3+ spaces before a marker is a cut candidate; whether a clause starts there is decided by the
# usual marker rules (the piece before must end a sentence or be a heading), so a cut at a wrapped
# line ("see Section   2.1 above") only splits the block, never the clause.
_GAP_MARKER_RE = re.compile(
    r"(?<=\S) {3,}(?=(?:ARTICLE|Article|SECTION|Section)\s+(?:\d|[IVXLC]+\b)"
    r"|\d{1,3}(?:\.\d{1,3}){0,3} ?[.)]\s+[A-Z(\"“]"
    r"|\d{1,3}(?:\.\d{1,3}){1,3}\s+[A-Z(\"“]"
    r"|\((?:[a-z]{1,2}|[ivx]{1,4}|\d{1,2}|[A-Z])\)\s+[A-Za-z\"“(]"
    r"|(?:[A-Z]|[IVX]{2,5})\.\s+[A-Z\"“(])"
    # an all-capitals heading between gaps, after a sentence end: "follows:   TERM   1. ..."
    r"|(?<=[.;:]) {3,}(?=[A-Z][A-Z&,'’/ -]{2,60}[A-Z] {3,})"
)


@dataclass
class _Marker:
    kind: str  # article | dotted1..5 | alpha | roman | num | ALPHA | ROMAN | def | heading | docx
    number: str | None
    local: str | None
    heading: str | None
    strength: int  # 2: certain (style/number), 1: plausible, needs context


def _classify_paren(token: str, prev_alpha: str | None) -> str:
    """(a)/(i)/(1)/(A)/(I): a letter that continues the current letter list wins over a roman."""
    if token.isdigit():
        return "num"
    continues = bool(prev_alpha) and len(token) == 1 and ord(token) == ord(prev_alpha or " ") + 1
    if token.islower():
        return "alpha" if continues or not _ROMAN_RE.match(token) else "roman"
    return "ALPHA" if continues or not _ROMAN_RE.match(token.lower()) else "ROMAN"


def _inline_heading(rest: str) -> str | None:
    """``Termination for Convenience. Customer may ...`` -> ``Termination for Convenience``."""
    m = _INLINE_HEADING_RE.match(rest)
    if not m:
        return None
    h = m.group("h").strip(" -,")
    words = h.split()
    if not words or len(words) > 10:
        return None
    if rest[len(m.group(0)) - 1 : len(m.group(0))] == "" and len(rest) > HEADING_MAX_CHARS:
        return None
    caps = sum(1 for w in words if w[0].isupper() or not w[0].isalpha() or w.lower() in _SMALL_WORDS)
    if caps == len(words) and (m.group(0).rstrip() != rest.rstrip() or len(words) <= 8):
        return h
    return None


_SMALL_WORDS = {"of", "and", "or", "the", "to", "for", "in", "on", "a", "an", "by", "with", "upon", "at"}


def _is_heading_line(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > HEADING_MAX_CHARS or _TOC_LINE_RE.search(s) or _LIST_LINE_RE.search(s):
        return False
    if s.endswith((",", ";", "and", "or")) or _FIELD_LINE_RE.search(s):
        return False
    words = s.rstrip(".:").split()
    if len(words) > 10:
        return False
    if sum(map(str.isalpha, s)) < 3:
        return False
    if s.isupper():
        return True
    if s.endswith("."):
        return False
    return all(w[0].isupper() or w.lower() in _SMALL_WORDS or not w[0].isalpha() for w in words)


class Segmenter:
    """Stateful walk over blocks; one instance per document."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.prev_alpha: dict[str, str] = {}

    def indent(self, block: Block) -> int:
        if self.doc.format not in ("md", "txt"):
            return 0
        line_start = self.doc.text.rfind("\n", 0, block.start) + 1
        prefix = self.doc.text[line_start : block.start]
        return len(prefix.expandtabs(4)) if not prefix.strip() else 0

    def marker(self, block: Block, line: str, prev_line: str | None) -> _Marker | None:
        s = line.strip()
        if self.doc.format == "md":  # **1. Term**. -> 1. Term. (matching only; offsets are untouched)
            s = _MD_EMPHASIS_RE.sub("", s).strip()
        mk = self._marker(block, s, prev_line)
        if mk is not None and _depth(mk.kind) < 9:
            self.prev_alpha.clear()  # a new section starts a new letter list
        return mk

    def section_despite_indent(self, rest: str, prev_line: str | None) -> bool:
        """Converted text indents whole sections ("  8. OTHER PRODUCTS."): an indented capitals
        heading in plain text is a section, unless it stands in a list (after "...:" or after
        another numbered item, such as "   1. AWS EMEA SARL")."""
        prev = (prev_line or "").strip()
        in_list = prev.endswith(":") or bool(_SIMPLE_NUM_RE.match(prev) or _PAREN_RE.match(prev))
        return self.doc.format == "txt" and not in_list and _caps_heading(rest, prev_line)

    def _marker(self, block: Block, s: str, prev_line: str | None) -> _Marker | None:
        if block.number:
            local = block.number.rstrip(".")
            rest = s[len(block.number) :].strip()
            kind = "docx" + str(local.count(".") + 1) if re.fullmatch(r"[\d.]+", local) else "docxlist"
            return _Marker(kind, local, local, _inline_heading(rest), 2)
        if block.heading_level is not None:
            text = s.lstrip("#").strip()
            num = None
            m = _DOTTED_RE.match(text) or _SIMPLE_NUM_RE.match(text)
            if m:
                num = m.group("num")
                text = text[m.end() :]
            return _Marker(f"h{block.heading_level}", num, num, text.strip("*_ ") or None, 2)
        m = _WORD_MARKER_RE.match(s)
        if m and (_follows_break(prev_line) or m.group("word").lower() in _ANYWHERE_WORDS):
            word = m.group("word").capitalize()
            num = m.group("num")
            rest = s[m.end() :]
            heading = _inline_heading(rest) if rest else None
            if word in ("Section", "Clause", "Paragraph"):
                kind = _dotted_kind(num) if "." in num else "section"
                return _Marker(kind, num, num, heading, 2)
            return _Marker("article:" + word.lower(), f"{word} {num}", f"{word} {num}", heading, 2)
        m = _DOTTED_RE.match(s)
        if m and _numbered_line_opens(s[m.end() :], prev_line):
            num = m.group("num")
            return _Marker(_dotted_kind(num), num, num, _inline_heading(s[m.end() :]), 2)
        m = _SIMPLE_NUM_RE.match(s)
        if m and _numbered_line_opens(s[m.end() :], prev_line):
            num = m.group("num")
            indent = self.indent(block)
            if indent and not self.section_despite_indent(s[m.end() :], prev_line):
                # an indented "1." is a nested list item (Markdown / plain text)
                return _Marker(f"list@{indent}", None, f".{num}", _inline_heading(s[m.end() :]), 1)
            return _Marker("dotted1", num, num, _inline_heading(s[m.end() :]), 1)
        m = _PAREN_RE.match(s)
        if m and (_follows_break(prev_line) or (prev_line or "").rstrip().endswith((",", "-", "\u2014"))):
            tok = m.group("num")
            kind = _classify_paren(tok, self.prev_alpha.get("upper" if tok.isupper() else "lower"))
            if kind in ("alpha", "ALPHA"):
                self.prev_alpha["upper" if tok.isupper() else "lower"] = tok[-1]
            return _Marker(kind, None, f"({tok})", _inline_heading(s[m.end() :]), 1)
        m = _LETTER_DOT_RE.match(s)
        if m and _follows_break(prev_line):
            tok = m.group("num")
            kind = (
                "alpha" if not _ROMAN_RE.match(tok) or (tok == "i" and self.prev_alpha.get("lower") == "h") else "roman"
            )
            if kind == "alpha":
                self.prev_alpha["lower"] = tok
            return _Marker(kind, None, f"{tok}.", _inline_heading(s[m.end() :]), 1)
        m = _UPPER_DOT_RE.match(s)
        if m and _follows_break(prev_line):
            tok = m.group("num")
            continues = len(tok) == 1 and ord(tok) == ord(self.prev_alpha.get("upperdot", "@")) + 1
            if len(tok) == 1 and (continues or tok not in "IVX"):
                self.prev_alpha["upperdot"] = tok
                return _Marker("ALPHAdot", None, f"{tok}.", _inline_heading(s[m.end() :]), 1)
            return _Marker("ROMANdot", tok, tok, _inline_heading(s[m.end() :]), 1)
        m = _DEFINITION_RE.match(s)
        if m and _follows_break(prev_line):
            return _Marker("def", None, None, m.group("term"), 1)
        if _is_heading_line(s) and _follows_break(prev_line):
            return _Marker("heading", None, None, s.rstrip(".:"), 1)
        return None


_ANYWHERE_WORDS = ("article", "schedule", "exhibit", "annex", "appendix")  # markers even mid-paragraph


@lru_cache(maxsize=64)
def _follows_break(prev_line: str | None) -> bool:
    """Does a line after ``prev_line`` start fresh (after a sentence end or a heading)? Asked only
    when a marker pattern matches, which most lines don't; cached for the several patterns per line."""
    if prev_line is None or _SENTENCE_END_RE.search(prev_line) or _is_heading_line(prev_line):
        return True
    tail = prev_line[-120:]  # bounded: the pattern is quadratic on a long run of spaces
    if _PAGE_TAIL_RE.search(tail) and not _DOT_LEADER_RE.search(tail):
        return True
    return len(prev_line.strip()) <= HEADING_MAX_CHARS and bool(_FIELD_LINE_RE.search(prev_line))


def _caps_heading(rest: str, prev_line: str | None) -> bool:
    """Is the rest of a numbered line a stand-alone capitals heading ("TERM AND TERMINATION.")?
    Such a line opens a section even after a running header ("Confidential Treatment Requested"),
    a page number or another line without a full stop, where it used to be glued to the clause
    before. Not when it reads as the next line of a capitals sentence: "... ARISING UNDER SECTION"
    then "9.3 OR SECTION 12, IN NO EVENT ..." (a comma, a leading or trailing joining word)."""
    r = rest.strip().rstrip(".:")
    words = r.split()
    if not r.isupper() or not words or len(words) > 8 or "," in r or sum(map(str.isalpha, r)) < 3:
        return False
    before = (prev_line or "").rstrip().rsplit(None, 1)[-1:] or [""]
    return words[0] not in _JOINING_WORDS and before[0].upper() not in _JOINING_WORDS


_JOINING_WORDS = frozenset(
    [
        "AND",
        "OR",
        "OF",
        "THE",
        "TO",
        "IN",
        "BY",
        "WITH",
        "UNDER",
        "FOR",
        "AS",
        "AT",
        "ON",
        "A",
        "AN",
        "SECTION",
        "SECTIONS",
        "CLAUSE",
        "CLAUSES",
        "ARTICLE",
        "PARAGRAPH",
    ]
)


def _numbered_line_opens(rest: str, prev_line: str | None) -> bool:
    """Does a "14.2 ..." or "4. ..." line (``rest``: the text after its number) open a clause? After
    a break, or as a capitals heading wherever it stands, and followed by clause text."""
    return (_follows_break(prev_line) or _caps_heading(rest, prev_line)) and _starts_clause_text(rest)


def _starts_clause_text(rest: str) -> bool:
    rest = rest.lstrip()
    return bool(rest) and (
        rest[0].isupper() or rest[0] in '("“[*_' or (rest[0].isdigit() is False and rest[0].isalpha())
    )


STRUCTURAL_DEPTH = {"article": 0, "ROMANdot": 0, "heading": 1, "section": 1}


def _dotted_kind(num: str) -> str:
    """ "14.2" is at depth 2, but "11.0 TRADEMARKS" opens section 11 (before, it was read as a
    sub-clause of the section above it, "10 WARRANTY", with all of its own sub-clauses)."""
    return "dotted1" if re.fullmatch(r"\d+\.0+", num) else "dotted" + str(num.count(".") + 1)


def _depth(key: str) -> int:
    """Outline depth of a structural marker; list items (letters, romans...) are 9: always nested."""
    if key.startswith("article"):
        return 0
    if key[:1] == "h" and key[1:].isdigit():
        return int(key[1:]) - 1
    for prefix in ("dotted", "docx"):
        if key.startswith(prefix) and key[len(prefix) :].isdigit():
            return int(key[len(prefix) :])
    return STRUCTURAL_DEPTH.get(key, 9)


def segment(doc: Document) -> list[Clause]:
    """Clauses of ``doc`` in reading order. Pure: same document, same clauses."""
    seg = Segmenter(doc)
    text = doc.text
    starts: list[tuple[int, int, _Marker | None]] = []  # (char start, page, marker)
    prev_line: str | None = None
    pending_heading: int | None = None  # index into starts of a stand-alone heading line
    open_numbers: dict[int, str] = {}  # outline depth -> number of the latest numbered marker there
    for block in _split_long_blocks(doc):
        if block.kind == "furniture":
            continue  # page numbers / running headers: part of the text, invisible to structure
        line = text[block.start : block.end]
        mk = seg.marker(block, line, prev_line)
        if mk is None and starts and block.start - starts[-1][0] > PARAGRAPH_SPLIT_CHARS:
            mk = _paragraph_marker(text, block, line, prev_line)
        if mk is not None and pending_heading is not None and _opens_section(mk, open_numbers):
            # "Disengagement" on its own line, then "20.1 Planning": the heading names section 20,
            # the parent of 20.1, 20.2 ... (before, 20.1 took it and section 20 had no heading).
            h_start, h_page, h_mk = starts[pending_heading]
            starts[pending_heading] = (
                h_start,
                h_page,
                _Marker(f"dotted{_depth(mk.kind) - 1}", None, None, h_mk and h_mk.heading, 1),
            )
            starts.append((block.start, block.page, mk))
            pending_heading = None
        elif mk is not None and pending_heading is not None and mk.kind != "heading":
            # "TERMINATION" on its own line, then "14. ...": the heading names the clause below.
            h_start, h_page, h_mk = starts[pending_heading]
            if mk.heading is None and h_mk is not None:
                mk.heading = h_mk.heading
            starts[pending_heading] = (h_start, h_page, mk)
            pending_heading = None
        elif mk is not None:
            starts.append((block.start, block.page, mk))
            pending_heading = len(starts) - 1 if mk.kind == "heading" else None
        else:
            if not starts:
                starts.append((block.start, block.page, None))  # preamble
            pending_heading = None
        if mk is not None and mk.number and _depth(mk.kind) < 9:
            depth = _depth(mk.kind)
            open_numbers = {d: n for d, n in open_numbers.items() if d < depth}
            open_numbers[depth] = mk.number.rstrip(".")
        prev_line = line
    clauses: list[Clause] = []
    stack: list[tuple[str, int]] = []  # (marker kind, index into clauses) of open ancestors
    for i, (start, page, mk) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        body = text[start:end].rstrip()
        real_end = start + len(body)
        page_end = doc.page_at(max(start, real_end - 1))
        cid = f"c{i + 1:04d}"
        if mk is None:
            clauses.append(Clause(cid, None, None, None, body, start, real_end, page, page_end, 0))
            continue
        _close_for(stack, clauses, mk)
        parent = clauses[stack[-1][1]] if stack else None
        number = mk.number
        if number is None and mk.local:  # (a) under 14.2 reads as 14.2(a); .1 under 5 as 5.1
            if parent and parent.number:
                number = f"{parent.number}{mk.local}"
            else:
                number = mk.local.lstrip(".")
        clauses.append(
            Clause(
                cid,
                number,
                parent.id if parent else None,
                mk.heading,
                body,
                start,
                real_end,
                page,
                page_end,
                len(stack),
            )
        )
        stack.append((mk.kind, len(clauses) - 1))
    return clauses


def _opens_section(mk: _Marker, open_numbers: dict[int, str]) -> bool:
    """Is ``mk`` a first sub-clause ("20.1", "Section 4.1") under a section with no numbered line
    of its own, so that a stand-alone heading just before it is that section's heading? Where
    "14. TERMINATION" is the open section, a heading before 14.1 is 14.1's own ("Termination for
    Convenience"); a "1. Definitions" in a table of contents long before does not count."""
    number = (mk.number or "").rstrip(".")
    return (
        mk.kind.startswith(("dotted", "docx"))
        and _depth(mk.kind) in (2, 3)
        and re.search(r"\.0?1$", number) is not None
        and open_numbers.get(_depth(mk.kind) - 1) != number.rsplit(".", 1)[0]
    )


def _paragraph_marker(text: str, block: Block, line: str, prev_line: str | None) -> _Marker | None:
    """Unnumbered drafting ("This Agreement provides ...\n\nThe Continued Service ..."): once a
    clause has run past PARAGRAPH_SPLIT_CHARS, a paragraph after a blank line and a sentence end
    starts a new (unnumbered) clause, so one provision is not buried in a page of others."""
    lookback = text[max(0, block.start - 200) : block.start]
    if lookback[len(lookback.rstrip()) :].count("\n") < 2:  # no blank line before the block
        return None
    if not prev_line or not _PARAGRAPH_END_RE.search(prev_line) or not _starts_clause_text(line.strip()):
        return None
    return _Marker("para", None, None, _inline_heading(line.strip()), 1)


def _split_long_blocks(doc: Document) -> list[Block]:
    """Blocks, with long lines cut where a clause marker follows a sentence end."""
    out: list[Block] = []
    for b in doc.blocks:
        if b.end - b.start <= LONG_BLOCK or b.number or b.heading_level is not None:
            out.append(b)
            continue
        line = doc.text[b.start : b.end]
        cuts = sorted({m.end() for r in (_INLINE_MARKER_RE, _GAP_MARKER_RE) for m in r.finditer(line)})
        prev = 0
        for cut in [*cuts, len(line)]:
            piece_start = b.start + prev
            if cut > prev:
                out.append(
                    replace(
                        b,
                        start=piece_start,
                        end=b.start + len(line[:cut].rstrip()),
                        page=doc.page_at(piece_start) if doc.format == "pdf" else b.page,
                    )
                )
            prev = cut
    return out


def _close_for(stack: list[tuple[str, int]], clauses: list[Clause], mk: _Marker) -> None:
    """Pop the stack so its top is the new clause's parent."""
    for j in range(len(stack) - 1, -1, -1):  # same kind already open: the new one is its sibling
        if stack[j][0] == mk.kind:
            del stack[j:]
            return
    number = mk.number or ""
    if "." in number and mk.kind.startswith(("dotted", "docx", "section")):
        prefix = number.rsplit(".", 1)[0]
        for j in range(len(stack) - 1, -1, -1):  # 14.2.1 is a child of 14.2 wherever that is
            n = clauses[stack[j][1]].number or ""
            if n == prefix or n.endswith(" " + prefix):
                del stack[j + 1 :]
                return
    depth = _depth(mk.kind)
    if depth < 9:
        while stack and _depth(stack[-1][0]) >= depth:
            stack.pop()
