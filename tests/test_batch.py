"""Batch scanning: parallel equals serial, cache hits, timeouts, limits, Dask (when installed)."""

from __future__ import annotations

import json
import shutil
import time
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from clausescan.batch import BatchOptions, run_batch
from clausescan.cache import ResultCache
from clausescan.cli import main
from clausescan.ingest import IngestOptions
from clausescan.scan import ScanOptions

from .conftest import SAMPLES


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "contracts"
    d.mkdir()
    for name in (
        "strong-it-outsourcing.pdf",
        "weak-hosting-services.txt",
        "bare-saas-subscription.docx",
        "bare-consulting-terms.md",
    ):
        shutil.copy(SAMPLES / name, d / name)
    (d / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    return d


def dicts(results: list) -> dict[str, dict]:
    return {Path(r.path).name: r.to_dict() for r in results}


def test_parallel_equals_serial(folder: Path) -> None:
    serial = dicts(list(run_batch([str(folder)], ScanOptions(), BatchOptions(jobs=1))))
    parallel = dicts(list(run_batch([str(folder)], ScanOptions(), BatchOptions(jobs=2))))
    assert serial == parallel
    assert serial["broken.pdf"]["status"] == "error" and serial["broken.pdf"]["provisions"] == []


def test_cache_serves_unchanged_files_and_notices_changes(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "c.sqlite"
    opts = BatchOptions(jobs=1, cache_path=cache)
    first = dicts(list(run_batch([str(folder)], ScanOptions(), opts)))
    t = time.perf_counter()
    second = dicts(list(run_batch([str(folder)], ScanOptions(), opts)))
    assert first == second
    assert time.perf_counter() - t < 5
    db = ResultCache(cache, "x")
    assert db.db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 5
    db.close()
    (folder / "weak-hosting-services.txt").write_text("1. Term\n1.1 The Customer may terminate for convenience.\n")
    third = dicts(list(run_batch([str(folder)], ScanOptions(), opts)))
    assert third["weak-hosting-services.txt"] != first["weak-hosting-services.txt"]
    # a different playbook is a different cache entry
    dora = dicts(list(run_batch([str(folder)], ScanOptions(playbook="dora"), opts)))
    assert dora["strong-it-outsourcing.pdf"]["provisions"][0]["rule_id"].startswith("DORA")


def test_timeout_is_an_error_for_that_file(folder: Path) -> None:
    results = dicts(list(run_batch([str(folder)], ScanOptions(), BatchOptions(jobs=1, timeout=1e-4))))
    assert any(r["error"] and r["error"]["code"] == "CS-TIMEOUT" for r in results.values())
    assert all(r["provisions"] == [] for r in results.values() if r["status"] == "error")


def test_max_pages_limit(folder: Path) -> None:
    opts = ScanOptions(ingest=IngestOptions(max_pages=2))
    results = dicts(list(run_batch([str(folder)], opts, BatchOptions())))
    assert results["strong-it-outsourcing.pdf"]["error"]["code"] == "CS-PDF-TOO-MANY-PAGES"
    assert results["weak-hosting-services.txt"]["status"] == "ok"


def test_cli_jobs_cache_and_progress_off_when_not_a_terminal(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cli.sqlite"
    args = ["scan", str(folder), "-f", "json", "--jobs", "2", "--cache", str(cache), "--fail-on", "never"]
    r1 = CliRunner().invoke(main, args)
    r2 = CliRunner().invoke(main, args)
    assert r1.exit_code == r2.exit_code == 0
    assert json.loads(r1.output) == json.loads(r2.output)
    assert "scanning" not in r1.output  # no progress bar in captured output


def test_dask_local_cluster(folder: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as c:
        results = dicts(list(run_batch([str(folder)], ScanOptions(), BatchOptions(scheduler=c.scheduler_address))))
    serial = dicts(list(run_batch([str(folder)], ScanOptions(), BatchOptions(jobs=1))))
    assert results == serial


def test_interrupted_batch_resumes_from_the_cache(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "resume.sqlite"
    opts = BatchOptions(jobs=1, cache_path=cache)
    gen = run_batch([str(folder)], ScanOptions(), opts)
    done = [next(gen), next(gen)]
    gen.close()  # what Ctrl-C does to the scan loop: the two finished results are already stored
    db = ResultCache(cache, "x")
    assert db.db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 2
    db.close()
    seen: list[int] = []
    rerun = list(run_batch([str(folder)], ScanOptions(), opts, progress=lambda r, n, total: seen.append(n)))
    assert len(rerun) == 5 and seen == [1, 2, 3, 4, 5]
    assert {r.path for r in done} <= {r.path for r in rerun}


def test_cache_stores_rule_text_once_and_restores_it_exactly(folder: Path, tmp_path: Path) -> None:
    from clausescan.batch import scan_playbook_identity
    from clausescan.scan import load_scan_playbook

    identity = scan_playbook_identity(ScanOptions())
    assert identity.fingerprint == load_scan_playbook(ScanOptions()).fingerprint  # no regex compiled for it
    fields = identity.rule_fields
    (fresh,) = run_batch([str(folder / "strong-it-outsourcing.pdf")], ScanOptions(), BatchOptions())
    db = ResultCache(tmp_path / "rules.sqlite", "ctx", fields)
    db.put("abc", fresh)
    (blob,) = db.db.execute("SELECT value FROM results").fetchone()
    stored = zlib.decompress(blob).decode()
    some = next(iter(fields.values()))
    assert some["rationale"] not in stored and "_from_rule" in stored  # not repeated per document
    assert db.get("abc", fresh.path).to_dict() == fresh.to_dict()  # type: ignore[union-attr]
    db.close()
    # read with rule fields that lack a stripped rule (cannot happen for one playbook): a miss, never a
    # finding without its rationale
    other = ResultCache(tmp_path / "rules.sqlite", "ctx", {})
    assert other.get("abc", fresh.path) is None
    other.close()
