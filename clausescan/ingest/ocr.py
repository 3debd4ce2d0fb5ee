"""Optional OCR for scanned PDFs, through ocrmypdf (``pip install 'clausescan[ocr]'`` + tesseract).

``ocr_pdf`` returns a copy of the PDF with a text layer added, which the PDF reader then reads
as usual. Without ocrmypdf (or without the tesseract binary it drives) it raises
``CS-OCR-UNAVAILABLE`` with the install hint, so a scanned PDF is still reported with a clear
error instead of a crash. ocrmypdf is imported lazily: nothing here costs anything unless used.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
from types import ModuleType

from clausescan.errors import InputError

INSTALL_HINT = (
    "Install OCR support: pip install 'clausescan[ocr]' and the tesseract binary "
    "(e.g. apt install tesseract-ocr), then run with --ocr."
)


def _import_ocrmypdf() -> ModuleType:
    try:
        return importlib.import_module("ocrmypdf")
    except ImportError as exc:
        raise InputError(
            "CS-OCR-UNAVAILABLE", "OCR needs the optional ocrmypdf package, which is not installed", INSTALL_HINT
        ) from exc


def ocr_pdf(data: bytes, *, force: bool = False, language: str = "eng", password: str | None = None) -> bytes:
    """Add a text layer to the pages of ``data`` that have none (all pages when ``force``).

    ``force`` rasterises every page and replaces its text (for PDFs whose text layer is garbled).
    Raises InputError: CS-OCR-UNAVAILABLE (ocrmypdf or tesseract missing), CS-PDF-ENCRYPTED
    (ocrmypdf does not open encrypted PDFs) or CS-OCR-FAILED.
    """
    ocrmypdf = _import_ocrmypdf()
    exceptions = getattr(ocrmypdf, "exceptions", None)
    missing: tuple[type[BaseException], ...] = tuple(
        getattr(exceptions, n) for n in ("MissingDependencyError",) if hasattr(exceptions, n)
    )
    encrypted: tuple[type[BaseException], ...] = tuple(
        getattr(exceptions, n) for n in ("EncryptedPdfError",) if hasattr(exceptions, n)
    )
    if password:
        raise InputError(
            "CS-PDF-ENCRYPTED",
            "OCR cannot run on an encrypted PDF",
            "Remove the PDF's password (e.g. qpdf --decrypt), then run with --ocr.",
        )
    out = io.BytesIO()
    try:
        ocrmypdf.ocr(
            io.BytesIO(data),
            out,
            language=language,
            skip_text=not force,
            force_ocr=force,
            progress_bar=False,
            output_type="pdf",
            optimize=0,
        )
    except InputError:
        raise
    except missing as exc:
        raise InputError("CS-OCR-UNAVAILABLE", f"OCR engine not found: {exc}", INSTALL_HINT) from exc
    except encrypted as exc:
        raise InputError("CS-PDF-ENCRYPTED", "OCR cannot run on an encrypted PDF") from exc
    except Exception as exc:  # ocrmypdf wraps tesseract, ghostscript and pikepdf failures
        raise InputError("CS-OCR-FAILED", f"OCR failed ({type(exc).__name__}: {exc})") from exc
    result = out.getvalue()
    if not result.startswith(b"%PDF-"):
        raise InputError("CS-OCR-FAILED", "OCR produced no PDF")
    return result
