"""A mutation fuzzer over real PDF and DOCX bytes, plus regression tests for what it found.

Seeds: the PDF and DOCX files in sample_contracts/, two readable files of the hostile corpus and,
when ../shared/data is present, three real-world files from it. Mutations: bit flips,
truncation, splicing two files, duplicating or removing a chunk, hostile numbers in PDF syntax,
and for DOCX packages mutations *inside* a member (the package is re-zipped with a damaged
word/document.xml, numbering.xml, ...).

Every case runs ``ingest_bytes`` in-process under a 10 s alarm and must either return a
Document (which must then segment cleanly) or raise ``InputError``; anything else is a crash.
The run is deterministic: CLAUSESCAN_FUZZ_SEED picks the seed (default 8), CLAUSESCAN_FUZZ_CASES
the number of cases (default 150). Crashing inputs are written to CLAUSESCAN_FUZZ_OUT (default: a
temporary directory) so they can be replayed with ``ingest_bytes``.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import re
import time
import traceback
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from clausescan.errors import InputError
from clausescan.ingest import ingest_bytes
from clausescan.model import Document
from clausescan.segment import segment
from tests.conftest import SAMPLES, raise_after, shared

FUZZ_SEED = int(os.environ.get("CLAUSESCAN_FUZZ_SEED", "8"))
FUZZ_CASES = int(os.environ.get("CLAUSESCAN_FUZZ_CASES", "150"))
CASE_TIME_LIMIT = 10  # seconds (signal.alarm)
SLOW = 2.0  # seconds: reported, not failed
SHARED_SEEDS = (
    "uk-ccs-public-sector-contract-prototype/app_assets_files/schedule27.pdf",
    "bonterms/Cloud-Terms/Bonterms-Cloud-Terms-Version-1.0.pdf",
    "uk-ccs-public-sector-contract-prototype/example-contract_zip_contents/"
    "Call-Off Schedule 13 (O) - Exit Management v.1.4.docx",
)

# ------------------------------------------------------------------------------------------------
# Seeds


# Two readable files from the hostile corpus widen the seeds: an RC4-encrypted PDF (empty user
# password) and a Strict OOXML package.
CORPUS_SEEDS = ("pdf-encrypted-empty-user-password.pdf", "docx-strict-ooxml.docx")


def seed_files() -> list[Path]:
    files = sorted(SAMPLES.glob("*.pdf")) + sorted(SAMPLES.rglob("*.docx"))
    files += [Path(__file__).resolve().parent / "hostile" / name for name in CORPUS_SEEDS]
    for rel in SHARED_SEEDS:
        with contextlib.suppress(pytest.skip.Exception):  # ../shared/data (or the file) is absent
            files.append(shared(rel))
    return files


# ------------------------------------------------------------------------------------------------
# Mutations: each takes (rng, data, other seed) and returns (new bytes, description)

Mutation = Callable[[random.Random, bytes, bytes], tuple[bytes, str]]


def bit_flips(rng: random.Random, data: bytes, other: bytes) -> tuple[bytes, str]:
    buf = bytearray(data)
    n = rng.choice((1, 2, 8, 32, 128))
    for _ in range(n):
        i = rng.randrange(len(buf))
        buf[i] ^= 1 << rng.randrange(8)
    return bytes(buf), f"bit_flips({n})"


def truncate(rng: random.Random, data: bytes, other: bytes) -> tuple[bytes, str]:
    cut = rng.randrange(1, len(data))
    if rng.random() < 0.8:
        return data[:cut], f"truncate(head {cut})"
    return data[cut:], f"truncate(tail from {cut})"


def splice(rng: random.Random, data: bytes, other: bytes) -> tuple[bytes, str]:
    i, j = rng.randrange(len(data)), rng.randrange(len(other))
    return data[:i] + other[j:], f"splice({i}, other[{j}:])"


def duplicate_chunk(rng: random.Random, data: bytes, other: bytes) -> tuple[bytes, str]:
    i = rng.randrange(len(data))
    j = min(len(data), i + rng.randrange(1, 4096))
    k = rng.randrange(len(data))
    return data[:k] + data[i:j] + data[k:], f"duplicate([{i}:{j}] at {k})"


def remove_chunk(rng: random.Random, data: bytes, other: bytes) -> tuple[bytes, str]:
    i = rng.randrange(len(data))
    j = min(len(data), i + rng.randrange(1, 4096))
    return data[:i] + data[j:], f"remove([{i}:{j}])"


HOSTILE_NUMBERS = (b"0", b"-1", b"2147483648", b"99999999999", b"1e9", b"3.5", b"", b"x", b"00000000000000000001")


def hostile_numbers(rng: random.Random, data: bytes, other: bytes) -> tuple[bytes, str]:
    """Replace some integers (object numbers, /Count, /Length, w:val, ...) with hostile ones."""
    spans = [m.span() for m in re.finditer(rb"(?<![0-9A-Za-z.])\d{1,9}(?![0-9.])", data[:200_000])]
    if not spans:
        return bit_flips(rng, data, other)
    buf = data
    picks = sorted(rng.sample(spans, min(len(spans), rng.choice((1, 3, 10)))), reverse=True)
    for a, b in picks:
        buf = buf[:a] + rng.choice(HOSTILE_NUMBERS) + buf[b:]
    return buf, f"hostile_numbers({len(picks)})"


BYTE_MUTATIONS: tuple[Mutation, ...] = (bit_flips, truncate, splice, duplicate_chunk, remove_chunk, hostile_numbers)

XML_MEMBER_WEIGHTS = (
    ("word/document.xml", 6),
    ("word/numbering.xml", 2),
    ("word/styles.xml", 2),
    ("word/_rels/document.xml.rels", 1),
    ("_rels/.rels", 1),
    ("[Content_Types].xml", 1),
    ("word/comments.xml", 1),
    ("word/header1.xml", 1),
    ("word/footer1.xml", 1),
)
ATTRIBUTE_VALUES = (
    "",
    "-1",
    "99999",
    "2147483648",
    "x",
    "1.5",
    "%1",
    "%9.%0",
    "bullet",
    "none",
    "heading 9",
    "\u202e",
    "0",
    "10",
)


def attribute_values(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    """Replace some w:val / w:ilvl / w:numId / w:id attribute values with hostile ones."""
    spans = [m.span(2) for m in re.finditer(rb'w:(val|ilvl|numId|abstractNumId|id|styleId)="([^"]*)"', xml)]
    if not spans:
        return xml, "attributes(none)"
    picks = sorted(rng.sample(spans, min(len(spans), rng.choice((1, 5, 20)))), reverse=True)
    for a, b in picks:
        xml = xml[:a] + rng.choice(ATTRIBUTE_VALUES).encode("utf-8") + xml[b:]
    return xml, f"attributes({len(picks)})"


def mutate_member(rng: random.Random, data: bytes, other: bytes) -> tuple[bytes, str]:
    """Re-zip a DOCX with one member damaged (or deleted)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [(i, zf.read(i)) for i in zf.infolist()]
    names = [i.filename for i, _ in members]
    candidates = [(n, w) for n, w in XML_MEMBER_WEIGHTS if n in names]
    target = rng.choices([n for n, _ in candidates], weights=[w for _, w in candidates])[0]
    how = rng.choice(("bytes", "bytes", "attributes", "attributes", "delete"))
    out = io.BytesIO()
    desc = f"member({target}: {how})"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, content in members:
            if info.filename == target:
                if how == "delete":
                    continue
                if how == "attributes":
                    content, what = attribute_values(rng, content)
                else:
                    content, what = rng.choice(BYTE_MUTATIONS[:5])(rng, content, other)
                desc = f"member({target}: {what})"
            zout.writestr(info, content)
    return out.getvalue(), desc


