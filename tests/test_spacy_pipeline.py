"""The classifier as registered spaCy components on spacy.blank("en"), equal to the direct path."""

from __future__ import annotations

import numpy as np
import spacy

from clausescan.nlp import default_tagger
from clausescan.nlp.pipeline import build_pipeline
from clausescan.taxonomy import LABELS

TEXTS = [
    "The Supplier shall provide Termination Assistance Services for up to twelve (12) months after termination.",
    "Each party shall keep the other party's Confidential Information confidential.",
    "This Agreement is governed by the laws of England and Wales.",
]


def test_factories_are_registered() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("clausescan_classifier")
    nlp.add_pipe("clausescan_attributes")
    assert nlp.pipe_names == ["clausescan_classifier", "clausescan_attributes"]


def test_pipeline_scores_match_direct_model() -> None:
    nlp = build_pipeline()
    docs = list(nlp.pipe(TEXTS))
    tagger = default_tagger()
    direct = tagger.predict(TEXTS)
    for doc, labels in zip(docs, direct):
        assert set(doc.cats) == set(LABELS)
        assert sorted(doc._.clause_labels) == sorted(lab.label for lab in labels)
        if hasattr(tagger, "scores"):
            expected = tagger.scores([doc.text])[0]
            got = np.array([doc.cats[lab] for lab in LABELS])
            assert np.allclose(got, expected, atol=1e-6)


def test_single_call_and_attributes() -> None:
    doc = build_pipeline()(TEXTS[0])
    assert "termination_assistance" in doc._.clause_labels
    assert doc._.clause_attributes.get("transition_days") == 360
