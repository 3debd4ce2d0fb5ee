"""Shared fixtures. Tests that read ../shared/data skip cleanly when it is absent."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import pytest

from clausescan.batch import BatchOptions, run_batch
from clausescan.model import Report
from clausescan.nlp import default_tagger
from clausescan.scan import ScanOptions, load_scan_playbook, make_report

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_contracts"
SHARED_DATA = REPO.parent / "shared" / "data"
SHARED_SCHEMAS = REPO.parent / "shared" / "schemas"


def shared(relative: str) -> Path:
    """A path under ../shared/data, or skip the test when the data is not on this machine."""
    p = SHARED_DATA / relative
    if not p.exists():
        pytest.skip(f"shared data not available: {relative}")
    return p


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or write the user's result cache."""
    import os

    os.environ["CLAUSESCAN_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def sample_report() -> Report:
    """The default scan of sample_contracts/, run once per session (paths relative to the repo)."""
    import os

    old = Path.cwd()
    os.chdir(REPO)
    try:
        options = ScanOptions()
        results = list(run_batch(["sample_contracts"], options, BatchOptions()))
        return make_report(results, load_scan_playbook(options), default_tagger())
    finally:
        os.chdir(old)


@contextmanager
def raise_after(seconds: int, error: Exception) -> Iterator[None]:
    """Raise ``error`` (instead of hanging the suite) if the block takes longer than ``seconds``."""

    def alarm(signum: int, frame: FrameType | None) -> None:
        raise error

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
