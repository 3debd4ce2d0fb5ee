"""Train and evaluate the clause classifier (``clausescan train`` / ``clausescan evaluate``).

One logistic regression per label over word + character TF-IDF. Each label is trained only on
the clauses whose label is known (see dataset.py for the masks). Decision thresholds are tuned
per label on out-of-fold predictions (grouped by contract) of the training set, never on the
test set. Deterministic for a seed.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from clausescan.model import Label
from clausescan.nlp import DERIVED_LABELS, classifiable, derive_labels, own_heading, own_text
from clausescan.nlp.attributes import extract
from clausescan.nlp.classifier import MIN_POSITIVES, ClauseClassifier, logit, sigmoid
from clausescan.nlp.dataset import LabelledDoc, load_all, split
from clausescan.nlp.features import compile_cues, cue_data, expand_windows, keyword_hits, make_vectorizers, transform
from clausescan.taxonomy import CUAD_MAP, CUAD_RENEWAL_ROW, LABELS

_T = TypeVar("_T")
_R = TypeVar("_R")

C_VALUE = 4.0
CLASS_WEIGHT = "balanced"
FOLDS = 3


@dataclass
class Stacked:
    inputs: list[str]
    y: np.ndarray
    groups: np.ndarray
    doc_index: np.ndarray


def unclassifiable_rows(inputs: list[str]) -> np.ndarray:
    """Rows the scanner never classifies (nlp.classifiable): a heading or fragment alone."""
    return np.array([not classifiable(own_text(t), own_heading(t)) for t in inputs], dtype=bool)


def product_decisions(pred: np.ndarray, inputs: list[str]) -> np.ndarray:
    """Decisions as a scan makes them (nlp.classify): no labels on what the scanner does not
    classify, so a test positive there counts as missed; and the labels a scan derives from a
    source label plus a stated attribute (nlp.DERIVED_LABELS: an assistance clause that states its
    length provides the transition period)."""
    pred = pred.copy()
    pred[unclassifiable_rows(inputs)] = False
    col = {lab: j for j, lab in enumerate(LABELS)}
    source_cols = sorted({col[s] for sources, _, _ in DERIVED_LABELS for s in sources})
    for r in np.flatnonzero(pred[:, source_cols].any(axis=1)):
        names = {LABELS[j] for j in np.flatnonzero(pred[r])}
        labels = tuple(Label(n, 1.0) for n in sorted(names))
        for lab in derive_labels(labels, extract(own_text(inputs[r]), names)):
            pred[r, col[lab.label]] = True
    return pred


def stack(docs: list[LabelledDoc]) -> Stacked:
    inputs: list[str] = []
    ys = []
    groups: list[str] = []
    doc_index: list[int] = []
    for i, d in enumerate(docs):
        inputs += d.inputs
        ys.append(d.y)
        groups += [d.group] * len(d.inputs)
        doc_index += [i] * len(d.inputs)
    y = np.vstack(ys) if ys else np.zeros((0, len(LABELS)), dtype=np.int8)
    return Stacked(inputs, y, np.asarray(groups), np.asarray(doc_index))


def window_rows(st: Stacked) -> Stacked:
    """Training rows per window (features.windows). A long clause's negatives hold for each of its
    windows; a positive is not known to lie in any one window, so it is masked (-1) there."""
    flat, starts = expand_windows(st.inputs)
    if len(flat) == len(st.inputs):
        return st
    per_text = np.diff(np.append(starts, len(flat)))
    keep = np.repeat(np.arange(len(st.inputs)), per_text)
    y = st.y[keep]
    y[(per_text[keep] > 1)[:, None] & (y == 1)] = -1
    return Stacked(flat, y, st.groups[keep], st.doc_index[keep])


def classifier_of(model: dict[str, object]) -> ClauseClassifier:
    """A fitted model (fit()'s dict) as the classifier the scanner uses: same windows, same union."""
    return ClauseClassifier(
        labels=tuple(LABELS),
        thresholds=np.asarray(model["thresholds"], dtype=np.float32),
        coef=np.asarray(model["coef"], dtype=np.float32),
        intercept=np.asarray(model["intercept"], dtype=np.float32),
        word=model["word"],
        char=model["char"],
        keyword_union=np.asarray(model["keyword_union"], dtype=bool),
        calibration=np.asarray(model["calibration"], dtype=np.float32),
        cues=compile_cues(model["cues"]),  # type: ignore[arg-type]
    )


def _fold_of(group: str, seed: int) -> int:
    return int(hashlib.sha256(f"{seed}/{group}".encode()).hexdigest(), 16) % FOLDS


THRESHOLD_RANGE = (0.25, 0.75)  # out-of-fold F1 is noisy for labels held by a few contracts
UNION_MARGIN = 0.02  # out-of-fold F1 gain needed before a label also accepts keyword hits


def _f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = int(np.sum(pred & (y == 1)))
    return 2 * tp / max(1, 2 * tp + int(np.sum(pred & (y == 0))) + int(np.sum(~pred & (y == 1))))


def _best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """Threshold that maximises F1 on out-of-fold predictions, kept within THRESHOLD_RANGE."""
    best_t, best_f = 0.5, -1.0
    for t in np.arange(THRESHOLD_RANGE[0], THRESHOLD_RANGE[1] + 1e-9, 0.025):
        pred = p >= t
        tp = int(np.sum(pred & (y == 1)))
        fp = int(np.sum(pred & (y == 0)))
        fn = int(np.sum(~pred & (y == 1)))
        f = 2 * tp / max(1, 2 * tp + fp + fn)
        if f >= best_f:
            best_t, best_f = float(t), f
    return best_t


def fit(train: Stacked, seed: int, log: Callable[[str], None] = print, jobs: int = 1) -> dict[str, object]:
    y = train.y.copy()
    y[unclassifiable_rows(train.inputs)] = -1  # the scanner never asks about these: not training rows
    train = window_rows(Stacked(train.inputs, y, train.groups, train.doc_index))
    word, char = make_vectorizers()
    t = time.perf_counter()
    word.fit(train.inputs)
    char.fit(train.inputs)
    cues = cue_data()
    x = transform(word, char, train.inputs, compile_cues(cues))
    log(f"features: {x.shape[1]} ({time.perf_counter() - t:.1f}s)")
    return {"word": word, "char": char, "cues": cues, **fit_labels(x, train.y, train.groups, seed, log, jobs)}


@dataclass
class LabelFit:
    coef: np.ndarray | None  # None: too few positives, not trained
    intercept: float
    threshold: float
    calibration: tuple[float, float]
    union: bool
    positives: int
    negatives: int
    message: str


# The training matrix for forked label workers: set before the pool forks, read-only in the workers
# (copy-on-write, so the matrix is not pickled to each process).
_SHARED: dict[str, object] = {}


def _map(fn: Callable[[_T], _R], items: list[_T], jobs: int) -> list[_R]:
    """``[fn(x) for x in items]``, in up to ``jobs`` forked processes (children inherit the parent's
    data copy-on-write; each scikit-learn fit is single-threaded)."""
    if jobs <= 1 or len(items) <= 1:
        return [fn(x) for x in items]
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(min(jobs, len(items))) as pool:
        return pool.map(fn, items, chunksize=1)


def _new_model(seed: int) -> LogisticRegression:
    return LogisticRegression(C=C_VALUE, solver="liblinear", max_iter=300, random_state=seed, class_weight=CLASS_WEIGHT)


def _fit_label(j: int) -> LabelFit:
    """One label: out-of-fold threshold, calibration and keyword union, then the fit on all known rows."""
    x, y, folds, hits, seed = (_SHARED[k] for k in ("x", "y", "folds", "hits", "seed"))
    label = LABELS[j]
    known = y[:, j] >= 0  # type: ignore[index]
    yj = y[known, j]  # type: ignore[index]
    pos, neg = int(np.sum(yj == 1)), int(np.sum(yj == 0))
    if pos < MIN_POSITIVES:
        # A handful of positives (staff transfer: one TUPE-heavy contract) cannot teach a model; a
        # label it never predicts would read as "missing" in every report. The keyword pattern
        # stands in (union with a model that never fires).
        return LabelFit(None, -10.0, 0.5, (1.0, 0.0), True, pos, neg, f"{label}: {pos} positives, keyword pattern only")
    xj = x[np.nonzero(known)[0]]  # type: ignore[index]
    fj = folds[known]  # type: ignore[index]
    oof = np.zeros(len(yj), dtype=np.float64)
    scored = np.zeros(len(yj), dtype=bool)
    for k in range(FOLDS):
        tr, va = fj != k, fj == k
        if not va.any() or len(set(yj[tr])) < 2:
            continue
        scored |= va
        oof[va] = _new_model(seed).fit(xj[tr], yj[tr]).predict_proba(xj[va])[:, 1]  # type: ignore[arg-type]
    threshold = _best_threshold(yj, oof)
    # Per-label ensemble, chosen on out-of-fold training predictions only: where the label's
    # keyword pattern adds recall the model misses (labels held by few contracts), a keyword hit
    # also counts.
    kw = hits[known, j]  # type: ignore[index]
    f_model = _f1(yj, oof >= threshold)
    f_union = _f1(yj, (oof >= threshold) | kw)
    union = f_union > f_model + UNION_MARGIN
    m = _new_model(seed).fit(xj, yj)  # type: ignore[arg-type]
    note = f", keyword union (out-of-fold F1 {f_model:.2f} -> {f_union:.2f})" if union else ""
    return LabelFit(
        m.coef_[0].astype(np.float32),
        float(m.intercept_[0]),
        threshold,
        platt(yj[scored], oof[scored]),
        bool(union),
        pos,
        neg,
        f"{label}: {pos} positives / {len(yj)} known, threshold {threshold:.3f}{note}",
    )


def fit_labels(
    x: sparse.csr_matrix,
    y: np.ndarray,
    groups: np.ndarray,
    seed: int,
    log: Callable[[str], None] = print,
    jobs: int = 1,
) -> dict[str, object]:
    """One logistic regression per label on a feature matrix whose last 28 columns are the keyword
    features (see _fit_label). ``jobs`` labels are fitted at once in forked processes; the result
    does not depend on it."""
    n_feat = x.shape[1]
    _SHARED.update(
        x=x,
        y=y,
        folds=np.array([_fold_of(g, seed) for g in groups]),
        hits=keyword_hits(x, len(LABELS)),
        seed=seed,
    )
    try:
        fits = _map(_fit_label, list(range(len(LABELS))), jobs)
    finally:
        _SHARED.clear()
    coef = np.zeros((len(LABELS), n_feat), dtype=np.float32)
    for j, f in enumerate(fits):
        if f.coef is not None:
            coef[j] = f.coef
        log(f.message)
    return {
        "coef": coef,
        "intercept": np.array([f.intercept for f in fits], dtype=np.float32),
        "thresholds": np.array([f.threshold for f in fits], dtype=np.float32),
        "calibration": np.array([f.calibration for f in fits], dtype=np.float32),
        "counts": {lab: {"positives": f.positives, "negatives": f.negatives} for lab, f in zip(LABELS, fits)},
        "keyword_union": np.array([f.union for f in fits], dtype=bool),
    }


def platt(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """Platt scaling: (slope, offset) of a 1-D logistic fit of the label on the out-of-fold logit.

    Balanced class weights make the raw probabilities overstate rare labels (a 0.5 means "as likely
    as not" only when positives and negatives are equally common); the fit restores the real base
    rate. Identity when the fit is degenerate (one class, or a slope that is not positive)."""
    if len(set(y.tolist())) < 2:
        return 1.0, 0.0
    z = logit(p).reshape(-1, 1)
    m = LogisticRegression(C=100.0, solver="lbfgs", max_iter=1000)
    m.fit(z, y)
    slope, offset = float(m.coef_[0, 0]), float(m.intercept_[0])
    return (slope, offset) if slope > 0 else (1.0, 0.0)


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(f, 3),
        "support": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def clause_metrics(y: np.ndarray, pred: np.ndarray) -> dict[str, dict[str, float | int]]:
    out = {}
    for j, label in enumerate(LABELS):
        known = y[:, j] >= 0
        yt, yp = y[known, j] == 1, pred[known, j]
        out[label] = prf(int(np.sum(yt & yp)), int(np.sum(~yt & yp)), int(np.sum(yt & ~yp)))
    return out


# CUAD's "Notice Period to Terminate Renewal" is narrower than termination_notice_period: the
# notice that ends an evergreen or renewing term. A notice clause answers it when it speaks of the
# term's renewal or end (CUAD's own spans: "Thereafter ... until either party gives six months'
# notice", "at the end of the Initial Term"). The pattern was chosen among four on the CUAD
# training contracts (document-level F1 0.71-0.75 there), not on the test contracts.
RENEWAL_RE = re.compile(
    r"renew|initial term|then[- ]current|anniversary|thereafter|month[- ]to[- ]month"
    r"|end of the (?:initial |then[- ]current |applicable )?term",
    re.IGNORECASE,
)


def doc_presence_metrics(
    docs: list[LabelledDoc],
    pred_by_doc: list[np.ndarray],
    gold: Mapping[str, Mapping[str, tuple[str, ...]]] | None = None,
) -> dict[str, dict[str, float | int]]:
    """Does the contract contain the label at all? Gold: CUAD's answer for the 9 mapped categories.

    One more row asks CUAD's narrower renewal question (CUAD_RENEWAL_ROW): a clause predicted
    termination_notice_period that speaks of renewal or the end of a term."""
    if gold is None:  # CUAD file name -> category -> expert spans
        from clausescan.nlp.cuad import contracts

        gold = {con.filename: con.spans for con in contracts()}
    # (row name, CUAD category, label, clauses that count: None = all of them)
    rows: list[tuple[str, str, str, re.Pattern[str] | None]] = [
        (label, cat, label, None) for cat, label in CUAD_MAP.items()
    ]
    rows.append((CUAD_RENEWAL_ROW, "Notice Period to Terminate Renewal", "termination_notice_period", RENEWAL_RE))
    out = {}
    for row, cat, label, clause_filter in rows:
        j = LABELS.index(label)
        tp = fp = fn = 0
        for d, pred in zip(docs, pred_by_doc):
            fname = d.cuad_filename
            if fname is None or fname not in gold:
                continue
            hits = pred[:, j]
            if clause_filter is not None:
                hits = hits & np.array([clause_filter.search(t) is not None for t in d.inputs], dtype=bool)
            g, p = bool(gold[fname].get(cat)), bool(hits.any())
            tp += g and p
            fp += p and not g
            fn += g and not p
        out[row] = {**prf(tp, fp, fn), "cuad_category": cat}
    return out


def doc_presence_hand(y_by_doc: list[np.ndarray], pred_by_doc: list[np.ndarray]) -> dict[str, dict[str, float | int]]:
    """Does the contract contain the label at all? Gold: any hand-labelled clause with it. This is the
    question the playbook asks (present or missing), for all 28 labels. In a hand-labelled document
    an unknown (-1) is a piece of a clause labelled with it (dataset.row_labels), so it counts."""
    gold = np.array([(y != 0).any(axis=0) for y in y_by_doc]).reshape(-1, len(LABELS))
    pred = np.array([p.any(axis=0) for p in pred_by_doc]).reshape(-1, len(LABELS))
    out = {}
    for j, label in enumerate(LABELS):
        g, p = gold[:, j], pred[:, j]
        out[label] = prf(int(np.sum(g & p)), int(np.sum(~g & p)), int(np.sum(g & ~p)))
    return out


def predict_docs(predict: Callable[[list[str]], np.ndarray], docs: list[LabelledDoc]) -> list[np.ndarray]:
    return [predict(d.inputs) if d.inputs else np.zeros((0, len(LABELS)), dtype=bool) for d in docs]


def keyword_predict(texts: list[str]) -> np.ndarray:
    from clausescan.nlp.keywords import load_keyword_tagger

    tagger = load_keyword_tagger()
    out = np.zeros((len(texts), len(LABELS)), dtype=bool)
    for i, labs in enumerate(tagger.predict(texts)):
        for lab in labs:
            out[i, LABELS.index(lab.label)] = True
    return product_decisions(out, texts)


def attach_cuad_twins(docs: list[LabelledDoc]) -> None:
    """Hand-labelled CUAD contracts also count for document-level CUAD evaluation."""
    from clausescan.nlp.cuad import contracts, default_root

    root = default_root()
    by_source = {"cuad/" + c.txt_path.relative_to(root).as_posix(): c.filename for c in contracts(root)}
    for d in docs:
        if d.cuad_filename is None and d.source in by_source:
            d.cuad_filename = by_source[d.source]


def subsample(docs: list[LabelledDoc], n: int, seed: int) -> list[LabelledDoc]:
    """A deterministic subset (half hand-labelled, half CUAD) for quick runs and smoke tests."""

    def key(d: LabelledDoc) -> str:
        return hashlib.sha256(f"{seed}/{d.source}".encode()).hexdigest()

    hand = sorted((d for d in docs if d.hand), key=key)[: max(2, n // 2)]
    cuad = sorted((d for d in docs if not d.hand), key=key)[: max(0, n - len(hand))]
    return hand + cuad


def train_and_evaluate(
    out_dir: Path,
    seed: int = 13,
    log: Callable[[str], None] = print,
    max_documents: int | None = None,
    jobs: int = 1,
) -> dict[str, object]:
    from clausescan import __version__
    from clausescan.nlp.classifier import load_classifier, save_classifier

    t0 = time.perf_counter()
    docs = load_all()
    attach_cuad_twins(docs)
    if max_documents:
        docs = subsample(docs, max_documents, seed)
    train_docs, test_docs = split(docs, seed)
    log(
        f"documents: {len(docs)} ({sum(d.hand for d in docs)} hand-labelled); "
        f"train {len(train_docs)}, test {len(test_docs)}"
    )
    tr = stack(train_docs)
    model = fit(tr, seed, log, jobs)
    meta = {
        "version": f"{__version__}+seed{seed}",
        "seed": seed,
        "train_documents": sorted(d.source for d in train_docs),
        "test_documents": sorted(d.source for d in test_docs),
        "label_counts_train": model["counts"],
        "keyword_union": [lab for lab, u in zip(LABELS, model["keyword_union"]) if u],  # type: ignore[call-overload]
        "c": C_VALUE,
        "cues": model["cues"],
        "calibration": {
            lab: [round(float(a), 6), round(float(b), 6)]
            for lab, (a, b) in zip(LABELS, model["calibration"])  # type: ignore[call-overload]
        },
        "hand_documents": sum(d.hand for d in docs),
        "hand_clauses": sum(len(d.inputs) for d in docs if d.hand),
    }
    save_classifier(
        out_dir,
        list(LABELS),
        list(model["thresholds"]),
        model["coef"],
        model["intercept"],  # type: ignore[arg-type]
        model["word"],
        model["char"],
        meta,
    )
    train_seconds = time.perf_counter() - t0
    clf = load_classifier(out_dir)
    report = evaluate_docs(clf, test_docs)
    report.update(attribute_report())
    report["train_seconds"] = round(train_seconds, 1)
    report["seed"] = seed
    return report


def attribute_report() -> dict[str, object]:
    """The attribute extractors on the test half of the gold set (nlp.attribute_eval), for the card."""
    from clausescan.nlp import attribute_eval

    if not attribute_eval.GOLD.exists():
        return {}
    gold = attribute_eval.load_gold()
    return {
        "attributes_gold_clauses": len(gold),
        "attributes_test": attribute_eval.attribute_metrics(attribute_eval.select(gold, "test")),
        "attributes_dev": attribute_eval.attribute_metrics(attribute_eval.select(gold, "dev")),
    }


def evaluate_docs(clf: ClauseClassifier, test_docs: list[LabelledDoc]) -> dict[str, object]:
    def model_predict(texts: list[str]) -> np.ndarray:
        return product_decisions(clf.decide(texts)[1], texts)

    hand = [d for d in test_docs if d.hand]
    cuad = [d for d in test_docs if d.cuad_filename is not None]
    y_hand = stack(hand).y if hand else np.zeros((0, len(LABELS)), dtype=np.int8)
    pm, pk = predict_docs(model_predict, hand), predict_docs(keyword_predict, hand)
    report: dict[str, object] = {
        "test_documents": len(test_docs),
        "hand_test_documents": len(hand),
        "cuad_test_documents": len(cuad),
        "clause_level_hand": {
            "model": clause_metrics(y_hand, np.vstack(pm) if pm else np.zeros_like(y_hand, dtype=bool)),
            "keywords": clause_metrics(y_hand, np.vstack(pk) if pk else np.zeros_like(y_hand, dtype=bool)),
        },
    }
    if hand:
        report["document_level_hand"] = {
            "model": doc_presence_hand([d.y for d in hand], pm),
            "keywords": doc_presence_hand([d.y for d in hand], pk),
        }
    cuad_only = [d for d in test_docs if not d.hand]
    if cuad_only:
        y_c = stack(cuad_only).y
        cm = predict_docs(model_predict, cuad_only)
        ck = predict_docs(keyword_predict, cuad_only)
        report["clause_level_cuad"] = {
            "model": clause_metrics(y_c, np.vstack(cm)),
            "keywords": clause_metrics(y_c, np.vstack(ck)),
        }
    if cuad:
        dm, dk = predict_docs(model_predict, cuad), predict_docs(keyword_predict, cuad)
        report["document_level_cuad"] = {
            "model": doc_presence_metrics(cuad, dm),
            "keywords": doc_presence_metrics(cuad, dk),
        }
    if hand:
        report["calibration_hand"] = calibration_metrics(clf, hand)
    report["summary"] = summarise(report)
    return report


BINS = 10


def calibration_metrics(clf: ClauseClassifier, docs: list[LabelledDoc]) -> dict[str, object]:
    """Brier score, expected calibration error and a reliability table over every known
    (clause, label) pair of the documents, for the raw and the calibrated probabilities."""
    st = stack(docs)
    z = clf.logits(st.inputs)[0]
    known = (st.y >= 0) & ~unclassifiable_rows(st.inputs)[:, None]  # the scanner scores only these
    y = (st.y == 1)[known].astype(np.float64)
    out: dict[str, object] = {"pairs": int(known.sum()), "positives": int(y.sum())}
    for name, p in (("raw", sigmoid(z)), ("calibrated", clf.calibrate(z))):
        pk = p[known].astype(np.float64)
        bins = np.minimum((pk * BINS).astype(int), BINS - 1)
        table = []
        ece = 0.0
        for b in range(BINS):
            sel = bins == b
            n = int(sel.sum())
            if not n:
                continue
            mean_p, rate = float(pk[sel].mean()), float(y[sel].mean())
            ece += n / len(pk) * abs(mean_p - rate)
            table.append(
                {
                    "bin": f"{b / BINS:.1f}-{(b + 1) / BINS:.1f}",
                    "n": n,
                    "mean_score": round(mean_p, 3),
                    "positive_rate": round(rate, 3),
                }
            )
        out[name] = {"brier": round(float(np.mean((pk - y) ** 2)), 5), "ece": round(ece, 4), "reliability": table}
    return out


def summarise(report: dict[str, object]) -> dict[str, object]:
    hand = report["clause_level_hand"]  # type: ignore[index]
    out: dict[str, object] = {}
    for who in ("model", "keywords"):
        rows = hand[who]  # type: ignore[index]
        eligible = {k: v for k, v in rows.items() if v["support"] >= 10}
        out[f"{who}_macro_f1_labels_with_10_test_positives"] = _macro(rows, 10)
        out[f"{who}_eligible_labels"] = sorted(eligible)
        if "document_level_hand" in report:
            docs = report["document_level_hand"][who]  # type: ignore[index]
            out[f"{who}_document_macro_f1_labels_in_5_test_documents"] = _macro(docs, DOC_MIN_SUPPORT)
    return out


DOC_MIN_SUPPORT = 5  # contracts holding the label, for a document-level F1 to count in the macro


def _macro(metrics: dict[str, dict[str, float | int]], min_support: int) -> float | None:
    eligible = [float(v["f1"]) for v in metrics.values() if int(v["support"]) >= min_support]
    return round(float(np.mean(eligible)), 3) if eligible else None


def _cv_fold(
    args: tuple[list[LabelledDoc], list[LabelledDoc], int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    train, test, seed = args
    model = fit(stack(train), seed, lambda s: None)
    te = stack(test)
    pred = product_decisions(classifier_of(model).decide(te.inputs)[1], te.inputs)
    return pred, keyword_predict(te.inputs), te.y, te.doc_index


def cv_tasks(
    docs: list[LabelledDoc], seed: int, folds: int
) -> tuple[list[str], list[tuple[list[LabelledDoc], list[LabelledDoc], int]]]:
    """The hand-labelled contract groups, and per fold (training documents, test documents, seed):
    each group is tested in one fold; CUAD-only contracts are always in training."""
    hand_groups = sorted(
        {d.group for d in docs if d.hand}, key=lambda g: hashlib.sha256(f"{seed}:{g}".encode()).hexdigest()
    )
    fold_of = {g: i % folds for i, g in enumerate(hand_groups)}
    tasks = [
        (
            [d for d in docs if not (d.hand and fold_of[d.group] == k)],
            [d for d in docs if d.hand and fold_of[d.group] == k],
            seed,
        )
        for k in range(folds)
    ]
    return hand_groups, tasks


def cross_validate(
    seed: int = 13,
    folds: int = 5,
    log: Callable[[str], None] = print,
    jobs: int = 1,
    docs: list[LabelledDoc] | None = None,
) -> dict[str, object]:
    """Grouped k-fold over the hand-labelled contracts: each is predicted by a model trained without
    its group (plus all CUAD-only contracts, which are never scored here). Same fit() as train.
    ``jobs`` folds run at once (forked processes; each fit is single-threaded). ``docs`` defaults to
    every labelled document on this machine."""
    docs = load_all() if docs is None else docs
    hand_groups, tasks = cv_tasks(docs, seed, folds)
    results = _map(_cv_fold, tasks, jobs)
    for k, t in enumerate(tasks):
        log(f"fold {k + 1}/{folds}: {len(t[1])} test documents")
    y = np.vstack([r[2] for r in results])
    out: dict[str, object] = {"folds": folds, "documents": len(hand_groups)}
    # per contract: the rows of one test document share (fold, doc_index)
    doc_rows = [(r, r[3] == i) for r in results for i in np.unique(r[3])]
    y_by_doc = [r[2][rows] for r, rows in doc_rows]
    for w, who in enumerate(("model", "keywords")):
        met = clause_metrics(y, np.vstack([r[w] for r in results]))
        out[who] = met
        out[f"{who}_macro_f1"] = _macro(met, 10)
        docs_met = doc_presence_hand(y_by_doc, [r[w][rows] for r, rows in doc_rows])
        out[f"{who}_documents"] = docs_met
        out[f"{who}_document_macro_f1"] = _macro(docs_met, DOC_MIN_SUPPORT)
    return out


def main() -> None:
    """``python -m clausescan.nlp.train --cv``: write models/cross_validation.json (slow: k models)."""
    import argparse
    import json

    from clausescan.nlp.classifier import model_dirs

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--cv", action="store_true", required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--jobs", type=int, default=2, help="folds trained at once (default 2)")
    args = ap.parse_args()
    result = cross_validate(args.seed, args.folds, jobs=args.jobs)
    out = model_dirs()[-1] / "cross_validation.json"
    out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", "utf-8")
    print(f"model macro-F1 {result['model_macro_f1']}, keywords {result['keywords_macro_f1']} -> {out}")
    evaluation = out.parent / "evaluation.json"
    if evaluation.exists():  # the card shows the cross-validation too: render it again
        from clausescan.nlp.classifier import load_classifier
        from clausescan.nlp.model_card import write_card

        clf = load_classifier(out.parent)
        report = json.loads(evaluation.read_text("utf-8"))
        write_card(out.parent, report, clf.meta, float(clf.meta.get("load_seconds", 0.0)))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
