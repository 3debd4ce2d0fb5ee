"""Load and validate playbooks. A bad playbook is a UsageError naming file, line and field."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from clausescan.errors import UsageError
from clausescan.taxonomy import LABELS

ATTRIBUTES = (
    "notice_days",
    "transition_days",
    "availability_percent",
    "credit_percent",
    "amount",
    "party",
    "cure_days",
)


@dataclass(frozen=True)
class Check:
    check: str
    reason: str
    pattern: re.Pattern[str] | None = None
    attribute: str | None = None
    threshold: float | None = None
    threshold_name: str | None = None
    labels: tuple[str, ...] = ()
    label: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    labels: tuple[str, ...]
    severity: str
    message: dict[str, str]
    rationale: str
    recommendation: str
    sources: tuple[str, ...]
    examples: dict[str, tuple[str, ...]]
    weak_if: tuple[Check, ...] = ()
    evidence_patterns: tuple[re.Pattern[str], ...] = ()
    # a clause carrying the rule's labels is evidence only if it matches one of these (when given):
    # "Customer Data shall remain the property of the Customer" may be labelled data return, but it
    # returns nothing
    evidence_requires: tuple[re.Pattern[str], ...] = ()
    applies_if: dict[str, Any] | None = None
    suggested_language: str = ""

    @property
    def family(self) -> str:
        return re.sub(r"\d+$", "", self.id)


@dataclass(frozen=True)
class Playbook:
    id: str
    version: str
    title: str
    description: str
    rules: tuple[Rule, ...]
    options: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    sources: dict[str, dict[str, str]] = field(default_factory=dict)
    not_covered: tuple[dict[str, str], ...] = ()
    path: str = ""
    fingerprint: str = ""  # hash of the resolved rules, thresholds and options (result cache key)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def source_titles(self, ids: tuple[str, ...]) -> tuple[str, ...]:
        return source_titles(ids, self.sources)


def source_titles(ids: tuple[str, ...] | list[str], sources: dict[str, Any]) -> tuple[str, ...]:
    return tuple(f"{i}: {sources[i]['title']}" if i in sources else i for i in ids)


def rule_finding_fields(rule: dict[str, Any], sources: dict[str, Any]) -> dict[str, Any]:
    """The text a rule copies into each of its findings (the same in every document), as in to_dict()."""
    return {
        "title": rule["title"],
        "rationale": rule["rationale"].strip(),
        "recommendation": rule["recommendation"].strip(),
        "sources": list(source_titles(rule["sources"], sources)),
    }


@dataclass(frozen=True)
class PlaybookIdentity:
    """What a result cache needs from a playbook, without compiling any of its regexes."""

    fingerprint: str
    rule_fields: dict[str, dict[str, Any]]


def builtin_dir() -> Path:
    return Path(str(resources.files("clausescan").joinpath("playbooks")))


def builtin_playbooks() -> list[str]:
    return sorted(p.stem for p in builtin_dir().glob("*.yaml"))


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(resources.files("clausescan").joinpath("schemas/playbook.schema.json").read_text("utf-8"))


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: 10x faster


class _Source:
    """A playbook's text, composed into line-numbered YAML nodes only when an error needs a line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._node: _Source | None = None

    def node(self) -> yaml.Node | None:
        if self._node is None:
            self._node = yaml.compose(self.text, Loader=_YAML_LOADER)
        return self._node


def _line_of(source: _Source | None, path: list[str | int]) -> int | None:
    """1-based line of the YAML node at ``path`` (or the deepest ancestor found)."""
    node = source.node() if source is not None else None
    line = node.start_mark.line + 1 if node is not None else None
    for key in path:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            nxt = node.value[key]
        else:
            nxt = None
        if nxt is None:
            break
        node = nxt
        line = node.start_mark.line + 1
    return line


def _fail(path: str, line: int | None, where: str, what: str) -> UsageError:
    loc = f"{path}:{line}" if line else path
    return UsageError("CS-PLAYBOOK-INVALID", f"{loc}: {where}: {what}")


def _read_yaml(path: Path) -> tuple[dict[str, Any], _Source, str]:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise UsageError("CS-PLAYBOOK-NOT-FOUND", f"cannot read playbook {path}: {exc.strerror}") from exc
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)  # a safe loader either way
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise _fail(str(path), line, "YAML syntax", str(getattr(exc, "problem", exc))) from exc
    if not isinstance(data, dict):
        raise _fail(str(path), 1, "(top level)", "a playbook must be a mapping")
    return data, _Source(text), text


