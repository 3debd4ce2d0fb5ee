"""One document in, one result out: ingest -> segment -> classify -> rules.

Pure data in and out, so the same function runs inline, in a process pool or on a Dask worker.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from clausescan import __version__
from clausescan.errors import ClausescanError, ErrorInfo, InputError
from clausescan.ingest import IngestOptions, ingest, is_supported
from clausescan.model import DocumentResult, PlaybookInfo, Report
from clausescan.nlp import Tagger, classify
from clausescan.review.language import with_filled_language
from clausescan.rules import Playbook, evaluate, load_playbook
from clausescan.rules.engine import Waiver, inline_waivers
from clausescan.segment import segment

# Documentation beside contracts in a folder is not a contract (explicitly named files are
# always scanned). Override with --include/--exclude or the config file.
DEFAULT_EXCLUDE = ("README*", "CHANGES*", "CHANGELOG*", "LICENSE*", "CONTRIBUTING*")


@dataclass(frozen=True)
class ScanOptions:
    playbook: str = "backsourcing"
    thresholds: dict[str, float] = field(default_factory=dict)
    options: dict[str, object] = field(default_factory=dict)
    waivers: tuple[Waiver, ...] = ()
    ingest: IngestOptions = field(default_factory=IngestOptions)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE


def display_path(path: Path, root: Path | None = None) -> str:
    """Stable, relative-where-possible path with forward slashes (reports and SARIF URIs)."""
    try:
        rel = path.resolve().relative_to((root or Path.cwd()).resolve())
        return rel.as_posix()
    except (ValueError, OSError, RuntimeError):  # outside the root, or a symlink loop
        return path.as_posix()


def scan_document(
    path: Path, playbook: Playbook, tagger: Tagger, options: ScanOptions, shown_as: str | None = None
) -> DocumentResult:
    """Everything clausescan says about one file. Input errors become an error result."""
    shown = shown_as or display_path(path)
    try:
        doc = ingest(path, options.ingest, display_path=shown)
    except InputError as exc:
        return DocumentResult(shown, None, _fmt_of(path), "error", exc.info())
    except ClausescanError:
        raise
    except Exception as exc:  # a parser bug must not stop a batch; report it against the file
        return DocumentResult(
            shown, None, _fmt_of(path), "error", ErrorInfo("CS-INTERNAL", f"{type(exc).__name__}: {exc}")
        )
    clauses = classify(segment(doc), tagger)
    waivers, problems = inline_waivers(doc.text)
    inline = {x.rule_id for x in waivers}
    waivers = [w for w in options.waivers if w.covers(shown) and w.rule_id not in inline] + waivers
    findings, cov = evaluate(
        playbook, clauses, line_numbers=doc.format in ("txt", "md"), text=doc.text, waivers=waivers
    )
    warnings = doc.warnings + tuple(ErrorInfo("CS-WAIVER-NO-REASON", p) for p in problems)
    # suggested clause language, with the contract's own party names and periods filled in
    return with_filled_language(
        DocumentResult(
            path=shown,
            sha256=doc.sha256,
            format=doc.format,
            status="ok",
            pages=doc.pages,
            extractor=doc.extractor,
            clauses=tuple(clauses),
            provisions=tuple(findings),
            coverage=cov,
            warnings=warnings,
            comments=doc.comments,
        ),
        playbook,
    )


def _fmt_of(path: Path) -> str | None:
    from clausescan.ingest import EXTENSIONS

    return EXTENSIONS.get(path.suffix.lower())


def expand_paths(
    paths: Iterable[str | Path], exclude: tuple[str, ...] = DEFAULT_EXCLUDE
) -> Iterator[tuple[Path, str | None]]:
    """Files to scan, in sorted order: folders recursively (supported types only), files as given.

    Yields (path, None) or (path, error code) for paths that cannot even be listed.
    """
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = []
            for root, dirs, files in os.walk(p, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in files:
                    fp = Path(root) / name
                    if name.startswith(".") or not is_supported(fp):
                        continue
                    if any(fp.match(g) for g in exclude):
                        continue
                    found.append(fp)
            yield from ((fp, None) for fp in sorted(found))
        else:
            yield p, None


def load_scan_playbook(options: ScanOptions) -> Playbook:
    return load_playbook(options.playbook, options.thresholds, dict(options.options))


def make_report(results: Iterable[DocumentResult], playbook: Playbook, tagger: Tagger) -> Report:
    return Report(
        __version__, PlaybookInfo(playbook.id, playbook.version, playbook.title), tuple(results), model=tagger.name
    )
