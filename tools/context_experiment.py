"""Experiment: do a clause's neighbours, or a per-document threshold, improve the classifier?

Two ideas, both measured on the out-of-fold predictions of the grouped 5-fold cross-validation
(``clausescan.nlp.train.cross_validate``: same folds, seed, fit() and scan decisions):

1. A second stage per label over the first stage's logits (stacking): the clause's own logit;
   with ``nbr`` the previous and next classified clause's; with ``nbrsec`` also the clauses two
   away, the highest logit among the other clauses under the same heading, and the highest
   elsewhere in the document; with ``all`` also the clause's own 28 logits. Exit sections and
   service-level schedules come in runs of clauses, so a clause's neighbours might say what its
   own words do not. ``self`` (the own logit only) separates the effect of re-tuning the threshold
   from the effect of the context. Each outer fold's second stage is trained on the other four
   folds' out-of-fold logits, its threshold tuned on those four by an inner leave-one-fold-out.
2. Document-level presence decided by the document's highest logit against a threshold tuned on
   the other folds' documents, instead of "any clause over the clause threshold".

Experiment only: the shipped classifier is not touched. The first run stores the folds' logits in
``--work``/seed<N> (about 35 minutes on 2 cores); later runs with the same seed reuse them.

    python tools/context_experiment.py --work /tmp/context
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from clausescan.nlp import DERIVED_LABELS, own_heading  # noqa: E402
from clausescan.nlp import train as T  # noqa: E402
from clausescan.nlp.classifier import load_classifier  # noqa: E402
from clausescan.nlp.dataset import LabelledDoc, load_all  # noqa: E402
from clausescan.taxonomy import LABELS  # noqa: E402

N_FOLDS = 5
PAD = -6.0  # the logit of "no such neighbour": a clause that is surely not the label
CLIP = 12.0
# the shipped model's keyword-union labels (the folds' models chose theirs the same way)
UNION = tuple(str(lab) for lab in load_classifier().meta.get("keyword_union", ()))  # type: ignore[attr-defined]
# Labels a scan also decides without the model's score (keyword union, or derived from an attribute):
# left out of the document-threshold comparison, which only sees scores.
NOT_BY_SCORE = {*UNION, *(target for _, _, target in DERIVED_LABELS)}
VARIANTS = ("self", "nbr", "nbrsec", "all")
ARRAYS = ("z", "hits", "pred", "y", "doc_index")


@dataclass
class Fold:
    """One cross-validation fold's test rows: logits, keyword hits, scan decisions, gold."""

    z: np.ndarray
    hits: np.ndarray
    pred: np.ndarray
    y: np.ndarray
    doc_index: np.ndarray
    inputs: list[str]
    ok: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # classified by the scanner
    ctx: dict[str, np.ndarray] = field(default_factory=dict)


def _fold_logits(args: tuple[list[LabelledDoc], list[LabelledDoc], int]) -> Fold:
    train, test, seed = args
    clf = T.classifier_of(T.fit(T.stack(train), seed, lambda s: None))
    te = T.stack(test)
    z, hits = clf.logits(te.inputs)
    pred = T.product_decisions(clf.decide(te.inputs)[1], te.inputs)
    return Fold(z, hits, pred, te.y, te.doc_index, te.inputs)


def cv_logits(work: Path, seed: int, jobs: int) -> list[Fold]:
    """The cross-validation's out-of-fold logits, computed once per seed and kept in ``work``."""
    work = work / f"seed{seed}"
    if not (work / "fold0.npz").exists():
        _, tasks = T.cv_tasks(load_all(), seed, N_FOLDS)
        work.mkdir(parents=True, exist_ok=True)
        for k, f in enumerate(T._map(_fold_logits, tasks, jobs)):
            np.savez(work / f"fold{k}.npz", **{n: getattr(f, n) for n in ARRAYS})
            (work / f"fold{k}.json").write_text(json.dumps({"inputs": f.inputs}), "utf-8")
    folds = []
    for k in range(N_FOLDS):
        arrays = np.load(work / f"fold{k}.npz")
        inputs = json.loads((work / f"fold{k}.json").read_text("utf-8"))["inputs"]
        fold = Fold(
            z=arrays["z"],
            hits=arrays["hits"],
            pred=arrays["pred"],
            y=arrays["y"],
            doc_index=arrays["doc_index"],
            inputs=inputs,
        )
        fold.ok = ~T.unclassifiable_rows(inputs)
        fold.ctx = context(fold)
        folds.append(fold)
    return folds


def context(fold: Fold) -> dict[str, np.ndarray]:
    """Per row and label: the logits of its neighbours among the classified clauses of its document."""
    n, width = fold.z.shape
    out = {k: np.full((n, width), PAD, np.float32) for k in ("prev", "next", "prev2", "next2", "section", "doc")}
    for d in np.unique(fold.doc_index):
        rows = np.flatnonzero((fold.doc_index == d) & fold.ok)
        zz = fold.z[rows]
        for step, before, after in ((1, "prev", "next"), (2, "prev2", "next2")):
            if len(rows) > step:
                out[before][rows[step:]] = zz[:-step]
                out[after][rows[:-step]] = zz[step:]
        by_heading: dict[str, list[int]] = {}
        for i, r in enumerate(rows):
            by_heading.setdefault(own_heading(fold.inputs[r]), []).append(i)
        for heading, idx in by_heading.items():
            for t, i in enumerate(idx):
                if heading and len(idx) > 1:
                    out["section"][rows[i]] = np.delete(zz[idx], t, axis=0).max(axis=0)
        if len(rows) > 1:  # the highest logit elsewhere in the document
            srt = np.sort(zz, axis=0)
            out["doc"][rows] = np.where(zz >= srt[-1], srt[-2], srt[-1])
    return out


