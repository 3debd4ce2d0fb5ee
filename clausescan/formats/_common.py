"""Small helpers shared by the formatters (one place for wording that every format repeats)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping

from clausescan.model import STATUSES, DocumentResult, Evidence, Finding, Report

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def normalise_zip(data: bytes, rewrite: Mapping[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """Rewrite an OOXML package (xlsx, docx) with fixed timestamps and sorted members, so equal input
    gives equal bytes on any OS. ``rewrite`` maps a member name to a function bytes -> bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in sorted(src.namelist()):
            content = src.read(name)
            if rewrite and name in rewrite:
                content = rewrite[name](content)
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # not the host OS: same bytes on Linux, macOS and Windows
            info.external_attr = 0
            dst.writestr(info, content)
    return out.getvalue()


def status_counts(d: DocumentResult) -> dict[str, int]:
    return {s: sum(1 for f in d.provisions if f.status == s) for s in STATUSES}


def coverage_text(d: DocumentResult) -> str:
    return f"{d.coverage:.0%}" if d.coverage is not None else "n/a"


def where(e: Evidence, page: str = "page") -> str:
    """ "clause 14.2, page 7, line 30" for one piece of evidence."""
    text = f"clause {e.number}" if e.number else "unnumbered clause"
    return text + f", {page} {e.page}" + (f", line {e.line}" if e.line else "")


def where_all(f: Finding, page: str = "page", empty: str = "") -> str:
    return "; ".join(where(e, page) for e in f.evidence) or empty


def split_message(f: Finding) -> tuple[str, list[str]]:
    """The rule's message and the reasons not already in it (the engine appends reasons to the message)."""
    tail = " " + " ".join(f.reasons)
    if f.reasons and f.message.endswith(tail):
        return f.message[: -len(tail)], list(f.reasons)
    return f.message, [r for r in f.reasons if r not in f.message]


def report_byline(report: Report) -> str:
    """ "clausescan 0.1.0 · playbook backsourcing 1.0 (title) · model ..." """
    pb = report.playbook
    meta = f"clausescan {report.clausescan_version}"
    if pb:
        meta += f" · playbook {pb.id} {pb.version} ({pb.title})"
    if report.model:
        meta += f" · model {report.model}"
    return meta
