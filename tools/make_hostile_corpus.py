"""Generate clausescan's hostile-input corpus: broken, hostile and odd files, one case per file.

Run from anywhere::

    python tools/make_hostile_corpus.py [OUT_DIR]     # default: tests/hostile/

Everything is generated here, nothing is downloaded. Output is deterministic (fixed seeds,
dates and zip timestamps): running the script twice gives byte-identical files, and
``tests/test_hostile.py`` checks that the committed corpus matches a fresh run.

Besides the files it writes ``EXPECTED.json``: case file -> expected outcome (an error code, or
``"ok"`` with the extractor and warning codes). The tests read it; it is the single source of
truth for what clausescan must say about each file. Every file is under 200 KB. Cases that
only make sense on the machine running the tests (directories, symbolic link loops,
permissions, FIFOs, a 2,000-page PDF) are built by the tests in a temporary directory;
``make_big_pdf`` is here so they share the generator.

The encrypted PDFs are built by hand: a minimal PDF writer plus the PDF 1.4 standard security
handler (revision 2, 40-bit RC4; Algorithms 3.1-3.4 of the PDF Reference), in pure Python, so
no encryption library is needed and the files are genuinely encrypted.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "tests" / "hostile"
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
USER_PASSWORD = "secret"
OWNER_PASSWORD = "owner-secret"
MAX_CASE_BYTES = 200 * 1024

# A short services agreement written for this corpus (fictional parties). It has enough exit
# wording that a readable copy gets real findings, and enough text to pass the quality checks.
_CONTRACT_TEXT = """SERVICES AGREEMENT
This Agreement is made between Northwind Mutual Limited (the "Customer") and Blue Tarn Systems
Limited (the "Supplier").
1. Definitions
1.1 "Services" means the managed IT services described in Schedule 1.
1.2 "Customer Data" means all data supplied by the Customer or processed for it under this Agreement.
2. Term
2.1 This Agreement starts on the Effective Date and continues for an initial term of three years.
3. Termination
3.1 The Customer may terminate this Agreement for convenience on ninety (90) days' written notice.
3.2 Either party may terminate this Agreement with immediate effect by written notice if the other
party commits a material breach which is not remedied within thirty (30) days of a notice.
3.3 Either party may terminate this Agreement if the other party becomes insolvent.
4. Exit Assistance
4.1 On expiry or termination the Supplier shall provide termination assistance for a period of
up to twelve (12) months so that the Services transfer to the Customer or a successor supplier.
4.2 The Supplier shall deliver an exit plan within three months of the Effective Date.
5. Customer Data
5.1 Within thirty (30) days of termination the Supplier shall return all Customer Data to the
Customer in a commonly used, machine-readable format, and then securely delete it.
6. Service Levels
6.1 The Supplier shall ensure the Services are available 99.9% of the time in each month.
7. Governing Law
7.1 This Agreement is governed by the laws of England and Wales."""
CONTRACT = _CONTRACT_TEXT.split("\n")


# ---------------------------------------------------------------------------------------------
# A minimal PDF writer with the standard security handler (RC4, revision 2)

PDF_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def rc4(key: bytes, data: bytes) -> bytes:
    """RC4 keystream XOR (PDF Reference 3.5.1); encryption and decryption are the same."""
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 0xFF
        s[i], s[j] = s[j], s[i]
    out = bytearray(len(data))
    i = j = 0
    for n, byte in enumerate(data):
        i = (i + 1) & 0xFF
        j = (j + s[i]) & 0xFF
        s[i], s[j] = s[j], s[i]
        out[n] = byte ^ s[(s[i] + s[j]) & 0xFF]
    return bytes(out)


def _pad_password(password: str) -> bytes:
    return (password.encode("latin-1") + PDF_PAD)[:32]


def owner_entry(owner_password: str, user_password: str) -> bytes:
    """Algorithm 3.3 (revision 2): the /O value."""
    key = hashlib.md5(_pad_password(owner_password or user_password)).digest()[:5]
    return rc4(key, _pad_password(user_password))


def file_key(user_password: str, o_entry: bytes, permissions: int, file_id: bytes) -> bytes:
    """Algorithm 3.2 (revision 2): the 40-bit file encryption key."""
    md5 = hashlib.md5(_pad_password(user_password))
    md5.update(o_entry)
    md5.update(struct.pack("<i", permissions))
    md5.update(file_id)
    return md5.digest()[:5]


def user_entry(key: bytes) -> bytes:
    """Algorithm 3.4 (revision 2): the /U value."""
    return rc4(key, PDF_PAD)


def object_key(key: bytes, num: int, gen: int = 0) -> bytes:
    """Algorithm 3.1: the RC4 key for the strings and streams of one object."""
    digest = hashlib.md5(key + struct.pack("<i", num)[:3] + struct.pack("<i", gen)[:2]).digest()
    return digest[: min(len(key) + 5, 16)]


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content_stream(lines: list[str], font_size: float = 10) -> bytes:
    leading = font_size * 1.35
    out = [b"BT", f"/F1 {font_size:g} Tf {leading:g} TL 56 790 Td".encode()]
    for line in lines:
        out.append(_pdf_string(line) + b" Tj T*")
    out.append(b"ET")
    return b"\n".join(out)


def _to_unicode_cmap(mapping: dict[int, str]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<00> <FF>",
        "endcodespacerange",
    ]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):
        chunk = items[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{code:02X}> <{ord(ch):04X}>" for code, ch in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def build_pdf(
    pages: list[list[str]],
    *,
    user_password: str | None = None,
    owner_password: str = "",
    to_unicode: dict[int, str] | None = None,
    seed: str = "clausescan",
    page_extra: bytes = b"",
) -> bytes:
    """A small, valid PDF: one Helvetica text page per entry of ``pages`` (no compression).

    ``user_password`` (may be "") encrypts every stream with RC4-40 (security handler revision
    2); ``to_unicode`` attaches a ToUnicode CMap to the font (a wrong one garbles extraction);
    ``page_extra`` is spliced into every page dictionary.
    """
    objects: dict[int, bytes] = {}
    streams: dict[int, bytes] = {}
    n_pages = len(pages)
    font_num = 3
    cmap_num = 4 if to_unicode is not None else None
    first_page = 5
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(n_pages))
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode()
    font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding"
    if cmap_num is not None:
        font += f" /ToUnicode {cmap_num} 0 R"
        streams[cmap_num] = _to_unicode_cmap(to_unicode or {})
    objects[font_num] = (font + " >>").encode()
    for i, lines in enumerate(pages):
        page_num, content_num = first_page + 2 * i, first_page + 2 * i + 1
        objects[page_num] = (
            (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                f"/Resources << /Font << /F1 {font_num} 0 R >> >> /Contents {content_num} 0 R "
            ).encode()
            + page_extra
            + b">>"
        )
        streams[content_num] = _content_stream(lines)
    file_id = hashlib.md5(seed.encode()).digest()
    key: bytes | None = None
    encrypt_num = None
    if user_password is not None:
        permissions = -4
        o_entry = owner_entry(owner_password, user_password)
        key = file_key(user_password, o_entry, permissions, file_id)
        encrypt_num = first_page + 2 * n_pages
        objects[encrypt_num] = (
            f"<< /Filter /Standard /V 1 /R 2 /Length 40 /O <{o_entry.hex()}> /U <{user_entry(key).hex()}> "
            f"/P {permissions} >>"
        ).encode()
    for num, data in streams.items():
        payload = rc4(object_key(key, num), data) if key is not None else data
        objects[num] = b"<< /Length %d >>\nstream\n" % len(payload) + payload + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 65535 f \n"
    trailer = f"<< /Size {size} /Root 1 0 R /ID [<{file_id.hex()}> <{file_id.hex()}>]"
    if encrypt_num is not None:
        trailer += f" /Encrypt {encrypt_num} 0 R"
    out += b"trailer\n" + trailer.encode() + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def paginate(lines: list[str], per_page: int = 50) -> list[list[str]]:
    return [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]


# ---------------------------------------------------------------------------------------------
# fpdf2 PDFs (shapes, images, many pages)


def _fpdf() -> FPDF:
    from fpdf import FPDF  # a test dependency: imported only when a PDF is drawn

    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_producer("clausescan tools/make_hostile_corpus.py")
    pdf.set_auto_page_break(auto=False)
    pdf.set_font("Helvetica", "", 10)
    return pdf


def _write_lines(pdf: FPDF, lines: list[str], y: float = 20, style: str = "") -> None:
    pdf.set_font("Helvetica", style, 10)
    for line in lines:
        pdf.set_xy(20, y)
        pdf.cell(0, 5, line)
        y += 5.5


def fpdf_text_pdf(pages: list[list[str]]) -> bytes:
    pdf = _fpdf()
    for lines in pages:
        pdf.add_page()
        _write_lines(pdf, lines)
    return bytes(pdf.output())


def _png(width: int, height: int, seed: int) -> bytes:
    """A grey 8-bit PNG that looks like a scanned page: noise and dark text-like bars."""
    rng = random.Random(seed)
    rows = []
    for y in range(height):
        bar = (y // 6) % 3 == 0 and 20 < y < height - 20
        row = bytearray([0])  # filter type: none
        for x in range(width):
            dark = bar and 16 < x < width - 16 and rng.random() < 0.55
            row.append(rng.randrange(20, 90) if dark else rng.randrange(225, 256))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def no_text_layer_pdf() -> bytes:
    """Three "scanned" pages: a picture of text and drawn boxes, no text objects at all."""
    pdf = _fpdf()
    for page in range(3):
        pdf.add_page()
        pdf.set_draw_color(40, 40, 40)
        pdf.rect(15, 15, 180, 267)
        pdf.set_fill_color(200, 200, 200)
        pdf.rect(25, 25, 60, 12, style="F")
        pdf.image(io.BytesIO(_png(120, 150, seed=page)), x=25, y=45, w=160)
    return bytes(pdf.output())


def one_of_six_pages_pdf() -> bytes:
    pdf = _fpdf()
    pdf.add_page()
    _write_lines(pdf, CONTRACT[:14])
    for page in range(5):
        pdf.add_page()
        pdf.image(io.BytesIO(_png(90, 120, seed=10 + page)), x=25, y=25, w=160)
    return bytes(pdf.output())


def _doubled(line: str) -> str:
    return "".join(ch * 2 if not ch.isspace() else ch for ch in line)


def _cid_soup(line: str, shift: int) -> str:
    return "".join(f"(cid:{(ord(ch) + shift) % 97 + 3})" if not ch.isspace() else " " for ch in line)[:110]


def lost_ligatures_pdf() -> bytes:
    """Bold headings keep their ligatures; in the body the font dropped the second letter."""
    damage = {
        "notice": "notce",
        "termination": "terminaton",
        "information": "informaton",
        "specified": "specifed",
        "staff": "staf",
        "written": "writen",
        "effect": "efect",
        "obligations": "obligatons",
        "confidential": "confdental",
        "notify": "notfy",
    }
    headings = [
        "Notice and Termination",
        "Information and Staff",
        "Written Obligations",
        "Specified Effect",
        "Confidential Notify",
    ]
    body = [
        "1. The Customer may give notice of termination on ninety (90) days' written notice.",
        "2. The Supplier shall provide information about its staff and its obligations.",
        "3. Any notice shall be in writing and has effect when received as specified below.",
        "4. The Supplier shall notify the Customer of confidential information it receives.",
        "5. Termination does not affect obligations which are specified to survive termination.",
        "6. The staff of the Supplier shall keep written records of all notices given.",
    ] * 3

    def damaged(line: str) -> str:
        out = []
        for word in line.split(" "):
            core = word.rstrip(".,;:'()")
            tail = word[len(core) :]
            low = core.lower()
            if low in damage:
                rep = damage[low]
                core = rep[0].upper() + rep[1:] if core[0].isupper() else rep
            out.append(core + tail)
        return " ".join(out)

    pdf = _fpdf()
    pdf.add_page()
    y = 20.0
    for i, line in enumerate(body):
        if i % 4 == 0:
            _write_lines(pdf, [headings[(i // 4) % len(headings)]], y, "B")
            y += 6
        _write_lines(pdf, [damaged(line)], y)
        y += 6
    return bytes(pdf.output())


def make_big_pdf(pages: int) -> bytes:
    """A long but ordinary contract: ``pages`` pages of varied clause text (for --max-pages)."""
    pdf = _fpdf()
    body = [ln for ln in CONTRACT if ln[:1].isdigit() and "." in ln[:3] and len(ln) > 40]
    for page in range(1, pages + 1):
        pdf.add_page()
        lines = [f"Schedule {page}"] + [body[(page * 3 + k) % len(body)] for k in range(6)]
        _write_lines(pdf, lines)
    return bytes(pdf.output())


def zero_page_pdf() -> bytes:
    return build_pdf([], seed="zero-pages")


def garbled_to_unicode_pdf() -> bytes:
    """Looks right on screen, extracts as nonsense: the font's ToUnicode map is shifted."""
    mapping = {}
    for code in range(0x21, 0x7F):
        ch = chr(code)
        if ch.isalpha():
            base = ord("a") if ch.islower() else ord("A")
            mapping[code] = chr(base + (ord(ch) - base + 7) % 26)
        else:
            mapping[code] = chr(0x2500 + code)  # box-drawing characters for digits and punctuation
    mapping[0x20] = " "
    return build_pdf(paginate(CONTRACT), to_unicode=mapping, seed="garbled")


