"""Scan many documents: in-process, in a process pool, or on a Dask cluster; cached; time-limited.

Each document is one unit of work (``scan.scan_document``): pure data in and out, so the same
function runs in all three places. Workers load the playbook and model once, not per file.
Results are yielded as they complete and written to the cache at once, so an interrupted batch
loses nothing already done.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from clausescan import __version__
from clausescan.cache import ResultCache, file_sha256
from clausescan.errors import ErrorInfo
from clausescan.model import DocumentResult, result_from_dict
from clausescan.rules.loader import PlaybookIdentity, playbook_identity
from clausescan.scan import ScanOptions, display_path, expand_paths, load_scan_playbook, scan_document


@dataclass(frozen=True)
class BatchOptions:
    jobs: int = 1
    timeout: float | None = None  # seconds per document
    cache_path: Path | None = None  # None: no cache
    scheduler: str | None = None  # Dask distributed scheduler address


Progress = Callable[[DocumentResult, int, int], None]
# Not a property of the file's content: never cached, so a rerun tries again.
TRANSIENT_ERRORS = frozenset({"CS-TIMEOUT", "CS-INTERNAL", "CS-IO-UNREADABLE"})

# --- the unit of work, as run inside a worker ---------------------------------------------------
_WORKER: dict[str, Any] = {}


class _Timeout(BaseException):
    """Raised by SIGALRM; a BaseException so "except Exception" guards in parsers cannot swallow it."""


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout()


def _init_worker(options: ScanOptions) -> None:
    from clausescan.nlp import default_tagger

    _WORKER["options"] = options
    _WORKER["playbook"] = load_scan_playbook(options)
    _WORKER["tagger"] = default_tagger()


def _ensure_worker(options: ScanOptions) -> None:
    """Load playbook and model unless this process already has them (a forked worker inherits
    the parent's: no second model load, and the pages are shared copy-on-write)."""
    if _WORKER.get("options") != options:
        _init_worker(options)


def scan_one(path: str, shown: str, options: ScanOptions, timeout: float | None) -> dict[str, Any]:
    """Scan one file in this process (worker or main), honouring the time limit. Returns a dict."""
    _ensure_worker(options)
    use_alarm = bool(timeout) and threading.current_thread() is threading.main_thread()
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, float(timeout or 0))
    try:
        result = scan_document(Path(path), _WORKER["playbook"], _WORKER["tagger"], options, shown)
    except _Timeout:
        result = DocumentResult(
            shown, None, None, "error", ErrorInfo("CS-TIMEOUT", f"not finished within {timeout:g} s")
        )
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    return result.to_dict()


