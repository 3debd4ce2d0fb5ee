"""One CLI scan run as a library call: config, scan, baseline, render, write, exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clausescan.batch import BatchOptions, run_batch
from clausescan.cache import default_cache_path
from clausescan.config import load_config
from clausescan.errors import UsageError
from clausescan.formats import FormatOptions, available, render
from clausescan.ingest import IngestOptions
from clausescan.model import SEVERITIES, DocumentResult, Report, severity_rank
from clausescan.nlp import default_tagger
from clausescan.rules.engine import Waiver
from clausescan.scan import DEFAULT_EXCLUDE, ScanOptions, load_scan_playbook, make_report

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
    jobs: int | None = None
    cache_path: str | None = None
    no_cache: bool = False
    timeout: float | None = None
    baseline: str | None = None
    scheduler: str | None = None
    config_path: str | None = None
    verbose: bool = False
    color: bool = False
    progress: bool = False
    exclude: tuple[str, ...] = ()
    ocr: bool = False


def coerce(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    low = value.lower()
    if low in ("true", "yes", "on"):
        return True
    if low in ("false", "no", "off"):
        return False
    try:
        return float(value)
    except ValueError:
        return value


def build_options(req: RunRequest) -> tuple[ScanOptions, BatchOptions, str, bool, tuple[str, ...]]:
    """Merge config file and command line (the command line wins)."""
    cfg = load_config(req.config_path)
    thresholds: dict[str, float] = {}
    for source in (cfg.get("thresholds", {}), req.thresholds):
        for k, v in source.items():
            try:
                thresholds[k] = float(v)
            except (TypeError, ValueError) as exc:
                raise UsageError("CS-CONFIG-INVALID", f"threshold {k} must be a number, got {v!r}") from exc
    opts = {k: coerce(v) for k, v in {**cfg.get("options", {}), **req.options}.items()}
    fail_on = req.fail_on or cfg.get("fail-on", "high")
    if fail_on not in (*SEVERITIES, "never"):
        raise UsageError("CS-CONFIG-INVALID", f"fail-on must be one of {', '.join(SEVERITIES)}, never")
    defaults = IngestOptions()
    scan_options = ScanOptions(
        playbook=req.playbook or cfg.get("playbook", "backsourcing"),
        thresholds=thresholds,
        options=opts,
        waivers=tuple(Waiver(w.rule, w.reason, "config", w.paths) for w in cfg.waivers),
        ingest=IngestOptions(
            password=req.password,
            max_bytes=req.max_bytes or cfg.get("max-bytes", defaults.max_bytes),
            max_pages=req.max_pages or cfg.get("max-pages", defaults.max_pages),
            ocr=req.ocr,
        ),
        exclude=DEFAULT_EXCLUDE + tuple(cfg.get("exclude", ())) + req.exclude,
    )
    cache: Path | None = None
    if not req.no_cache:
        cache = Path(req.cache_path or cfg.get("cache") or default_cache_path())
    batch = BatchOptions(
        jobs=req.jobs or int(cfg.get("jobs", 1)),
        timeout=req.timeout or cfg.get("timeout"),
        cache_path=cache,
        scheduler=req.scheduler,
    )
    formats = req.formats or tuple([cfg.get("format")] if cfg.get("format") else ["text"])
    return scan_options, batch, fail_on, req.strict or bool(cfg.get("strict", False)), formats


def failing(report: Report, fail_on: str) -> int:
    """Number of missing/weak findings at or above ``fail_on`` (``never`` disables)."""
    if fail_on == "never":
        return 0
    floor = severity_rank(fail_on)
    return sum(
        1
        for d in report.documents
        for f in d.provisions
        if f.status in ("missing", "weak") and severity_rank(f.severity) >= floor
    )


def _progress_bar(enabled: bool) -> tuple[Callable[[DocumentResult, int, int], None] | None, Callable[[], None]]:
    if not enabled:
        return None, lambda: None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[stats]}"),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    )
    task = bar.add_task("scan", total=None, stats="")
    state = {"pages": 0, "errors": 0}
    bar.start()

    def update(result: DocumentResult, done: int, total: int) -> None:
        state["pages"] += result.pages
        state["errors"] += result.status == "error"
        bar.update(task, completed=done, total=total, stats=f"{state['pages']} pages, {state['errors']} errors")

    return update, bar.stop


def run_scan(req: RunRequest, echo: Callable[[str], None]) -> int:
    scan_options, batch, fail_on, strict, formats = build_options(req)
    unknown = [f for f in formats if f not in available()]
    if unknown:
        raise UsageError("CS-CONFIG-INVALID", f"unknown format {unknown[0]!r}; choose from {', '.join(available())}")
    if req.outputs and len(req.outputs) != len(formats):
        raise UsageError("CS-CONFIG-INVALID", "give one --output per --format (or none for stdout)")
    if not req.outputs and len(formats) > 1:
        raise UsageError("CS-CONFIG-INVALID", "several formats need one --output each")
    if not req.outputs and "xlsx" in formats:
        raise UsageError("CS-CONFIG-INVALID", "xlsx is a binary format: give --output FILE.xlsx")
    known = None
    if req.baseline:
        from clausescan.baseline import load_baseline

        known = load_baseline(req.baseline)
    playbook = load_scan_playbook(scan_options)
    tagger = default_tagger()
    missing_paths = [p for p in req.paths if not Path(p).exists() and not Path(p).is_symlink()]
    progress, stop = _progress_bar(req.progress)
    try:
        results = list(run_batch(req.paths, scan_options, batch, progress))
    finally:
        stop()
    report = make_report(results, playbook, tagger)
    if known is not None:
        from clausescan.baseline import apply_baseline

        report = apply_baseline(report, known)
    for i, fmt in enumerate(formats):
        fopts = FormatOptions(fail_on=fail_on, color=req.color and not req.outputs, verbose=req.verbose)
        data = render(fmt, report, fopts)
        if req.outputs:
            from clausescan.output import write_atomic

            write_atomic(Path(req.outputs[i]), data)
        else:
            echo(data if isinstance(data, str) else data.decode("utf-8"))
    return exit_code(report, fail_on, req.exit_zero, strict, bool(missing_paths))


def exit_code(report: Report, fail_on: str, exit_zero: bool, strict: bool, bad_paths: bool = False) -> int:
    if bad_paths or (strict and any(d.status == "error" for d in report.documents)):
        return EXIT_ERROR
    if exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if failing(report, fail_on) else EXIT_CLEAN