@dataclass
class Outcome:
    cases: int = 0
    documents: int = 0
    input_errors: dict[str, int] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)
    timeouts: list[str] = field(default_factory=list)
    slow: list[str] = field(default_factory=list)


class _CaseTimeout(Exception):
    pass


def alarm(seconds: int) -> AbstractContextManager[None]:
    return raise_after(seconds, _CaseTimeout())


def check_document(doc: Document) -> None:
    clauses = segment(doc)
    prev = 0
    for c in clauses:
        assert doc.text[c.char_start : c.char_end] == c.text
        assert prev <= c.char_start <= c.char_end
        assert c.page_start <= c.page_end
        prev = c.char_end


def fuzz(seeds: list[Path], n_cases: int, seed: int, out_dir: Path) -> Outcome:
    rng = random.Random(seed)
    blobs = [(p, p.read_bytes()) for p in seeds]
    outcome = Outcome()
    for case in range(n_cases):
        path, data = rng.choice(blobs)
        _, other = rng.choice(blobs)
        is_zip = data.startswith(b"PK")
        mutation = mutate_member if is_zip and rng.random() < 0.5 else rng.choice(BYTE_MUTATIONS)
        mutated, desc = mutation(rng, data, other)
        label = f"case {case} ({path.name}, {desc})"
        outcome.cases += 1
        start = time.monotonic()
        try:
            with alarm(CASE_TIME_LIMIT):
                doc = ingest_bytes(mutated, "fuzzed" + path.suffix.lower())
                check_document(doc)
            outcome.documents += 1
        except InputError as exc:
            outcome.input_errors[exc.code] = outcome.input_errors.get(exc.code, 0) + 1
            assert "\n" not in exc.message
        except _CaseTimeout:
            outcome.timeouts.append(label)
            _save(out_dir, case, path, mutated)
        except Exception:
            outcome.crashes.append(f"{label}: {traceback.format_exc(limit=-3)}")
            _save(out_dir, case, path, mutated)
        elapsed = time.monotonic() - start
        if elapsed > SLOW:
            outcome.slow.append(f"{label}: {elapsed:.1f}s")
    return outcome


