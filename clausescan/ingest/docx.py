"""DOCX (also DOCM, DOTX, Strict OOXML) by walking the body XML in document order.

python-docx's ``paragraphs``/``tables`` miss text in tracked insertions, content controls, text
boxes and nested tables, and it parses every part up front; so the package is read here with
zipfile + lxml under explicit limits: each member's uncompressed size is capped before it is read
(zip bombs), DTDs/entities are refused (XXE, billion laughs), nothing is fetched.
Automatic list numbering is rebuilt from ``numbering.xml`` (directly or through paragraph styles)
and written into the text as Word would display it. Headers, footers and comments are kept apart.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from clausescan.errors import InputError
from clausescan.ingest import IngestOptions, register
from clausescan.ingest.cleanup import repair_line
from clausescan.model import Block, Comment, Document

TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # uncompressed cap for any one XML part
MAX_RATIO = 200  # compression ratio above which a large member is treated as a bomb
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_HEADING_NAME_RE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)


# What zipfile raises on damaged members: its own errors, zlib's, and (for offsets that point
# outside the file) ValueError "negative seek value" or struct.error.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
    ValueError,
    OverflowError,
)


def read_member(zf: zipfile.ZipFile, name: str) -> bytes | None:
    """Bytes of one package member, refusing bombs and DTDs. None when the member is absent."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_MEMBER_BYTES or (
        info.file_size > 5 * 1024 * 1024 and info.file_size > MAX_RATIO * max(1, info.compress_size)
    ):
        raise InputError("CS-DOCX-ZIP-BOMB", f"{name} expands to {info.file_size} bytes")
    try:
        with zf.open(info) as fh:
            data = fh.read(MAX_MEMBER_BYTES + 1)
    except _ZIP_ERRORS as exc:
        raise InputError("CS-DOCX-CORRUPT", f"cannot read {name}: {exc}") from exc
    if len(data) > MAX_MEMBER_BYTES:  # the header may lie about the size
        raise InputError("CS-DOCX-ZIP-BOMB", f"{name} expands beyond {MAX_MEMBER_BYTES} bytes")
    upper = data.upper()
    if any(marker in upper for marker in _DTD_MARKERS):
        raise InputError("CS-DOCX-UNSAFE-XML", f"{name} declares a DTD or entities")
    return data


