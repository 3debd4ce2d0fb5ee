"""Configuration: ``clausescan.toml`` or ``[tool.clausescan]`` in ``pyproject.toml``.

Found from the working directory upward (the first file that has clausescan settings wins);
the command line overrides it. Unknown keys are an error with a hint, so typos do not pass silently.

    [tool.clausescan]
    playbook = "backsourcing"          # or a path, relative to the config file
    fail-on = "high"
    exclude = ["drafts/**"]
    jobs = 2
    [tool.clausescan.thresholds]
    min_transition_days = 365
    [tool.clausescan.options]
    critical_function = true
    [[tool.clausescan.waivers]]
    rule = "ESC001"
    reason = "SaaS service: no customer-specific code to escrow"
    paths = ["contracts/saas-*.pdf"]   # optional; default all documents
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clausescan.errors import UsageError

KEYS = {
    "playbook",
    "fail-on",
    "exclude",
    "include",
    "jobs",
    "thresholds",
    "options",
    "waivers",
    "strict",
    "max-pages",
    "max-bytes",
    "timeout",
    "cache",
    "format",
}
WAIVER_KEYS = {"rule", "reason", "paths"}


@dataclass
class Waiver:
    rule: str
    reason: str
    paths: tuple[str, ...] = ()


@dataclass
class Config:
    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    waivers: list[Waiver] = field(default_factory=list)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def _invalid(path: Path, message: str, hint: str | None = None) -> UsageError:
    return UsageError("CS-CONFIG-INVALID", f"{path}: {message}", hint)


def _section(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise _invalid(path, f"cannot read TOML ({exc})") from exc
    if path.name == "pyproject.toml":
        return data.get("tool", {}).get("clausescan")
    return data.get("tool", {}).get("clausescan", data)


def find_config(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in ("clausescan.toml", "pyproject.toml"):
            candidate = folder / name
            if candidate.is_file() and _section(candidate) is not None:
                return candidate
    return None


def load_config(explicit: str | None = None, start: Path | None = None) -> Config:
    path = Path(explicit) if explicit else find_config(start)
    if path is None:
        return Config()
    if not path.is_file():
        raise UsageError("CS-CONFIG-INVALID", f"config file not found: {path}")
    section = _section(path) or {}
    for key in section:
        if key not in KEYS:
            close = difflib.get_close_matches(key, sorted(KEYS), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(sorted(KEYS))}"
            raise _invalid(path, f"unknown key {key!r}", hint)
    waivers = []
    for i, w in enumerate(section.get("waivers", [])):
        if not isinstance(w, dict) or set(w) - WAIVER_KEYS:
            raise _invalid(path, f"waivers[{i}]: only {sorted(WAIVER_KEYS)} are allowed")
        if not str(w.get("reason", "")).strip():
            raise _invalid(path, f"waivers[{i}] ({w.get('rule')}): a waiver needs a reason")
        if not w.get("rule"):
            raise _invalid(path, f"waivers[{i}]: a waiver needs a rule id")
        waivers.append(Waiver(str(w["rule"]).upper(), str(w["reason"]).strip(), tuple(w.get("paths", ()))))
    values = dict(section)
    playbook = values.get("playbook")
    if isinstance(playbook, str) and (playbook.endswith((".yaml", ".yml")) or "/" in playbook):
        values["playbook"] = str((path.parent / playbook).resolve())
    return Config(path, values, waivers)
