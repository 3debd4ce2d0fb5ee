#!/usr/bin/env python3
"""Validate clausescan playbooks and test their regexes against the rules' own examples.

Usage::

    python tools/check_playbook_patterns.py [--engine] [PLAYBOOK.yaml ...]

Without paths every ``clausescan/playbooks/*.yaml`` is checked. For each playbook it

* validates the structure: the project's JSON schema (``clausescan/schemas/playbook.schema.json``)
  and the engine's loader when clausescan is importable, plus checks of its own (rule-id
  families, labels, thresholds, options, source ids incl. ``not_covered``, placeholders);
* compiles every regex (case-insensitive, as the engine does);
* runs every example through the rule's checks *as if it were the only evidence clause and
  carried the rule's labels*:

  - ``present`` examples must trigger no check;
  - each ``weak`` example must trigger at least one check;
  - every pattern/attribute check must be triggered by at least one weak example;
  - ``missing`` examples must not match any ``evidence_patterns``;
  - rules with no labels: present and weak examples must match an ``evidence_patterns`` entry;
  - present and weak examples must match an ``evidence_requires`` entry, when the rule has any.

Pattern checks are evaluated exactly. Attribute checks use clausescan's own extractor
(``clausescan.nlp.attributes``) when importable, else a small stand-in. ``label_missing`` checks
depend on the classifier and are not evaluated here.

With ``--engine`` every example is also run end to end through clausescan's default tagger
(the trained classifier, or the keyword tagger when no model is installed), the attribute
extractor and the rules engine, and its status is compared with the expected one.

Exit code: 0 if no problems, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
PLAYBOOK_DIR = REPO_ROOT / "clausescan" / "playbooks"
SCHEMA_PATH = REPO_ROOT / "clausescan" / "schemas" / "playbook.schema.json"
sys.path.insert(0, str(REPO_ROOT))

try:
    from clausescan.taxonomy import LABELS as _LABELS
except ImportError:  # pragma: no cover - the taxonomy module is part of the repo
    sys.exit("cannot import clausescan.taxonomy; run from the repository")

LABELS: frozenset[str] = frozenset(_LABELS)
SEVERITIES = ("info", "low", "medium", "high", "critical")
ATTRIBUTES = frozenset(
    {"notice_days", "transition_days", "availability_percent", "credit_percent", "amount", "party", "cure_days"}
)
NUMERIC_ATTRIBUTES = frozenset(
    {"notice_days", "transition_days", "availability_percent", "credit_percent", "cure_days"}
)
PATTERN_CHECKS = ("pattern_all", "pattern_any", "pattern_none")
CHECK_FIELDS: dict[str, set[str]] = {
    "pattern_all": {"pattern"},
    "pattern_any": {"pattern"},
    "pattern_none": {"pattern"},
    "attribute_missing": {"attribute"},
    "attribute_below": {"attribute", "threshold"},
    "attribute_above": {"attribute", "threshold"},
    "label_missing": {"label"},
}
CHECK_OPTIONAL = {"labels"}
RULE_ID = re.compile(r"^[A-Z]{2,5}\d{3}$")
PLAYBOOK_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
FAMILIES = ("TERM", "EXIT", "DATA", "IP", "SLA", "GOV", "XFER", "ESC", "BCP", "RISK", "DORA")
LANGUAGE_PLACEHOLDERS = {"customer", "supplier", "transition_period", "notice_period"}
REASON_PLACEHOLDERS = {"value", "threshold", "attribute"}
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

Extractor = Callable[[str, set[str]], dict[str, Any]]


# --- attribute extraction -----------------------------------------------------------------------
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_DURATION = re.compile(
    r"(\d+(?:\.\d+)?)\s*\)?\s*(?:-\s*)?(?:calendar\s+|business\s+|working\s+)?(day|week|month|year)s?\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|per\s*cent\b|percent\b)", re.IGNORECASE)
_CONTEXT: dict[str, re.Pattern[str]] = {
    "notice_days": re.compile(r"notice", re.IGNORECASE),
    "transition_days": re.compile(r"period|transition|assistance|continu|exit|extend", re.IGNORECASE),
    "cure_days": re.compile(r"cure|remed|rectif", re.IGNORECASE),
    "availability_percent": re.compile(r"availab|uptime|up-time", re.IGNORECASE),
    "credit_percent": re.compile(r"credit|charges|fees", re.IGNORECASE),
}
_WINDOW = 80


def _stand_in_values(text: str, attribute: str) -> list[float]:
    regex = _PERCENT if attribute.endswith("_percent") else _DURATION
    values: list[float] = []
    for match in regex.finditer(text):
        window = text[max(0, match.start() - _WINDOW) : match.end() + _WINDOW]
        if not _CONTEXT[attribute].search(window):
            continue
        number = float(match.group(1))
        if regex is _DURATION:
            number *= _UNIT_DAYS[match.group(2).lower()]
        values.append(number)
    return values


def stand_in_extract(text: str, labels: set[str]) -> dict[str, Any]:
    """Used only when clausescan's extractor cannot be imported: numbers with a unit near a keyword."""
    del labels  # the stand-in does not depend on labels
    return {name: max(vals) for name in _CONTEXT if (vals := _stand_in_values(text, name))}


