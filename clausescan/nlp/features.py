"""Text features for the clause classifier: legal-aware normalisation + word and char TF-IDF.

Numbers become 0 (so "30 days" and "90 days" share features), quotes are straightened and the
heading context ("Termination // Effect of Termination // ...") is part of the text.
"""

from __future__ import annotations

import re

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

_DIGITS_RE = re.compile(r"\d+")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2014": "-"})
MAX_CHARS = 3000  # long clauses: the opening carries the provision; cap the cost
WORD_TOKEN = r"(?u)\b[a-z][a-z0-9'-]*\b|\b0\b"


def normalise(text: str) -> str:
    return _DIGITS_RE.sub("0", text[:MAX_CHARS].translate(_QUOTES).lower())


def make_vectorizers(
    word_features: int = 60000, char_features: int = 120000
) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    word = TfidfVectorizer(
        preprocessor=normalise,
        token_pattern=WORD_TOKEN,
        ngram_range=(1, 2),
        min_df=2,
        max_features=word_features,
        sublinear_tf=True,
        dtype=np.float32,
    )
    char = TfidfVectorizer(
        preprocessor=normalise,
        analyzer="char_wb",
        ngram_range=(3, 5),
        min_df=3,
        max_features=char_features,
        sublinear_tf=True,
        dtype=np.float32,
    )
    return word, char


KEYWORD_WEIGHT = 0.5  # scale of the 28 keyword-pattern indicator features


def keyword_matrix(texts: list[str]) -> sparse.csr_matrix:
    """One indicator column per label: does the label's keyword pattern match the text?"""
    from clausescan.nlp.keywords import load_keyword_tagger
    from clausescan.taxonomy import LABELS

    tagger = load_keyword_tagger()
    rows, cols = [], []
    for i, labels in enumerate(tagger.predict(texts)):
        for lab in labels:
            rows.append(i)
            cols.append(LABELS.index(lab.label))
    data = np.full(len(rows), KEYWORD_WEIGHT, dtype=np.float32)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(texts), len(LABELS)), dtype=np.float32)


def transform(word: TfidfVectorizer, char: TfidfVectorizer, texts: list[str]) -> sparse.csr_matrix:
    return sparse.hstack([word.transform(texts), char.transform(texts), keyword_matrix(texts)], format="csr")


def vectorizer_state(vec: TfidfVectorizer) -> dict[str, object]:
    """Everything needed to rebuild a fitted vectorizer, as plain JSON + one array."""
    return {
        "analyzer": vec.analyzer,
        "ngram_range": list(vec.ngram_range),
        "token_pattern": vec.token_pattern,
        "vocabulary": {k: int(v) for k, v in sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])},
    }


def rebuild_vectorizer(state: dict[str, object], idf: np.ndarray) -> TfidfVectorizer:
    vec = TfidfVectorizer(
        preprocessor=normalise,
        analyzer=state["analyzer"],  # type: ignore[arg-type]
        token_pattern=state["token_pattern"],  # type: ignore[arg-type]
        ngram_range=tuple(state["ngram_range"]),  # type: ignore[arg-type]
        vocabulary=state["vocabulary"],
        sublinear_tf=True,
        dtype=np.float32,
    )
    vec.idf_ = idf.astype(np.float64)
    return vec
