"""Structured facts from clause text: periods in days, percentages, money, the bound party.

Each extractor is a small pure function over one clause's text, so it can be tested on real
sentences. Periods are normalised to calendar days (month = 30, year = 365, week = 7); business
or working days are counted as days, which errs on the short side for minimum-period rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "eighteen": 18,
    "twenty": 20,
    "twenty-one": 21,
    "twenty-four": 24,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "seventy-five": 75,
    "ninety": 90,
    "one hundred twenty": 120,
    "one hundred and twenty": 120,
    "one hundred eighty": 180,
    "one hundred and eighty": 180,
    "three hundred sixty-five": 365,
}
_UNIT_DAYS = {
    "day": 1,
    "business day": 1,
    "working day": 1,
    "calendar day": 1,
    "week": 7,
    "month": 30,
    "calendar month": 30,
    "year": 365,
}
_NUM_WORD_ALT = "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
# Templates bracket their variables: "[thirty (30)] days", "one hundred eighty [180] calendar days".
# Converted text quotes or underlines them: 'ninety ("90") days', "_sixty_ (_60_) calendar days".
DURATION_RE = re.compile(
    r"\[?_{0,3}(?P<num>\d{1,4}|(?:" + _NUM_WORD_ALT + r"))_{0,3}"
    r"(?:\s*[(\[]\s*[_\"“”]{0,3}(?P<digits>\d{1,4})[_\"“”]{0,3}\s*[)\]])?\]?"
    r"\s*(?:-\s*)?(?P<unit>(?:calendar |business |working )?(?:day|week|month|year))s?\b['’]?",
    re.IGNORECASE,
)
PERCENT_RE = re.compile(r"(?P<value>\d{1,3}(?:\.\d{1,4})?)\s*(?:%|per\s*cent|percent)", re.IGNORECASE)
MONEY_RE = re.compile(
    r"(?P<cur>US\$|USD|EUR|GBP|CHF|\$|£|€|\(pounds\))\s?(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<mult>million|billion|thousand|m\b|k\b))?",
    re.IGNORECASE,
)
_SUPPLIER = r"(?:supplier|provider|service provider|vendor|contractor|consultant|licensor|processor|outsourcer)"
_CUSTOMER = r"(?:customer|client|buyer|company|purchaser|licensee|recipient|controller|authority)"
_OBLIGATION = r"\s+(?:shall|will|must|agrees to|undertakes to|is obliged to)\b"
SUPPLIER_RE = re.compile(r"\b(?:the\s+)?" + _SUPPLIER + _OBLIGATION, re.IGNORECASE)
CUSTOMER_RE = re.compile(r"\b(?:the\s+)?" + _CUSTOMER + _OBLIGATION, re.IGNORECASE)
EITHER_RE = re.compile(r"\b(?:either|each|both) part(?:y|ies)\b", re.IGNORECASE)


_FREQUENCY_BEFORE = re.compile(r"\b(?:every|each|per)\s+(?:other\s+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Duration:
    days: int
    start: int
    end: int


def durations(text: str) -> list[Duration]:
    """Every period in the text ("thirty (30) days", "12 months", "six months'") in days."""
    out = []
    for m in DURATION_RE.finditer(text):
        if _FREQUENCY_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
            continue  # "every two weeks" is a frequency, not a period
        raw = m.group("digits") or m.group("num")
        n = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw.lower())
        if n is None:
            continue
        unit = m.group("unit").lower()
        out.append(Duration(n * _UNIT_DAYS.get(unit, _UNIT_DAYS.get(unit.split()[-1], 1)), m.start(), m.end()))
    return out


def _near(text: str, pos: int, end: int, pattern: re.Pattern[str], window: int) -> bool:
    return bool(pattern.search(text[max(0, pos - window) : end + window]))


_NOTICE_CONTEXT = re.compile(r"notice|notify|notif", re.IGNORECASE)
_TERMINATION_CONTEXT = re.compile(r"terminat|non-?renewal|renew|cancel", re.IGNORECASE)
_TRANSITION_CONTEXT = re.compile(
    r"transition|exit|termination assistance|disengagement|continue to (?:provide|perform)|"
    r"continued (?:provision|services)|wind[- ]?down|run[- ]?off|migrat|"
    # "for fourteen (14) days after the Termination Date": read only on assistance clauses
    r"(?:after|following)\s+(?:the\s+)?(?:effective\s+date\s+of\s+|date\s+of\s+)?(?:termination|expiry|expiration)",
    re.IGNORECASE,
)
_CURE_CONTEXT = re.compile(r"\b(?:cure|remed)", re.IGNORECASE)  # not "procure", "secure"
_AVAILABILITY_CONTEXT = re.compile(
    r"availab|uptime|up-time|service level|sla\b|operational|of the time|functional", re.IGNORECASE
)
_CREDIT_CONTEXT = re.compile(r"credit|reduction|rebate|refund|fee|charge", re.IGNORECASE)


_DURATION_SRC = DURATION_RE.pattern.replace("(?P<num>", "(?:").replace("(?P<digits>", "(?:").replace("(?P<unit>", "(?:")
# "ninety (90) days' prior written notice", "notice of at least 30 days", "a notice period of 3 months"
NOTICE_RE = re.compile(
    r"(?P<a>" + _DURATION_SRC + r")\s*(?:['’]s?\s*)?(?:\(?(?:prior|advance|previous)\)?\s+)?(?:written\s+)?"
    r"(?:prior\s+)?(?:notice|notification)"
    r"|(?:notice|notification)(?:\s+period)?\s+of\s+(?:not\s+less\s+than\s+|at\s+least\s+|no\s+less\s+than\s+)?"
    r"(?P<b>" + _DURATION_SRC + r")"
    r"|notice\s+period\s+(?:is|shall\s+be)\s+(?:at\s+least\s+)?(?P<c>" + _DURATION_SRC + r")"
    r"|(?:notice|notification)[^.;]{0,90}?(?:at\s+least\s+|no\s+later\s+than\s+|not\s+less\s+than\s+)?(?P<d>"
    + _DURATION_SRC
    + r")\s+(?:before|prior\s+to|in\s+advance\s+of)\s+(?:the\s+)?"
    r"(?:end|expir\w+|renewal|termination|last\s+day|date\s+of\s+(?:the\s+)?(?:end|expir\w+|termination))",
    re.IGNORECASE,
)
# "... continued for 30 days after written notice", "fails to cure within 30 days": a cure window
_CURE_BEFORE = re.compile(r"\b(?:cure[ds]?|remed\w*|continu\w*|persist\w*|uncured|fail\w*)[^.;]{0,60}$", re.IGNORECASE)
# A failure to cure reaches further: "fails to cure a material breach of the Framework Terms or an
# Order Form following 30 days notice" (not "any other right or remedy", not "procure").
_CURE_WORD_BEFORE = re.compile(
    r"\b(?:(?:fails?|failure|failed)\s+to\s+(?:cure|remedy)|not\s+(?:been\s+)?(?:cured|remedied)|uncured)\b"
    r"[^.;]{0,100}$",
    re.IGNORECASE,
)


def notice_days(text: str) -> int | None:
    """Notice period for termination or non-renewal: "on ninety (90) days' written notice"."""
    if not _TERMINATION_CONTEXT.search(text):
        return None
    for m in NOTICE_RE.finditer(text):
        span = m.group("a") or m.group("b") or m.group("c") or m.group("d")
        if m.group("a") and _CURE_BEFORE.search(text[max(0, m.start() - 80) : m.start()]):
            continue  # "not cured within 30 days after notice" is a cure period
        found = durations(span)
        if found:
            return found[0].days
    return None


def transition_days(text: str) -> int | None:
    """Length of the exit/transition assistance period: the longest period named near it."""
    found = [
        d.days
        for d in durations(text)
        if _near(text, d.start, d.end, _TRANSITION_CONTEXT, 90) and not _near(text, d.start, d.end, _NOTICE_CONTEXT, 12)
    ]
    return max(found) if found else None


def cure_days(text: str) -> int | None:
    """Cure window for a breach: "fails to cure within thirty (30) days", "continued for 60 days"."""
    for d in durations(text):
        before = text[max(0, d.start - 110) : d.start]
        if (
            _CURE_BEFORE.search(before[-80:])
            or _CURE_WORD_BEFORE.search(before)
            or _near(text, d.start, d.end, _CURE_CONTEXT, 40)
        ):
            return d.days
    return None


def availability_percent(text: str) -> float | None:
    found = [
        float(m.group("value"))
        for m in PERCENT_RE.finditer(text)
        if 90 <= float(m.group("value")) <= 100 and _near(text, m.start(), m.end(), _AVAILABILITY_CONTEXT, 80)
    ]
    return max(found) if found else None


def credit_percent(text: str) -> float | None:
    found = [
        float(m.group("value"))
        for m in PERCENT_RE.finditer(text)
        if float(m.group("value")) < 90 and _near(text, m.start(), m.end(), _CREDIT_CONTEXT, 60)
    ]
    return found[0] if found else None


def amount(text: str) -> str | None:
    m = MONEY_RE.search(text)
    if not m:
        return None
    cur = {"$": "USD", "US$": "USD", "£": "GBP", "(POUNDS)": "GBP", "€": "EUR"}.get(
        m.group("cur").upper(), m.group("cur").upper()
    )
    mult = (m.group("mult") or "").lower()
    mult = {"m": "million", "k": "thousand"}.get(mult, mult)
    return f"{cur} {m.group('amount')}" + (f" {mult}" if mult else "")


def party(text: str) -> str | None:
    """Who the clause obliges: supplier, customer or both (named subjects of shall/will/must)."""
    sup = bool(SUPPLIER_RE.search(text))
    cus = bool(CUSTOMER_RE.search(text))
    if (sup and cus) or EITHER_RE.search(text):
        return "both"
    return "supplier" if sup else "customer" if cus else None


_TERMINATION = frozenset(
    {
        "termination_for_convenience",
        "termination_for_cause",
        "termination_notice_period",
        "termination_for_insolvency",
        "termination_for_change_of_control",
    }
)
# attribute -> (extractor, labels any one of which makes a clause worth reading for it); the party
# is read on every labelled clause. nlp.attribute_eval scores each extractor on the same clauses.
EXTRACTORS: dict[str, tuple[Callable[[str], Any], frozenset[str]]] = {
    "notice_days": (notice_days, _TERMINATION),
    "cure_days": (cure_days, frozenset({"termination_for_cause"})),
    "transition_days": (transition_days, frozenset({"termination_assistance", "transition_period", "exit_plan"})),
    "availability_percent": (availability_percent, frozenset({"service_levels", "service_credits"})),
    "credit_percent": (credit_percent, frozenset({"service_credits"})),
    "amount": (amount, frozenset({"liability_cap", "service_credits"})),
}


def extract(text: str, labels: set[str]) -> dict[str, Any]:
    """Attributes for one clause; which extractors run depends on its labels."""
    attrs = {name: fn(text) for name, (fn, gates) in EXTRACTORS.items() if labels & gates}
    if labels:
        attrs["party"] = party(text)
    return {k: v for k, v in attrs.items() if v is not None}