def load_extractor() -> tuple[Extractor, str]:
    try:
        from clausescan.nlp.attributes import extract
    except ImportError:
        return stand_in_extract, "stand-in extractor (clausescan.nlp.attributes not importable)"
    return extract, "clausescan.nlp.attributes"


# --- results ------------------------------------------------------------------------------------
@dataclass
class RuleReport:
    rule_id: str
    title: str
    checks: list[str]
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class PlaybookReport:
    path: Path
    playbook_id: str = "?"
    rules: list[RuleReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def problem_count(self) -> int:
        return len(self.problems) + sum(len(r.problems) for r in self.rules)


def _threshold_value(check: dict[str, Any], thresholds: dict[str, Any]) -> float | None:
    raw = check.get("threshold")
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw)
    if isinstance(raw, str) and isinstance(thresholds.get(raw), (int, float)):
        return float(thresholds[raw])
    return None


def fires(check: dict[str, Any], text: str, attributes: dict[str, Any], thresholds: dict[str, Any]) -> bool | None:
    """Whether ``check`` fires on a document whose only evidence clause is ``text``.

    Mirrors the engine: with one evidence clause, pattern_all and pattern_any both fire when the
    clause matches and pattern_none when it does not. Returns None for ``label_missing``.
    """
    kind = check.get("check")
    if kind in PATTERN_CHECKS:
        matched = re.search(check["pattern"], text, re.IGNORECASE) is not None
        return not matched if kind == "pattern_none" else matched
    if kind == "attribute_missing":
        return check["attribute"] not in attributes
    if kind in ("attribute_below", "attribute_above"):
        value = attributes.get(check["attribute"])
        limit = _threshold_value(check, thresholds)
        if not isinstance(value, (int, float)) or limit is None:
            return False
        return value < limit if kind == "attribute_below" else value > limit
    return None


def _describe(check: dict[str, Any], index: int) -> str:
    kind = str(check.get("check"))
    if kind in PATTERN_CHECKS:
        return f"[{index}]{kind}"
    if kind == "label_missing":
        return f"[{index}]label_missing({check.get('label')})"
    detail = str(check.get("attribute"))
    if "threshold" in check:
        detail += f" vs {check['threshold']}"
    return f"[{index}]{kind}({detail})"


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                yield item


# --- validation ---------------------------------------------------------------------------------
def validate_schema(doc: dict[str, Any], report: PlaybookReport) -> None:
    """The project's JSON schema (if jsonschema is installed) and the engine's loader (if importable)."""
    try:
        import jsonschema
    except ImportError:
        report.problems.append("jsonschema is not installed: JSON-schema validation skipped")
    else:
        if SCHEMA_PATH.exists():
            schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
            if doc.get("extends"):
                schema = {**schema, "required": ["schema", "id"]}
            for error in jsonschema.Draft202012Validator(schema).iter_errors(doc):
                where = ".".join(str(p) for p in error.path) or "(top level)"
                report.problems.append(f"schema: {where}: {error.message}")
    try:
        from clausescan.errors import UsageError
        from clausescan.rules.loader import load_playbook
    except ImportError:
        return
    try:
        load_playbook(str(report.path))
    except UsageError as exc:
        report.problems.append(f"engine loader rejects the playbook: {exc}")