def truncated_pdf() -> bytes:
    full = fpdf_text_pdf(paginate(CONTRACT * 3, 45))
    return full[: int(len(full) * 0.6)]


def corrupt_pdf() -> bytes:
    rng = random.Random(8)
    return b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(6000))


def deeply_nested_pdf() -> bytes:
    """A readable contract whose page dictionary nests arrays 40,000 deep (recursive parsers
    overflow the stack on such objects; the reader must neither crash nor hang)."""
    depth = 40000
    return build_pdf(paginate(CONTRACT), seed="nested", page_extra=b"/Annots " + b"[" * depth + b"]" * depth + b" ")


# ---------------------------------------------------------------------------------------------
# DOCX packages, written by hand with zipfile

W_TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
REL_TRANSITIONAL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_MACRO = "application/vnd.ms-word.document.macroEnabled.main+xml"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _paragraphs(lines: list[str], numbered: bool = False) -> str:
    out = []
    for i, line in enumerate(lines):
        ppr = ""
        text = line
        if i == 0:
            ppr = '<w:pPr><w:pStyle w:val="Title"/></w:pPr>'
        elif numbered and line[:1].isdigit() and ". " in line[:4]:
            ppr = (
                '<w:pPr><w:pStyle w:val="Heading1"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
            )
            text = line.split(". ", 1)[1]
        out.append(f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{_xml_escape(text)}</w:t></w:r></w:p>')
    return "".join(out)


def document_xml(lines: list[str], w: str = W_TRANSITIONAL, numbered: bool = False, doctype: str = "") -> str:
    return (
        XML_DECL
        + doctype
        + f'<w:document xmlns:w="{w}"><w:body>'
        + _paragraphs(lines, numbered)
        + "</w:body></w:document>"
    )


def styles_xml(w: str) -> str:
    return (
        XML_DECL + f'<w:styles xmlns:w="{w}">'
        '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>'
        "</w:styles>"
    )


def numbering_xml(w: str, start: str = "1", fmt: str = "decimal", ilvl: str = "0") -> str:
    return (
        XML_DECL + f'<w:numbering xmlns:w="{w}">'
        f'<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/>'
        f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
    )


def content_types(main_type: str = CT_MAIN, extra: str = "") -> str:
    return (
        XML_DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main_type}"/>{extra}</Types>'
    )