# "<!DOCTYPE" / "<!ENTITY" in every encoding an XML parser detects on its own (a UTF-16 part
# would otherwise slip past a byte search for the UTF-8 spelling).
_DTD_MARKERS = tuple(
    marker.encode(enc)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for enc in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def parse_xml(data: bytes, name: str) -> etree._Element:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise InputError("CS-DOCX-CORRUPT", f"malformed XML in {name}: {exc}") from exc
    if root.getroottree().docinfo.internalDTD is not None:  # an encoding the byte check missed
        raise InputError("CS-DOCX-UNSAFE-XML", f"{name} declares a DTD or entities")
    return root


def _int_attr(el: etree._Element | None, attr: str, default: int, lo: int, hi: int) -> int:
    """An integer attribute clamped to [lo, hi]; the default when absent or not a number.

    Word files are untrusted input: ``w:ilvl="x"`` or ``w:start="999999999"`` must neither
    crash the reader nor make it build a gigantic list label.
    """
    if el is None:
        return default
    raw = el.get(attr)
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        try:
            value = int(float(raw or ""))  # Word writes integers, other tools sometimes "1.0"
        except (ValueError, OverflowError):
            return default
    return min(hi, max(lo, value))


MAX_LEVEL = 8  # Word list levels are 0..8
MAX_START = 32767  # Word's upper bound for w:start


# ---------------------------------------------------------------------------------------------
# Numbering


def _roman(n: int) -> str:
    vals = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def _letters(n: int) -> str:
    # Word: a..z, then aa..zz
    n = max(1, n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


MAX_LETTERS = 26 * 30  # "a".."zzz...z" (30 letters); beyond that a label is written in digits
MAX_ROMAN = 3999


def format_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter") and not 0 < value <= MAX_LETTERS:
        return str(value)
    if fmt in ("lowerRoman", "upperRoman") and not 0 < value <= MAX_ROMAN:
        return str(value)
    if fmt == "lowerLetter":
        return _letters(value)
    if fmt == "upperLetter":
        return _letters(value).upper()
    if fmt == "lowerRoman":
        return _roman(value)
    if fmt == "upperRoman":
        return _roman(value).upper()
    if fmt in ("decimalZero",):
        return f"{value:02d}"
    return str(value)


@dataclass
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class Numbering:
    """Counters for Word's automatic numbering, kept per abstract definition like Word does."""

    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    nums: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    overrides: dict[tuple[str, int], int] = field(default_factory=dict)  # (numId, ilvl) -> start
    counters: dict[str, list[int | None]] = field(default_factory=dict)
    started_nums: set[str] = field(default_factory=set)

    def label(self, num_id: str, ilvl: int) -> str | None:
        abs_id = self.nums.get(num_id)
        if abs_id is None or num_id == "0" or not 0 <= ilvl <= MAX_LEVEL:
            return None
        levels = self.abstract.get(abs_id, {})
        lvl = levels.get(ilvl)
        if lvl is None or lvl.fmt in ("bullet", "none"):
            return None
        counters = self.counters.setdefault(abs_id, [None] * 9)
        if num_id not in self.started_nums:
            # a new w:num with a startOverride restarts the list
            self.started_nums.add(num_id)
            for (nid, lv), start in self.overrides.items():
                if nid == num_id:
                    counters[lv] = start - 1
        current = counters[ilvl]
        counters[ilvl] = lvl.start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None

        def sub(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            if not 0 <= k <= MAX_LEVEL:
                return ""
            lv = levels.get(k, Level())
            value = counters[k] if counters[k] is not None else lv.start
            return format_number(int(value), "decimal" if lvl.fmt == "decimal" and k != ilvl else lv.fmt)

        text = re.sub(r"%(\d)", sub, lvl.text).strip()
        return text or None


def load_numbering(root: etree._Element | None, w: str) -> Numbering:
    numbering = Numbering()
    if root is None:
        return numbering
    for ab in root.iter(f"{{{w}}}abstractNum"):
        levels: dict[int, Level] = {}
        for lvl in ab.iter(f"{{{w}}}lvl"):
            ilvl = _int_attr(lvl, f"{{{w}}}ilvl", 0, 0, 99)
            if ilvl > MAX_LEVEL:
                continue
            fmt_el = lvl.find(f"{{{w}}}numFmt")
            text_el = lvl.find(f"{{{w}}}lvlText")
            start_el = lvl.find(f"{{{w}}}start")
            levels[ilvl] = Level(
                fmt=fmt_el.get(f"{{{w}}}val", "decimal") if fmt_el is not None else "decimal",
                text=text_el.get(f"{{{w}}}val", "") if text_el is not None else "",
                start=_int_attr(start_el, f"{{{w}}}val", 1, 0, MAX_START),
            )
        numbering.abstract[ab.get(f"{{{w}}}abstractNumId", "")] = levels
    for num in root.iter(f"{{{w}}}num"):
        nid = num.get(f"{{{w}}}numId", "")
        ref = num.find(f"{{{w}}}abstractNumId")
        if ref is not None:
            numbering.nums[nid] = ref.get(f"{{{w}}}val", "")
        for ov in num.iter(f"{{{w}}}lvlOverride"):
            so = ov.find(f"{{{w}}}startOverride")
            if so is not None:
                lv = _int_attr(ov, f"{{{w}}}ilvl", 0, 0, 99)
                if lv <= MAX_LEVEL:
                    numbering.overrides[(nid, lv)] = _int_attr(so, f"{{{w}}}val", 1, 0, MAX_START)
    return numbering


@dataclass
class Style:
    name: str = ""
    based_on: str | None = None
    num_id: str | None = None
    ilvl: int | None = None
    outline: int | None = None


def load_styles(root: etree._Element | None, w: str) -> dict[str, Style]:
    styles: dict[str, Style] = {}
    if root is None:
        return styles
    for st in root.iter(f"{{{w}}}style"):
        sid = st.get(f"{{{w}}}styleId", "")
        s = Style()
        name = st.find(f"{{{w}}}name")
        s.name = name.get(f"{{{w}}}val", "") if name is not None else ""
        based = st.find(f"{{{w}}}basedOn")
        s.based_on = based.get(f"{{{w}}}val") if based is not None else None
        numpr = st.find(f"{{{w}}}pPr/{{{w}}}numPr")
        if numpr is not None:
            nid = numpr.find(f"{{{w}}}numId")
            il = numpr.find(f"{{{w}}}ilvl")
            s.num_id = nid.get(f"{{{w}}}val") if nid is not None else None
            s.ilvl = _int_attr(il, f"{{{w}}}val", 0, 0, 99) if il is not None else None
        ol = st.find(f"{{{w}}}pPr/{{{w}}}outlineLvl")
        if ol is not None:
            s.outline = _int_attr(ol, f"{{{w}}}val", 9, 0, 9)
        styles[sid] = s
    return styles


def _style_chain(styles: dict[str, Style], sid: str | None) -> Iterator[Style]:
    seen: set[str] = set()
    while sid and sid in styles and sid not in seen:
        seen.add(sid)
        yield styles[sid]
        sid = styles[sid].based_on


# ---------------------------------------------------------------------------------------------
# Body walk


@dataclass
class _Para:
    text: str
    kind: str
    number: str | None
    heading_level: int | None
    page: int
    ref: str
    comment_starts: list[tuple[str, int]]
    comment_ends: list[tuple[str, int]]


class _Walker:
    def __init__(self, w: str, styles: dict[str, Style], numbering: Numbering, use_rendered_breaks: bool) -> None:
        self.w = w
        self.styles = styles
        self.numbering = numbering
        self.use_rendered = use_rendered_breaks
        self.page = 1
        self.paras: list[_Para] = []
        self.count = 0

    def q(self, tag: str) -> str:
        return f"{{{self.w}}}{tag}"

    def walk(self, container: etree._Element, kind: str = "paragraph") -> None:
        for child in container:
            tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if tag == "p":
                self.paragraph(child, kind)
            elif tag == "tbl":
                self.table(child)
            elif tag in ("sdt", "customXml", "smartTag", "ins", "sdtContent"):
                inner = child.find(self.q("sdtContent")) if tag == "sdt" else child
                if inner is not None:
                    self.walk(inner, kind)
            elif tag == "AlternateContent":
                choice = child.find(f"{{{MC}}}Choice")
                if choice is not None:
                    self.walk(choice, kind)

    def table(self, tbl: etree._Element) -> None:
        for tr in tbl.iter(self.q("tr")):
            parent = tr.getparent()
            if parent is not None and parent is not tbl and etree.QName(parent).localname == "tbl":
                continue  # nested tables are handled by the cell walk below
            cells: list[str] = []
            starts: list[tuple[str, int]] = []
            ends: list[tuple[str, int]] = []
            page = self.page
            nested: list[etree._Element] = []
            for tc in tr.findall(self.q("tc")):
                parts = []
                for el in tc:
                    name = etree.QName(el).localname
                    if name == "p":
                        t, s, e = self._text(el, offset=len(" | ".join([*cells, " ".join(parts)])))
                        starts += s
                        ends += e
                        if t.strip():
                            parts.append(t.strip())
                    elif name == "tbl":
                        nested.append(el)
                    elif name == "sdt":
                        inner = el.find(self.q("sdtContent"))
                        if inner is not None:
                            for p in inner.iter(self.q("p")):
                                t, _, _ = self._text(p)
                                if t.strip():
                                    parts.append(t.strip())
                cells.append(" ".join(parts))
            text = " | ".join(c for c in cells if c)
            self.count += 1
            if text.strip():
                self.paras.append(_Para(text, "row", None, None, page, f"r{self.count}", starts, ends))
            for n in nested:
                self.table(n)

    def _text(self, p: etree._Element, offset: int = 0) -> tuple[str, list[tuple[str, int]], list[tuple[str, int]]]:
        out: list[str] = []
        starts: list[tuple[str, int]] = []
        ends: list[tuple[str, int]] = []
        length = offset
        for el in p.iter():
            if not isinstance(el.tag, str):
                continue
            name = etree.QName(el).localname
            if name in ("t",) and not self._inside(el, ("del", "txbxContent", "Fallback"), p):
                s = el.text or ""
                out.append(s)
                length += len(s)
            elif name == "tab" and not self._inside(el, ("txbxContent", "Fallback"), p):
                if etree.QName(el.getparent()).localname == "r":
                    out.append("\t")
                    length += 1
            elif name in ("br", "cr") and not self._inside(el, ("txbxContent", "Fallback"), p):
                if el.get(self.q("type")) == "page" and not self.use_rendered:
                    self.page += 1
                out.append(" ")
                length += 1
            elif name == "lastRenderedPageBreak" and self.use_rendered and out:
                self.page += 1
            elif name == "commentRangeStart":
                starts.append((el.get(self.q("id"), ""), length))
            elif name == "commentRangeEnd":
                ends.append((el.get(self.q("id"), ""), length))
        return "".join(out), starts, ends

    def _inside(self, el: etree._Element, names: tuple[str, ...], stop: etree._Element | None = None) -> bool:
        """Is ``el`` inside one of ``names`` below ``stop`` (the paragraph being read)?

        A text box's paragraphs are read on their own (after the anchoring paragraph), so the walk
        stops at the paragraph being read: its own text is never "inside a text box".
        """
        parent = el.getparent()
        while parent is not None and parent is not stop:
            if isinstance(parent.tag, str) and etree.QName(parent).localname in names:
                return True
            parent = parent.getparent()
        return False

    def paragraph(self, p: etree._Element, kind: str) -> None:
        ppr = p.find(self.q("pPr"))
        style_id = None
        num_id: str | None = None
        ilvl: int | None = None
        outline: int | None = None
        if ppr is not None:
            ps = ppr.find(self.q("pStyle"))
            style_id = ps.get(self.q("val")) if ps is not None else None
            numpr = ppr.find(self.q("numPr"))
            if numpr is not None:
                nid = numpr.find(self.q("numId"))
                il = numpr.find(self.q("ilvl"))
                num_id = nid.get(self.q("val")) if nid is not None else None
                ilvl = _int_attr(il, self.q("val"), 0, 0, 99) if il is not None else None
            ol = ppr.find(self.q("outlineLvl"))
            if ol is not None:
                outline = _int_attr(ol, self.q("val"), 9, 0, 9)
            if ppr.find(self.q("pageBreakBefore")) is not None and not self.use_rendered:
                self.page += 1
        heading_level = None
        for st in _style_chain(self.styles, style_id):
            if num_id is None and st.num_id is not None:
                num_id = st.num_id
            if ilvl is None and st.ilvl is not None:
                ilvl = st.ilvl
            if outline is None and st.outline is not None:
                outline = st.outline
            m = _HEADING_NAME_RE.match(st.name)
            if heading_level is None and m:
                heading_level = int(m.group(1))
            if heading_level is None and st.name.lower() == "title":
                heading_level = 1
        if heading_level is None and outline is not None and outline < 9:
            heading_level = outline + 1
        page = self.page
        text, starts, ends = self._text(p)
        number = None
        if num_id is not None and text.strip():
            number = self.numbering.label(num_id, ilvl or 0)
        # text boxes: their paragraphs follow the anchoring paragraph
        boxes = [b for b in p.iter(self.q("txbxContent")) if not self._inside(b, ("Fallback",), p)]
        self.count += 1
        ref = f"p{self.count}"
        if text.strip():
            if number:
                shift = len(number) + 1
                text = f"{number} {text}"
                starts = [(i, o + shift) for i, o in starts]
                ends = [(i, o + shift) for i, o in ends]
            self.paras.append(_Para(text, kind, number, heading_level, page, ref, starts, ends))
        elif starts or ends:
            self.paras.append(_Para("", kind, None, None, page, ref, starts, ends))
        for box in boxes:
            self.walk(box, "textbox")


_OTHER_PACKAGES = (("xl/", "an Excel workbook"), ("ppt/", "a PowerPoint presentation"), ("visio/", "a Visio drawing"))


def _not_word(what: str, name: str) -> InputError:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext in ("docx", "docm", "dotx", "dotm"):
        return InputError("CS-FILE-TYPE-MISMATCH", f"{what} named .{ext}")
    return InputError("CS-FILE-UNSUPPORTED", f"{what}, not a Word document")


def _find_main_part(zf: zipfile.ZipFile, name: str = "") -> str:
    names = set(zf.namelist())
    if "mimetype" in names and "content.xml" in names:
        raise _not_word("an OpenDocument file", name)
    rels = read_member(zf, "_rels/.rels")
    if rels is not None:
        root = parse_xml(rels, "_rels/.rels")
        for rel in root:
            if rel.get("Type", "").endswith("/officeDocument"):
                target = rel.get("Target", "").lstrip("/")
                for prefix, what in _OTHER_PACKAGES:
                    if target.startswith(prefix):
                        raise _not_word(what, name)
                if target in names:
                    return target
    if "word/document.xml" in names:
        return "word/document.xml"
    if "xl/workbook.xml" in names or "ppt/presentation.xml" in names:
        raise _not_word("a spreadsheet or presentation package", name)
    raise InputError("CS-DOCX-CORRUPT", "no main document part (word/document.xml) in the package")


def _part_text(root: etree._Element, w: str) -> str:
    paras = []
    for p in root.iter(f"{{{w}}}p"):
        t = "".join(x.text or "" for x in p.iter(f"{{{w}}}t"))
        if t.strip():
            paras.append(t.strip())
    return " / ".join(paras)


@register("docx")
def read_docx(data: bytes, name: str, sha: str, options: IngestOptions) -> Document:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        if data.startswith(b"PK\x03\x04"):  # starts like a zip: truncated or damaged, not something else
            raise InputError("CS-DOCX-CORRUPT", "damaged or truncated zip package (no central directory)") from exc
        raise InputError("CS-DOCX-NOT-ZIP", "not a valid zip package") from exc
    except Exception as exc:  # truncated central directory etc.
        raise InputError("CS-DOCX-CORRUPT", f"cannot open package: {exc}") from exc
    with zf:
        if len(zf.infolist()) > 10000:
            raise InputError("CS-DOCX-ZIP-BOMB", f"{len(zf.infolist())} members in the package")
        main = _find_main_part(zf, name)
        doc_xml = read_member(zf, main)
        assert doc_xml is not None
        root = parse_xml(doc_xml, main)
        w = root.nsmap.get("w") or (
            TRANSITIONAL if TRANSITIONAL in doc_xml[:2000].decode("utf-8", "ignore") else STRICT
        )
        base = main.rsplit("/", 1)[0] + "/"
        styles_xml = read_member(zf, base + "styles.xml")
        numbering_xml = read_member(zf, base + "numbering.xml")
        comments_xml = read_member(zf, base + "comments.xml")
        styles = load_styles(parse_xml(styles_xml, "styles.xml") if styles_xml else None, w)
        numbering = load_numbering(parse_xml(numbering_xml, "numbering.xml") if numbering_xml else None, w)
        furniture = []
        for member in sorted(zf.namelist()):
            if re.fullmatch(re.escape(base) + r"(header|footer)\d*\.xml", member):
                part = read_member(zf, member)
                if part:
                    t = _part_text(parse_xml(part, member), w)
                    if t and t not in furniture:
                        furniture.append(t)
        comment_text: dict[str, tuple[str, str]] = {}
        if comments_xml:
            croot = parse_xml(comments_xml, "comments.xml")
            for c in croot.iter(f"{{{w}}}comment"):
                comment_text[c.get(f"{{{w}}}id", "")] = (
                    c.get(f"{{{w}}}author", ""),
                    _part_text(c, w).replace(" / ", "\n"),
                )
    body = root.find(f"{{{w}}}body")
    if body is None:
        raise InputError("CS-DOCX-CORRUPT", "the document has no body")
    use_rendered = root.find(f".//{{{w}}}lastRenderedPageBreak") is not None
    walker = _Walker(w, styles, numbering, use_rendered)
    walker.walk(body)

    parts: list[str] = []
    blocks: list[Block] = []
    page_starts = [0]
    pos = 0
    anchors: dict[str, list[int]] = {}
    for para in walker.paras:
        line = repair_line(para.text.replace("\n", " "))
        for cid, off in para.comment_starts:
            anchors.setdefault(cid, [pos + min(off, len(line)), pos + len(line)])[0] = pos + min(off, len(line))
        for cid, off in para.comment_ends:
            anchors.setdefault(cid, [pos, pos])[1] = pos + min(off, len(line))
        if not line.strip():
            continue
        while len(page_starts) < para.page:
            page_starts.append(pos)
        lead = len(line) - len(line.lstrip())
        blocks.append(
            Block(pos + lead, pos + len(line), para.page, para.kind, para.number, para.heading_level, para.ref)
        )
        parts.append(line)
        pos += len(line) + 1
    text = "\n".join(parts)
    if not text.strip():
        raise InputError("CS-TEXT-EMPTY", "the document contains no text")
    comments = tuple(
        Comment(author, body_text, *(anchors.get(cid) or (None, None)))
        for cid, (author, body_text) in sorted(comment_text.items(), key=lambda kv: _int_or(kv[0]))
    )
    fmt_extractor = "docx-xml" + ("-strict" if w == STRICT else "")
    return Document(
        name, sha, "docx", text, tuple(page_starts), tuple(blocks), fmt_extractor, (), comments, tuple(furniture)
    )


def _int_or(s: str) -> int:
    try:
        return int(s)
    except ValueError:
        return 0