def validate_top(doc: dict[str, Any], report: PlaybookReport) -> None:
    problems = report.problems
    if not isinstance(doc.get("id"), str) or not PLAYBOOK_ID.match(doc["id"]):
        problems.append(f"playbook id must be lowercase, got {doc.get('id')!r}")
    for name, value in (doc.get("thresholds") or {}).items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"threshold {name} must be a number")
    sources = doc.get("sources") or {}
    for sid, entry in sources.items():
        if isinstance(entry, dict) and not (entry.get("url") or entry.get("locator")):
            problems.append(f"source {sid} needs a url or a locator")
    for item in doc.get("not_covered") or []:
        if isinstance(item, dict) and item.get("source") not in sources:
            problems.append(f"not_covered source {item.get('source')} is not defined in sources")


def validate_check(check: Any, where: str, doc: dict[str, Any], rule_labels: list[str]) -> list[str]:
    problems: list[str] = []
    if not isinstance(check, dict) or check.get("check") not in CHECK_FIELDS:
        return [f"{where}: unknown check {check!r}"]
    kind = check["check"]
    required = CHECK_FIELDS[kind]
    missing = required - check.keys()
    unknown = check.keys() - required - CHECK_OPTIONAL - {"check", "reason"}
    if missing:
        problems.append(f"{where}: {kind} is missing {sorted(missing)}")
    if unknown:
        problems.append(f"{where}: {kind} has keys it does not use: {sorted(unknown)}")
    if not check.get("reason"):
        problems.append(f"{where}: {kind} needs a reason")
    bad = set(PLACEHOLDER.findall(str(check.get("reason", "")))) - REASON_PLACEHOLDERS
    if bad:
        problems.append(f"{where}: unknown placeholders in reason: {sorted(bad)}")
    if kind in PATTERN_CHECKS and "pattern" in check:
        try:
            re.compile(check["pattern"], re.IGNORECASE)
        except re.error as exc:
            problems.append(f"{where}: pattern does not compile: {exc}")
    if "attribute" in check:
        attribute = check["attribute"]
        if attribute not in ATTRIBUTES:
            problems.append(f"{where}: unknown attribute {attribute!r}")
        elif kind in ("attribute_below", "attribute_above") and attribute not in NUMERIC_ATTRIBUTES:
            problems.append(f"{where}: attribute {attribute!r} is not numeric")
    if "threshold" in check and _threshold_value(check, doc.get("thresholds") or {}) is None:
        problems.append(f"{where}: threshold {check['threshold']!r} is not a number or a defined threshold")
    labels = [*_strings(check.get("labels")), *([check["label"]] if "label" in check else [])]
    problems.extend(f"{where}: unknown label {label!r}" for label in labels if label not in LABELS)
    if kind == "label_missing" and check.get("label") in rule_labels:
        problems.append(f"{where}: label_missing on one of the rule's own labels can never fire")
    return problems


def validate_rule(
    rule: dict[str, Any], doc: dict[str, Any], seen: set[str], report: RuleReport, *, builtin: bool
) -> None:
    problems = report.problems
    rid = report.rule_id
    if not RULE_ID.match(rid):
        problems.append("id does not match ^[A-Z]{2,5}\\d{3}$")
    elif builtin and not rid.startswith(FAMILIES):  # user playbooks may use families of their own
        problems.append(f"id family of a built-in playbook is not one of {FAMILIES}")
    if rid in seen:
        problems.append("duplicate rule id")
    seen.add(rid)
    labels = list(_strings(rule.get("labels")))
    problems.extend(f"unknown label {label!r}" for label in labels if label not in LABELS)
    evidence_patterns = list(_strings(rule.get("evidence_patterns")))
    if not labels and not evidence_patterns:
        problems.append("a rule needs labels or evidence_patterns")
    for pattern in [*evidence_patterns, *_strings(rule.get("evidence_requires"))]:
        try:
            re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            problems.append(f"evidence pattern does not compile: {exc}")
    if rule.get("severity") not in SEVERITIES:
        problems.append(f"severity {rule.get('severity')!r} not in {SEVERITIES}")
    applies_if = rule.get("applies_if")
    if applies_if is not None:
        option = applies_if.get("option") if isinstance(applies_if, dict) else None
        if option not in (doc.get("options") or {}):
            problems.append(f"applies_if option {option!r} is not defined in options")
    for sid in _strings(rule.get("sources")):
        if sid not in (doc.get("sources") or {}):
            problems.append(f"source {sid} is not defined in sources")
    bad = set(PLACEHOLDER.findall(str(rule.get("suggested_language", "")))) - LANGUAGE_PLACEHOLDERS
    if bad:
        problems.append(f"unknown placeholders in suggested_language: {sorted(bad)}")
    for index, check in enumerate(rule.get("weak_if") or []):
        problems.extend(validate_check(check, f"weak_if[{index}]", doc, labels))
    examples = rule.get("examples") or {}
    for kind in ("present", "weak", "missing"):
        if not list(_strings(examples.get(kind))):
            problems.append(f"examples.{kind} needs at least one example")


