"""How well the attribute extractors (nlp.attributes) read real clauses, against hand-made gold.

The gold set (``data/labels/attributes/gold.jsonl``, see its README) holds real clauses from the
hand-labelled contracts, each with the facts a reader finds in it: the termination notice, cure and
transition periods in days, availability and credit percentages, cap or credit amounts, and the
party the clause binds. Each extractor is scored only on clauses whose hand labels make the scanner
run it (nlp.attributes.extract), and directly on the clause text, so the classifier's mistakes do
not count against the extractor.

A list field holds every value the clause states (a clause may give the customer 30 days' notice
and the supplier 90); the extractor returns one, which is correct when it is among them, and
correct as None when the list is empty. Periods of four weeks or more within 2% of a gold value count
as the same period (month = 30 days against a year of 365).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from clausescan.nlp import attributes as A
from clausescan.nlp.dataset import REPO

GOLD = REPO / "data" / "labels" / "attributes" / "gold.jsonl"

FIELDS = A.EXTRACTORS  # field -> (extractor, the hand labels that make the scanner run it)
PARTY_ROLES = ("supplier", "customer", "both")
ORDER = (*FIELDS, "party")  # report order

_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


def load_gold(path: Path | None = None) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (path or GOLD).read_text("utf-8").splitlines() if line.strip()]


def money_value(extracted: str) -> tuple[str, float] | None:
    """("USD", 1500000.0) from the extractor's "USD 1.5 million"; None when it cannot be read."""
    m = re.fullmatch(r"(\S+) ([\d,]+(?:\.\d+)?)(?: (\w+))?", extracted.strip())
    if not m:
        return None
    value = float(m.group(2).replace(",", ""))
    return m.group(1), value * _MULTIPLIERS.get((m.group(3) or "").lower(), 1.0)


def _matches(field: str, predicted: Any, gold: list[Any]) -> bool:
    if field == "amount":
        got = money_value(predicted)
        return got is not None and any(got[0] == g["currency"] and abs(got[1] - float(g["value"])) < 0.01 for g in gold)
    return any(_same_amount(float(predicted), float(g), field.endswith("_days")) for g in gold)


def _same_amount(a: float, b: float, period: bool) -> bool:
    """Equal; for periods of four weeks or more, within 2%: the extractor counts a month as 30 days, so
    "twelve (12) months" is 360 days, which a reader may write as a year (365)."""
    return abs(a - b) < 1e-6 or (period and min(a, b) >= 28 and abs(a - b) <= 0.02 * max(a, b))


def _rates(n: int, correct: int, tp: int, predicted: int, present: int) -> dict[str, float | int | None]:
    """Counts and rates; a rate with nothing to count (no value extracted, none stated) is None."""
    return {
        "clauses": n,
        "gold_present": present,
        "predicted": predicted,
        "correct_values": tp,
        "accuracy": round(correct / n, 3) if n else None,
        "precision": round(tp / predicted, 3) if predicted else None,
        "recall": round(tp / present, 3) if present else None,
    }


def fmt_rate(value: float | int | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def field_metrics(items: list[dict[str, Any]], field: str) -> dict[str, float | int | None]:
    """Over the clauses the scanner would run the extractor on: accuracy (value right, or rightly
    none), precision (of values extracted, how many are right) and recall (of clauses stating the
    fact, how many got a right value)."""
    extractor, gates = FIELDS[field]
    n = correct = tp = predicted = present = 0
    for item in items:
        if field not in item["gold"] or not set(item["labels"]) & gates:
            continue
        gold, got = item["gold"][field], extractor(item["text"])
        hit = got is not None and _matches(field, got, gold)
        n += 1
        present += bool(gold)
        predicted += got is not None
        tp += hit
        correct += hit or (got is None and not gold)
    return _rates(n, correct, tp, predicted, present)


def party_metrics(items: list[dict[str, Any]]) -> dict[str, float | int | None]:
    """The bound party, on clauses whose gold role is known ("unclear" left out): None is right
    when the gold is "none"; precision and recall are over the three roles."""
    n = correct = tp = predicted = present = 0
    for item in items:
        gold = item["gold"].get("party")
        if gold is None or gold == "unclear":
            continue
        got = A.party(item["text"])
        n += 1
        present += gold in PARTY_ROLES
        predicted += got is not None
        tp += got is not None and got == gold
        correct += (got or "none") == gold
    return _rates(n, correct, tp, predicted, present)


def attribute_metrics(items: list[dict[str, Any]]) -> dict[str, dict[str, float | int | None]]:
    out = {field: field_metrics(items, field) for field in FIELDS}
    out["party"] = party_metrics(items)
    return out


def select(items: list[dict[str, Any]], split: str) -> list[dict[str, Any]]:
    """``test``, ``dev`` (the half read while improving the extractors) or ``all``."""
    return items if split == "all" else [i for i in items if i["split"] == split]


def attribute_table(metrics: dict[str, dict[str, float | int | None]]) -> str:
    lines = [
        f"{'attribute':22} {'clauses':>7} {'stated':>6} {'found':>5} {'wrong':>5}  {'accuracy':>8} {'P':>5} {'R':>5}"
    ]
    for field in ORDER:
        m = metrics[field]
        lines.append(
            f"{field:22} {m['clauses']:>7} {m['gold_present']:>6} {m['correct_values']:>5} "
            f"{int(m['predicted'] or 0) - int(m['correct_values'] or 0):>5}  {fmt_rate(m['accuracy']):>8} "
            f"{fmt_rate(m['precision']):>5} {fmt_rate(m['recall']):>5}"
        )
    return "\n".join(lines) + "\n"
