"""Suggested clause language filled in from the contract under review.

A rule's ``suggested_language`` is a model clause with placeholders: ``{customer}``,
``{supplier}``, ``{transition_period}`` and ``{notice_period}``. They are filled here from the
contract itself, so the text a lawyer copies into a mark-up already uses the contract's own
defined terms ("Provider", "the Client") and a period that meets the playbook:

- parties: the defined terms of the contract (``(the "Supplier")``, ``"Provider" means``, a
  "Customer | ..." key-terms row), else the most used role word, else "the Customer" /
  "the Supplier"; the article follows the contract's usage ("the Customer" vs "Customer");
- ``{transition_period}``: the playbook's ``recommended_transition_days`` or
  ``min_transition_days``, or the contract's own transition period where that is longer (the
  clause labelled ``transition_period`` with the highest score, else the longest period in a
  termination-assistance clause);
- ``{notice_period}`` (in days): the customer's own convenience notice period in the contract, else
  ``recommended_notice_days`` (default 90), kept within the playbook's
  ``min_termination_notice_days``..``max_termination_notice_days``.

Everything is a pure function of the result and the playbook: the same input fills the same text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from clausescan.model import DocumentResult, Finding
from clausescan.rules.loader import Playbook, Rule

PLACEHOLDER_RE = re.compile(r"\{(customer|supplier|transition_period|notice_period)\}")
DEFAULT_TRANSITION_DAYS = 180
DEFAULT_NOTICE_DAYS = 90
DEFAULT_PARTIES = {"customer": "the Customer", "supplier": "the Supplier"}

# Role words, longest first so "Service Provider" wins over "Provider".
CUSTOMER_TERMS = ("Customer", "Client", "Buyer", "Purchaser")
SUPPLIER_TERMS = ("Service Provider", "Supplier", "Provider", "Vendor", "Contractor", "Consultant")
_ROLE_OF = {t.lower(): "customer" for t in CUSTOMER_TERMS} | {t.lower(): "supplier" for t in SUPPLIER_TERMS}
_TERM_ALT = "|".join(re.escape(t) for t in sorted(_ROLE_OF, key=len, reverse=True))
_Q_OPEN = "[\"“”'‘]"
_Q_CLOSE = "[\"“”'’]"
# (the "Customer"), ("Provider"), (hereinafter the "Supplier"), (together with its Affiliates, the "Client")
_PAREN_DEF_RE = re.compile(
    r"\((?:[^()\"“”]{0,60}?\b)?(?:the\s+)?" + _Q_OPEN + r"(?P<term>" + _TERM_ALT + r")" + _Q_CLOSE + r"\s*\)",
    re.IGNORECASE,
)
# "Supplier" means ... / "Customer" shall mean ...
_MEANS_DEF_RE = re.compile(
    _Q_OPEN + r"(?P<term>" + _TERM_ALT + r")" + _Q_CLOSE + r"\s*(?:means|shall mean|refers to|has the meaning)",
    re.IGNORECASE,
)
# a key-terms table row: "Customer | Kestrel Valley Foods, Inc. ..."
_ROW_DEF_RE = re.compile(r"^(?P<term>" + _TERM_ALT + r")\s*\|", re.IGNORECASE | re.MULTILINE)

_ONES = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_words(n: int) -> str:
    """0..9999 in words, British legal style: 45 -> "forty-five", 180 -> "one hundred and eighty"."""
    if n < 0:
        raise ValueError("negative number")
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" and {number_words(rest)}" if rest else "")
    if n < 10000:
        thousands, rest = divmod(n, 1000)
        tail = "" if not rest else (f" and {number_words(rest)}" if rest < 100 else f" {number_words(rest)}")
        return f"{_ONES[thousands]} thousand{tail}"
    return str(n)


def period_words(days: int, possessive: bool = False, unit: str | None = None) -> str:
    """A period as drafted: 360 -> "twelve (12) months", 90 -> "ninety (90) days" (days' with possessive).

    Whole years are written in months (365 -> twelve (12) months), other multiples of 30 days in
    months, anything else in days; ``unit="day"`` always writes days (notice periods).
    """
    if unit == "day":
        count, name = days, "day"
    elif days > 0 and days % 365 == 0:
        count, name = days // 365 * 12, "month"
    elif days > 0 and days % 30 == 0:
        count, name = days // 30, "month"
    else:
        count, name = days, "day"
    plural = count != 1
    word = f"{name}s" if plural else name
    if possessive:
        word = f"{word}'" if plural else f"{word}'s"
    return f"{number_words(count)} ({count}) {word}"


def _article(term: str, text: str) -> str:
    """ "the Customer" when the contract mostly writes "the Customer", else the bare term."""
    total = len(re.findall(r"\b" + re.escape(term) + r"\b(?!\s+(?:Data|Materials|Personnel|Group))", text))
    with_the = len(
        re.findall(r"\bthe\s+" + re.escape(term) + r"\b(?!\s+(?:Data|Materials|Personnel|Group))", text, re.IGNORECASE)
    )
    return f"the {term}" if total == 0 or with_the * 2 >= total else term


def _canonical(term: str) -> str:
    low = term.lower()
    return next(t for t in CUSTOMER_TERMS + SUPPLIER_TERMS if t.lower() == low)


_ROLE_WORDS_RE = re.compile(
    r"\b(?:"
    + "|".join(sorted((re.escape(t) for t in (*CUSTOMER_TERMS, *SUPPLIER_TERMS)), key=len, reverse=True))
    + r")\b"
)


def defined_terms(result: DocumentResult) -> dict[str, str]:
    """How the contract names its parties: {"customer": "the Customer", "supplier": "Provider"}."""
    text = "\n".join(c.text for c in result.clauses)
    found: dict[str, Counter[str]] = {"customer": Counter(), "supplier": Counter()}
    for rx in (_PAREN_DEF_RE, _MEANS_DEF_RE, _ROW_DEF_RE):
        for m in rx.finditer(text):
            term = _canonical(m.group("term"))
            found[_ROLE_OF[term.lower()]][term] += 1
    out = dict(DEFAULT_PARTIES)
    counts = Counter(m.group(0) for m in _ROLE_WORDS_RE.finditer(text))  # one pass for every role word
    for role, terms in (("customer", CUSTOMER_TERMS), ("supplier", SUPPLIER_TERMS)):
        usage = {t: counts.get(t, 0) for t in terms}
        if found[role]:  # defined terms, the most used one first (ties: alphabetical)
            term = sorted(found[role], key=lambda t: (-usage.get(t, 0), t))[0]
        else:  # not defined: the role word the contract uses most, if it uses one at all
            used = sorted((t for t in terms if usage[t] >= 3), key=lambda t: (-usage[t], t))
            if not used:
                continue
            term = used[0]
        out[role] = _article(term, text)
    return out


def _best_value(result: DocumentResult, label: str, attribute: str, holder_ok: bool = True) -> int | None:
    """The attribute of the clause most confidently labelled ``label`` (earliest on ties)."""
    best: tuple[float, int, int] | None = None
    for c in result.clauses:
        value = c.attributes.get(attribute)
        if not isinstance(value, (int, float)) or not c.has_label(label):
            continue
        if not holder_ok and c.attributes.get("party") == "supplier":
            continue
        key = (-c.score(label), c.char_start, int(value))
        if best is None or key < best:
            best = key
    return best[2] if best else None


def _contract_values(result: DocumentResult) -> tuple[int | None, int | None]:
    """(transition period, customer's convenience notice period) as the contract states them.

    The transition period is read from the clause most confidently labelled ``transition_period``;
    when no such clause states one, the longest period stated in a termination-assistance clause.
    """
    transition = _best_value(result, "transition_period", "transition_days")
    if transition is None:
        found = [
            int(c.attributes["transition_days"])
            for c in result.clauses
            if c.has_label("termination_assistance") and isinstance(c.attributes.get("transition_days"), (int, float))
        ]
        transition = max(found) if found else None
    return transition, _best_value(result, "termination_for_convenience", "notice_days", holder_ok=False)


def period_values(result: DocumentResult, thresholds: Mapping[str, float] | None) -> dict[str, int]:
    """Days for {transition_period} and {notice_period} (see the module docstring)."""
    th = dict(thresholds or {})
    own_transition, own_notice = _contract_values(result)
    floor = int(th.get("recommended_transition_days", th.get("min_transition_days", DEFAULT_TRANSITION_DAYS)))
    transition = max(floor, own_transition or 0)
    lo = int(th.get("min_termination_notice_days", 0))
    hi = int(th.get("max_termination_notice_days", 10**6))
    notice = own_notice if own_notice is not None else int(th.get("recommended_notice_days", DEFAULT_NOTICE_DAYS))
    notice = min(max(notice, lo), hi) if lo <= hi else notice
    return {"transition_days": transition, "notice_days": notice}


def fill_template(template: str, parties: Mapping[str, str], periods: Mapping[str, int]) -> str:
    """Replace the known placeholders; unknown braces are left alone."""

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in ("customer", "supplier"):
            value = parties.get(name) or DEFAULT_PARTIES[name]
            before = template[: m.start()].rstrip(" \t")
            if value.startswith("the ") and (not before or before.endswith((".", "!", "?", "\n"))):
                value = "The" + value[3:]
            return value
        if name == "transition_period":
            return period_words(periods["transition_days"])
        after = template[m.end() :]
        possessive = bool(re.match(r"\s+(?:prior\s+)?(?:written\s+)?notice", after))
        return period_words(periods["notice_days"], possessive=possessive, unit="day")

    return PLACEHOLDER_RE.sub(sub, template)


def fill_language(
    rule: Rule | Finding | str,
    doc_result: DocumentResult,
    defined_terms: Mapping[str, str] | None = None,
    thresholds: Mapping[str, float] | None = None,
) -> str:
    """The rule's suggested language with the contract's parties and periods filled in.

    ``rule`` may be a playbook Rule, a Finding (its ``suggested_language``) or the template itself.
    ``defined_terms`` defaults to :func:`defined_terms` of ``doc_result``; ``thresholds`` are the
    playbook's (``Playbook.thresholds``).
    """
    template = rule if isinstance(rule, str) else rule.suggested_language
    if not template:
        return ""
    parties = defined_terms if defined_terms is not None else _defined_terms(doc_result)
    return fill_template(template, parties, period_values(doc_result, thresholds))


_defined_terms = defined_terms


def with_filled_language(result: DocumentResult, playbook: Playbook | None) -> DocumentResult:
    """``result`` with every finding's ``suggested_language`` filled from the contract.

    Idempotent (filled text has no placeholders left). An error result is returned unchanged.
    """
    if result.status != "ok" or not result.provisions:
        return result
    parties = defined_terms(result)
    periods = period_values(result, playbook.thresholds if playbook else None)
    rules: dict[str, Any] = {r.id: r for r in playbook.rules} if playbook else {}
    provisions = []
    for f in result.provisions:
        rule = rules.get(f.rule_id)
        template = rule.suggested_language if rule is not None and rule.suggested_language else f.suggested_language
        filled = fill_template(template, parties, periods) if template else ""
        provisions.append(f if filled == f.suggested_language else replace(f, suggested_language=filled))
    return replace(result, provisions=tuple(provisions))
