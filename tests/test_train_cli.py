"""CliRunner tests for `clausescan train` and `clausescan evaluate` (need ../shared/data)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from clausescan.cli import main
from clausescan.nlp.classifier import load_classifier

from .conftest import REPO, shared


def test_train_small_subset_writes_model_card_and_evaluation(tmp_path: Path) -> None:
    shared("cuad/master_clauses.csv")
    out = tmp_path / "model"
    r = CliRunner().invoke(main, ["train", "--out", str(out), "--max-documents", "14", "--format", "json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.output[r.output.index("{") :])
    assert "clause_level_hand" in report and "summary" in report
    for name in ("clause_classifier.json", "clause_classifier.npz", "MODEL_CARD.md", "evaluation.json"):
        assert (out / name).exists(), name
    clf = load_classifier(out)
    assert len(clf.labels) == 28
    assert "Macro-F1" in (out / "MODEL_CARD.md").read_text()


def test_evaluate_on_the_second_annotators_labels() -> None:
    shared("cuad/master_clauses.csv")
    labels = REPO / "data" / "labels" / "agreement"
    r = CliRunner().invoke(main, ["evaluate", "--labels", str(labels)])
    assert r.exit_code == 0, r.output
    assert "termination_assistance" in r.output and "model" in r.output.lower()
    text = r.output
    r = CliRunner().invoke(main, ["evaluate", "--labels", str(labels), "--format", "json"])
    data = json.loads(r.output)
    assert data["hand_test_documents"] == len(list(labels.glob("*.jsonl")))
    assert "Document level (contract contains the label), hand-labelled" in text
    docs = data["document_level_hand"]["model"]
    assert all(0 <= m["support"] <= data["hand_test_documents"] for m in docs.values())
    assert data["summary"]["model_document_macro_f1_labels_in_5_test_documents"] is not None
