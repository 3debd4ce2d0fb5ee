"""The shipped classifier and the training procedure."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from clausescan.nlp.classifier import MODEL_NAME, find_model, load_classifier
from clausescan.nlp.dataset import LabelledDoc, cuad_group, split
from clausescan.nlp.train import fit, stack
from clausescan.taxonomy import LABELS


def test_shipped_model_loads_without_pickle() -> None:
    d = find_model()
    with zipfile.ZipFile(d / f"{MODEL_NAME}.npz") as zf:
        for name in zf.namelist():
            with zf.open(name) as fh:
                header = fh.read(10)
                assert header.startswith(b"\x93NUMPY")  # plain arrays only
    np.load(d / f"{MODEL_NAME}.npz", allow_pickle=False)  # raises if any array needs pickle
    meta = json.loads((d / f"{MODEL_NAME}.json").read_text())
    assert meta["labels"] == list(LABELS)
    clf = load_classifier()
    assert clf.coef.shape[0] == len(LABELS) and 0 < float(clf.thresholds.min()) <= float(clf.thresholds.max()) < 1
    assert set(meta["train_documents"]).isdisjoint(meta["test_documents"])


def test_model_separates_obvious_clauses() -> None:
    clf = load_classifier()
    texts = [
        "The Supplier shall provide Termination Assistance Services to the Customer and any Replacement "
        "Supplier for up to twelve months after termination.",
        "This Agreement shall be governed by the laws of the State of New York.",
    ]
    labels = [{lab.label for lab in row} for row in clf.predict(texts)]
    assert "termination_assistance" in labels[0]
    assert not labels[1] & {"termination_assistance", "data_return", "exit_plan"}


def _toy_docs() -> list[LabelledDoc]:
    rng = np.random.default_rng(0)
    docs = []
    for i in range(8):
        inputs, ys = [], []
        for k in range(30):
            pos = (i + k) % 3 == 0
            inputs.append(
                "the supplier shall provide termination assistance on exit"
                if pos
                else f"payment terms clause {rng.integers(1000)} governed by law"
            )
            y = np.zeros(len(LABELS), dtype=np.int8)
            y[LABELS.index("termination_assistance")] = int(pos)
            ys.append(y)
        docs.append(LabelledDoc(f"doc{i}", f"g{i}", "toy", inputs, inputs, np.vstack(ys), True))
    return docs


def test_training_is_deterministic_for_a_seed() -> None:
    pytest.importorskip("sklearn")
    a = fit(stack(_toy_docs()), seed=7, log=lambda s: None)
    b = fit(stack(_toy_docs()), seed=7, log=lambda s: None)
    assert np.array_equal(a["coef"], b["coef"]) and np.array_equal(a["thresholds"], b["thresholds"])
    j = LABELS.index("termination_assistance")
    assert np.abs(a["coef"][j]).sum() > 0


def test_split_is_by_contract_group() -> None:
    empty = np.zeros((0, len(LABELS)), dtype=np.int8)
    parts = [
        LabelledDoc(f"cuad/x_Part{i}", cuad_group(f"X_Part{i}"), "cuad:Service", [], [], empty, False) for i in (1, 2)
    ]
    docs = [*_toy_docs(), *parts]
    train, test = split(docs, seed=3)
    assert {d.group for d in train}.isdisjoint({d.group for d in test})
    assert len(train) + len(test) == len(docs) and test
    assert cuad_group("A (1)") == cuad_group("A - Escrow Agreement") == cuad_group("A")
