"""The trained clause classifier: load from models/ (JSON + NumPy, never pickle) and predict.

Files in the model directory:
  clause_classifier.json   labels, thresholds, vectorizer vocabularies, training metadata
  clause_classifier.npz    idf vectors, coefficients (labels x features) and intercepts
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from clausescan.model import Label
from clausescan.nlp.features import Cues, compile_cues, expand_windows, keyword_hits, rebuild_vectorizer, transform

MODEL_NAME = "clause_classifier"
MIN_POSITIVES = 20  # a label with fewer training positives gets no model; its keyword pattern decides


def model_dirs() -> list[Path]:
    """Where the model may live: packaged in the wheel, or models/ beside an editable checkout."""
    dirs = []
    with contextlib.suppress(ModuleNotFoundError, TypeError):
        dirs.append(Path(str(resources.files("clausescan").joinpath("_models"))))
    dirs.append(Path(__file__).resolve().parents[2] / "models")
    return dirs


def find_model(directory: Path | None = None) -> Path:
    for d in [directory] if directory else model_dirs():
        if (d / f"{MODEL_NAME}.json").exists() and (d / f"{MODEL_NAME}.npz").exists():
            return d
    raise FileNotFoundError(f"{MODEL_NAME}.json/.npz not found in {', '.join(map(str, model_dirs()))}")


@dataclass
class ClauseClassifier:
    labels: tuple[str, ...]
    thresholds: np.ndarray
    coef: np.ndarray  # (labels, features) float32
    intercept: np.ndarray
    word: object
    char: object
    meta: dict[str, object] = field(default_factory=dict)
    name: str = "clause-classifier"
    fingerprint: str = ""
    keyword_union: np.ndarray | None = None  # labels where a keyword hit also counts (chosen in training)
    calibration: np.ndarray | None = None  # (labels, 2): Platt slope and offset on the logit
    cues: Cues | None = None  # cue columns the model was trained with (None: a model without them)

    def __post_init__(self) -> None:
        # (features, labels) in C order: `x @ coef.T` would copy the 20 MB matrix on every call
        self.coef_t = np.ascontiguousarray(self.coef.T)
        self.coef = self.coef_t.T  # a view: one copy in memory
        # Decisions compare the raw probability with the tuned threshold; the score reported is the
        # calibrated probability of the same logit. Both are monotone in it, so a label is decided
        # exactly when its calibrated score reaches the threshold's calibrated image.
        cal = self.calibration if self.calibration is not None else np.tile([1.0, 0.0], (len(self.labels), 1))
        self.slope = np.asarray(cal[:, 0], dtype=np.float32)
        self.offset = np.asarray(cal[:, 1], dtype=np.float32)
        self.score_thresholds = self.calibrate(logit(self.thresholds))

    def scores(self, texts: list[str]) -> np.ndarray:
        """Calibrated probability per (text, label)."""
        return self.decide(texts)[0]

    def decide(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(calibrated probabilities, decisions): over threshold, or a keyword hit for the union labels."""
        z, hits = self.logits(texts)
        decided = sigmoid(z) >= self.thresholds
        if self.keyword_union is not None:
            decided |= hits & self.keyword_union
        return self.calibrate(z), decided

    def calibrate(self, z: np.ndarray) -> np.ndarray:
        """Calibrated probabilities of logits (identity on the raw probability without calibration)."""
        return sigmoid(self.slope * z + self.offset).astype(np.float32)

    def logits(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(logit, keyword hit) per (text, label).

        A long text is read as overlapping windows (features.windows); it gets the highest logit of
        its windows, and a keyword hit in any window.
        """
        if not texts:
            empty = np.zeros((0, len(self.labels)), dtype=np.float32)
            return empty, empty.astype(bool)
        flat, starts = expand_windows(texts)
        x = transform(self.word, self.char, flat, self.cues)  # type: ignore[arg-type]
        z = np.asarray(x @ self.coef_t) + self.intercept
        hits = keyword_hits(x, len(self.labels))
        if len(flat) != len(texts):
            z = np.maximum.reduceat(z, starts, axis=0)
            hits = np.logical_or.reduceat(hits, starts, axis=0)
        return z, hits

    def predict(self, texts: list[str]) -> list[tuple[Label, ...]]:
        probs, decided = self.decide(texts)
        out = []
        for row, yes in zip(probs, decided):
            # a label accepted on a keyword hit reports at least its threshold's score
            out.append(
                tuple(
                    Label(self.labels[i], float(round(max(row[i], self.score_thresholds[i]), 4)))
                    for i in np.nonzero(yes)[0]
                )
            )
        return out


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function: probability of a logit."""
    return 1.0 / (1.0 + np.exp(-z))


def logit(p: np.ndarray) -> np.ndarray:
    """sigmoid's inverse, with probabilities kept off 0 and 1."""
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _calibration(meta: dict[str, object]) -> np.ndarray | None:
    cal = meta.get("calibration")
    if not isinstance(cal, dict):
        return None  # a model saved before calibration: scores are the raw probabilities
    return np.array([cal.get(lab, [1.0, 0.0]) for lab in meta["labels"]], dtype=np.float32)  # type: ignore[union-attr]


def load_classifier(directory: Path | None = None) -> ClauseClassifier:
    d = find_model(directory)
    t = time.perf_counter()
    raw = (d / f"{MODEL_NAME}.json").read_bytes()
    npz = (d / f"{MODEL_NAME}.npz").read_bytes()
    meta = json.loads(raw)
    arrays = np.load(io.BytesIO(npz), allow_pickle=False)
    word = rebuild_vectorizer(meta["word"], arrays["word_idf"])
    char = rebuild_vectorizer(meta["char"], arrays["char_idf"])
    clf = ClauseClassifier(
        labels=tuple(meta["labels"]),
        thresholds=np.asarray(meta["thresholds"], dtype=np.float32),
        coef=arrays["coef"].astype(np.float32),
        intercept=arrays["intercept"].astype(np.float32),
        word=word,
        char=char,
        meta={k: v for k, v in meta.items() if k not in ("word", "char")},
        name=f"clause-classifier {meta.get('version', '?')}",
        fingerprint=hashlib.sha256(raw + npz).hexdigest(),
        keyword_union=np.array([lab in set(meta.get("keyword_union", [])) for lab in meta["labels"]]),
        calibration=_calibration(meta),
        cues=compile_cues(meta["cues"]) if isinstance(meta.get("cues"), dict) else None,
    )
    clf.meta["load_seconds"] = round(time.perf_counter() - t, 3)
    return clf


def save_classifier(
    directory: Path,
    labels: list[str],
    thresholds: list[float],
    coef: np.ndarray,
    intercept: np.ndarray,
    word: object,
    char: object,
    meta: dict[str, object],
) -> None:
    from clausescan.nlp.features import vectorizer_state

    directory.mkdir(parents=True, exist_ok=True)
    doc = {
        **meta,
        "labels": labels,
        "thresholds": [round(float(t), 4) for t in thresholds],
        "word": vectorizer_state(word),
        "char": vectorizer_state(char),
    }  # type: ignore[arg-type]
    (directory / f"{MODEL_NAME}.json").write_text(json.dumps(doc, sort_keys=True, ensure_ascii=False), "utf-8")
    np.savez_compressed(
        directory / f"{MODEL_NAME}.npz",
        coef=coef.astype(np.float16),
        intercept=intercept.astype(np.float32),
        word_idf=word.idf_.astype(np.float32),
        char_idf=char.idf_.astype(np.float32),
    )  # type: ignore[attr-defined]