# --- orchestration ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the package's own files: a code change (same version string) invalidates the cache."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted(root.rglob("*")):
        if f.suffix in (".py", ".yaml", ".json") and "__pycache__" not in f.parts:
            h.update(f.relative_to(root).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def scan_playbook_identity(options: ScanOptions) -> PlaybookIdentity:
    return playbook_identity(options.playbook, options.thresholds, dict(options.options))


def cache_context(options: ScanOptions, playbook: PlaybookIdentity | None = None) -> str:
    from clausescan.nlp import default_tagger

    playbook = playbook or scan_playbook_identity(options)
    waivers = sorted((w.rule_id, w.reason) for w in options.waivers)
    ing = options.ingest
    return "|".join(
        [
            __version__,
            code_fingerprint(),
            default_tagger().fingerprint,
            playbook.fingerprint,
            repr(waivers),
            # the password's hash, not "a password was given": a wrong password's error must not be
            # replayed for the right one (the password itself is never stored)
            hashlib.sha256((ing.password or "").encode()).hexdigest() if ing.password else "-",
            repr((ing.max_bytes, ing.max_pages, ing.min_chars_per_page, ing.ocr)),
        ]
    )


def run_batch(
    paths: list[str] | tuple[str, ...],
    options: ScanOptions,
    batch: BatchOptions,
    progress: Progress | None = None,
    root: Path | None = None,
) -> Iterator[DocumentResult]:
    """Yield one result per document, as they complete (cached ones first)."""
    files = [p for p, _ in expand_paths(paths, options.exclude)]
    total = len(files)
    done = 0
    cache = None
    if batch.cache_path:
        identity = scan_playbook_identity(options)
        cache = ResultCache(batch.cache_path, cache_context(options, identity), identity.rule_fields)
    todo: list[tuple[str, str, str | None]] = []
    try:
        for path in files:
            shown = display_path(path, root)
            sha = file_sha256(path, options.ingest.max_bytes) if cache else None
            cached = cache.get(sha, shown) if cache and sha else None
            if cached is not None:
                done += 1
                if progress:
                    progress(cached, done, total)
                yield cached
            else:
                todo.append((str(path), shown, sha))

        def finish(data: dict[str, Any], sha: str | None) -> DocumentResult:
            nonlocal done
            result = result_from_dict(data)
            transient = result.error is not None and result.error.code in TRANSIENT_ERRORS
            if cache and sha and not transient:
                cache.put(sha, result)
            done += 1
            if progress:
                progress(result, done, total)
            return result

        if batch.scheduler:
            yield from _run_dask(todo, options, batch, finish)
        elif batch.jobs <= 1 or len(todo) <= 1:
            for file, shown, sha in todo:
                yield finish(scan_one(file, shown, options, batch.timeout), sha)
        else:
            yield from _run_pool(todo, options, batch, finish)
    finally:
        if cache:
            cache.close()


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _run_pool(
    todo: list[tuple[str, str, str | None]],
    options: ScanOptions,
    batch: BatchOptions,
    finish: Callable[[dict[str, Any], str | None], DocumentResult],
) -> Iterator[DocumentResult]:
    if multiprocessing.get_start_method() == "fork":
        _ensure_worker(options)  # once here, inherited by every worker
    # Largest files first: a big file started last would leave the other workers idle at the end.
    todo = sorted(todo, key=lambda item: -_size(item[0]))
    # Bounded submission keeps memory flat for archives of thousands of files.
    with ProcessPoolExecutor(max_workers=batch.jobs, initializer=_ensure_worker, initargs=(options,)) as pool:
        pending: dict[Future[dict[str, Any]], tuple[str, str | None]] = {}
        queue = iter(todo)
        try:
            for path, shown, sha in queue:
                pending[pool.submit(scan_one, path, shown, options, batch.timeout)] = (shown, sha)
                if len(pending) >= batch.jobs * 4:
                    break
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    shown, sha = pending.pop(fut)
                    try:
                        data = fut.result()
                    except Exception as exc:  # a worker died (e.g. killed by the OS)
                        data = DocumentResult(
                            shown, None, None, "error", ErrorInfo("CS-INTERNAL", f"worker failed: {type(exc).__name__}")
                        ).to_dict()
                    yield finish(data, sha)
                    nxt = next(queue, None)
                    if nxt is not None:
                        p, s, h = nxt
                        pending[pool.submit(scan_one, p, s, options, batch.timeout)] = (s, h)
        except BaseException:
            for fut in pending:
                fut.cancel()
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _run_dask(
    todo: list[tuple[str, str, str | None]],
    options: ScanOptions,
    batch: BatchOptions,
    finish: Callable[[dict[str, Any], str | None], DocumentResult],
) -> Iterator[DocumentResult]:
    try:
        from dask.distributed import Client, as_completed
    except ImportError as exc:
        from clausescan.errors import UsageError

        raise UsageError("CS-CONFIG-INVALID", "--scheduler needs Dask: pip install 'clausescan[dask]'") from exc
    client = Client(batch.scheduler)
    try:
        futures = []
        shas: dict[str, str | None] = {}
        for path, shown, sha in todo:
            fut = client.submit(scan_one, path, shown, options, batch.timeout, pure=False)
            futures.append(fut)
            shas[fut.key] = sha
        for fut in as_completed(futures):
            yield finish(fut.result(), shas[fut.key])
    finally:
        client.close()


def scan_paths(
    paths: list[str | Path] | tuple[str | Path, ...] | str | Path,
    *,
    playbook: str = "backsourcing",
    options: dict[str, object] | None = None,
    thresholds: dict[str, float] | None = None,
    jobs: int = 1,
    cache: str | Path | None = None,
    timeout: float | None = None,
    scheduler: str | None = None,
    scan_options: ScanOptions | None = None,
    progress: Progress | None = None,
) -> Iterator[DocumentResult]:
    """Scan files and folders, yielding one DocumentResult per document as it completes.

    >>> for r in scan_paths(["contracts/"], playbook="dora", options={"critical_function": True}, jobs=2):
    ...     print(r.path, r.coverage)
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    so = scan_options or ScanOptions(playbook=playbook, options=dict(options or {}), thresholds=dict(thresholds or {}))
    batch = BatchOptions(jobs=jobs, timeout=timeout, cache_path=Path(cache) if cache else None, scheduler=scheduler)
    yield from run_batch([str(p) for p in paths], so, batch, progress)
