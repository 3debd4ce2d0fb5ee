"""Labelled clauses for training and evaluation, split by contract (never by clause).

Two sources (see data/labels/README.md):
- hand-labelled worksheets (data/labels/work/*.jsonl): every clause of the document judged for all
  28 labels, so unlabelled clauses are negatives for every label;
- CUAD expert spans for the 9 mapped categories: a clause covered by a span is a positive; other
  clauses of the same contract are negatives for that label only, with two exceptions where
  CUAD's category differs from ours (shared/taxonomy.md): "Post-Termination Services" is broader,
  so its spans are not used as positives (other clauses still are negatives); "Notice Period to
  Terminate Renewal" is narrower, so only its positives are used. "Change of Control" spans count
  only where the clause speaks of termination. ("IP Ownership Assignment" is narrower too, leaving
  out a supplier keeping what it makes, but using only its positives was measured and not adopted:
  contract-level F1 up, clause-level F1 down on cross-validation folds.)
Y holds 1 (positive), 0 (negative) or -1 (unknown: not used for that label).
Each source document is re-read and re-segmented with the current code, and worksheet labels are
mapped onto the clauses by overlap, so labels survive segmentation changes; a clause that is only
a piece of a labelled row (the segmenter now splits it) is unknown (-1) for that row's labels.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from clausescan.ingest import ingest
from clausescan.model import Clause
from clausescan.nlp import clause_input
from clausescan.nlp.cuad import contracts, default_root, locate
from clausescan.segment import segment
from clausescan.taxonomy import CUAD_MAP, LABELS

REPO = Path(__file__).resolve().parents[2]
WORK = REPO / "data" / "labels" / "work"
MANIFEST = REPO / "data" / "labels" / "manifest.jsonl"
SHARED = REPO.parent / "shared" / "data"
_TERMINATE_RE = re.compile(r"terminat", re.IGNORECASE)
# CUAD categories narrower than our label: a clause outside their spans is not known to lack it
CUAD_POSITIVES_ONLY = frozenset({"Notice Period to Terminate Renewal"})


@dataclass
class LabelledDoc:
    source: str
    group: str
    family: str  # stratum for the split: uk, templates, cuad:<type>
    inputs: list[str]
    texts: list[str]
    y: np.ndarray  # (clauses, labels) int8 in {1, 0, -1}
    hand: bool
    cuad_filename: str | None = None
    clause_spans: list[tuple[int, int]] = field(default_factory=list)


PIECE_SHARE = 0.6  # a clause shorter than this share of the labelled row it lies in is a piece of it


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _covers(clause: Clause, span: tuple[int, int]) -> bool:
    ov = _overlap((clause.char_start, clause.char_end), span)
    clen = max(1, clause.char_end - clause.char_start)
    return ov > 0 and (ov >= 0.5 * clen or ov >= 0.5 * (span[1] - span[0]))


_PART_RE = re.compile(r"(?:[_ -]*part\s*\d+|\s*\(\d\)|\s+-\s+.*|(?<=agreement)\d+)$", re.IGNORECASE)


def cuad_group(stem: str) -> str:
    """One group per underlying contract: "X_Part1"/"X_Part2", "X (1)", "X - Escrow Agreement"."""
    return "cuad:" + _PART_RE.sub("", stem).strip()


def read_jsonl(path: Path) -> list[dict]:
    """The records of a JSON-lines file. Split on "\\n" only: str.splitlines() also breaks on U+2028,
    which contract text holds raw inside JSON strings."""
    return [json.loads(x) for x in path.read_text("utf-8").split("\n") if x.strip()]


def load_worksheets(work: Path = WORK) -> dict[str, list[dict]]:
    sheets: dict[str, list[dict]] = {}
    for p in sorted(work.glob("*.jsonl")):
        rows = read_jsonl(p)
        if rows and all(r.get("complete") for r in rows):
            sheets[rows[0]["source"]] = rows
    return sheets


def manifest() -> dict[str, dict]:
    return {m["source"]: m for m in read_jsonl(MANIFEST)}


def _family(meta: dict | None, source: str) -> str:
    if source.startswith("cuad/"):
        return "cuad:" + (meta or {}).get("type", "other")
    if source.startswith("uk-"):
        return "uk"
    return "templates"


def _doc_inputs(path: Path, shown: str) -> tuple[list[Clause], list[str]]:
    doc = ingest(path, display_path=shown)
    clauses = segment(doc)
    by_id = {c.id: c for c in clauses}
    return clauses, [clause_input(c, by_id) for c in clauses]


def row_labels(clauses: list[Clause], rows: list[dict]) -> np.ndarray:
    """(clauses, labels) int8: worksheet rows' labels mapped onto (possibly re-segmented) clauses."""
    y = np.zeros((len(clauses), len(LABELS)), dtype=np.int8)
    index = {lab: i for i, lab in enumerate(LABELS)}
    for c_i, c in enumerate(clauses):
        for r in rows:
            if r["labels"] and _covers(c, (r["char_start"], r["char_end"])):
                # A piece of a labelled row (the segmenter now splits what the annotator saw as one
                # clause) may not hold the provision: unknown for the row's labels, not positive.
                piece = (c.char_end - c.char_start) < PIECE_SHARE * (r["char_end"] - r["char_start"])
                for lab in r["labels"]:
                    j = index[lab]
                    y[c_i, j] = 1 if not piece or y[c_i, j] == 1 else -1
    return y


