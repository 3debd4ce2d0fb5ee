"""One CLI scan run as a library call: config, scan, baseline, render, write, exit code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from clausescan.errors import UsageError
from clausescan.formats import FormatOptions, available, render
from clausescan.ingest import IngestOptions
from clausescan.model import Report
from clausescan.nlp import default_tagger
from clausescan.scan import ScanOptions, expand_paths, load_scan_playbook, make_report, scan_document

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@dataclass
class RunRequest:
    paths: tuple[str, ...]
    formats: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    playbook: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    thresholds: dict[str, str] = field(default_factory=dict)
    fail_on: str | None = None
    exit_zero: bool = False
    strict: bool = False
    password: str | None = None
    max_pages: int | None = None
    max_bytes: int | None = None
    jobs: int = 1
    cache_path: str | None = None
    no_cache: bool = False
    timeout: float | None = None
    baseline: str | None = None
    scheduler: str | None = None
    config_path: str | None = None
    verbose: bool = False
    color: bool = False
    progress: bool = False


def _coerce(value: str) -> bool | float | str:
    from clausescan.cli import coerce

    return coerce(value)


def build_scan_options(req: RunRequest) -> ScanOptions:
    try:
        thresholds = {k: float(v) for k, v in req.thresholds.items()}
    except ValueError as exc:
        raise UsageError("CS-CONFIG-INVALID", f"--threshold values must be numbers ({exc})") from exc
    defaults = IngestOptions()
    return ScanOptions(
        playbook=req.playbook or "backsourcing",
        thresholds=thresholds,
        options={k: _coerce(v) for k, v in req.options.items()},
        ingest=IngestOptions(
            password=req.password,
            max_bytes=req.max_bytes or defaults.max_bytes,
            max_pages=req.max_pages or defaults.max_pages,
        ),
    )


def run_scan(req: RunRequest, echo: Callable[[str], None]) -> int:
    formats = req.formats or ("text",)
    unknown = [f for f in formats if f not in available()]
    if unknown:
        raise UsageError("CS-CONFIG-INVALID", f"unknown format {unknown[0]!r}; choose from {', '.join(available())}")
    if req.outputs and len(req.outputs) != len(formats):
        raise UsageError("CS-CONFIG-INVALID", "give one --output per --format (or none for stdout)")
    if not req.outputs and len(formats) > 1:
        raise UsageError("CS-CONFIG-INVALID", "several formats need one --output each")
    options = build_scan_options(req)
    playbook = load_scan_playbook(options)
    tagger = default_tagger()
    missing_paths = [p for p in req.paths if not Path(p).exists() and not Path(p).is_symlink()]
    results = [scan_document(path, playbook, tagger, options) for path, _ in expand_paths(req.paths)]
    report = make_report(results, playbook, tagger)
    fail_on = req.fail_on or "high"
    fopts = FormatOptions(fail_on=fail_on, color=req.color, verbose=req.verbose)
    for i, fmt in enumerate(formats):
        data = render(fmt, report, fopts if fmt == "text" else FormatOptions(fail_on=fail_on, verbose=req.verbose))
        if req.outputs:
            from clausescan.cli import write_atomic

            write_atomic(Path(req.outputs[i]), data)
        else:
            echo(data if isinstance(data, str) else data.decode("utf-8", "replace"))
    return exit_code(report, fail_on, req.exit_zero, req.strict or bool(missing_paths))


def exit_code(report: Report, fail_on: str, exit_zero: bool, strict: bool) -> int:
    from clausescan.cli import failing

    if strict and any(d.status == "error" for d in report.documents):
        return EXIT_ERROR
    if exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if failing(report, fail_on) else EXIT_CLEAN