def _save(out_dir: Path, case: int, path: Path, data: bytes) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"crash-{FUZZ_SEED}-{case}{path.suffix.lower()}").write_bytes(data)


def test_fuzz_ingest(tmp_path: Path) -> None:
    seeds = seed_files()
    assert len(seeds) >= 4
    out_dir = Path(os.environ.get("CLAUSESCAN_FUZZ_OUT", tmp_path / "fuzz-crashes"))
    outcome = fuzz(seeds, FUZZ_CASES, FUZZ_SEED, out_dir)
    summary = (
        f"{outcome.cases} cases from {len(seeds)} seeds: {outcome.documents} documents, "
        f"input errors {dict(sorted(outcome.input_errors.items()))}, {len(outcome.slow)} slow "
        f"(>{SLOW:g}s), {len(outcome.timeouts)} timeouts, {len(outcome.crashes)} crashes"
    )
    print(summary)
    for line in outcome.slow:
        print("slow:", line)
    assert not outcome.crashes, summary + "\n" + "\n".join(outcome.crashes[:5]) + f"\ninputs in {out_dir}"
    assert not outcome.timeouts, summary + "\n" + "\n".join(outcome.timeouts) + f"\ninputs in {out_dir}"


# ------------------------------------------------------------------------------------------------
# Regression tests: crashes and hangs found by the fuzzer and the hostile corpus, one per bug


def _docx(document: str, numbering: str | None = None, styles: str | None = None) -> bytes:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    members = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "word/document.xml": f"<w:document {w}><w:body>{document}</w:body></w:document>",
    }
    if numbering is not None:
        members["word/numbering.xml"] = f"<w:numbering {w}>{numbering}</w:numbering>"
    if styles is not None:
        members["word/styles.xml"] = f"<w:styles {w}>{styles}</w:styles>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buf.getvalue()


NUMBERED_PARA = (
    '<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="1"/></w:numPr></w:pPr>'
    "<w:r><w:t>The Customer may terminate on notice.</w:t></w:r></w:p>"
)


def _numbering(start: str = "1", fmt: str = "decimal", ilvl: str = "0", text: str = "%1.") -> str:
    return (
        f'<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/>'
        f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )


def test_regression_docx_non_numeric_numbering_start_crash() -> None:
    """ValueError: int('x9') for <w:start w:val="x9"/> in numbering.xml."""
    doc = ingest_bytes(_docx(NUMBERED_PARA.format(ilvl="0"), _numbering(start="x9")), "n.docx")
    assert doc.text.startswith("1. The Customer")


