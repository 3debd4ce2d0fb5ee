"""Text features for the clause classifier: legal-aware normalisation + word and char TF-IDF.

Numbers become 0 (so "30 days" and "90 days" share features), quotes are straightened and the
heading context ("Termination // Effect of Termination // ...") is part of the text.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

import numpy as np
from scipy import sparse

from clausescan.literals import fold, required_literals
from clausescan.nlp import own_lead_in, own_text

if TYPE_CHECKING:  # scikit-learn is imported only to train: scanning needs numpy and scipy
    from sklearn.feature_extraction.text import TfidfVectorizer

_DIGITS_RE = re.compile(r"\d+")
_QUOTE_PAIRS = (("\u201c", '"'), ("\u201d", '"'), ("\u2018", "'"), ("\u2019", "'"), ("\u2013", "-"), ("\u2014", "-"))
MAX_CHARS = 3000  # long clauses: the opening carries the provision; cap the cost
WORD_TOKEN = r"(?u)\b[a-z][a-z0-9'-]*\b|\b0\b"


WINDOW_OVERLAP = 300  # characters shared by neighbouring windows: a provision on a boundary is seen whole
MAX_WINDOWS = 24  # per clause (~65,000 characters); beyond that a clause is a whole document


def windows(text: str, size: int = MAX_CHARS) -> list[str]:
    """A clause input cut into overlapping pieces of at most ``size`` characters, each with the
    clause's heading context ("Termination / Exit // Assistance // ...").

    Features read at most MAX_CHARS characters; without windows a provision in the tail of a long
    clause (a merged section, a 30-page schedule row) would be invisible to the classifier.
    """
    if len(text) <= size:
        return [text]
    cut = text.rfind(" // ", 0, 600)
    head, body = (text[: cut + 4], text[cut + 4 :]) if cut >= 0 else ("", text)
    span = max(size - len(head), 2 * WINDOW_OVERLAP)
    out: list[str] = []
    start = 0
    while start < len(body) and len(out) < MAX_WINDOWS:
        end = min(len(body), start + span)
        if end < len(body):  # end on a space, not inside a word
            space = body.rfind(" ", start + span - 200, end)
            end = space if space > start else end
        out.append(head + body[start:end])
        if end >= len(body):
            break
        nxt = end - WINDOW_OVERLAP
        space = body.find(" ", nxt, end)
        start = space + 1 if space >= 0 else nxt
    return out


def expand_windows(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """All windows of all texts, and the index of each text's first window (for np.*.reduceat)."""
    flat: list[str] = []
    starts = np.zeros(len(texts), dtype=np.int64)
    for i, t in enumerate(texts):
        starts[i] = len(flat)
        flat += windows(t)
    return flat, starts


def normalise(text: str) -> str:
    text = text[:MAX_CHARS]
    if not text.isascii():
        for src, dst in _QUOTE_PAIRS:
            if src in text:  # str.replace is many times faster than str.translate with a dict
                text = text.replace(src, dst)
    return _DIGITS_RE.sub("0", text.lower())


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


def keyword_hits(x: sparse.csr_matrix, n_labels: int) -> np.ndarray:
    """(rows, labels) booleans: the keyword-indicator columns transform() puts last, as hits."""
    return np.asarray(x[:, x.shape[1] - n_labels :].todense()) > 0


Vectorizer = Union["TfidfVectorizer", "FittedTfidf"]


@dataclass(frozen=True)
class Cues:
    """Compiled cue patterns (cue_patterns.yaml): see cue_matrix()."""

    contexts: tuple[tuple[str, re.Pattern[str]], ...]
    events: tuple[tuple[str, re.Pattern[str]], ...]
    conjunctions: tuple[tuple[str, str], ...]  # (context, event)
    bare_context: str
    bare_requires: str
    bare_excludes: tuple[str, ...]
    definition: re.Pattern[str]
    # judged per sentence (cue data from this release on); a model trained on clause-wide cue data
    # keeps the clause-wide rule it was trained with
    bare_per_sentence: bool = False
    # per pattern, words one of which any match needs (literals.required_literals): most clauses
    # name no event, and a substring test rules them out faster than the regex (cues run on every
    # clause window of a scan)
    guards: dict[re.Pattern[str], tuple[str, ...] | None] = field(default_factory=dict)

    def search(self, pat: re.Pattern[str], text: str, folded: str) -> bool:
        """``pat.search(text)``; ``folded`` is ``literals.fold(text)``, for the guard."""
        guard = self.guards.get(pat)
        if guard is not None and not any(lit in folded for lit in guard):
            return False
        return pat.search(text) is not None

    @property
    def width(self) -> int:
        return len(self.events) + len(self.conjunctions) + 2


