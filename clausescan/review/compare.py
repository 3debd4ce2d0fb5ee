"""Two versions of a contract: what changed, clause by clause, and what it does to each provision.

Clauses are matched across the versions in passes over normalised text (whitespace,
quotes and dashes unified; the clause's own leading number removed, so renumbering alone is not
a change):

1. identical text, wherever the clause now sits (a moved or renumbered clause is unchanged);
2. the remaining clauses by ``difflib.SequenceMatcher`` ratio, best pairs first: a pair with the
   same clause number needs a ratio of at least ``NUMBER_THRESHOLD``, any other pair
   ``TEXT_THRESHOLD``;
3. a clause rewritten in place: between two matched neighbours, leftover clauses pair up when
   they have the same number (or the gaps are the same size and ``GAP_THRESHOLD`` alike);
4. what is left is removed (old) or added (new).

A matched pair whose text differs is a *modified* clause. Each change is then judged per
provision (playbook rule) it touches, that is each rule whose labels the clause carries in either
version or which used it as evidence:

- the rule's status moved (present -> weak -> missing): *weakened* or *strengthened*, and
  *removed* (*added*) when the clause that moved it to (from) missing was itself removed (added);
- else an attribute the rule depends on moved: transition period and service credit or
  availability up is stronger; a cure period up is weaker; a notice period up is weaker when it is
  the customer's own termination right and stronger when it is the supplier's;
- else a removed (added) clause that was (is) evidence for the rule weakens (strengthens) it;
- else *changed wording*.

One edit tells one story: when it moves a status or an attribute, its other effects (a provision
that merely lost one of its evidence clauses, or a wording change) are dropped; when it only
takes away or adds evidence, the wording-only effects are dropped. The comparison is a pure
function of the two results: deterministic, serialisable (``to_dict``) and rendered as text,
JSON or Markdown.
"""

from __future__ import annotations

import difflib
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from clausescan.ingest.cleanup import PLAIN_QUOTES
from clausescan.model import Clause, DocumentResult, Finding
from clausescan.nlp.attributes import _NUMBER_WORDS, DURATION_RE
from clausescan.rules.loader import Playbook

TEXT_THRESHOLD = 0.6
NUMBER_THRESHOLD = 0.45
GAP_THRESHOLD = 0.3
MAX_PAIRS = 40_000  # similarity pass budget (old x new unmatched clauses); beyond it only passes 1 and 3
VERDICTS = ("removed", "weakened", "added", "strengthened", "changed wording", "unchanged")
_PRIORITY = {v: i for i, v in enumerate(VERDICTS)}
SUBSTANTIVE = ("removed", "weakened", "added", "strengthened")
STATUS_RANK = {"missing": 0, "weak": 1, "present": 2}
_LEADING_RE = re.compile(
    r"^(?:(?:article|section|clause|schedule|paragraph|part)\s+)?"
    r"(?:\d{1,3}(?:\.\d{1,3})*[.)]?|\(?[a-z]{1,2}[.)]|\([ivxlc]{1,6}\)|\(\d{1,3}\)|[ivxlc]{1,6}[.)])\s+",
    re.IGNORECASE,
)
# attributes each label's provision depends on (in addition to a rule's own attribute checks)
LABEL_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "termination_for_convenience": ("notice_days",),
    "termination_notice_period": ("notice_days",),
    "termination_for_cause": ("cure_days",),
    "transition_period": ("transition_days",),
    "service_levels": ("availability_percent",),
    "service_credits": ("credit_percent",),
    "liability_cap": ("amount",),
}
ATTRIBUTE_NAMES = {
    "transition_days": "transition period",
    "notice_days": "notice period",
    "cure_days": "cure period",
    "credit_percent": "service credit",
    "availability_percent": "availability",
    "amount": "amount",
}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_SUPPLIER_MAY_TERMINATE = re.compile(
    r"\b(?:supplier|provider|vendor|contractor|consultant|licensor)\b[^.;]{0,80}?\bmay\b[^.;]{0,120}?\bterminat",
    re.IGNORECASE,
)
_CUSTOMER_MAY_TERMINATE = re.compile(
    r"\b(?:customer|client|buyer|purchaser|either party|each party)\b[^.;]{0,80}?\bmay\b[^.;]{0,120}?\bterminat",
    re.IGNORECASE,
)


