#!/usr/bin/env python3
"""Regenerate the golden report files in ``tests/golden/`` from ``sample_contracts/``.

Usage::

    python tools/update_golden.py          # rewrite tests/golden/sample_contracts.<ext>
    python tools/update_golden.py --check  # exit 1 if any golden file is out of date; write nothing

Run it after an intended change to a report format, a playbook, the rules engine, the parsers or the
sample contracts, then review ``git diff tests/golden`` before committing: the diff *is* the change
users will see. ``tests/test_formats.py`` imports this file, so the test and the files it compares
against are always produced the same way.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from clausescan.formats import EXTENSIONS, FormatOptions, available, render
from clausescan.model import Report

REPO = Path(__file__).resolve().parents[1]
GOLDEN_DIR = REPO / "tests" / "golden"
FORMATS = ("text", "json", "html", "markdown", "sarif", "junit", "csv", "xlsx")
# The JSON golden leaves out clause text: 1.3 MB of contract text would drown the report contract in every diff
# (segmentation has its own tests). Every other format uses the defaults the CLI uses.
OPTIONS: dict[str, FormatOptions] = {"json": FormatOptions(include_text=False)}


def golden_path(fmt: str) -> Path:
    available()  # fills EXTENSIONS
    return GOLDEN_DIR / f"sample_contracts{EXTENSIONS[fmt]}"


def render_golden(report: Report, fmt: str) -> bytes:
    data = render(fmt, report, OPTIONS.get(fmt, FormatOptions()))
    return data.encode("utf-8") if isinstance(data, str) else data


@contextmanager
def _in_repo() -> Iterator[None]:
    old = Path.cwd()
    os.chdir(REPO)
    try:
        yield
    finally:
        os.chdir(old)


def build_sample_report() -> Report:
    """The same scan as the ``sample_report`` fixture in tests/conftest.py: defaults, paths relative to the repo."""
    from clausescan.batch import BatchOptions, run_batch
    from clausescan.nlp import default_tagger
    from clausescan.scan import ScanOptions, load_scan_playbook, make_report

    with _in_repo():
        options = ScanOptions()
        results = list(run_batch(["sample_contracts"], options, BatchOptions()))
        return make_report(results, load_scan_playbook(options), default_tagger())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report stale golden files instead of writing them")
    args = parser.parse_args(argv)
    report = build_sample_report()
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    stale = []
    for fmt in FORMATS:
        path = golden_path(fmt)
        data = render_golden(report, fmt)
        if path.exists() and path.read_bytes() == data:
            continue
        stale.append(path)
        if not args.check:
            path.write_bytes(data)  # bytes: no newline translation, the test compares exactly
    verb = "out of date" if args.check else "written"
    for path in stale:
        print(f"{verb}: {path.relative_to(REPO)}")
    if not stale:
        print("golden files are up to date")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