def package_rels(target: str = "word/document.xml", rel_ns: str = REL_TRANSITIONAL) -> str:
    return (
        XML_DECL + f'<Relationships xmlns="{PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{rel_ns}/officeDocument" Target="{target}"/></Relationships>'
    )


def document_rels(rel_ns: str = REL_TRANSITIONAL, extra: str = "") -> str:
    return (
        XML_DECL + f'<Relationships xmlns="{PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{rel_ns}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId2" Type="{rel_ns}/numbering" Target="numbering.xml"/>{extra}</Relationships>'
    )


def zip_package(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


def make_docx(
    lines: list[str] | None = None,
    *,
    w: str = W_TRANSITIONAL,
    rel_ns: str = REL_TRANSITIONAL,
    main_type: str = CT_MAIN,
    doctype: str = "",
    body_xml: str | bytes | None = None,
    numbering: str | None = None,
    extra: dict[str, bytes | str] | None = None,
    extra_types: str = "",
    extra_doc_rels: str = "",
) -> bytes:
    lines = CONTRACT if lines is None else lines
    members: dict[str, bytes | str] = {
        "[Content_Types].xml": content_types(main_type, extra_types),
        "_rels/.rels": package_rels(rel_ns=rel_ns),
        "word/_rels/document.xml.rels": document_rels(rel_ns, extra_doc_rels),
        "word/document.xml": body_xml if body_xml is not None else document_xml(lines, w, True, doctype),
        "word/styles.xml": styles_xml(w),
        "word/numbering.xml": numbering if numbering is not None else numbering_xml(w),
    }
    members.update(extra or {})
    return zip_package(members)


def strict_docx() -> bytes:
    return make_docx(w=W_STRICT, rel_ns=REL_STRICT)


def docm() -> bytes:
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b'Attribute VB_Name = "NewMacros"\r\n' * 4
    return make_docx(
        main_type=CT_MACRO,
        extra={"word/vbaProject.bin": vba},
        extra_types='<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
        extra_doc_rels=(
            '<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2006/relationships/'
            'vbaProject" Target="vbaProject.bin"/>'
        ),
    )


def _xml_part(decl: str, doctype: str, body: str, encoding: str) -> bytes:
    xml = decl + doctype + f'<w:document xmlns:w="{W_TRANSITIONAL}"><w:body>' + body + "</w:body></w:document>"
    return xml.encode(encoding)


def xxe_docx(encoding: str = "utf-8") -> bytes:
    decl = XML_DECL if encoding == "utf-8" else f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n'
    doctype = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    body = "<w:p><w:r><w:t>Notice: &xxe;</w:t></w:r></w:p>" + _paragraphs(CONTRACT)
    return make_docx(body_xml=_xml_part(decl, doctype, body, encoding))


def billion_laughs_docx(encoding: str = "utf-8") -> bytes:
    decl = XML_DECL if encoding == "utf-8" else f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n'
    ents = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    ]
    doctype = "<!DOCTYPE w:document [" + "".join(ents) + "]>\n"
    return make_docx(body_xml=_xml_part(decl, doctype, "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", encoding))


