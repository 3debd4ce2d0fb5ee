"""Text features for the clause classifier: legal-aware normalisation + word and char TF-IDF.

Numbers become 0 (so "30 days" and "90 days" share features), quotes are straightened and the
heading context ("Termination // Effect of Termination // ...") is part of the text.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Union

import numpy as np
from scipy import sparse

if TYPE_CHECKING:  # scikit-learn is imported only to train: scanning needs numpy and scipy
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
    from sklearn.feature_extraction.text import TfidfVectorizer

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


Vectorizer = Union["TfidfVectorizer", "FittedTfidf"]


def transform(word: Vectorizer, char: Vectorizer, texts: list[str]) -> sparse.csr_matrix:
    if isinstance(word, FittedTfidf) and isinstance(char, FittedTfidf):
        norm = [normalise(t) for t in texts]  # once for both
        parts = [word.transform_normalised(norm), char.transform_normalised(norm)]
    else:
        parts = [word.transform(texts), char.transform(texts)]
    return sparse.hstack([*parts, keyword_matrix(texts)], format="csr")


class FittedTfidf:
    """A fitted TfidfVectorizer's transform, rebuilt for speed: the same matrix, 5-10x faster.

    scikit-learn's analyzer builds every character n-gram of every word as a new string and looks
    it up, which was 60% of a scan's time (profile in benchmarks/README.md). Words repeat, so this
    caches each word's n-gram columns and only counts. Equality with scikit-learn's output is
    pinned by tests/test_features.py on real contract text.
    """

    _CACHE_LIMIT = 300_000  # distinct words remembered per process (~100 MB worst case)

    def __init__(
        self,
        analyzer: str,
        ngram_range: tuple[int, int],
        token_pattern: str,
        vocabulary: dict[str, int],
        idf: np.ndarray,
    ) -> None:
        if analyzer not in ("word", "char_wb") or (analyzer == "word" and tuple(ngram_range) != (1, 2)):
            raise ValueError(f"unsupported vectorizer: {analyzer} {ngram_range}")
        self.analyzer = analyzer
        self.ngram_range = tuple(ngram_range)
        self.token_pattern = token_pattern
        self.vocabulary_ = vocabulary
        self.idf_ = idf.astype(np.float32)
        self._tokens = re.compile(token_pattern)
        self._cache: dict[str, list[int]] = {}

    def _word_columns(self, word: str) -> list[int]:
        """Vocabulary columns of a word's char_wb n-grams, as scikit-learn's _char_wb_ngrams makes them."""
        padded = f" {word} "
        lo, hi = self.ngram_range
        vocab = self.vocabulary_
        cols = []
        for n in range(lo, hi + 1):
            if len(padded) <= n:  # the whole padded word once, then no longer n-grams
                col = vocab.get(padded)
                if col is not None:
                    cols.append(col)
                break
            for i in range(len(padded) - n + 1):
                col = vocab.get(padded[i : i + n])
                if col is not None:
                    cols.append(col)
        return cols

    def _columns(self, norm: str) -> list[int]:
        vocab = self.vocabulary_
        if self.analyzer == "word":
            toks = self._tokens.findall(norm)
            grams = toks + [f"{a} {b}" for a, b in itertools.pairwise(toks)]
            return [c for c in map(vocab.get, grams) if c is not None]
        cache = self._cache
        if len(cache) > self._CACHE_LIMIT:
            cache.clear()
        cols: list[int] = []
        for w in norm.split():
            hit = cache.get(w)
            if hit is None:
                hit = cache[w] = self._word_columns(w)
            cols.extend(hit)
        return cols

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        return self.transform_normalised([normalise(t) for t in texts])

    def transform_normalised(self, texts: list[str]) -> sparse.csr_matrix:
        """transform() for texts already passed through normalise()."""
        indptr = [0]
        indices: list[int] = []
        for text in texts:
            indices.extend(self._columns(text))
            indptr.append(len(indices))
        counts = sparse.csr_matrix(
            (
                np.ones(len(indices), dtype=np.float32),
                np.asarray(indices, dtype=np.int32),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(texts), len(self.idf_)),
        )
        counts.sum_duplicates()  # also sorts the indices, as scikit-learn's output is
        data = (np.log(counts.data) + 1) * self.idf_[counts.indices]  # sublinear tf x idf
        rows = np.repeat(np.arange(len(texts)), np.diff(counts.indptr))
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=len(texts)))
        counts.data = (data / norms[rows]).astype(np.float32)  # l2: a row with data has a norm > 0
        return counts


def vectorizer_state(vec: TfidfVectorizer) -> dict[str, object]:
    """Everything needed to rebuild a fitted vectorizer, as plain JSON + one array."""
    return {
        "analyzer": vec.analyzer,
        "ngram_range": list(vec.ngram_range),
        "token_pattern": vec.token_pattern,
        "vocabulary": {k: int(v) for k, v in sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])},
    }


def rebuild_vectorizer(state: dict[str, object], idf: np.ndarray) -> FittedTfidf:
    return FittedTfidf(
        analyzer=state["analyzer"],  # type: ignore[arg-type]
        ngram_range=tuple(state["ngram_range"]),  # type: ignore[arg-type]
        token_pattern=state["token_pattern"],  # type: ignore[arg-type]
        vocabulary=state["vocabulary"],  # type: ignore[arg-type]
        idf=idf,
    )


def rebuild_sklearn_vectorizer(state: dict[str, object], idf: np.ndarray) -> TfidfVectorizer:
    """The scikit-learn vectorizer a saved state came from: the reference FittedTfidf is tested against."""
    from sklearn.feature_extraction.text import TfidfVectorizer

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
