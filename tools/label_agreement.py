"""Inter-annotator agreement between data/labels/work and data/labels/agreement (blind second pass).

  python tools/label_agreement.py

Per label: Cohen's kappa over the clauses of the doubly-labelled documents, and the counts.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clausescan.nlp.dataset import read_jsonl  # noqa: E402
from clausescan.taxonomy import LABELS  # noqa: E402


def load(p: Path) -> dict[str, set[str]]:
    rows = read_jsonl(p)
    return {f"{r['char_start']}:{r['char_end']}": set(r["labels"] or []) for r in rows}


def kappa(a: list[bool], b: list[bool]) -> float:
    n = len(a)
    if n == 0:
        return float("nan")
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if pe == 1 else (po - pe) / (1 - pe)


def main() -> None:
    first: dict[str, set[str]] = {}
    second: dict[str, set[str]] = {}
    docs = 0
    for p in sorted((ROOT / "data/labels/agreement").glob("*.jsonl")):
        other = ROOT / "data/labels/work" / p.name
        if not other.exists():
            continue
        docs += 1
        a, b = load(other), load(p)
        for key in sorted(set(a) & set(b)):
            first[f"{p.name}:{key}"] = a[key]
            second[f"{p.name}:{key}"] = b[key]
    keys = sorted(first)
    print(f"{docs} documents, {len(keys)} clauses labelled twice")
    print(f"{'label':36} {'A':>4} {'B':>4} {'both':>5} {'kappa':>6}")
    ks = []
    for lab in LABELS:
        a = [lab in first[k] for k in keys]
        b = [lab in second[k] for k in keys]
        if not any(a) and not any(b):
            continue
        k = kappa(a, b)
        ks.append(k)
        print(f"{lab:36} {sum(a):>4} {sum(b):>4} {sum(x and y for x, y in zip(a, b)):>5} {k:>6.2f}")
    exact = sum(first[k] == second[k] for k in keys) / max(1, len(keys))
    print(f"mean kappa over labels used: {sum(ks) / max(1, len(ks)):.2f}; identical label sets: {exact:.1%}")


if __name__ == "__main__":
    main()