BOMB_BYTES = 64 * 1024 * 1024 + 4096  # just past the reader's 64 MiB cap for one part


def zip_bomb_docx() -> bytes:
    """A well-formed package whose document part inflates to > 64 MiB of blanks (~65 KB on disk)."""
    buf = io.BytesIO()
    head = (XML_DECL + f'<w:document xmlns:w="{W_TRANSITIONAL}"><w:body>').encode()
    tail = b"<w:p><w:r><w:t>Boom.</w:t></w:r></w:p></w:body></w:document>"
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in (("[Content_Types].xml", content_types()), ("_rels/.rels", package_rels())):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
        info = zipfile.ZipInfo("word/document.xml", date_time=ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w") as fh:
            fh.write(head)
            chunk = b" " * (1024 * 1024)
            left = BOMB_BYTES - len(head) - len(tail)
            while left > 0:
                fh.write(chunk[:left])
                left -= len(chunk)
            fh.write(tail)
    return buf.getvalue()


def lying_zip_bomb_docx() -> bytes:
    """The zip bomb with its size fields rewritten to claim 4 KB: the reader must not trust them."""
    data = bytearray(zip_bomb_docx())
    name = b"word/document.xml"
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while (pos := data.find(sig, pos)) != -1:
            name_at = pos + (30 if sig == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", data, pos + size_at, 4096)
            pos += 4
    return bytes(data)


def xlsx_renamed() -> bytes:
    ss = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    return zip_package(
        {
            "[Content_Types].xml": content_types(sheet_type).replace("/word/document.xml", "/xl/workbook.xml"),
            "_rels/.rels": package_rels("xl/workbook.xml"),
            "xl/workbook.xml": (
                XML_DECL + f'<workbook xmlns="{ss}"><sheets><sheet name="Fees" sheetId="1"/></sheets></workbook>'
            ),
            "xl/worksheets/sheet1.xml": XML_DECL + f'<worksheet xmlns="{ss}"><sheetData/></worksheet>',
        }
    )


def odt_renamed() -> bytes:
    return zip_package(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": XML_DECL + '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
            'xmlns:office:1.0"><office:body><office:text/></office:body></office:document-content>',
            "META-INF/manifest.xml": XML_DECL + "<manifest/>",
        }
    )


def huge_numbering_docx() -> bytes:
    """List numbering that starts at 999,999,999 in lowerLetter format and a level index of 40."""
    w = W_TRANSITIONAL
    numbering = numbering_xml(w, start="999999999", fmt="lowerLetter").replace(
        "</w:abstractNum>",
        '<w:lvl w:ilvl="40"><w:start w:val="x9"/><w:numFmt w:val="upperRoman"/>'
        '<w:lvlText w:val="%41"/></w:lvl></w:abstractNum>',
    )
    body = document_xml(CONTRACT, w, True).replace(
        "<w:body>",
        '<w:body><w:p><w:pPr><w:numPr><w:ilvl w:val="40"/><w:numId w:val="1"/></w:numPr></w:pPr>'
        "<w:r><w:t>A list item at a level Word does not have.</w:t></w:r></w:p>",
        1,
    )
    return make_docx(body_xml=body, numbering=numbering)


def truncated_docx() -> bytes:
    full = make_docx()
    return full[: int(len(full) * 0.6)]


def ole2(extra: bytes = b"") -> bytes:
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    return bytes(header) + extra.ljust(2048, b"\x00")


def encrypted_ooxml() -> bytes:
    """Word's password-protected .docx: an OLE2 container with EncryptionInfo/EncryptedPackage."""
    names = b"".join(
        n.encode("utf-16-le").ljust(64, b"\x00") + bytes(64)
        for n in ("Root Entry", "EncryptionInfo", "EncryptedPackage")
    )
    return ole2(names)


# ---------------------------------------------------------------------------------------------
# Text files

CONTRACT_TEXT = "\n".join(CONTRACT) + "\n"
SMART_TEXT = (
    CONTRACT_TEXT.replace('"Customer"', "\u201cCustomer\u201d")
    .replace('"Supplier"', "\u201cSupplier\u201d")
    .replace("days'", "days\u2019")
    .replace("Northwind", "Northwind Caf\u00e9")
    + "Fees \u2013 \u00a3 1,200\n"
)
LATIN1_TEXT = CONTRACT_TEXT + "Caf\u00e9 M\u00fcller, \u00a3 100, \u00ab net \u00bb\n"


def nul_sprinkled() -> bytes:
    data = bytearray(CONTRACT_TEXT.encode())
    for pos in (40, 300, 301, 900, 1500):
        data[pos:pos] = b"\x00"
    return bytes(data)


def binary_junk() -> bytes:
    rng = random.Random(5)
    return bytes(rng.choice((0, 0, 0, rng.randrange(256))) for _ in range(4000))


def control_chars_md() -> bytes:
    lines = ["# Services Agreement", "", "\x1b[2J\x1b[1;31mTerminal escape injection\x1b[0m\x07", ""]
    lines += [ln.replace("Agreement", "Agree\x0bment", 1) for ln in CONTRACT[1:]]
    return ("\n".join(lines) + "\n").encode()


def one_huge_line() -> bytes:
    return (" ".join(CONTRACT) + " ").encode() * 40


def rtf() -> bytes:
    body = "\\par ".join(ln.replace("\\", "") for ln in CONTRACT)
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\\f0\\fs22 " + body + "}").encode()


