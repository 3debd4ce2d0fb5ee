"""spaCy integration: registered pipeline components for clause labels and attributes.

    import spacy
    from clausescan.nlp.pipeline import build_pipeline
    nlp = build_pipeline()                      # spacy.blank("en") + our components
    doc = nlp("The Supplier shall provide Termination Assistance for 12 months.")
    doc.cats                                    # {label: probability} for the 28 labels
    doc._.clause_labels, doc._.clause_attributes

The components wrap the same model object the scanner uses (`clausescan.nlp.default_tagger`),
so scores are identical; the batch scanner calls the model directly to avoid tokenising every
clause (spaCy's tokenizer would cost more than the PDF extraction itself, see benchmarks/).
No download, no network: the model comes from the package (models/).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from clausescan.nlp.attributes import extract
from clausescan.taxonomy import LABELS

for _name in ("clause_labels", "clause_attributes"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class ClauseClassifierComponent:
    """Sets ``doc.cats`` (all 28 labels) and ``doc._.clause_labels`` (those over threshold)."""

    def __init__(self, model_dir: str | None = None) -> None:
        from clausescan.nlp import default_tagger
        from clausescan.nlp.classifier import load_classifier

        self.model: Any = load_classifier(Path(model_dir)) if model_dir else default_tagger()

    def _decide(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        if hasattr(self.model, "decide"):
            return self.model.decide(texts)  # type: ignore[no-any-return]
        out = np.zeros((len(texts), len(LABELS)), dtype=np.float32)  # keyword fallback: 0/1
        for i, labels in enumerate(self.model.predict(texts)):
            for lab in labels:
                out[i, LABELS.index(lab.label)] = 1.0
        return out, out > 0

    def _set(self, doc: Doc, row: np.ndarray, yes: np.ndarray) -> None:
        doc.cats = {lab: float(row[i]) for i, lab in enumerate(LABELS)}
        doc._.clause_labels = [lab for i, lab in enumerate(LABELS) if yes[i]]

    def __call__(self, doc: Doc) -> Doc:
        probs, decided = self._decide([doc.text])
        self._set(doc, probs[0], decided[0])
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in stream:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._flush(batch)
                batch = []
        yield from self._flush(batch)

    def _flush(self, batch: list[Doc]) -> Iterator[Doc]:
        if not batch:
            return
        probs, decided = self._decide([d.text for d in batch])
        for doc, row, yes in zip(batch, probs, decided):
            self._set(doc, row, yes)
            yield doc


class ClauseAttributesComponent:
    """Sets ``doc._.clause_attributes`` from the labels the classifier gave the clause."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.clause_attributes = extract(doc.text, set(doc._.clause_labels or ()))
        return doc


@Language.factory("clausescan_classifier", default_config={"model_dir": None})
def make_classifier(nlp: Language, name: str, model_dir: str | None) -> ClauseClassifierComponent:
    return ClauseClassifierComponent(model_dir)


@Language.factory("clausescan_attributes")
def make_attributes(nlp: Language, name: str) -> ClauseAttributesComponent:
    return ClauseAttributesComponent()


def build_pipeline(model_dir: str | None = None) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("clausescan_classifier", config={"model_dir": model_dir})
    nlp.add_pipe("clausescan_attributes")
    return nlp