def resolve_path(name_or_path: str, base: Path | None = None) -> Path:
    if name_or_path in builtin_playbooks():
        return builtin_dir() / f"{name_or_path}.yaml"
    p = Path(name_or_path)
    if not p.is_absolute() and base is not None and not p.exists():
        p = base / p
    if not p.exists():
        raise UsageError("CS-PLAYBOOK-NOT-FOUND", f"no built-in playbook or file named {name_or_path!r}")
    return p


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``extends``: the child overrides options/thresholds/sources and replaces rules by id."""
    merged = dict(parent)
    for key in ("options", "thresholds", "sources"):
        merged[key] = {**parent.get(key, {}), **child.get(key, {})}
    rules = {r["id"]: r for r in parent.get("rules", [])}
    for r in child.get("rules", []):
        rules[r["id"]] = r
    disabled = set(child.get("disable", []))
    merged["rules"] = [r for rid, r in rules.items() if rid not in disabled]
    for key in ("id", "version", "title", "description"):
        if key in child:
            merged[key] = child[key]
    merged["not_covered"] = parent.get("not_covered", []) + child.get("not_covered", [])
    return merged


def _validate(data: dict[str, Any], node: _Source | None, path: str, partial: bool) -> None:
    schema = dict(_schema())
    if partial:  # an extending playbook may omit what it inherits
        schema = {**schema, "required": ["schema", "id"]}
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        err = errors[0]
        where = ".".join(str(p) for p in err.path) or "(top level)"
        if err.validator == "additionalProperties":
            extra = [k for k in err.instance if k not in err.schema.get("properties", {})]
            msg = f"unknown field {extra[0]!r}" if extra else err.message
        else:
            msg = err.message
        raise _fail(path, _line_of(node, list(err.path)), where, msg)


def _compile(pattern: str, path: str, node: _Source | None, loc: list[str | int]) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise _fail(path, _line_of(node, loc), ".".join(map(str, loc)), f"bad regex: {exc}") from exc


def _patterns(
    rule: dict[str, Any], key: str, path: str, node: _Source | None, loc: list[str | int]
) -> tuple[re.Pattern[str], ...]:
    """A rule's list of regexes under ``key`` (evidence_patterns, evidence_requires), compiled."""
    return tuple(_compile(p, path, node, [*loc, key, k]) for k, p in enumerate(rule.get(key, [])))


def _load_raw(path: Path, seen: tuple[str, ...] = ()) -> tuple[dict[str, Any], _Source | None]:
    if str(path.resolve()) in seen:
        raise UsageError("CS-PLAYBOOK-INVALID", f"{path}: 'extends' forms a cycle")
    data, node, _ = _read_yaml(path)
    parent_name = data.get("extends")
    _validate(data, node, str(path), partial=bool(parent_name))
    if parent_name:
        parent_data, _ = _load_raw(resolve_path(parent_name, path.parent), (*seen, str(path.resolve())))
        data = _merge(parent_data, data)
    return data, node


