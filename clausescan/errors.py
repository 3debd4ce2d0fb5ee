"""Error codes, messages and hints.

Every failure a user can see carries a stable code (``CS-<AREA>-<WHAT>``), a one-line message
and, where useful, a hint saying what to do about it. The codes are part of the JSON contract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# code -> default hint. Keep codes stable: reports, baselines and CI scripts key on them.
HINTS: dict[str, str] = {
    "CS-IO-NOT-FOUND": "Check the path; clausescan accepts files and folders.",
    "CS-IO-UNREADABLE": "Check the file's permissions.",
    "CS-IO-IS-DIRECTORY": "Pass the folder itself to scan it recursively.",
    "CS-IO-SYMLINK-LOOP": "Remove or fix the symbolic link.",
    "CS-IO-TOO-LARGE": "Raise --max-bytes if the file is genuine.",
    "CS-FILE-EMPTY": "The file has zero bytes; re-export it from the source system.",
    "CS-FILE-UNSUPPORTED": "clausescan reads PDF, DOCX (also DOCM/DOTX), TXT and Markdown.",
    "CS-FILE-TYPE-MISMATCH": "The file's content does not match its extension; rename or re-export it.",
    "CS-DOC-LEGACY": "Legacy Word .doc is not supported: save it as .docx (Word or LibreOffice).",
    "CS-DOCX-NOT-ZIP": "The file is not a valid DOCX (zip) package; re-save it from Word.",
    "CS-DOCX-CORRUPT": "The DOCX package is damaged; re-save it from Word.",
    "CS-DOCX-ZIP-BOMB": "A member of the package expands beyond the safety limit; the file was not read.",
    "CS-DOCX-UNSAFE-XML": "The package's XML declares entities (XXE / billion laughs); it was not read.",
    "CS-DOCX-STRICT": "Strict Open XML is not supported: save as a regular Word Document (.docx).",
    "CS-DOCX-ENCRYPTED": "The Word document is password-protected: remove the password in Word and save again.",
    "CS-PDF-ENCRYPTED": "The PDF needs a password: pass --password, or remove the protection.",
    "CS-PDF-BAD-PASSWORD": "The password given with --password does not open this PDF.",
    "CS-PDF-CORRUPT": "The PDF is damaged or truncated; re-export or re-download it.",
    "CS-PDF-NO-TEXT": (
        "The PDF has no text layer (scanned?). To read it with OCR: pip install 'clausescan[ocr]', "
        "install tesseract (e.g. apt install tesseract-ocr) and run with --ocr."
    ),
    "CS-PDF-TOO-LITTLE-TEXT": (
        "Too little text for the page count (partly scanned?): run with --ocr "
        "(needs pip install 'clausescan[ocr]' and tesseract)."
    ),
    "CS-PDF-LOW-QUALITY": "Extracted text looks garbled (font encoding); results may be unreliable.",
    "CS-PDF-GARBLED": (
        "The PDF's fonts do not map to readable text (broken encoding): re-export the PDF, "
        "or run with --ocr (needs pip install 'clausescan[ocr]' and tesseract)."
    ),
    "CS-PDF-PAGES-WITHOUT-TEXT": "Some pages have no text layer (scanned pages?); they were not checked. Try --ocr.",
    "CS-PDF-LOST-LIGATURES": (
        "The PDF's fonts drop ligature letters ('notce' for 'notice'); quotes may be misspelt "
        "and some wording missed. Re-export the PDF with ligatures disabled, or try --ocr."
    ),
    "CS-PDF-TOO-MANY-PAGES": "Raise --max-pages if the file is genuine.",
    "CS-TEXT-EMPTY": "The document contains no readable text.",
    "CS-TEXT-DECODE": "The file is not valid text in any supported encoding.",
    "CS-TEXT-CONTROL-CHARS": "Control characters (NUL, escape sequences) were replaced by spaces; check the file.",
    "CS-TIMEOUT": "Raise the per-document timeout (--timeout) if the file is genuine.",
    "CS-OCR-UNAVAILABLE": "Install OCR support: pip install 'clausescan[ocr]' and the tesseract binary.",
    "CS-OCR-FAILED": "OCR did not produce a readable PDF; check the file, or OCR it separately (ocrmypdf).",
    "CS-INTERNAL": "This is a bug in clausescan; please report it with the file if you can share it.",
    "CS-PLAYBOOK-INVALID": "Fix the playbook field named in the message.",
    "CS-PLAYBOOK-NOT-FOUND": "Use a built-in playbook name (clausescan rules list) or a path to a YAML file.",
    "CS-CONFIG-INVALID": "Fix the configuration key named in the message.",
    "CS-BASELINE-INVALID": "Pass a JSON report written by clausescan scan --format json.",
    "CS-MODEL-MISSING": "Reinstall clausescan, or run clausescan train to rebuild the model.",
    "CS-DATA-MISSING": "Run from a clausescan checkout: the labelled data (data/labels) is not in the package.",
}


_LINE_BREAKS_RE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def one_line(text: str) -> str:
    """Messages are one line: line breaks and control characters (from file names, parser errors)
    become a single space, so reports, logs and terminals cannot be broken up or spoofed."""
    return _LINE_BREAKS_RE.sub(" ", text).strip()


@dataclass(frozen=True)
class ErrorInfo:
    """A reportable error: part of a document result or a CLI message."""

    code: str
    message: str
    hint: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", one_line(self.message))
        if self.hint is None and self.code in HINTS:
            object.__setattr__(self, "hint", HINTS[self.code])

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "hint": self.hint}


class ClausescanError(Exception):
    """Base error with a stable code. Raised by ingest (per file) and by loaders (config)."""

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        message = one_line(message)
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.hint = hint if hint is not None else HINTS.get(code)

    def info(self) -> ErrorInfo:
        return ErrorInfo(self.code, self.message, self.hint)


class InputError(ClausescanError):
    """A document could not be read. The batch goes on; the document is reported as an error."""


class UsageError(ClausescanError):
    """Bad configuration, playbook or command line: exit code 2."""