def test_regression_docx_list_level_out_of_range_crash() -> None:
    """IndexError: a paragraph at w:ilvl="40" (Word has levels 0-8) indexed the 9 counters."""
    doc = ingest_bytes(_docx(NUMBERED_PARA.format(ilvl="40"), _numbering(ilvl="40")), "n.docx")
    assert "The Customer may terminate" in doc.text
    doc = ingest_bytes(_docx(NUMBERED_PARA.format(ilvl="-3"), _numbering()), "n.docx")
    assert "The Customer may terminate" in doc.text


def test_regression_docx_non_numeric_ilvl_and_outline_crash() -> None:
    """ValueError: int() on w:ilvl="x" in a paragraph, w:outlineLvl="" in a style."""
    styles = (
        '<w:style w:styleId="H"><w:name w:val="heading x"/><w:pPr><w:outlineLvl w:val=""/>'
        '<w:numPr><w:ilvl w:val="one"/></w:numPr></w:pPr></w:style>'
    )
    body = (
        '<w:p><w:pPr><w:pStyle w:val="H"/><w:outlineLvl w:val="1.0"/></w:pPr><w:r><w:t>Term</w:t></w:r></w:p>'
        + NUMBERED_PARA.format(ilvl="x")
    )
    doc = ingest_bytes(_docx(body, _numbering(), styles), "n.docx")
    assert "Term" in doc.text


def test_regression_docx_huge_list_start_blows_up_label() -> None:
    """w:start="999999999" in lowerLetter built a 38-million-character label ("zzzz...")."""
    started = time.monotonic()
    doc = ingest_bytes(
        _docx(NUMBERED_PARA.format(ilvl="0"), _numbering(start="999999999", fmt="lowerLetter")), "n.docx"
    )
    assert time.monotonic() - started < 2
    assert len(doc.text) < 200
    roman = ingest_bytes(_docx(NUMBERED_PARA.format(ilvl="0"), _numbering(start="30000", fmt="upperRoman")), "n.docx")
    assert roman.text.startswith("30000.")


def test_regression_docx_level_text_refers_to_level_zero() -> None:
    """lvlText "%0" pointed before the first level (counters[-1])."""
    doc = ingest_bytes(_docx(NUMBERED_PARA.format(ilvl="0"), _numbering(text="%0.%1")), "n.docx")
    assert "The Customer" in doc.text


def test_regression_docx_chunk_removed_negative_seek_crash() -> None:
    """ValueError "negative seek value" from zipfile: bytes removed before the central directory
    shift every member offset below zero (found by the fuzzer: remove_chunk on a sample DOCX)."""
    data = _docx(NUMBERED_PARA.format(ilvl="0") * 20, _numbering())
    with pytest.raises(InputError) as info:
        ingest_bytes(data[:40] + data[400:], "chunk.docx")
    assert info.value.code == "CS-DOCX-CORRUPT"


def test_regression_docx_corrupt_deflate_stream_crash() -> None:
    """zlib.error from a damaged deflate stream inside a member was not caught."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w:document>" + "<w:p/>" * 500 + "</w:document>")
    data = bytearray(buf.getvalue())
    start = 30 + len("word/document.xml")  # first byte of the compressed data
    data[start : start + 8] = b"\xff" * 8
    with pytest.raises(InputError) as info:
        ingest_bytes(bytes(data), "deflate.docx")
    assert info.value.code == "CS-DOCX-CORRUPT"


def test_regression_docx_utf16_part_bypasses_dtd_check() -> None:
    """A UTF-16 document.xml hid its <!DOCTYPE> from the byte search: the XXE part was parsed
    (entities unresolved) and billion laughs reached libxml2's amplification guard (CS-DOCX-CORRUPT)."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<w:document {w}><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", xml.encode("utf-16"))
    with pytest.raises(InputError) as info:
        ingest_bytes(buf.getvalue(), "xxe16.docx")
    assert info.value.code == "CS-DOCX-UNSAFE-XML"