# ---------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class AttributeDelta:
    attribute: str
    old: Any
    new: Any
    direction: str  # weaker | stronger | changed (for the customer)
    text: str  # "transition period 12 → 6 months"

    def to_dict(self) -> dict[str, Any]:
        return {
            "attribute": self.attribute,
            "old": self.old,
            "new": self.new,
            "direction": self.direction,
            "text": self.text,
        }


@dataclass(frozen=True)
class Effect:
    """What one clause change does to one provision."""

    rule_id: str
    title: str
    verdict: str
    old_status: str | None
    new_status: str | None
    why: str
    basis: str = "wording"  # status | attribute | evidence | wording

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "title": self.title,
            "verdict": self.verdict,
            "basis": self.basis,
            "old_status": self.old_status,
            "new_status": self.new_status,
            "why": self.why,
        }


@dataclass(frozen=True)
class ClauseChange:
    kind: str  # modified | removed | added
    old_number: str | None
    new_number: str | None
    old_clause_id: str | None
    new_clause_id: str | None
    old_page: int | None
    new_page: int | None
    heading: str | None
    similarity: float | None
    verdict: str
    summary: str
    deltas: tuple[AttributeDelta, ...] = ()
    effects: tuple[Effect, ...] = ()
    diff: tuple[tuple[str, str], ...] = ()  # ("=", "-", "+") and text, trimmed to context
    old_text: str = ""
    new_text: str = ""

    @property
    def where(self) -> str:
        num = self.new_number or self.old_number
        if self.old_number and self.new_number and self.old_number != self.new_number:
            num = f"{self.old_number} → {self.new_number}"
        if num:
            return f"clause {num}"
        words = (self.heading or self.new_text or self.old_text).split()
        return f'unnumbered clause "{" ".join(words[:6])}{"…" if len(words) > 6 else ""}"'

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "where": self.where,
            "old_number": self.old_number,
            "new_number": self.new_number,
            "old_clause_id": self.old_clause_id,
            "new_clause_id": self.new_clause_id,
            "old_page": self.old_page,
            "new_page": self.new_page,
            "heading": self.heading,
            "similarity": None if self.similarity is None else round(self.similarity, 3),
            "verdict": self.verdict,
            "summary": self.summary,
            "deltas": [d.to_dict() for d in self.deltas],
            "effects": [e.to_dict() for e in self.effects],
            "diff": [list(x) for x in self.diff],
            "old_text": self.old_text,
            "new_text": self.new_text,
        }


@dataclass(frozen=True)
class ProvisionChange:
    rule_id: str
    title: str
    severity: str
    verdict: str
    old_status: str | None
    new_status: str | None
    summary: str
    clauses: tuple[str, ...] = ()  # ClauseChange.where of the changes behind the verdict

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "title": self.title,
            "severity": self.severity,
            "verdict": self.verdict,
            "old_status": self.old_status,
            "new_status": self.new_status,
            "summary": self.summary,
            "clauses": list(self.clauses),
        }


@dataclass(frozen=True)
class Comparison:
    old_path: str
    new_path: str
    old_sha256: str | None
    new_sha256: str | None
    old_clauses: int
    new_clauses: int
    matched: int
    moved: tuple[tuple[str | None, str | None], ...]  # renumbered/moved with the same text (unchanged)
    changes: tuple[ClauseChange, ...]
    provisions: tuple[ProvisionChange, ...]
    old_coverage: float | None = None
    new_coverage: float | None = None
    old_pages: int = 0
    new_pages: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def changed_provisions(self) -> tuple[ProvisionChange, ...]:
        return tuple(p for p in self.provisions if p.verdict != "unchanged")

    @property
    def weakened(self) -> bool:
        """Any provision weakened or removed (``--fail-on-weakening``)."""
        return any(p.verdict in ("weakened", "removed") for p in self.provisions)

    def counts(self) -> dict[str, int]:
        out = {v: 0 for v in VERDICTS}
        for p in self.provisions:
            out[p.verdict] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": {
                "path": self.old_path,
                "sha256": self.old_sha256,
                "clauses": self.old_clauses,
                "pages": self.old_pages,
                "coverage": self.old_coverage,
            },
            "new": {
                "path": self.new_path,
                "sha256": self.new_sha256,
                "clauses": self.new_clauses,
                "pages": self.new_pages,
                "coverage": self.new_coverage,
            },
            "matched_clauses": self.matched,
            "moved": [{"old_number": a, "new_number": b} for a, b in self.moved],
            "summary": self.counts(),
            "weakened": self.weakened,
            "provisions": [p.to_dict() for p in self.provisions],
            "changes": [c.to_dict() for c in self.changes],
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------------------------------------
# Matching