# ---------------------------------------------------------------------------------------------
# The cases


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], bytes]
    expect: str  # an error code, or "ok"
    why: str
    extractor: str | None = None
    warnings: tuple[str, ...] = ()
    notes: dict[str, object] = field(default_factory=dict)


CASES: tuple[Case, ...] = (
    # PDF
    Case(
        "pdf-encrypted-user-password.pdf",
        lambda: build_pdf(paginate(CONTRACT), user_password=USER_PASSWORD, owner_password=OWNER_PASSWORD, seed="enc"),
        "CS-PDF-ENCRYPTED",
        "RC4-40 standard security handler, user password 'secret'; opens with --password",
        notes={"password": USER_PASSWORD, "extractor_with_password": "pypdfium2"},
    ),
    Case(
        "pdf-encrypted-empty-user-password.pdf",
        lambda: build_pdf(paginate(CONTRACT), user_password="", owner_password=OWNER_PASSWORD, seed="enc0"),
        "ok",
        "encrypted with an owner password only: readers open it without asking",
        "pypdfium2",
    ),
    Case("pdf-corrupt-random-bytes.pdf", corrupt_pdf, "CS-PDF-CORRUPT", "a %PDF-1.4 header followed by random bytes"),
    Case(
        "pdf-truncated-at-60-percent.pdf",
        truncated_pdf,
        "CS-PDF-CORRUPT",
        "a real 2-page PDF cut at 60%: no page tree, no xref, no trailer",
    ),
    Case("pdf-zero-bytes.pdf", lambda: b"", "CS-FILE-EMPTY", "an empty file"),
    Case("pdf-zero-pages.pdf", zero_page_pdf, "CS-TEXT-EMPTY", "a valid PDF whose page tree is empty"),
    Case(
        "pdf-html-renamed.pdf",
        lambda: b"<!DOCTYPE html>\n<html><head><title>Download</title></head><body>Session expired</body></html>\n",
        "CS-FILE-TYPE-MISMATCH",
        "an HTML error page saved as .pdf",
    ),
    Case(
        "pdf-plain-text-renamed.pdf",
        lambda: CONTRACT_TEXT.encode(),
        "CS-FILE-TYPE-MISMATCH",
        "a plain-text contract named .pdf",
    ),
    Case(
        "pdf-no-text-layer.pdf",
        no_text_layer_pdf,
        "CS-PDF-NO-TEXT",
        "3 scanned-looking pages: an image and drawn boxes, no text objects",
    ),
    Case(
        "pdf-text-on-1-of-6-pages.pdf",
        one_of_six_pages_pdf,
        "CS-PDF-TOO-LITTLE-TEXT",
        "page 1 has text, pages 2-6 are images only (a partly scanned contract)",
    ),
    Case(
        "pdf-garbage-doubled-characters.pdf",
        lambda: fpdf_text_pdf(paginate([_doubled(x) for x in CONTRACT])),
        "CS-PDF-GARBLED",
        "every letter twice ('TThhee CCuussttoommeerr'), as fake-bold fonts extract",
    ),
    Case(
        "pdf-garbage-cid-codes.pdf",
        lambda: fpdf_text_pdf(paginate([_cid_soup(x, i) for i, x in enumerate(CONTRACT * 2)])),
        "CS-PDF-GARBLED",
        "text that extracts as '(cid:41)(cid:72)...' soup",
    ),
    Case(
        "pdf-garbage-wrong-tounicode.pdf",
        garbled_to_unicode_pdf,
        "CS-PDF-GARBLED",
        "renders fine, but the font's ToUnicode map is shifted so extraction is nonsense",
    ),
    Case(
        "pdf-deeply-nested-arrays.pdf",
        deeply_nested_pdf,
        "ok",
        "a readable page whose /Annots nests arrays 40,000 deep (stack exhaustion in recursive parsers)",
        "pypdfium2",
    ),
    Case(
        "pdf-lost-ligatures.pdf",
        lost_ligatures_pdf,
        "ok",
        "body text lost the second letter of ti/fi/ff/tt ligatures ('notce'); headings kept them",
        "pypdfium2",
        ("CS-PDF-LOST-LIGATURES",),
    ),
    # Word
    Case("doc-legacy-ole2.doc", ole2, "CS-DOC-LEGACY", "an OLE2 compound file (Word 97-2003 binary)"),
    Case(
        "docx-password-protected-ole.docx",
        encrypted_ooxml,
        "CS-DOCX-ENCRYPTED",
        "how Word stores a password-protected .docx: an OLE2 container with EncryptedPackage",
    ),
    Case("docx-not-a-zip.docx", lambda: CONTRACT_TEXT.encode(), "CS-DOCX-NOT-ZIP", "plain text named .docx"),
    Case(
        "docx-truncated-at-60-percent.docx",
        truncated_docx,
        "CS-DOCX-CORRUPT",
        "a real package cut at 60%: the zip central directory is missing",
    ),
    Case(
        "docx-zip-bomb.docx",
        zip_bomb_docx,
        "CS-DOCX-ZIP-BOMB",
        "word/document.xml inflates to more than 64 MiB (about 65 KB on disk)",
    ),
    Case(
        "docx-zip-bomb-lying-sizes.docx",
        lying_zip_bomb_docx,
        "CS-DOCX-CORRUPT",
        "the zip bomb with its size fields rewritten to claim 4 KB",
    ),
    Case(
        "docx-xxe-external-entity.docx",
        xxe_docx,
        "CS-DOCX-UNSAFE-XML",
        "document.xml declares <!ENTITY xxe SYSTEM 'file:///etc/passwd'>",
    ),
    Case(
        "docx-billion-laughs.docx",
        billion_laughs_docx,
        "CS-DOCX-UNSAFE-XML",
        "document.xml declares nested entities expanding to 10^9 'lol's",
    ),
    Case(
        "docx-xxe-utf16.docx",
        lambda: xxe_docx("utf-16"),
        "CS-DOCX-UNSAFE-XML",
        "the XXE part encoded as UTF-16, where a byte search for '<!DOCTYPE' finds nothing",
    ),
    Case(
        "docx-billion-laughs-utf16.docx",
        lambda: billion_laughs_docx("utf-16"),
        "CS-DOCX-UNSAFE-XML",
        "the billion-laughs part encoded as UTF-16",
    ),
    Case("docx-strict-ooxml.docx", strict_docx, "ok", "Strict Open XML namespaces (purl.oclc.org)", "docx-xml-strict"),
    Case(
        "docm-macro-enabled.docm",
        docm,
        "ok",
        "macro-enabled document: the text is read, the macros ignored",
        "docx-xml",
    ),
    Case("docx-xlsx-renamed.docx", xlsx_renamed, "CS-FILE-TYPE-MISMATCH", "an Excel workbook named .docx"),
    Case("docx-odt-renamed.docx", odt_renamed, "CS-FILE-TYPE-MISMATCH", "an OpenDocument text file named .docx"),
    Case(
        "docx-missing-document-part.docx",
        lambda: zip_package({"[Content_Types].xml": content_types(), "docProps/app.xml": XML_DECL + "<Properties/>"}),
        "CS-DOCX-CORRUPT",
        "a package without word/document.xml",
    ),
    Case(
        "docx-malformed-xml.docx",
        lambda: make_docx(body_xml=document_xml(CONTRACT)[:-40]),
        "CS-DOCX-CORRUPT",
        "document.xml is cut off mid-element",
    ),
    Case("docx-empty-body.docx", lambda: make_docx([]), "CS-TEXT-EMPTY", "a valid package with an empty body"),
    Case(
        "docx-hostile-numbering.docx",
        huge_numbering_docx,
        "ok",
        "list numbering starting at 999,999,999 (lowerLetter), a level 40 and a non-numeric start",
        "docx-xml",
    ),
    # Text
    Case(
        "txt-windows-1252-smart-quotes.txt",
        lambda: SMART_TEXT.encode("cp1252"),
        "ok",
        "Windows-1252: curly quotes, en dash, pound sign, 'Caf\u00e9'",
        "text",
        ("CS-TEXT-DECODE",),
    ),
    Case("txt-utf16-bom.txt", lambda: SMART_TEXT.encode("utf-16"), "ok", "UTF-16 with a byte-order mark", "text"),
    Case(
        "txt-utf16le-no-bom.txt",
        lambda: SMART_TEXT.encode("utf-16-le"),
        "ok",
        "UTF-16LE without a byte-order mark (Windows tools)",
        "text",
        ("CS-TEXT-DECODE",),
    ),
    Case(
        "txt-latin-1.txt",
        lambda: LATIN1_TEXT.encode("latin-1"),
        "ok",
        "ISO-8859-1 with accented letters",
        "text",
        ("CS-TEXT-DECODE",),
    ),
    Case(
        "txt-nul-bytes-sprinkled.txt",
        nul_sprinkled,
        "ok",
        "a UTF-8 contract with five stray NUL bytes: replaced by spaces, offsets kept",
        "text",
        ("CS-TEXT-CONTROL-CHARS",),
    ),
    Case("txt-binary-junk.txt", binary_junk, "CS-TEXT-DECODE", "binary data, mostly NUL bytes, named .txt"),
    Case(
        "txt-rtf-renamed.txt",
        rtf,
        "CS-FILE-UNSUPPORTED",
        "an RTF document named .txt: read as text it would be control-word soup",
    ),
    Case("txt-whitespace-only.txt", lambda: b"  \n\t\n\f\n   \n", "CS-TEXT-EMPTY", "blanks, tabs and a form feed"),
    Case("txt-one-huge-line.txt", one_huge_line, "ok", "the whole contract 40 times on one 60 KB line", "text"),
    Case(
        "txt-actually-a-pdf.txt",
        lambda: build_pdf(paginate(CONTRACT), seed="txtpdf"),
        "ok",
        "a PDF named .txt: the content decides",
        "pypdfium2",
    ),
    Case(
        "md-mentions-pdf-magic.md",
        lambda: (
            "# Document formats\n\nA PDF file starts with the bytes `%PDF-1.7`; this note is Markdown.\n\n"
            + CONTRACT_TEXT
        ).encode(),
        "ok",
        "Markdown that quotes the PDF header near its start",
        "text",
    ),
    Case(
        "md-control-characters.md",
        control_chars_md,
        "ok",
        "terminal escape sequences, BEL and vertical tabs: replaced by spaces",
        "text",
        ("CS-TEXT-CONTROL-CHARS",),
    ),
)