def test_regression_truncated_docx_reported_as_not_a_zip() -> None:
    """A .docx cut short (no zip central directory) said CS-DOCX-NOT-ZIP; it is a damaged package."""
    data = _docx(NUMBERED_PARA.format(ilvl="0"), _numbering())
    with pytest.raises(InputError) as info:
        ingest_bytes(data[: len(data) // 2], "cut.docx")
    assert info.value.code == "CS-DOCX-CORRUPT"


def test_regression_xlsx_named_docx_reported_as_corrupt() -> None:
    """An .xlsx renamed .docx was read as a Word body-less document (CS-DOCX-CORRUPT)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InputError) as info:
        ingest_bytes(buf.getvalue(), "sheet.docx")
    assert info.value.code == "CS-FILE-TYPE-MISMATCH"
    with pytest.raises(InputError) as info:
        ingest_bytes(buf.getvalue(), "sheet.xlsx")
    assert info.value.code == "CS-FILE-UNSUPPORTED"


def test_regression_text_mentioning_pdf_header_read_as_pdf() -> None:
    """A .md/.txt whose first kilobyte mentions "%PDF-" was sent to the PDF reader (CS-PDF-CORRUPT)."""
    doc = ingest_bytes(b"# Formats\n\nPDF files start with %PDF-1.7.\n\n1. Termination\n", "notes.md")
    assert doc.format == "md"


def test_regression_text_form_feed_page_after_block() -> None:
    """ "1. Term\\f" gave its block page 2 while it starts on page 1 (page_start > page_end)."""
    doc = ingest_bytes(b"1. Term\x0c\n2. Notice\n", "x.txt")
    clauses = segment(doc)
    assert clauses[0].page_start == clauses[0].page_end == 1
    assert [c.page_start for c in clauses] == [1, 2]


def test_regression_utf16_without_bom_refused() -> None:
    """UTF-16LE text without a byte-order mark was refused as binary (NUL bytes)."""
    doc = ingest_bytes("1. Termination\nThe Customer may terminate.\n".encode("utf-16-le"), "x.txt")
    assert doc.text.startswith("1. Termination")


def test_regression_control_characters_kept_in_text() -> None:
    """NUL and ESC from a text file reached Document.text (and a terminal through the text report)."""
    doc = ingest_bytes(b"1. Term\x00inat\x1b[2Jion\n", "x.txt")
    assert doc.text == "1. Term inat [2Jion\n"
    assert [w.code for w in doc.warnings] == ["CS-TEXT-CONTROL-CHARS"]


def test_regression_pdf_with_no_pages_reported_as_scanned() -> None:
    """A PDF with an empty page tree said "no text layer on any of 1 pages (scanned?)"."""
    pdf = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    with pytest.raises(InputError) as info:
        ingest_bytes(pdf, "empty.pdf")
    assert info.value.code == "CS-TEXT-EMPTY"


def test_regression_pdf_template_pages_lose_all_text() -> None:
    """Pages whose every line repeats (digits masked) were all stripped as running headers: NO-TEXT."""
    pytest.importorskip("fpdf")
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for p in range(1, 8):
        pdf.add_page()
        pdf.cell(0, 5, f"{p}. Clause {p}")
        pdf.ln()
        pdf.cell(0, 5, f"{p}.1 The Supplier shall perform clause {p} with reasonable care and skill.")
    doc = ingest_bytes(bytes(pdf.output()), "template.pdf")
    assert "reasonable care" in doc.text


def test_regression_pdf_page_pdfium_cannot_load_escapes() -> None:
    """A PdfiumError while loading a page (not the document) escaped read_pdf as CS-INTERNAL."""
    import pypdfium2 as pdfium

    from clausescan.ingest import IngestOptions
    from clausescan.ingest.pdf import _Fallback, _pdfium_pages

    data = (SAMPLES / "weak-support-agreement.pdf").read_bytes()
    pages = _pdfium_pages(data, IngestOptions())
    assert not isinstance(pages, int)
    original = pdfium.PdfDocument.__getitem__

    def failing(self: pdfium.PdfDocument, i: int) -> pdfium.PdfPage:
        raise pdfium.PdfiumError("Failed to load page.")

    pdfium.PdfDocument.__getitem__ = failing  # type: ignore[method-assign]
    try:
        with pytest.raises(_Fallback):
            list(pages)
    finally:
        pdfium.PdfDocument.__getitem__ = original  # type: ignore[method-assign]