def normalise(text: str) -> str:
    return " ".join(text.translate(PLAIN_QUOTES).split())


def body(clause: Clause) -> str:
    """Clause text without its own leading number: what is compared across versions."""
    return _LEADING_RE.sub("", normalise(clause.text), count=1)


def match_clauses(old: list[Clause], new: list[Clause]) -> tuple[dict[int, tuple[int, float]], list[int], list[int]]:
    """{old index: (new index, similarity)}, unmatched old indices, unmatched new indices."""
    ob, nb = [body(c) for c in old], [body(c) for c in new]
    pairs: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    by_text: dict[str, list[int]] = {}
    for j, t in enumerate(nb):
        by_text.setdefault(t, []).append(j)
    for i, t in enumerate(ob):  # pass 1: identical text (same number first, else document order)
        cands = [j for j in by_text.get(t, []) if j not in taken]
        if not cands:
            continue
        same = [j for j in cands if new[j].number == old[i].number]
        j = (same or cands)[0]
        pairs[i] = (j, 1.0)
        taken.add(j)
    rest_old = [i for i in range(len(old)) if i not in pairs]
    rest_new = [j for j in range(len(new)) if j not in taken]
    scored: list[tuple[float, int, int, float]] = []
    if len(rest_old) * len(rest_new) <= MAX_PAIRS:
        for i in rest_old:
            sm = difflib.SequenceMatcher(None, autojunk=False)
            sm.set_seq2(ob[i])
            for j in rest_new:
                same_number = bool(old[i].number) and old[i].number == new[j].number
                need = NUMBER_THRESHOLD if same_number else TEXT_THRESHOLD
                sm.set_seq1(nb[j])
                if sm.real_quick_ratio() < need or sm.quick_ratio() < need:
                    continue
                ratio = sm.ratio()
                if ratio >= need:
                    scored.append((ratio + (0.2 if same_number else 0.0), i, j, ratio))
    for _, i, j, ratio in sorted(scored, key=lambda x: (-x[0], x[1], x[2])):
        if i in pairs or j in taken:
            continue
        pairs[i] = (j, ratio)
        taken.add(j)
    _fill_gaps(old, new, ob, nb, pairs, taken)
    return (pairs, [i for i in range(len(old)) if i not in pairs], [j for j in range(len(new)) if j not in taken])


def _fill_gaps(
    old: list[Clause],
    new: list[Clause],
    ob: list[str],
    nb: list[str],
    pairs: dict[int, tuple[int, float]],
    taken: set[int],
) -> None:
    """Pass 3: a clause rewritten in place. Between two matched neighbours, unmatched clauses on
    both sides pair up in order when they carry the same number, or when the gaps are the same size
    and the texts are at least ``GAP_THRESHOLD`` alike."""
    anchors = [(-1, -1)]
    for i in sorted(pairs):
        if pairs[i][0] > anchors[-1][1]:
            anchors.append((i, pairs[i][0]))
    anchors.append((len(old), len(new)))
    for (i0, j0), (i1, j1) in itertools.pairwise(anchors):
        gap_old = [i for i in range(i0 + 1, i1) if i not in pairs]
        gap_new = [j for j in range(j0 + 1, j1) if j not in taken]
        if not gap_old or not gap_new:
            continue
        same_size = len(gap_old) == len(gap_new)
        k = 0
        for i in gap_old:
            for pos in range(k, len(gap_new)):
                j = gap_new[pos]
                same_number = bool(old[i].number) and old[i].number == new[j].number
                in_step = same_size and pos == k
                if not same_number and not in_step:
                    continue
                ratio = difflib.SequenceMatcher(None, ob[i], nb[j], autojunk=False).ratio()
                if same_number or ratio >= GAP_THRESHOLD:
                    pairs[i] = (j, ratio)
                    taken.add(j)
                    k = pos + 1
                    break


