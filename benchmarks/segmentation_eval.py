"""Segmentation and PDF-extraction quality measured against CUAD's expert spans.

  python benchmarks/segmentation_eval.py [--limit N]

1. Span recovery: the share of CUAD spans of the 86 PDF contracts that can be found in
   clausescan's text of the PDF (both sides normalised for whitespace, hyphenation, quotes).
2. Inside one clause: over all 332 CUAD TXT contracts, the share of spans (all 41 categories)
   that lie inside a single clause: a leaf clause, or a clause together with its sub-clauses.
3. Structure: numbered section lines ("4. TERM AND TERMINATION") left at the end of the clause
   before them instead of opening a section, and contracts where one unnumbered heading is the
   ancestor of over 40% of the clauses (a title, a table header or a glossary line taken for a
   section heading: it becomes the heading context of everything below it).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from bisect import bisect_right
from collections import Counter
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clausescan.ingest import ingest
from clausescan.ingest.cleanup import normalise_for_match
from clausescan.model import Clause
from clausescan.nlp.cuad import contracts, default_root, locate
from clausescan.segment import _is_heading_line, segment

_SPACE_RE = re.compile(r"\s+")


def _norm(s: str) -> str:
    # also drop spaces entirely: PDF and CUAD TXT disagree on spaces around punctuation
    return _SPACE_RE.sub("", normalise_for_match(s)).lower()


def span_recovery(limit: int | None) -> tuple[int, int, list[str]]:
    found = total = 0
    misses: list[str] = []
    for i, c in enumerate(x for x in contracts() if x.pdf_path is not None):
        if limit and i >= limit:
            break
        assert c.pdf_path is not None
        text = _norm(ingest(c.pdf_path).text)
        for segs in c.spans.values():
            for seg in segs:
                total += 1
                if _norm(seg) in text:
                    found += 1
                elif len(misses) < 40:
                    misses.append(f"{c.pdf_path.name[:40]}: {seg[:120]!r}")
    return found, total, misses


def inside_one_clause(limit: int | None) -> dict[str, int]:
    stats = {"spans": 0, "located": 0, "leaf": 0, "subtree": 0, "clauses": 0, "over_2000": 0}
    stats |= {"glued_sections": 0, "dominated": 0}
    sizes: list[int] = []
    for i, c in enumerate(contracts()):
        if limit and i >= limit:
            break
        doc = ingest(c.txt_path)
        clauses = segment(doc)
        sizes += [cl.char_end - cl.char_start for cl in clauses]
        starts = [cl.char_start for cl in clauses]
        # subtree end = end of the last descendant (clauses are in reading order)
        subtree_end = {cl.id: cl.char_end for cl in clauses}
        by_id = {cl.id: cl for cl in clauses}
        glued, share = structure(clauses)
        stats["glued_sections"] += glued
        stats["dominated"] += share > DOMINANT_SHARE and len(clauses) > 30
        for cl in reversed(clauses):
            p = by_id.get(cl.parent or "")
            if p is not None:
                subtree_end[p.id] = max(subtree_end[p.id], subtree_end[cl.id])
        for segs in c.spans.values():
            for seg in segs:
                stats["spans"] += 1
                loc = locate(doc.text, seg)
                if loc is None:
                    continue
                stats["located"] += 1
                s, e = loc
                k = bisect_right(starts, s) - 1
                if k < 0:
                    continue
                leaf = clauses[k]
                if e <= leaf.char_end + 1:
                    stats["leaf"] += 1
                    stats["subtree"] += 1
                    continue
                node = leaf
                while node is not None:
                    if node.char_start <= s and e <= subtree_end[node.id] + 1:
                        stats["subtree"] += 1
                        break
                    node = by_id.get(node.parent or "")
    sizes.sort()
    stats["clauses"] = len(sizes)
    stats["median_chars"] = sizes[len(sizes) // 2] if sizes else 0
    stats["over_2000"] = sum(1 for x in sizes if x > 2000)
    return stats


DOMINANT_SHARE = 0.4


def structure(clauses: list[Clause]) -> tuple[int, float]:
    """(numbered section lines glued to the end of the clause before them, the largest share of the
    clauses below one unnumbered heading)."""
    glued = 0
    for before, after in pairwise(clauses):
        body = before.text.strip()
        last = body.rsplit("\n", 1)[-1].strip()
        if "\n" in body and after.number and _is_heading_line(last) and last[:1].isdigit():
            glued += 1
    by_id = {cl.id: cl for cl in clauses}
    below: Counter[str] = Counter()
    for cl in clauses:
        node = by_id.get(cl.parent or "")
        while node is not None:
            if node.number is None and node.heading:
                below[node.id] += 1
            node = by_id.get(node.parent or "")
    top = below.most_common(1)[0][1] if below else 0
    return glued, top / max(len(clauses), 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    if not default_root().exists():
        raise SystemExit("../shared/data/cuad not found")
    t = time.perf_counter()
    found, total, misses = span_recovery(args.limit)
    print(
        f"span recovery from PDF text: {found}/{total} = {found / max(total, 1):.2%}  ({time.perf_counter() - t:.1f}s)"
    )
    if args.show_misses:
        print("\n".join(misses))
    t = time.perf_counter()
    st = inside_one_clause(args.limit)
    print(f"spans located in TXT: {st['located']}/{st['spans']}")
    print(f"clauses: {st['clauses']}, median {st['median_chars']} chars, {st['over_2000']} over 2,000 chars")
    print(f"inside one leaf clause: {st['leaf']}/{st['located']} = {st['leaf'] / max(st['located'], 1):.2%}")
    print(
        f"inside one clause incl. its sub-clauses: {st['subtree']}/{st['located']} = "
        f"{st['subtree'] / max(st['located'], 1):.2%}  ({time.perf_counter() - t:.1f}s)"
    )
    print(f"numbered section lines glued to the clause before: {st['glued_sections']}")
    print(f"contracts with one unnumbered heading above over 40% of the clauses: {st['dominated']}")


if __name__ == "__main__":
    main()