def generator_versions() -> dict[str, str]:
    """Versions that decide the exact bytes (fpdf2 layout, zlib streams)."""
    from importlib.metadata import version

    return {"fpdf2": version("fpdf2"), "zlib": zlib.ZLIB_RUNTIME_VERSION}


def expected() -> dict[str, object]:
    cases: dict[str, dict[str, object]] = {}
    for c in CASES:
        entry: dict[str, object] = {"expect": c.expect, "why": c.why}
        if c.expect == "ok":
            entry["extractor"] = c.extractor
            entry["warnings"] = list(c.warnings)
        entry.update(c.notes)
        cases[c.name] = entry
    return {
        "about": "Generated by tools/make_hostile_corpus.py; do not edit. expect: error code, or ok "
        "(with extractor and warning codes). Read by tests/test_hostile.py.",
        "generated_with": generator_versions(),
        "cases": cases,
    }


def generate(out_dir: Path) -> list[Path]:
    """Write every case and EXPECTED.json into ``out_dir``; return the written case files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for case in CASES:
        data = case.build()
        if len(data) > MAX_CASE_BYTES:
            raise SystemExit(f"{case.name}: {len(data)} bytes exceeds {MAX_CASE_BYTES}")
        path = out_dir / case.name
        path.write_bytes(data)
        written.append(path)
    (out_dir / "EXPECTED.json").write_text(
        json.dumps(expected(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    written = generate(args.out_dir)
    total = sum(p.stat().st_size for p in written)
    print(f"wrote {len(written)} cases ({total:,} bytes) and EXPECTED.json to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