def features(fold: Fold, j: int, variant: str) -> np.ndarray:
    z = np.clip(fold.z, -CLIP, CLIP)
    ctx = {k: np.clip(v[:, j : j + 1], -CLIP, CLIP) for k, v in fold.ctx.items()}
    cols = [z[:, j : j + 1]]
    if variant in ("nbr", "nbrsec", "all"):
        cols += [ctx["prev"], ctx["next"]]
    if variant in ("nbrsec", "all"):
        cols += [ctx["prev2"], ctx["next2"], ctx["section"], ctx["doc"]]
    if variant == "all":
        cols.append(z)
    return np.hstack(cols)


def _threshold(y: np.ndarray, p: np.ndarray) -> float:
    grid = np.arange(0.05, 0.95, 0.025)
    scores = [T._f1(y, p >= t) for t in grid]
    return float(grid[len(scores) - 1 - int(np.argmax(scores[::-1]))])  # the highest of equal bests


def second_stage(folds: list[Fold], variant: str, c: float) -> list[np.ndarray]:
    """Decisions per outer fold from a second stage trained on the other folds."""
    union = [LABELS.index(lab) for lab in UNION]
    out = []
    for k, test in enumerate(folds):
        train = [f for i, f in enumerate(folds) if i != k]
        decided = test.pred.copy()
        for j in range(len(LABELS)):
            keep = [f.ok & (f.y[:, j] >= 0) for f in train]
            x = np.vstack([features(f, j, variant)[m] for f, m in zip(train, keep)])
            y = np.concatenate([f.y[:, j][m] for f, m in zip(train, keep)])
            fid = np.concatenate([np.full(int(m.sum()), i) for i, m in enumerate(keep)])
            if y.sum() < 5:
                continue
            oof = np.zeros(len(y))
            for i in range(len(train)):
                m = LogisticRegression(C=c, max_iter=1000).fit(x[fid != i], y[fid != i])
                oof[fid == i] = m.predict_proba(x[fid == i])[:, 1]
            model = LogisticRegression(C=c, max_iter=1000).fit(x, y)
            decided[:, j] = model.predict_proba(features(test, j, variant))[:, 1] >= _threshold(y, oof)
            if j in union:
                decided[:, j] |= test.hits[:, j]
        out.append(T.product_decisions(decided, test.inputs))
    return out


def _by_document(folds: list[Fold], preds: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    y_by_doc, p_by_doc = [], []
    for f, p in zip(folds, preds):
        for d in np.unique(f.doc_index):
            rows = f.doc_index == d
            y_by_doc.append(f.y[rows])
            p_by_doc.append(p[rows])
    return y_by_doc, p_by_doc


def document_macro(folds: list[Fold], preds: list[np.ndarray]) -> float | None:
    return T._macro(T.doc_presence_hand(*_by_document(folds, preds)), T.DOC_MIN_SUPPORT)


def document_thresholds(folds: list[Fold]) -> tuple[float, float, int]:
    """Mean document-level F1 over the labels decided by score alone and held by >= DOC_MIN_SUPPORT
    contracts (gold as in train.doc_presence_hand): any clause decided, against the document's
    highest logit over a threshold tuned on the other folds' documents. Also the number of labels."""
    fold_of, gold, top, any_decided = [], [], [], []
    for k, f in enumerate(folds):
        z = np.where(f.ok[:, None], f.z, -50.0)
        for d in np.unique(f.doc_index):
            r = f.doc_index == d
            fold_of.append(k)
            gold.append((f.y[r] != 0).any(axis=0))
            top.append(z[r].max(axis=0))
            any_decided.append(f.pred[r].any(axis=0))
    fold, g, t, a = np.array(fold_of), np.array(gold), np.array(top), np.array(any_decided)
    grid = np.arange(-3.0, 4.01, 0.25)
    base, tuned = [], []
    for j, label in enumerate(LABELS):
        if label in NOT_BY_SCORE or g[:, j].sum() < T.DOC_MIN_SUPPORT:
            continue
        pred = np.zeros(len(fold), dtype=bool)
        for k in range(N_FOLDS):
            tr = fold != k
            best = max(grid, key=lambda th: (T._f1(g[tr, j], t[tr, j] >= th), -th))
            pred[fold == k] = t[fold == k, j] >= best
        base.append(T._f1(g[:, j], a[:, j]))
        tuned.append(T._f1(g[:, j], pred))
    return float(np.mean(base)), float(np.mean(tuned)), len(base)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="where the folds' logits are kept")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--c", type=float, default=1.0, help="second-stage regularisation")
    args = ap.parse_args()
    folds = cv_logits(args.work, args.seed, args.jobs)
    y = np.vstack([f.y for f in folds])
    first = [f.pred for f in folds]
    base = T.clause_metrics(y, np.vstack(first))
    print(f"first stage: clause {T._macro(base, 10)}, document {document_macro(folds, first)}")
    for variant in VARIANTS:
        preds = second_stage(folds, variant, args.c)
        met = T.clause_metrics(y, np.vstack(preds))
        moved = (
            sum(met[lab]["f1"] > base[lab]["f1"] for lab in LABELS),
            sum(met[lab]["f1"] < base[lab]["f1"] for lab in LABELS),
        )
        print(
            f"second stage {variant}: clause {T._macro(met, 10)}, document {document_macro(folds, preds)}; "
            f"{moved[0]} labels gained, {moved[1]} lost"
        )
    any_clause, tuned, n = document_thresholds(folds)
    print(
        f"document level over {n} labels decided by score alone: any clause decided {any_clause:.3f}; "
        f"highest logit over a tuned threshold {tuned:.3f}"
    )


if __name__ == "__main__":
    main()