# ---------------------------------------------------------------------------------------------
# Attributes


def _unit(days: float, text: str) -> str:
    """The unit the clause itself uses for this period ("month" for "twelve (12) months")."""
    for m in DURATION_RE.finditer(text):
        raw = m.group("digits") or m.group("num")
        unit = m.group("unit").lower().split()[-1]
        if raw.isdigit() and int(raw) * _UNIT_DAYS.get(unit, 1) == days:
            return unit
        if not raw.isdigit():
            n = _NUMBER_WORDS.get(raw.lower())
            if n is not None and n * _UNIT_DAYS.get(unit, 1) == days:
                return unit
    return "month" if days and days % 30 == 0 else "day"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _plural(unit: str, n: float) -> str:
    return unit if n == 1 else unit + "s"


def period_delta_text(name: str, old: float, new: float, old_text: str, new_text: str) -> str:
    """ "transition period 12 → 6 months", "notice period 90 → 180 days"."""
    uo, un = _unit(old, old_text), _unit(new, new_text)
    if uo == un:
        size = _UNIT_DAYS[uo]
        if old % size == 0 and new % size == 0:
            return f"{name} {_num(old / size)} → {_num(new / size)} {_plural(uo, new / size)}"
    if old % 30 == 0 and new % 30 == 0:
        return f"{name} {_num(old / 30)} → {_num(new / 30)} {_plural('month', new / 30)}"
    return f"{name} {_num(old)} → {_num(new)} days"


def notice_holder(text: str) -> str:
    """Whose termination right a notice period qualifies: "supplier" only when only the supplier may terminate."""
    sup = bool(_SUPPLIER_MAY_TERMINATE.search(text))
    cus = bool(_CUSTOMER_MAY_TERMINATE.search(text))
    return "supplier" if sup and not cus else "customer"


def attribute_deltas(old: Clause, new: Clause) -> tuple[AttributeDelta, ...]:
    out = []
    for name in sorted(set(old.attributes) & set(new.attributes)):
        if name not in ATTRIBUTE_NAMES:
            continue
        a, b = old.attributes[name], new.attributes[name]
        if a == b:
            continue
        label = ATTRIBUTE_NAMES[name]
        numeric = isinstance(a, (int, float)) and isinstance(b, (int, float))
        if not numeric:
            out.append(AttributeDelta(name, a, b, "changed", f"{label} {a} → {b}"))
            continue
        up = b > a
        if name == "transition_days":
            direction = "stronger" if up else "weaker"
        elif name == "cure_days":
            direction = "weaker" if up else "stronger"
        elif name == "notice_days":
            supplier = notice_holder(new.text) == "supplier"
            direction = ("stronger" if up else "weaker") if supplier else ("weaker" if up else "stronger")
            if supplier:
                label = "supplier's notice period"
            elif new.has_label("termination_for_convenience") or old.has_label("termination_for_convenience"):
                label = "convenience notice period"
        else:
            direction = "stronger" if up else "weaker"
        if name.endswith("_days"):
            text = period_delta_text(label, a, b, old.text, new.text)
        else:
            text = f"{label} {_num(a)}% → {_num(b)}%"
        out.append(AttributeDelta(name, a, b, direction, text))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Provisions


@dataclass(frozen=True)
class _RuleInfo:
    rule_id: str
    title: str
    severity: str
    labels: tuple[str, ...]
    attributes: frozenset[str]


def _rules(old: DocumentResult, new: DocumentResult, playbook: Playbook | None) -> list[_RuleInfo]:
    findings = {f.rule_id: f for f in (*new.provisions, *old.provisions)}  # old wins on title/severity
    out: dict[str, _RuleInfo] = {}
    if playbook is not None:
        for r in playbook.rules:
            if r.id not in findings:
                continue
            attrs = {c.attribute for c in r.weak_if if c.attribute}
            attrs |= set(LABEL_ATTRIBUTES.get(r.labels[0], ())) if r.labels else set()
            out[r.id] = _RuleInfo(r.id, r.title, r.severity, r.labels, frozenset(attrs))
    for rid, f in findings.items():
        if rid not in out:
            out[rid] = _RuleInfo(
                rid, f.title, f.severity, (f.label,) if f.label else (), frozenset(LABEL_ATTRIBUTES.get(f.label, ()))
            )
    return [out[k] for k in sorted(out)]


