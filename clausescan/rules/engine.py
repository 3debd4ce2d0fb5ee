"""Check labelled clauses against a playbook: present / weak / missing / waived, with evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from clausescan.literals import fold, required_literals
from clausescan.model import Clause, Evidence, Finding, severity_rank
from clausescan.nlp import introducing_lead_in
from clausescan.rules.loader import Check, Playbook, Rule

MAX_EVIDENCE = 3
QUOTE_CHARS = 400
SEVERITY_WEIGHT = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
STATUS_CREDIT = {"present": 1.0, "weak": 0.5, "missing": 0.0}
STATUS_ORDER = {"missing": 0, "weak": 1, "present": 2, "waived": 3}
# Inline waiver in a contract template, like "# nosec": the reason is required.
WAIVER_RE = re.compile(
    r"clausescan:\s*waive\s+(?P<ids>[A-Z]{2,5}\d{3}(?:\s*,\s*[A-Z]{2,5}\d{3})*)(?:\s*(?:--|\u2014|:)\s*(?P<reason>[^\n\]]+))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Waiver:
    rule_id: str
    reason: str
    origin: str  # "config" or "inline"
    paths: tuple[str, ...] = ()  # globs of document paths it covers; empty = all

    def covers(self, path: str) -> bool:
        from fnmatch import fnmatch

        return not self.paths or any(fnmatch(path, g) for g in self.paths)


def inline_waivers(text: str) -> tuple[list[Waiver], list[str]]:
    """Waivers written in the document; returns (waivers, problems) — a waiver without reason is a problem."""
    waivers, problems = [], []
    for m in WAIVER_RE.finditer(text):
        # the reason ends the line or the comment that holds it: <!-- ... -->, /* ... */, [ ... ]
        reason = re.split(r"-->|\*/", m.group("reason") or "")[0].strip()
        if not re.search(r"[A-Za-z]", reason):
            reason = ""
        for rid in re.split(r"\s*,\s*", m.group("ids").upper()):
            if reason:
                waivers.append(Waiver(rid, reason, "inline"))
            else:
                problems.append(f"inline waiver of {rid} has no reason; it was ignored")
    return waivers, problems


def quote(clause: Clause) -> str:
    text = " ".join(clause.text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "\u2026"


# '"Exit Plan" means ...': a definition names a provision but does not provide it (taxonomy).
DEFINITION_RE = re.compile(
    r"^\W{0,3}[\"“”'‘’][^\"“”'‘’\n]{1,80}[\"“”'‘’]\s*(?:\([^)]{0,40}\)\s*)?"
    r"(?:means|shall mean|has the meaning|shall have the meaning|refers to|includes)\b",
    re.IGNORECASE,
)


_LEADING_MARKER_RE = re.compile(r"^[\s#*]*(?:(?:\(?[A-Za-z0-9]{1,4}[.)]|\d+(?:\.\d+)*\.?)\s*)*")


def is_definition(clause: Clause) -> bool:
    return bool(DEFINITION_RE.match(_LEADING_MARKER_RE.sub("", clause.text, count=1)))


@dataclass
class _Index:
    """Per-document lookups computed once, not once per rule."""

    clauses: list[Clause]
    labels: dict[str, frozenset[str]]
    operative: list[Clause]  # clauses that are not definitions

    @classmethod
    def of(cls, clauses: list[Clause]) -> _Index:
        return cls(
            clauses,
            {c.id: frozenset(lab.label for lab in c.labels) for c in clauses},
            [c for c in clauses if c.labels and not is_definition(c)],
        )

    def with_labels(self, wanted: tuple[str, ...]) -> list[Clause]:
        want = set(wanted)
        return [c for c in self.operative if self.labels[c.id] & want]

    @cached_property
    def folded(self) -> list[str]:
        """Clause texts for literal guards (clausescan.literals.fold), computed on first use."""
        return [fold(c.text) for c in self.clauses]

    @cached_property
    def by_id(self) -> dict[str, Clause]:
        return {c.id: c for c in self.clauses}

    def read_with_lead_in(self, clause: Clause) -> str:
        """A list item with the lead-in that introduces it ("shall return to the Customer: // (a) all
        Customer Data ..."). Only a lead-in ending in a colon or dash: a parent section's heading
        ("14. Supplier Personnel and Subcontracting") says nothing about what this clause does."""
        parent = self.by_id.get(clause.parent or "")
        lead = introducing_lead_in(parent) if parent is not None else ""
        return f"{lead} // {clause.text}" if lead else clause.text

    def any_label(self, label: str) -> bool:
        return any(label in labs for labs in self.labels.values())


@lru_cache(maxsize=4096)
def _guard(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    return required_literals(pattern.pattern, pattern.flags)


def _evidence_clauses(rule: Rule, index: _Index, labels: tuple[str, ...] | None = None) -> list[Clause]:
    found = index.with_labels(labels or rule.labels)
    if not labels and rule.evidence_requires:
        found = [c for c in found if any(p.search(index.read_with_lead_in(c)) for p in rule.evidence_requires)]
    if not labels and rule.evidence_patterns:
        seen = {c.id for c in found}
        pats = [(p, _guard(p)) for p in rule.evidence_patterns]
        for c, folded in zip(index.clauses, index.folded):
            if c.id in seen:
                continue
            for p, guard in pats:
                if guard is not None and not any(lit in folded for lit in guard):
                    continue  # a word every match needs is absent
                if p.search(c.text):
                    found.append(c)
                    break
    return found


def _score(rule: Rule, c: Clause) -> float:
    return max((c.score(lab) for lab in rule.labels), default=0.0)


DOUBTFUL = 0.5  # a calibrated score below this: the clause is more likely not the provision


def _graded(rule: Rule, evidence: list[Clause]) -> list[Clause]:
    """The evidence the weak checks read: without the clauses the classifier doubts (labelled with a
    score under DOUBTFUL), unless nothing else is left. A key-personnel clause tagged as
    subcontracting at 0.27 must not make a free-subcontracting clause look controlled. Clauses
    found by a rule's evidence pattern alone (score 0) stay."""
    confident = [c for c in evidence if not 0.0 < _score(rule, c) < DOUBTFUL]
    return confident or evidence


def _attr_values(clauses: list[Clause], name: str) -> list[float]:
    vals = []
    for c in clauses:
        v = c.attributes.get(name)
        if isinstance(v, (int, float)):
            vals.append(float(v))
    return vals


def run_check(check: Check, rule: Rule, evidence: list[Clause], index: _Index) -> str | None:
    """The reason text when the check fires (the provision is weak), else None."""
    if check.check in ("pattern_all", "pattern_any", "pattern_none"):
        assert check.pattern is not None
        hits = [bool(check.pattern.search(c.text)) for c in evidence]
        fired = (
            all(hits) if check.check == "pattern_all" else any(hits) if check.check == "pattern_any" else not any(hits)
        )
        return check.reason if fired and hits else None
    if check.check == "label_missing":
        return check.reason if not index.any_label(check.label or "") else None
    scope = _evidence_clauses(rule, index, check.labels) if check.labels else evidence
    assert check.attribute is not None
    if check.check == "attribute_missing":
        return check.reason if not any(check.attribute in c.attributes for c in scope) else None
    values = _attr_values(scope, check.attribute)
    if not values or check.threshold is None:
        return None
    value = max(values) if check.check == "attribute_below" else min(values)
    fired = value < check.threshold if check.check == "attribute_below" else value > check.threshold
    if not fired:
        return None
    return check.reason.format(value=_fmt(value), threshold=_fmt(check.threshold), attribute=check.attribute)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def applies(rule: Rule, options: dict[str, object]) -> bool:
    if not rule.applies_if:
        return True
    want = rule.applies_if.get("equals", True)
    return options.get(rule.applies_if["option"]) == want


def evaluate(
    playbook: Playbook,
    clauses: list[Clause],
    *,
    line_numbers: bool = False,
    text: str | None = None,
    waivers: list[Waiver] | None = None,
) -> tuple[list[Finding], float | None]:
    """Findings for one readable document (never call this for a document that failed to read)."""
    waiver_by_rule = {w.rule_id: w for w in (waivers or [])}
    index = _Index.of(clauses)
    findings: list[Finding] = []
    for rule in playbook.rules:
        if not applies(rule, playbook.options):
            continue
        evidence = sorted(_evidence_clauses(rule, index), key=lambda c: (-_score(rule, c), c.char_start))
        reasons: list[str] = []
        if not evidence:
            status = "missing"
        else:
            graded = _graded(rule, evidence)
            reasons = [r for r in (run_check(ch, rule, graded, index) for ch in rule.weak_if) if r]
            status = "weak" if reasons else "present"
        top = evidence[:MAX_EVIDENCE]
        ev = tuple(
            Evidence(
                c.id,
                c.number,
                c.page_start,
                quote(c),
                c.char_start,
                c.char_end,
                (text.count("\n", 0, c.char_start) + 1) if line_numbers and text is not None else None,
            )
            for c in sorted(top, key=lambda c: c.char_start)
        )
        best = max((_score(rule, c) for c in top), default=0.0)
        confidence = "medium" if status == "missing" else "high" if best >= 0.8 else "medium" if best >= 0.5 else "low"
        message = rule.message[status]
        if reasons:
            message = f"{message} " + " ".join(reasons)
        waiver = waiver_by_rule.get(rule.id)
        waived_reason = None
        if waiver and status != "present":
            waived_reason = f"{waiver.reason} ({waiver.origin} waiver; status was {status})"
            status = "waived"
        findings.append(
            Finding(
                rule_id=rule.id,
                title=rule.title,
                label=rule.labels[0] if rule.labels else "",
                status=status,
                severity=rule.severity,
                confidence=confidence,
                message=message,
                evidence=ev,
                reasons=tuple(reasons),
                rationale=rule.rationale,
                recommendation=rule.recommendation,
                suggested_language=rule.suggested_language,
                sources=playbook.source_titles(rule.sources),
                waiver=waived_reason,
            )
        )
    findings.sort(key=lambda f: (STATUS_ORDER[f.status], -severity_rank(f.severity), f.rule_id))
    return findings, coverage(findings)


def coverage(findings: list[Finding]) -> float | None:
    """Share of the playbook satisfied, weighted by severity (weak counts half; waived is excluded)."""
    total = sum(SEVERITY_WEIGHT[f.severity] for f in findings if f.status != "waived")
    if total == 0:
        return None
    got = sum(SEVERITY_WEIGHT[f.severity] * STATUS_CREDIT[f.status] for f in findings if f.status != "waived")
    return round(got / total, 3)
