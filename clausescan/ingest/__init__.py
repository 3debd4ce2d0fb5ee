"""Read a file into a :class:`~clausescan.model.Document`, or raise :class:`InputError`.

The reader is chosen by content (magic bytes) first and extension second, so a file renamed to
the wrong extension gets a clear error instead of a parser crash. Readers register by format.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clausescan.errors import InputError
from clausescan.model import Document


@dataclass(frozen=True)
class IngestOptions:
    password: str | None = None
    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 5000
    min_chars_per_page: int = 200
    ocr: bool = False  # run OCR (clausescan[ocr]) on PDFs without a usable text layer


Reader = Callable[[bytes, str, str, IngestOptions], Document]
READERS: dict[str, Reader] = {}
EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".dotx": "docx",
    ".dotm": "docx",
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
}
LEGACY = {".doc", ".dot", ".rtf", ".wpd", ".pages", ".odt", ".xls", ".xlsx", ".ppt", ".pptx"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Word stores a password-protected .docx as an OLE2 container with these streams.
_ENCRYPTED_OOXML_MARK = "EncryptedPackage".encode("utf-16-le")


def register(fmt: str) -> Callable[[Reader], Reader]:
    def deco(fn: Reader) -> Reader:
        READERS[fmt] = fn
        return fn

    return deco


def is_supported(path: Path) -> bool:
    """Files a folder scan picks up (explicitly named files are always tried)."""
    return path.suffix.lower() in EXTENSIONS or path.suffix.lower() in {".doc"}


def sniff(data: bytes, suffix: str) -> str:
    """Decide the format from the bytes, checked against the extension."""
    head = data[:1024]
    expected = EXTENSIONS.get(suffix)
    pdf_at = head.find(b"%PDF-")
    # Readers accept junk before the header (up to 1 KB), but a text file that merely mentions
    # "%PDF-" near its start is still text.
    if pdf_at == 0 or (
        pdf_at > 0 and expected not in ("txt", "md") and not head.startswith((b"PK\x03\x04", b"PK\x05\x06", OLE_MAGIC))
    ):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if expected == "docx" or (expected is None and suffix not in LEGACY):
            return "docx"
        if suffix in LEGACY:
            raise InputError("CS-FILE-UNSUPPORTED", f"{suffix} files are not supported")
        raise InputError("CS-FILE-TYPE-MISMATCH", f"a zip package with a {suffix or 'missing'} extension")
    if head.startswith(OLE_MAGIC):
        if _ENCRYPTED_OOXML_MARK in data[: 1 << 20]:
            raise InputError("CS-DOCX-ENCRYPTED", "a password-protected Word document (encrypted package)")
        if suffix in LEGACY and suffix not in (".doc", ".dot"):
            raise InputError("CS-FILE-UNSUPPORTED", f"{suffix} files are not supported")
        if expected == "docx":
            # Password-protected OOXML is stored inside an OLE container.
            raise InputError(
                "CS-FILE-TYPE-MISMATCH",
                "an OLE compound file (encrypted or legacy Word) named .docx",
                "If the document is password-protected, remove the protection in Word.",
            )
        raise InputError("CS-DOC-LEGACY", "legacy Word binary (.doc) is not supported")
    if head.startswith(b"{\\rtf"):
        raise InputError("CS-FILE-UNSUPPORTED", "RTF is not supported", "Save the document as .docx or PDF.")
    if expected == "pdf":
        what = "HTML" if head.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")) else "not a PDF"
        raise InputError("CS-FILE-TYPE-MISMATCH", f"named .pdf but the content is {what} (no %PDF- header)")
    if expected == "docx":
        raise InputError("CS-DOCX-NOT-ZIP", "named .docx but not a zip package")
    if suffix in LEGACY:
        raise InputError("CS-FILE-UNSUPPORTED", f"{suffix} files are not supported")
    if expected in ("txt", "md"):
        return expected
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("CS-FILE-UNSUPPORTED", f"binary file with unsupported extension {suffix or '(none)'}")
    raise InputError("CS-FILE-UNSUPPORTED", f"unsupported file type {suffix or '(no extension)'}")


def read_bytes(path: Path, options: IngestOptions) -> bytes:
    """Read a file with every filesystem failure turned into an InputError."""
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        if path.is_symlink():
            raise InputError("CS-IO-NOT-FOUND", f"broken symbolic link: {path}") from exc
        raise InputError("CS-IO-NOT-FOUND", f"no such file: {path}") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError("CS-IO-SYMLINK-LOOP", "symbolic link loop") from exc
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise InputError("CS-IO-UNREADABLE", "permission denied") from exc
        raise InputError("CS-IO-UNREADABLE", exc.strerror or str(exc)) from exc
    if stat.S_ISDIR(st.st_mode):
        raise InputError("CS-IO-IS-DIRECTORY", "path is a directory")
    if not stat.S_ISREG(st.st_mode):
        # reading a FIFO blocks forever and a device never ends: refuse before opening
        raise InputError("CS-IO-UNREADABLE", "not a regular file (a pipe, socket or device)")
    if st.st_size > options.max_bytes:
        raise InputError("CS-IO-TOO-LARGE", f"{st.st_size} bytes exceeds --max-bytes {options.max_bytes}")
    try:
        with open(path, "rb") as fh:
            data = fh.read(options.max_bytes + 1)
    except PermissionError as exc:
        raise InputError("CS-IO-UNREADABLE", "permission denied") from exc
    except OSError as exc:
        raise InputError("CS-IO-UNREADABLE", exc.strerror or str(exc)) from exc
    if not data:
        raise InputError("CS-FILE-EMPTY", "zero-byte file")
    return data


def ingest_bytes(data: bytes, name: str, options: IngestOptions | None = None) -> Document:
    """Parse in-memory bytes; ``name`` gives the extension and the path shown in reports."""
    options = options or IngestOptions()
    if not data:
        raise InputError("CS-FILE-EMPTY", "zero-byte file")
    if len(data) > options.max_bytes:
        raise InputError("CS-IO-TOO-LARGE", f"{len(data)} bytes exceeds --max-bytes {options.max_bytes}")
    fmt = sniff(data, os.path.splitext(name)[1].lower())
    _load_readers()
    sha = hashlib.sha256(data).hexdigest()
    return READERS[fmt](data, name, sha, options)


def ingest(path: str | Path, options: IngestOptions | None = None, display_path: str | None = None) -> Document:
    """Read ``path`` into a Document. Raises InputError (with a code) for anything unreadable."""
    options = options or IngestOptions()
    p = Path(path)
    data = read_bytes(p, options)
    return ingest_bytes(data, display_path or str(path), options)


def _load_readers() -> None:
    # Imported lazily so a TXT-only run never imports pdfium or lxml.
    if len(READERS) < 4:
        from clausescan.ingest import docx, pdf, text  # noqa: F401