def _status_verdict(old: str | None, new: str | None) -> str | None:
    if old == new or old not in STATUS_RANK or new not in STATUS_RANK:
        return None
    if new == "missing":
        return "removed"
    if old == "missing":
        return "added"
    return "weakened" if STATUS_RANK[new] < STATUS_RANK[old] else "strengthened"


def _labels(c: Clause | None) -> set[str]:
    return {lab.label for lab in c.labels} if c is not None else set()


def _evidence_ids(findings: Iterable[Finding]) -> dict[str, set[str]]:
    return {f.rule_id: {e.clause_id for e in f.evidence} for f in findings}


# ---------------------------------------------------------------------------------------------
# Diff


def word_diff(old: str, new: str, context: int = 8) -> tuple[tuple[str, str], ...]:
    """Word-level diff, equal runs trimmed to ``context`` words each side ("…" marks a cut)."""
    a, b = old.split(), new.split()
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    ops = sm.get_opcodes()
    out: list[tuple[str, str]] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            words = a[i1:i2]
            first, last = k == 0, k == len(ops) - 1
            if first and len(words) > context:
                words = ["…", *words[-context:]]
            elif last and len(words) > context:
                words = [*words[:context], "…"]
            elif not first and not last and len(words) > 2 * context:
                words = [*words[:context], "…", *words[-context:]]
            out.append(("=", " ".join(words)))
            continue
        if tag in ("replace", "delete"):
            out.append(("-", " ".join(a[i1:i2])))
        if tag in ("replace", "insert"):
            out.append(("+", " ".join(b[j1:j2])))
    return tuple(out)


