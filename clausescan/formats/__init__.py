"""Report formats, registered by name. Each takes a Report (and options) and returns text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from clausescan.model import Report


@dataclass(frozen=True)
class FormatOptions:
    fail_on: str = "high"
    color: bool = False
    width: int = 100
    include_text: bool = True
    base_uri: str | None = None
    verbose: bool = False


Formatter = Callable[[Report, FormatOptions], str | bytes]
FORMATS: dict[str, Formatter] = {}
EXTENSIONS: dict[str, str] = {}


def register(name: str, extension: str) -> Callable[[Formatter], Formatter]:
    def deco(fn: Formatter) -> Formatter:
        FORMATS[name] = fn
        EXTENSIONS[name] = extension
        return fn

    return deco


def render(name: str, report: Report, options: FormatOptions | None = None) -> str | bytes:
    _load()
    return FORMATS[name](report, options or FormatOptions())


def available() -> list[str]:
    _load()
    return sorted(FORMATS)


def _load() -> None:
    # Imported on first use so that `clausescan --help` stays fast; every format is a hard dependency.
    from clausescan.formats import (  # noqa: F401
        csv_format,
        html_format,
        json_format,
        junit_format,
        markdown_format,
        sarif_format,
        text_format,
        xlsx_format,
    )