def _fingerprint(data: dict[str, Any], thresholds: dict[str, Any], opts: dict[str, Any]) -> str:
    """Hash of the resolved rules, thresholds and options: the result cache's key for the playbook."""
    canonical = json.dumps({"data": data, "thresholds": thresholds, "options": opts}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _resolve(
    name_or_path: str, overrides: dict[str, Any] | None, options: dict[str, Any] | None
) -> tuple[Path, dict[str, Any], _Source | None, dict[str, Any], dict[str, Any]]:
    """(path, validated data with ``extends`` merged, its source, thresholds, options) of a playbook."""
    path = resolve_path(name_or_path)
    data, node = _load_raw(path)
    thresholds = {**data.get("thresholds", {}), **(overrides or {})}
    opts = {**data.get("options", {}), **(options or {})}
    return path, data, node, thresholds, opts


def playbook_identity(
    name_or_path: str = "backsourcing", overrides: dict[str, Any] | None = None, options: dict[str, Any] | None = None
) -> PlaybookIdentity:
    """load_playbook()'s fingerprint and rule texts, read and schema-checked but with no regex compiled:
    a fully cached re-scan runs none of them, and compiling them was most of its time."""
    _, data, _, thresholds, opts = _resolve(name_or_path, overrides, options)
    sources = data.get("sources", {})
    fields = {r["id"]: rule_finding_fields(r, sources) for r in data.get("rules", [])}
    return PlaybookIdentity(_fingerprint(data, thresholds, opts), fields)


def load_playbook(
    name_or_path: str = "backsourcing", overrides: dict[str, Any] | None = None, options: dict[str, Any] | None = None
) -> Playbook:
    """Load a built-in playbook by id or a YAML file, resolving ``extends`` and overrides."""
    path, data, node, thresholds, opts = _resolve(name_or_path, overrides, options)
    spath = str(path)
    sources = data.get("sources", {})
    rules: list[Rule] = []
    seen_ids: set[str] = set()
    for i, r in enumerate(data.get("rules", [])):
        loc: list[str | int] = ["rules", i]
        if r["id"] in seen_ids:
            raise _fail(spath, _line_of(node, [*loc, "id"]), f"rules.{i}.id", f"duplicate rule id {r['id']}")
        seen_ids.add(r["id"])
        for lab in r["labels"]:
            if lab not in LABELS:
                raise _fail(spath, _line_of(node, [*loc, "labels"]), f"rules.{i}.labels", f"unknown label {lab!r}")
        for s in r["sources"]:
            if s not in sources:
                raise _fail(spath, _line_of(node, [*loc, "sources"]), f"rules.{i}.sources", f"undefined source {s!r}")
        checks = []
        for j, c in enumerate(r.get("weak_if", [])):
            cloc = [*loc, "weak_if", j]
            threshold = c.get("threshold")
            tname = None
            if isinstance(threshold, str):
                tname = threshold
                if threshold not in thresholds:
                    raise _fail(
                        spath,
                        _line_of(node, [*cloc, "threshold"]),
                        ".".join(map(str, cloc)),
                        f"undefined threshold {threshold!r}",
                    )
                threshold = thresholds[threshold]
            kind = c["check"]
            if kind.startswith("pattern") and "pattern" not in c:
                raise _fail(spath, _line_of(node, cloc), ".".join(map(str, cloc)), f"{kind} needs 'pattern'")
            if kind.startswith("attribute"):
                if c.get("attribute") not in ATTRIBUTES:
                    raise _fail(
                        spath,
                        _line_of(node, cloc),
                        ".".join(map(str, cloc)),
                        f"'attribute' must be one of {', '.join(ATTRIBUTES)}",
                    )
                if kind != "attribute_missing" and threshold is None:
                    raise _fail(spath, _line_of(node, cloc), ".".join(map(str, cloc)), f"{kind} needs 'threshold'")
            if kind == "label_missing" and c.get("label") not in LABELS:
                raise _fail(
                    spath, _line_of(node, cloc), ".".join(map(str, cloc)), "label_missing needs a known 'label'"
                )
            checks.append(
                Check(
                    check=kind,
                    reason=c["reason"],
                    pattern=_compile(c["pattern"], spath, node, [*cloc, "pattern"]) if "pattern" in c else None,
                    attribute=c.get("attribute"),
                    threshold=float(threshold) if threshold is not None else None,
                    threshold_name=tname,
                    labels=tuple(c.get("labels", ())),
                    label=c.get("label"),
                )
            )
        texts = rule_finding_fields(r, sources)
        rules.append(
            Rule(
                id=r["id"],
                title=texts["title"],
                labels=tuple(r["labels"]),
                severity=r["severity"],
                message=r["message"],
                rationale=texts["rationale"],
                recommendation=texts["recommendation"],
                sources=tuple(r["sources"]),
                examples={k: tuple(v) for k, v in r["examples"].items()},
                weak_if=tuple(checks),
                evidence_patterns=_patterns(r, "evidence_patterns", spath, node, loc),
                evidence_requires=_patterns(r, "evidence_requires", spath, node, loc),
                applies_if=r.get("applies_if"),
                suggested_language=(r.get("suggested_language") or "").strip(),
            )
        )
    return Playbook(
        fingerprint=_fingerprint(data, thresholds, opts),
        id=data["id"],
        version=str(data["version"]),
        title=data["title"],
        description=(data.get("description") or "").strip(),
        rules=tuple(rules),
        options=opts,
        thresholds=thresholds,
        sources=sources,
        not_covered=tuple(data.get("not_covered", [])),
        path=spath,
    )