def _shorten(text: str, limit: int = 400) -> str:
    text = normalise(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------------
# The comparison


def compare(old: DocumentResult, new: DocumentResult, playbook: Playbook | None = None) -> Comparison:
    """What changed from ``old`` to ``new``, per clause and per provision (see the module docstring)."""
    for r in (old, new):
        if r.status != "ok":
            raise ValueError(f"cannot compare {r.path}: it failed to read ({r.error.code if r.error else '?'})")
    oc, nc = list(old.clauses), list(new.clauses)
    pairs, gone, fresh = match_clauses(oc, nc)
    rules = _rules(old, new, playbook)
    ofind = {f.rule_id: f for f in old.provisions}
    nfind = {f.rule_id: f for f in new.provisions}
    oev, nev = _evidence_ids(old.provisions), _evidence_ids(new.provisions)

    raw: list[tuple[tuple[float, int, int], Clause | None, Clause | None, float | None]] = []
    moved: list[tuple[str | None, str | None]] = []
    new_to_old = {j: i for i, (j, _) in pairs.items()}
    for i, (j, ratio) in sorted(pairs.items()):
        a, b = oc[i], nc[j]
        if body(a) == body(b):
            if a.number != b.number:
                moved.append((a.number, b.number))
            continue
        raw.append(((i, 0, 0), a, b, ratio))
    for i in gone:
        raw.append(((i, 0, 0), oc[i], None, None))
    for j in fresh:
        prev = max((k for k in new_to_old if k < j), default=None)
        anchor = new_to_old[prev] if prev is not None else -1
        raw.append(((anchor + 0.5, 1, j), None, nc[j], None))
    raw.sort(key=lambda x: x[0])

    changes: list[ClauseChange] = []
    for _, a, b, ratio in raw:
        kind = "modified" if a and b else "removed" if a else "added"
        deltas = attribute_deltas(a, b) if a and b else ()
        effects = _effects(kind, a, b, deltas, rules, ofind, nfind, oev, nev)
        verdict = min((e.verdict for e in effects), key=lambda v: _PRIORITY[v], default=None)
        if verdict is None or kind == "removed":
            verdict = {"modified": "changed wording", "removed": "removed", "added": "added"}[kind]
        ref = b or a
        assert ref is not None
        change = ClauseChange(
            kind=kind,
            old_number=a.number if a else None,
            new_number=b.number if b else None,
            old_clause_id=a.id if a else None,
            new_clause_id=b.id if b else None,
            old_page=a.page_start if a else None,
            new_page=b.page_start if b else None,
            heading=ref.heading,
            similarity=ratio,
            verdict=verdict,
            summary="",
            deltas=deltas,
            effects=effects,
            diff=word_diff(a.text, b.text) if a and b else (),
            old_text=_shorten(a.text) if a else "",
            new_text=_shorten(b.text) if b else "",
        )
        changes.append(_with_summary(change))

    provisions = []
    for rule in rules:
        o, n = ofind.get(rule.rule_id), nfind.get(rule.rule_id)
        os_, ns = (o.status if o else None), (n.status if n else None)
        mine = [(c, e) for c in changes for e in c.effects if e.rule_id == rule.rule_id]
        verdict = _status_verdict(os_, ns)
        kinds = {c.kind for c, _ in mine}
        if verdict == "removed" and mine and "removed" not in kinds:
            verdict = "weakened"  # the clause is still there, rewritten: it no longer provides the provision
        elif verdict == "added" and mine and "added" not in kinds:
            verdict = "strengthened"
        notes = []
        if verdict is None:
            # attribute moves decide; a clause providing it removed here and added there is a rewording
            firm = {e.verdict for _, e in mine if e.basis in ("status", "attribute")}
            churn = {e.verdict for _, e in mine if e.basis == "evidence"}
            found = firm or (churn if len(churn) == 1 else set())
            if not found and mine:
                found = {"changed wording"}
            verdict = next((v for v in ("weakened", "strengthened", "changed wording") if v in found), "unchanged")
            if "weakened" in found and "strengthened" in found:
                notes.append("also strengthened in part")
        parts = [f"{c.where}: {e.why}" for c, e in mine]
        if verdict in SUBSTANTIVE and not mine:
            parts.append("no clause edit found; the provision was found differently in the new version")
        parts = list(dict.fromkeys(parts))
        summary = "; ".join(parts + notes)
        provisions.append(
            ProvisionChange(
                rule.rule_id,
                rule.title,
                rule.severity,
                verdict,
                os_,
                ns,
                summary,
                tuple(dict.fromkeys(c.where for c, _ in mine)),
            )
        )
    provisions.sort(key=lambda p: (_PRIORITY[p.verdict], p.rule_id))
    notes = []
    if playbook is None:
        notes.append("compared without a playbook: provisions are matched by each finding's primary label only")
    return Comparison(
        old_path=old.path,
        new_path=new.path,
        old_sha256=old.sha256,
        new_sha256=new.sha256,
        old_clauses=len(oc),
        new_clauses=len(nc),
        matched=len(pairs),
        moved=tuple(moved),
        changes=tuple(changes),
        provisions=tuple(provisions),
        old_coverage=old.coverage,
        new_coverage=new.coverage,
        old_pages=old.pages,
        new_pages=new.pages,
        notes=tuple(notes),
    )


def _effects(
    kind: str,
    a: Clause | None,
    b: Clause | None,
    deltas: tuple[AttributeDelta, ...],
    rules: list[_RuleInfo],
    ofind: dict[str, Finding],
    nfind: dict[str, Finding],
    oev: dict[str, set[str]],
    nev: dict[str, set[str]],
) -> tuple[Effect, ...]:
    labels = _labels(a) | _labels(b)
    out: list[Effect] = []
    for rule in rules:
        was_ev = a is not None and a.id in oev.get(rule.rule_id, set())
        is_ev = b is not None and b.id in nev.get(rule.rule_id, set())
        if not (set(rule.labels) & labels) and not was_ev and not is_ev:
            continue
        o, n = ofind.get(rule.rule_id), nfind.get(rule.rule_id)
        os_, ns = (o.status if o else None), (n.status if n else None)
        verdict = _status_verdict(os_, ns)
        relevant = [d for d in deltas if d.attribute in rule.attributes]
        base = {"removed": "clause removed", "added": "clause added"}.get(kind) or (
            "; ".join(d.text for d in relevant) if relevant else "wording changed"
        )
        why = base
        if verdict is not None:
            basis = "status"
            # only a removed (added) clause removes (adds) a provision; a rewritten one weakens (strengthens) it
            if verdict == "removed" and kind != "removed":
                verdict = "weakened"
            elif verdict == "added" and kind != "added":
                verdict = "strengthened"
            if ns == "weak" and n is not None and n.reasons:
                reasons = f"now weak: {' '.join(n.reasons)}"
                why = reasons if base == "wording changed" else f"{base}; {reasons}"
            elif ns == "missing" and kind != "removed":
                why = f"{base}; no longer found"
        elif relevant and any(d.direction != "changed" for d in relevant):
            basis = "attribute"
            verdict = "weakened" if any(d.direction == "weaker" for d in relevant) else "strengthened"
        elif kind == "removed" and was_ev:
            basis, verdict, why = "evidence", "weakened", "a clause providing it was removed"
        elif kind == "added" and is_ev:
            basis, verdict, why = "evidence", "strengthened", "a new clause provides it"
        else:
            basis, verdict = "wording", "changed wording"
        out.append(Effect(rule.rule_id, rule.title, verdict, os_, ns, why, basis))
    # one edit, one story: status and attribute effects first, then evidence gained or lost, then wording
    for tier in (("status", "attribute"), ("evidence",)):
        if any(e.basis in tier for e in out):
            out = [e for e in out if e.basis in tier]
            break
    return tuple(sorted(out, key=lambda e: (_PRIORITY[e.verdict], e.rule_id)))


def _with_summary(c: ClauseChange) -> ClauseChange:
    if c.kind == "removed":
        text = "clause removed"
    elif c.kind == "added":
        text = "clause added"
    elif c.deltas:
        text = "; ".join(d.text for d in c.deltas)
    else:
        text = "wording changed"
    subs = [
        f"{e.rule_id} {e.verdict}" + (f": {e.old_status} → {e.new_status}" if e.old_status != e.new_status else "")
        for e in c.effects
        if e.verdict in SUBSTANTIVE
    ]
    if subs:
        text += f" ({', '.join(subs)})"
    return replace(c, summary=text)


# ---------------------------------------------------------------------------------------------
# Rendering

_TEXT_VERDICT = {
    "removed": "REMOVED",
    "weakened": "WEAKENED",
    "added": "ADDED",
    "strengthened": "STRENGTHENED",
    "changed wording": "REWORDED",
    "unchanged": "unchanged",
}


def _diff_inline(diff: tuple[tuple[str, str], ...], fmt: str) -> str:
    parts = []
    for op, text in diff:
        if op == "=":
            parts.append(text)
        elif fmt == "markdown":
            parts.append(f"~~{_md_escape(text)}~~" if op == "-" else f"**{_md_escape(text)}**")
        else:
            parts.append(f"[-{text}-]" if op == "-" else f"{{+{text}+}}")
    return " ".join(p for p in parts if p)


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]|<>~])", r"\\\1", text)


