"""Clause labels and attributes. The trained model is used when installed; keywords otherwise."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Protocol

from clausescan.model import Clause, Label
from clausescan.nlp.attributes import extract


class Tagger(Protocol):
    name: str
    fingerprint: str

    def predict(self, texts: list[str]) -> list[tuple[Label, ...]]: ...


def clause_input(clause: Clause, by_id: dict[str, Clause]) -> str:
    """What the tagger reads: ancestors' headings (context for "(b) ..."), heading, the parent's
    lead-in when the clause is a list item ("The Buyer may terminate where: // (a) ..."), then text."""
    heads: list[str] = []
    parent = by_id.get(clause.parent or "")
    lead = _lead_in(parent) if parent is not None else ""
    while parent is not None and len(heads) < 3:
        if parent.heading:
            heads.append(parent.heading)
        parent = by_id.get(parent.parent or "")
    prefix = " / ".join(reversed(heads))
    own = clause.heading or ""
    body = f"{lead} // {clause.text}" if lead else clause.text
    return f"{prefix} // {own} // {body}" if prefix or own or lead else clause.text


LEAD_IN_CHARS = 300


def introducing_lead_in(parent: Clause) -> str:
    """The parent's text when it introduces its items ("The Buyer may terminate where:"), else ""."""
    text = parent.text.strip()
    return text[-LEAD_IN_CHARS:] if text.endswith((":", "-", "\u2014")) else ""


def _lead_in(parent: Clause) -> str:
    """What the tagger reads before a child clause: an introducing lead-in, or a short parent."""
    text = parent.text.strip()
    return introducing_lead_in(parent) or (text if len(text) <= LEAD_IN_CHARS else "")


MIN_CLAUSE_CHARS = 25
BARE_HEADING_WORDS = 12


_MARKER_RE = re.compile(
    r"^\s*(?:(?:article|section|clause|schedule|part|annex|appendix|exhibit)\s+)?"
    r"[(\[]?(?:\d+(?:\.\d+)*|[ivxlcdm]+|[a-z])[)\].]?\s*[:.\-\u2013\u2014]?\s*",
    re.IGNORECASE,
)


def _norm(text: str) -> str:
    return " ".join(text.casefold().replace("\u2019", "'").split()).strip(" .:;")


def heading_only(text: str, heading: str) -> bool:
    """Is the clause its own heading and nothing else ("14. Supplier Personnel and Subcontracting")?"""
    head = _norm(heading)
    return bool(head) and head in (_norm(text), _norm(_MARKER_RE.sub("", text, count=1)))


def classifiable(text: str, heading: str = "") -> bool:
    """Can this clause text provide a provision at all? Not a fragment ("12.3 Arbitration."), not
    a bare capitals heading ("ARTICLE 9 CONFIDENTIALITY") and not a clause that is only its own
    heading in any case: the taxonomy and the labelling guidelines give a heading alone no label.
    A long clause in capitals (liability caps often are) is text, not a heading."""
    text = text.strip()
    if len(text) < MIN_CLAUSE_CHARS or heading_only(text, heading):
        return False
    return any(ch.islower() for ch in text) or len(text.split()) > BARE_HEADING_WORDS


def own_text(tagger_input: str) -> str:
    """The clause's own text inside a clause_input() string (its last part)."""
    return tagger_input.rsplit(" // ", 1)[-1]


def own_heading(tagger_input: str) -> str:
    """The clause's own heading inside a clause_input() string ("prefix // heading // [lead // ] text")."""
    parts = tagger_input.split(" // ")
    return parts[1] if len(parts) >= 3 else ""


def own_lead_in(tagger_input: str) -> str:
    """The parent's lead-in inside a clause_input() string ("prefix // heading // lead // text"), or ""."""
    parts = tagger_input.split(" // ")
    return parts[-2] if len(parts) >= 4 else ""


# A label implied by another label plus a stated attribute (shared/taxonomy.md): an assistance
# clause that states its length provides the transition period; a termination right that states
# its notice provides the notice period. The derived score is the source label's.
DERIVED_LABELS: tuple[tuple[frozenset[str], str, str], ...] = (
    (frozenset({"termination_assistance"}), "transition_days", "transition_period"),
    (
        frozenset(
            {
                "termination_for_convenience",
                "termination_for_cause",
                "termination_for_insolvency",
                "termination_for_change_of_control",
            }
        ),
        "notice_days",
        "termination_notice_period",
    ),
)


def derive_labels(labels: tuple[Label, ...], attributes: dict[str, object]) -> tuple[Label, ...]:
    have = {lab.label: lab.score for lab in labels}
    extra = []
    for sources, attribute, target in DERIVED_LABELS:
        if target in have or attribute not in attributes:
            continue
        scores = [have[s] for s in sources if s in have]
        if scores:
            extra.append(Label(target, max(scores)))
    return labels + tuple(extra)


def classify(clauses: list[Clause], tagger: Tagger) -> list[Clause]:
    """Clauses with labels from the tagger, attributes from the extractors, and derived labels."""
    by_id = {c.id: c for c in clauses}
    worth = [i for i, c in enumerate(clauses) if classifiable(c.text, c.heading or "")]
    scored = tagger.predict([clause_input(clauses[i], by_id) for i in worth])
    predictions: list[tuple[Label, ...]] = [()] * len(clauses)
    for i, labels in zip(worth, scored):
        predictions[i] = labels
    out = []
    for clause, labels in zip(clauses, predictions):
        names = {lab.label for lab in labels}
        attributes = extract(clause.text, names)
        out.append(replace(clause, labels=derive_labels(tuple(labels), attributes), attributes=attributes))
    return out


@lru_cache(maxsize=1)
def default_tagger() -> Tagger:
    """The trained classifier shipped in models/, or the keyword tagger when it is absent."""
    try:
        from clausescan.nlp.classifier import load_classifier

        return load_classifier()
    except FileNotFoundError:
        from clausescan.nlp.keywords import load_keyword_tagger

        return load_keyword_tagger()