# --- examples -----------------------------------------------------------------------------------
def check_examples(rule: dict[str, Any], doc: dict[str, Any], extractor: Extractor, report: RuleReport) -> None:
    problems = report.problems
    weak_if: list[dict[str, Any]] = rule.get("weak_if") or []
    thresholds: dict[str, Any] = doc.get("thresholds") or {}
    labels = set(_strings(rule.get("labels")))
    evidence_patterns = list(_strings(rule.get("evidence_patterns")))
    examples = rule.get("examples") or {}

    def run(text: str) -> list[int]:
        # The example stands for a clause carrying the rule's labels (and those the checks look in).
        scope = labels | {lab for c in weak_if for lab in _strings(c.get("labels"))}
        attributes = extractor(text, scope)
        return [i for i, c in enumerate(weak_if) if fires(c, text, attributes, thresholds)]

    requires = list(_strings(rule.get("evidence_requires")))

    def is_evidence(text: str) -> bool:
        return any(re.search(p, text, re.IGNORECASE) for p in evidence_patterns)

    def meets_requires(text: str) -> bool:
        return not requires or any(re.search(p, text, re.IGNORECASE) for p in requires)

    exercised: set[int] = set()
    for text in _strings(examples.get("present")):
        fired = run(text)
        if fired:
            problems.append(f"present example triggers {[_describe(weak_if[i], i) for i in fired]}: {text[:70]}...")
        if not labels and not is_evidence(text):
            problems.append(f"present example matches no evidence pattern: {text[:70]}...")
        if not meets_requires(text):
            problems.append(f"present example matches no evidence_requires pattern: {text[:70]}...")
    report.lines.append(f"present ok ({len(list(_strings(examples.get('present'))))})")
    for text in _strings(examples.get("weak")):
        fired = run(text)
        exercised.update(fired)
        if not fired:
            problems.append(f"weak example triggers no check: {text[:70]}...")
        if not labels and not is_evidence(text):
            problems.append(f"weak example matches no evidence pattern: {text[:70]}...")
        if not meets_requires(text):
            problems.append(f"weak example matches no evidence_requires pattern: {text[:70]}...")
        report.lines.append(f"weak -> {', '.join(_describe(weak_if[i], i) for i in fired) or 'NOTHING'}")
    for text in _strings(examples.get("missing")):
        if is_evidence(text):
            problems.append(f"missing example matches an evidence pattern: {text[:70]}...")
    for index, check in enumerate(weak_if):
        if check.get("check") == "label_missing":
            report.lines.append(f"{_describe(check, index)} not evaluated (needs the classifier)")
        elif index not in exercised:
            problems.append(f"weak_if[{index}] ({_describe(check, index)}) is not exercised by any weak example")


def check_engine(path: Path, report: PlaybookReport) -> str:
    """Run every example through clausescan's tagger, extractor and engine; record mismatches."""
    try:
        from clausescan.model import Clause
        from clausescan.nlp import classify, default_tagger
        from clausescan.rules.engine import evaluate
        from clausescan.rules.loader import load_playbook
    except ImportError as exc:
        report.problems.append(f"--engine: clausescan is not importable ({exc})")
        return "unavailable"
    tagger = default_tagger()
    playbook = load_playbook(str(path))
    by_id = {r.rule_id: r for r in report.rules}
    for rule in playbook.rules:
        options = dict(playbook.options)
        if rule.applies_if:  # evaluate every rule, whatever the playbook's default options
            options[rule.applies_if["option"]] = rule.applies_if.get("equals", True)
        single = replace(playbook, rules=(rule,), options=options)
        for expected, texts in rule.examples.items():
            for text in texts:
                clause = Clause("c1", None, None, None, text, 0, len(text), 1, 1)
                [labelled] = classify([clause], tagger)
                findings, _ = evaluate(single, [labelled])
                got = findings[0].status
                if got != expected and rule.id in by_id:
                    got_labels = [lab.label for lab in labelled.labels]
                    by_id[rule.id].problems.append(
                        f"engine: {expected} example came out {got} (labels {got_labels}): {text[:60]}..."
                    )
    return tagger.name