def _page(cmp: Comparison, c: ClauseChange) -> str:
    """ ", page 7" (the new version's page; the old one's for a removed clause), if pages are known."""
    if c.new_page is not None and cmp.new_pages > 1:
        return f", page {c.new_page}"
    if c.new_page is None and c.old_page is not None and cmp.old_pages > 1:
        return f", page {c.old_page} of the old version"
    return ""


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:.0f}%"


def render_text(cmp: Comparison) -> str:
    counts = cmp.counts()
    lines = [
        f"clausescan compare: {cmp.old_path} → {cmp.new_path}",
        f"  clauses {cmp.old_clauses} → {cmp.new_clauses}, {cmp.matched} matched"
        f" ({len(cmp.moved)} renumbered with the same text); coverage {_pct(cmp.old_coverage)} → "
        f"{_pct(cmp.new_coverage)}",
        "  provisions: " + ", ".join(f"{counts[v]} {v}" for v in VERDICTS),
        "",
    ]
    changed = cmp.changed_provisions
    if not changed and not cmp.changes:
        lines.append("No changes: the two versions have the same clauses and provisions.")
        return "\n".join(lines) + "\n"
    if changed:
        lines.append("Provisions")
        width = max(len(_TEXT_VERDICT[p.verdict]) for p in changed)
        for p in changed:
            lines.append(f"  {_TEXT_VERDICT[p.verdict]:<{width}}  {p.rule_id:<8} {p.title} [{p.severity}]")
            status = f"{p.old_status or '-'} → {p.new_status or '-'}; " if p.old_status != p.new_status else ""
            lines.append(f"  {'':<{width}}  {'':<8} {status}{p.summary}")
        lines.append("")
    if cmp.changes:
        lines.append(f"Clause changes ({len(cmp.changes)})")
        for c in cmp.changes:
            lines.append(f"  {c.where} ({c.kind}{_page(cmp, c)}): {_TEXT_VERDICT[c.verdict]}: {c.summary}")
            if c.diff:
                lines.append(f"      {_diff_inline(c.diff, 'text')}")
            elif c.old_text:
                lines.append(f"      was: {c.old_text}")
            elif c.new_text:
                lines.append(f"      now: {c.new_text}")
        lines.append("")
    for n in cmp.notes:
        lines.append(f"note: {n}")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_markdown(cmp: Comparison) -> str:
    counts = cmp.counts()
    out = [
        f"# Contract comparison: `{cmp.old_path}` → `{cmp.new_path}`",
        "",
        "| | Old | New |",
        "|---|---|---|",
        f"| File | `{cmp.old_path}` | `{cmp.new_path}` |",
        f"| SHA-256 | `{(cmp.old_sha256 or '')[:16]}…` | `{(cmp.new_sha256 or '')[:16]}…` |",
        f"| Clauses | {cmp.old_clauses} | {cmp.new_clauses} |",
        f"| Coverage | {_pct(cmp.old_coverage)} | {_pct(cmp.new_coverage)} |",
        "",
        f"{cmp.matched} clauses matched ({len(cmp.moved)} renumbered with the same text). Provisions: "
        + ", ".join(f"{counts[v]} {v}" for v in VERDICTS)
        + ".",
        "",
    ]
    changed = cmp.changed_provisions
    if not changed and not cmp.changes:
        out.append("**No changes**: the two versions have the same clauses and provisions.")
        return "\n".join(out) + "\n"
    if changed:
        out += [
            "## Provisions that changed",
            "",
            "| Verdict | Rule | Provision | Severity | Status | What changed |",
            "|---|---|---|---|---|---|",
        ]
        for p in changed:
            out.append(
                f"| **{p.verdict}** | {p.rule_id} | {_md_escape(p.title)} | {p.severity} | "
                f"{p.old_status or '-'} → {p.new_status or '-'} | {_md_escape(p.summary)} |"
            )
        out.append("")
    if cmp.changes:
        out += ["## Clause changes", ""]
        for c in cmp.changes:
            out.append(f"### {c.where}: {c.verdict}")
            out.append("")
            out.append(f"*{c.kind}{_page(cmp, c)}.* {_md_escape(c.summary)}")
            out.append("")
            if c.diff:
                out.append(f"> {_diff_inline(c.diff, 'markdown')}")
            elif c.old_text:
                out.append(f"> ~~{_md_escape(c.old_text)}~~")
            elif c.new_text:
                out.append(f"> **{_md_escape(c.new_text)}**")
            out.append("")
            for e in c.effects:
                out.append(f"- {e.rule_id} {_md_escape(e.title)}: **{e.verdict}** ({_md_escape(e.why)})")
            if c.effects:
                out.append("")
    unchanged = [p.rule_id for p in cmp.provisions if p.verdict == "unchanged"]
    if unchanged:
        out += [f"Unchanged provisions ({len(unchanged)}): {', '.join(unchanged)}.", ""]
    for n in cmp.notes:
        out.append(f"*Note: {_md_escape(n)}*")
    return "\n".join(out).rstrip("\n") + "\n"


def render_comparison(cmp: Comparison, fmt: str = "text") -> str:
    """The comparison as ``text`` (terminal), ``json`` or ``markdown``."""
    if fmt == "json":
        return json.dumps(cmp.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if fmt in ("markdown", "md"):
        return render_markdown(cmp)
    if fmt == "text":
        return render_text(cmp)
    raise ValueError(f"unknown comparison format {fmt!r} (text, json, markdown)")
