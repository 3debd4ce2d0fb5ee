"""PDF text with page provenance.

pypdfium2 gives the text (about 70x faster than pdfplumber on the CUAD PDFs; see
benchmarks/). pdfplumber (pdfminer) is the fallback engine: it opens some files pdfium rejects and
the reverse, so a file fails only when both fail. Running headers, footers and page numbers are
dropped by position and repetition; ligatures and hyphenated line breaks are repaired.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

from clausescan.errors import ErrorInfo, InputError
from clausescan.ingest import IngestOptions, register
from clausescan.ingest.cleanup import (
    doubled_char_share,
    join_hyphenated,
    lost_ligatures,
    repair_ligatures,
    repair_line,
    text_quality,
    vocabulary,
    word_list,
)
from clausescan.model import Block, Document

_PAGE_NUMBER_RE = re.compile(
    r"^(?:page\s+)?[-\u2013\u2014(\[]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-\u2013\u2014)\]]?"
    r"(?:\s*(?:of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_DIGITS_RE = re.compile(r"\d+")
EDGE_LINES = 3  # lines at the top and bottom of a page that may be running headers/footers
MIN_QUALITY = 0.08  # share of common words below which extraction is reported as low quality
GARBLED_QUALITY = 0.02  # below this the text is unusable: an error, not a warning


def _pdfium_pages(data: bytes, options: IngestOptions) -> Iterator[list[str]] | int:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data, password=options.password)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium.raw.FPDF_ERR_PASSWORD:
            if options.password:
                raise InputError("CS-PDF-BAD-PASSWORD", "the password does not open this PDF") from exc
            raise InputError("CS-PDF-ENCRYPTED", "the PDF is encrypted with a user password") from exc
        if code == pdfium.raw.FPDF_ERR_SECURITY:
            raise InputError("CS-PDF-ENCRYPTED", "unsupported PDF security handler") from exc
        raise _Fallback(str(exc)) from exc
    n = len(pdf)
    if n > options.max_pages:
        pdf.close()
        raise InputError("CS-PDF-TOO-MANY-PAGES", f"{n} pages exceeds --max-pages {options.max_pages}")

    def pages() -> Iterator[list[str]]:
        try:
            for i in range(n):
                try:
                    page = pdf[i]
                    textpage = page.get_textpage()
                    text = textpage.get_text_range()
                    textpage.close()
                    page.close()
                except pdfium.PdfiumError as exc:  # a page pdfium cannot load: let pdfminer try the file
                    raise _Fallback(f"page {i + 1}: {exc}") from exc
                yield re.split(r"\r\n|\r|\n", text)
        finally:
            pdf.close()

    return pages()


def _pdfplumber_pages(data: bytes, options: IngestOptions) -> list[list[str]]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        with pdfplumber.open(io.BytesIO(data), password=options.password or "") as pdf:
            if len(pdf.pages) > options.max_pages:
                raise InputError("CS-PDF-TOO-MANY-PAGES", f"{len(pdf.pages)} pages exceeds --max-pages")
            return [(p.extract_text() or "").split("\n") for p in pdf.pages]
    except InputError:
        raise
    except PDFPasswordIncorrect as exc:
        if options.password:
            raise InputError("CS-PDF-BAD-PASSWORD", "the password does not open this PDF") from exc
        raise InputError("CS-PDF-ENCRYPTED", "the PDF is encrypted with a user password") from exc
    except RecursionError as exc:
        raise InputError("CS-PDF-CORRUPT", "the PDF structure is too deeply nested") from exc
    except Exception as exc:  # pdfminer raises many unrelated types on damaged files
        raise InputError("CS-PDF-CORRUPT", f"cannot parse the PDF ({type(exc).__name__})") from exc


class _Fallback(Exception):
    """pdfium could not open the file; try pdfminer before giving up."""


def furniture_keys(pages: list[list[str]]) -> set[str]:
    """Lines (digits masked) repeated at the top or bottom of most pages: running headers/footers."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        nonblank = [ln.strip() for ln in lines if ln.strip()]
        edge = nonblank[:EDGE_LINES] + nonblank[-EDGE_LINES:]
        counts.update({_DIGITS_RE.sub("#", ln.lower()) for ln in edge})
    threshold = max(3, (len(pages) + 1) // 2)
    return {key for key, c in counts.items() if c >= threshold}


def strip_furniture(lines: list[str], keys: set[str]) -> list[str]:
    """Drop running headers/footers and page numbers from the edges of one page."""
    idx = [i for i, ln in enumerate(lines) if ln.strip()]
    edge = set(idx[:EDGE_LINES] + idx[-EDGE_LINES:])
    out = []
    for i, ln in enumerate(lines):
        s = ln.strip()
        if i in edge and (_PAGE_NUMBER_RE.match(s) or _DIGITS_RE.sub("#", s.lower()) in keys):
            continue
        out.append(ln)
    return out


def _content_lines(raw_pages: list[list[str]], keys: set[str]) -> list[tuple[int, str]]:
    tagged: list[tuple[int, str]] = []
    for pno, lines in enumerate(raw_pages, start=1):
        for ln in strip_furniture([repair_line(x) for x in lines], keys):
            if ln.strip():
                tagged.append((pno, ln))
    return tagged


def build_pdf_document(
    raw_pages: list[list[str]], name: str, sha: str, extractor: str, options: IngestOptions
) -> Document:
    keys = furniture_keys(raw_pages)
    tagged = _content_lines(raw_pages, keys)
    if keys and not tagged:
        # Every line looked like a running header (short template pages): keep them rather than
        # report a readable PDF as having no text.
        tagged = _content_lines(raw_pages, set())
    joined = join_hyphenated(tagged, vocabulary([t for _, t in tagged]))
    ligatures = lost_ligatures("\n".join(t for _, t in joined))
    if ligatures.detected and ligatures.repairs:
        joined = [(pno, repair_ligatures(line, ligatures.repairs)) for pno, line in joined]
    parts: list[str] = []
    blocks: list[Block] = []
    page_starts = [0] * len(raw_pages)
    seen_page = 0
    pos = 0
    for pno, line in joined:
        while seen_page < pno:
            page_starts[seen_page] = pos
            seen_page += 1
        lead = len(line) - len(line.lstrip())
        blocks.append(Block(pos + lead, pos + len(line), pno, "line"))
        parts.append(line)
        pos += len(line) + 1
    while seen_page < len(raw_pages):
        page_starts[seen_page] = pos
        seen_page += 1
    text = "\n".join(parts)
    n_pages = max(1, len(raw_pages))
    chars = len(text) - sum(text.count(ws) for ws in " \n\t\r\f\v")
    if chars == 0:
        raise InputError("CS-PDF-NO-TEXT", f"no text layer on any of {n_pages} pages (scanned?)")
    empty_pages = sum(1 for lines in raw_pages if sum(len(x.strip()) for x in lines) < 20)
    if n_pages >= 2 and (empty_pages / n_pages > 0.5 or chars / n_pages < options.min_chars_per_page / 4):
        raise InputError(
            "CS-PDF-TOO-LITTLE-TEXT", f"{empty_pages} of {n_pages} pages have no text ({chars} characters in all)"
        )
    warnings: list[ErrorInfo] = []
    words = word_list(text)  # tokenised once for both measures
    quality = text_quality(text, words)
    doubled = doubled_char_share(text, words)
    if len(text) > 500 and quality < GARBLED_QUALITY:
        detail = f"common-word share {quality:.3f}" + (f", doubled-letter words {doubled:.2f}" if doubled > 0.1 else "")
        raise InputError("CS-PDF-GARBLED", f"extracted text is not readable ({detail})")
    if quality < MIN_QUALITY or doubled > 0.1:
        warnings.append(
            ErrorInfo(
                "CS-PDF-LOW-QUALITY",
                f"text extraction looks poor (common-word share {quality:.2f}, doubled-letter words {doubled:.2f})",
                "Results may be unreliable; check the PDF or try --ocr.",
            )
        )
    if empty_pages and empty_pages / n_pages <= 0.5:
        warnings.append(ErrorInfo("CS-PDF-PAGES-WITHOUT-TEXT", f"{empty_pages} of {n_pages} pages have no text"))
    if ligatures.detected:
        warnings.append(
            ErrorInfo(
                "CS-PDF-LOST-LIGATURES",
                f"about {ligatures.share:.1%} of words lost a ligature (ti/fi/fl/ff/tt), e.g. "
                f"{', '.join(repr(w) for w in ligatures.examples[:3])}; {len(ligatures.repairs)} misspellings "
                "repaired (unambiguous ones only)",
            )
        )
    return Document(name, sha, "pdf", text, tuple(page_starts), tuple(blocks), extractor, tuple(warnings))


@register("pdf")
def read_pdf(data: bytes, name: str, sha: str, options: IngestOptions) -> Document:
    try:
        pages = _pdfium_pages(data, options)
        assert not isinstance(pages, int)
        raw = list(pages)
        extractor = "pypdfium2"
        if not raw:  # pdfium found no page tree entries: pdfminer also scans the objects
            raise _Fallback("no pages")
    except _Fallback:
        raw = _pdfplumber_pages(data, options)
        extractor = "pdfplumber"
    if not raw:
        raise InputError("CS-TEXT-EMPTY", "the PDF has no pages")
    try:
        try:
            return build_pdf_document(raw, name, sha, extractor, options)
        except InputError as exc:
            if exc.code != "CS-PDF-GARBLED" or extractor != "pypdfium2":
                raise
            # pdfium and pdfminer decode fonts differently: a garbled pdfium text may read with pdfminer.
            try:
                return build_pdf_document(_pdfplumber_pages(data, options), name, sha, "pdfplumber", options)
            except InputError:
                raise exc from None  # pdfminer did no better: report what pdfium saw
    except InputError as exc:
        if not options.ocr or exc.code not in OCR_CODES:
            raise
        from clausescan.ingest.ocr import ocr_pdf

        ocr_data = ocr_pdf(data, force=exc.code == "CS-PDF-GARBLED", password=options.password)
        doc = read_pdf(ocr_data, name, sha, replace(options, ocr=False, password=None))
        return replace(doc, extractor=doc.extractor + "+ocr")


# Errors that OCR can cure (with --ocr): no text layer, partly scanned, unreadable font encoding.
OCR_CODES = frozenset({"CS-PDF-NO-TEXT", "CS-PDF-TOO-LITTLE-TEXT", "CS-PDF-GARBLED"})