def with_inherited(doc: dict[str, Any], path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """``doc`` with the options, thresholds and sources of the playbooks it ``extends`` (child wins)."""
    parent_name = doc.get("extends")
    if not isinstance(parent_name, str) or not parent_name:
        return doc
    parent_path = PLAYBOOK_DIR / f"{parent_name}.yaml"
    if not parent_path.exists():
        parent_path = (path.parent / parent_name).resolve()
    if parent_path in seen or not parent_path.exists():
        return doc  # the engine's loader reports cycles and missing parents
    parent = yaml.safe_load(parent_path.read_text(encoding="utf-8"))
    if not isinstance(parent, dict):
        return doc
    parent = with_inherited(parent, parent_path, (*seen, parent_path))
    merged = dict(doc)
    for key in ("options", "thresholds", "sources"):
        merged[key] = {**(parent.get(key) or {}), **(doc.get(key) or {})}
    return merged


def check_playbook(path: Path, extractor: Extractor, engine: bool) -> PlaybookReport:
    report = PlaybookReport(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        report.problems.append(f"cannot load: {exc}")
        return report
    if not isinstance(doc, dict):
        report.problems.append("top level must be a mapping")
        return report
    report.playbook_id = str(doc.get("id"))
    validate_schema(doc, report)
    doc = with_inherited(doc, path.resolve())
    validate_top(doc, report)
    seen: set[str] = set()
    for rule in doc.get("rules") or []:
        if not isinstance(rule, dict):
            report.problems.append(f"rule is not a mapping: {rule!r}")
            continue
        weak_if = rule.get("weak_if") or []
        checks = [_describe(c, i) for i, c in enumerate(weak_if) if isinstance(c, dict)]
        rule_report = RuleReport(str(rule.get("id")), str(rule.get("title")), checks)
        validate_rule(rule, doc, seen, rule_report, builtin=path.resolve().parent == PLAYBOOK_DIR)
        if not rule_report.problems:  # examples of a malformed rule are not evaluated
            check_examples(rule, doc, extractor, rule_report)
        report.rules.append(rule_report)
    if engine and not report.problems:
        tagger = check_engine(path, report)
        report.notes.append(f"--engine: examples also run through clausescan's engine with tagger {tagger!r}")
    return report


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="playbook files (default: clausescan/playbooks/*.yaml)")
    parser.add_argument("--engine", action="store_true", help="also run examples through clausescan's tagger + engine")
    args = parser.parse_args(argv)
    paths: list[Path] = args.paths or sorted(PLAYBOOK_DIR.glob("*.yaml"))
    if not paths:
        print(f"no playbooks found in {PLAYBOOK_DIR}")
        return 1
    extractor, extractor_name = load_extractor()
    print(f"attribute checks use: {extractor_name}")
    total_problems = 0
    for path in paths:
        report = check_playbook(path, extractor, args.engine)
        print(f"== {path.name} (playbook {report.playbook_id}): {len(report.rules)} rules")
        for note in report.notes:
            print(f"   {note}")
        for problem in report.problems:
            print(f"   PROBLEM {problem}")
        for rule in report.rules:
            print(f"{rule.rule_id:8} {'ok' if not rule.problems else 'FAIL':4} {rule.title}")
            print(f"         checks: {', '.join(rule.checks) or '(none: presence only)'}")
            for line in rule.lines:
                print(f"         {line}")
            for problem in rule.problems:
                print(f"         PROBLEM {problem}")
        count = report.problem_count()
        total_problems += count
        print(f"== {report.playbook_id}: {len(report.rules)} rules, {count} problem(s)\n")
    print("all playbooks OK" if total_problems == 0 else f"{total_problems} problem(s) found")
    return 0 if total_problems == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