def cue_data() -> dict[str, object]:
    """The packaged cue patterns, as data (what a trained model stores)."""
    from importlib import resources

    import yaml

    text = resources.files("clausescan.nlp").joinpath("cue_patterns.yaml").read_text("utf-8")
    return yaml.safe_load(text)  # type: ignore[no-any-return]


def compile_cues(data: dict[str, object]) -> Cues:
    contexts: dict[str, str] = data["contexts"]  # type: ignore[assignment]
    events: dict[str, str] = data["events"]  # type: ignore[assignment]
    conj: dict[str, list[str]] = data["conjunctions"]  # type: ignore[assignment]
    bare: dict[str, object] = data["bare_notice"]  # type: ignore[assignment]
    excludes = tuple(map(str, bare["excludes"]))  # type: ignore[call-overload]
    pairs = tuple((ctx, ev) for ctx, evs in conj.items() for ev in evs)
    unknown = ({str(bare["requires"]), *excludes} | {ev for _, ev in pairs}) - set(events)
    unknown |= ({ctx for ctx, _ in pairs} | {str(bare["context"])}) - set(contexts)
    if unknown:
        raise ValueError(f"cue_patterns.yaml names unknown contexts or events: {sorted(unknown)}")
    compiled = {p: re.compile(p) for p in [*contexts.values(), *events.values(), str(data["definition"])]}
    return Cues(
        contexts=tuple((name, compiled[pat]) for name, pat in contexts.items()),
        events=tuple((name, compiled[pat]) for name, pat in events.items()),
        conjunctions=pairs,
        bare_context=str(bare["context"]),
        bare_requires=str(bare["requires"]),
        bare_excludes=excludes,
        definition=compiled[str(data["definition"])],
        guards={pat: required_literals(p) for p, pat in compiled.items()},
        bare_per_sentence=bool(bare.get("per_sentence", False)),  # type: ignore[union-attr]
    )


# A sentence ends at a full stop after two word characters: "U.S." or "a." (an enumerator) does not
# end one, and a semicolon does not either: "if: (a) ...; (b) breaches ..." is one condition list.
_SENTENCE_END = re.compile(r"(?<=\w\w\.)\s+")


def _bare_notice(own: str, lead: str, hits: dict[str, bool], cues: Cues) -> bool:
    """A termination on notice that names no cause, judged per sentence: a clause that grants a
    termination for breach in one sentence and a right to terminate on notice in the next holds
    the shape of a termination for convenience too. A one-sentence list item may take its
    termination from the lead-in that introduces it ("either party may terminate: // (b) on
    ninety days' notice"), not from a heading."""
    if not hits[cues.bare_requires]:
        return False
    events, context = dict(cues.events), dict(cues.contexts)[cues.bare_context]
    sentences = [s for s in _SENTENCE_END.split(own) if s.strip()]
    lead_terminates = len(sentences) == 1 and cues.search(context, lead, fold(lead))
    for sentence in sentences:
        folded = fold(sentence)
        if (
            cues.search(events[cues.bare_requires], sentence, folded)
            and (lead_terminates or cues.search(context, sentence, folded))
            and not any(cues.search(events[e], sentence, folded) for e in cues.bare_excludes)
        ):
            return True
    return False