def hand_doc(source: str, rows: list[dict], meta: dict | None) -> LabelledDoc:
    clauses, inputs = _doc_inputs(SHARED / source, source)
    y = row_labels(clauses, rows)
    group = (meta or {}).get("group") or source
    if source.startswith("cuad/"):
        group = cuad_group(Path(source).stem)
    return LabelledDoc(
        source,
        group,
        _family(meta, source),
        inputs,
        [c.text for c in clauses],
        y,
        True,
        clause_spans=[(c.char_start, c.char_end) for c in clauses],
    )


def cuad_label_matrix(clauses: list[Clause], text: str, spans: dict[str, tuple[str, ...]]) -> np.ndarray:
    """Y for one CUAD-only contract from its expert spans (CUAD category -> segments of ``text``):
    1, 0 or -1 per (clause, label) for the 9 mapped labels, -1 for the rest (see the module doc)."""
    y = np.full((len(clauses), len(LABELS)), -1, dtype=np.int8)
    for cat, label in CUAD_MAP.items():
        j = LABELS.index(label)
        located = [loc for seg in spans.get(cat, ()) if (loc := locate(text, seg))]
        for c_i, c in enumerate(clauses):
            hit = any(_covers(c, s) for s in located)
            if cat == "Post-Termination Services":
                y[c_i, j] = -1 if hit else 0
            elif cat in CUAD_POSITIVES_ONLY:
                y[c_i, j] = 1 if hit else -1
            elif cat == "Change of Control":
                y[c_i, j] = (1 if _TERMINATE_RE.search(c.text) else -1) if hit else 0
            else:
                y[c_i, j] = 1 if hit else 0
    return y


def cuad_docs(skip_sources: set[str]) -> Iterator[LabelledDoc]:
    root = default_root()
    for con in contracts(root):
        source = "cuad/" + con.txt_path.relative_to(root).as_posix()
        if source in skip_sources:
            continue
        clauses, inputs = _doc_inputs(con.txt_path, source)
        text = con.txt_path.read_text("utf-8", errors="replace").replace("\r\n", "\n")
        y = cuad_label_matrix(clauses, text, con.spans)
        yield LabelledDoc(
            source,
            cuad_group(con.txt_path.stem),
            "cuad:" + con.contract_type,
            inputs,
            [c.text for c in clauses],
            y,
            False,
            cuad_filename=con.filename,
            clause_spans=[(c.char_start, c.char_end) for c in clauses],
        )


def load_all(include_cuad: bool = True, work: Path = WORK) -> list[LabelledDoc]:
    """Every labelled document available on this machine (hand worksheets first)."""
    meta = manifest() if MANIFEST.exists() else {}
    sheets = load_worksheets(work)
    docs = [hand_doc(src, rows, meta.get(src)) for src, rows in sorted(sheets.items()) if (SHARED / src).exists()]
    # a hand-labelled CUAD contract's group also covers its CUAD-only twin
    if include_cuad and default_root().exists():
        docs += list(cuad_docs(set(sheets)))
    return docs


SPLIT_CANDIDATES = 200  # stratified splits drawn per seed; the most label-balanced one is kept


def _stratified_test_groups(strata: dict[tuple[str, bool], list[str]], key: str, test_share: float) -> set[str]:
    test_groups: set[str] = set()
    for stratum in sorted(strata):
        groups = sorted(strata[stratum], key=lambda g: hashlib.sha256(f"{key}:{g}".encode()).hexdigest())
        n_test = round(len(groups) * test_share)
        if len(groups) >= 2:
            n_test = max(1, n_test)
        test_groups.update(groups[:n_test])
    return test_groups


def _positives_by_group(docs: list[LabelledDoc]) -> dict[str, np.ndarray]:
    counts: dict[str, np.ndarray] = {}
    for d in docs:
        if len(d.y):
            counts[d.group] = counts.get(d.group, np.zeros(len(LABELS))) + (d.y == 1).sum(axis=0)
    return counts


def _imbalance(by_group: dict[str, np.ndarray], test_groups: set[str], test_share: float) -> float:
    pos = sum(by_group.values(), np.zeros(len(LABELS)))
    test_pos = sum((c for g, c in by_group.items() if g in test_groups), np.zeros(len(LABELS)))
    held = pos > 0
    return float(np.abs(test_pos[held] / pos[held] - test_share).mean()) if held.any() else 0.0


def split_imbalance(docs: list[LabelledDoc], test_groups: set[str], test_share: float = 0.3) -> float:
    """Mean over labels of |share of the label's positives in test - test_share| (0 = perfectly balanced)."""
    return _imbalance(_positives_by_group(docs), test_groups, test_share)


def split(
    docs: list[LabelledDoc], seed: int = 13, test_share: float = 0.3
) -> tuple[list[LabelledDoc], list[LabelledDoc]]:
    """Train/test by contract group, stratified by family and hand/CUAD; deterministic for a seed.

    Group-level splits cannot stratify by label directly (one contract can hold most of a label's
    positives), so ``SPLIT_CANDIDATES`` stratified splits are drawn and the one whose per-label
    share of positives in test is closest to ``test_share`` is kept. Only label counts are looked
    at, never a model's results."""
    strata: dict[tuple[str, bool], list[str]] = {}
    hand_groups = {d.group for d in docs if d.hand}
    for d in docs:
        key = (d.family, d.group in hand_groups)
        if d.group not in strata.setdefault(key, []):
            strata[key].append(d.group)
    candidates = [
        _stratified_test_groups(strata, str(seed) if k == 0 else f"{seed}/{k}", test_share)
        for k in range(SPLIT_CANDIDATES)
    ]
    by_group = _positives_by_group(docs)  # counted once, not once per candidate
    test_groups = min(candidates, key=lambda t: _imbalance(by_group, t, test_share))  # first of ties
    train = [d for d in docs if d.group not in test_groups]
    test = [d for d in docs if d.group in test_groups]
    return train, test