def cue_matrix(texts: list[str], cues: Cues) -> sparse.csr_matrix:
    """Conjunctions a linear model cannot form: a context named anywhere in the clause's input
    (heading, lead-in or text: "... may terminate if: // (b) Supplier merges ...") with the event
    its own text names. Columns: events, conjunctions, bare notice, definition."""
    n_ev, n_conj = len(cues.events), len(cues.conjunctions)
    rows = np.zeros((len(texts), cues.width), dtype=np.float32)
    for i, text in enumerate(texts):
        low = text.lower()
        own = own_text(low)
        low_f, own_f = fold(low), fold(own)
        ctx = {name: cues.search(pat, low, low_f) for name, pat in cues.contexts}
        hits = {name: cues.search(pat, own, own_f) for name, pat in cues.events}
        for c, (name, _) in enumerate(cues.events):
            rows[i, c] = hits[name]
        for c, (context, event) in enumerate(cues.conjunctions):
            rows[i, n_ev + c] = ctx[context] and hits[event]
        if cues.bare_per_sentence:
            rows[i, n_ev + n_conj] = ctx[cues.bare_context] and _bare_notice(own, own_lead_in(low), hits, cues)
        else:
            rows[i, n_ev + n_conj] = (
                ctx[cues.bare_context] and hits[cues.bare_requires] and not any(hits[e] for e in cues.bare_excludes)
            )
        rows[i, n_ev + n_conj + 1] = cues.search(cues.definition, own, own_f)
    return sparse.csr_matrix(rows * KEYWORD_WEIGHT)


def transform(word: Vectorizer, char: Vectorizer, texts: list[str], cues: Cues | None = None) -> sparse.csr_matrix:
    """Word and char TF-IDF, cue columns (a model trained with cues), keyword columns last."""
    if isinstance(word, FittedTfidf) and isinstance(char, FittedTfidf):
        norm = [normalise(t) for t in texts]  # once for both
        parts = [word.transform_normalised(norm), char.transform_normalised(norm)]
    else:
        parts = [word.transform(texts), char.transform(texts)]
    if cues is not None:
        parts.append(cue_matrix(texts, cues))
    return sparse.hstack([*parts, keyword_matrix(texts)], format="csr")


class FittedTfidf:
    """A fitted TfidfVectorizer's transform, rebuilt for speed: the same matrix, 5-10x faster.

    scikit-learn's analyzer builds every character n-gram of every word as a new string and looks
    it up, which was 60% of a scan's time (profile in benchmarks/README.md). Words repeat, so this
    caches each word's n-gram columns and only counts. Equality with scikit-learn's output is
    pinned by tests/test_features.py on real contract text.
    """

    _CACHE_LIMIT = 100_000  # distinct words remembered per process (~35 MB at most; contracts use fewer)

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
        """Vocabulary columns of a word's char_wb n-grams, as scikit-learn's _char_wb_ngrams makes them:
        every n-gram of " word " for n up to its length, the whole padded word once when it is short."""
        padded = f" {word} "
        size = len(padded)
        lo, hi = self.ngram_range
        if size < lo:
            grams = [padded]
        else:
            grams = [padded[i : i + n] for n in range(lo, min(hi, size) + 1) for i in range(size - n + 1)]
        return [c for c in map(self.vocabulary_.get, grams) if c is not None]

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
        lengths = np.zeros(len(texts), dtype=np.int64)
        indices: list[int] = []
        for i, text in enumerate(texts):
            cols = self._columns(text)
            lengths[i] = len(cols)
            indices.extend(cols)
        # Count (row, column) pairs: one flat sort of row * width + column keys is several times
        # faster than sorting each row of a CSR matrix (scipy's sum_duplicates).
        width = len(self.idf_)
        keys = np.repeat(np.arange(len(texts), dtype=np.int64), lengths) * width + np.asarray(indices, dtype=np.int64)
        keys.sort()
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        starts = np.flatnonzero(first)
        unique = keys[starts]
        count = np.diff(np.append(starts, len(keys))).astype(np.float32)
        rows = unique // width
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(texts)), out=indptr[1:])
        counts = sparse.csr_matrix((count, (unique % width).astype(np.int32), indptr), shape=(len(texts), width))
        data = (np.log(counts.data) + 1) * self.idf_[counts.indices]  # sublinear tf x idf
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
