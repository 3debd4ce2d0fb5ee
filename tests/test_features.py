"""The scan-time feature code must give exactly what the trained model was fitted on.

FittedTfidf re-implements scikit-learn's TfidfVectorizer.transform for speed, and the keyword
tagger skips a regex when a word it needs is absent. Both are pinned here against the slow,
obvious implementation on real contract text and on generated text.
"""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clausescan.ingest import ingest
from clausescan.literals import fold, required_literals
from clausescan.model import Clause, Label
from clausescan.nlp import classifiable, classify, clause_input
from clausescan.nlp.classifier import MODEL_NAME, find_model
from clausescan.nlp.features import (
    MAX_CHARS,
    MAX_WINDOWS,
    FittedTfidf,
    compile_cues,
    cue_data,
    cue_matrix,
    make_vectorizers,
    rebuild_sklearn_vectorizer,
    rebuild_vectorizer,
    vectorizer_state,
    windows,
)
from clausescan.nlp.keywords import load_keyword_tagger
from clausescan.rules.loader import load_playbook
from clausescan.segment import segment
from tests.conftest import SAMPLES, shared

pytest.importorskip("sklearn")


def sample_clause_texts() -> list[str]:
    texts = []
    for p in sorted(SAMPLES.glob("*.*")):
        if p.suffix in (".pdf", ".docx", ".txt", ".md") and p.name != "README.md":
            clauses = segment(ingest(p))
            by_id = {c.id: c for c in clauses}
            texts += [clause_input(c, by_id) for c in clauses]
    return texts


EDGE_TEXTS = [
    "",
    "   \n\t ",
    "a",
    "ab",
    "abc",
    "I",
    "é ü ß ﬁnal — “quoted” ‘x’ 30 days' notice",
    "x" * 5000,
    "word " * 700,
    "co-operate sub-contractor's non-exclusive 99.9% £1,000,000 (a) (iv) 1.2.3",
]


@pytest.fixture(scope="module")
def shipped() -> tuple[dict, dict]:
    d = find_model()
    meta = json.loads((d / f"{MODEL_NAME}.json").read_text("utf-8"))
    arrays = dict(np.load(d / f"{MODEL_NAME}.npz", allow_pickle=False))
    return meta, arrays


def assert_same_matrix(fast: FittedTfidf, reference: object, texts: list[str]) -> None:
    a = reference.transform(texts)  # type: ignore[attr-defined]
    b = fast.transform(texts)
    assert a.shape == b.shape
    assert abs(a - b).max() <= 1e-6 if a.nnz else b.nnz == 0
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(np.sort(a.indices), np.sort(b.indices))


@pytest.mark.parametrize("kind", ["word", "char"])
def test_fitted_tfidf_equals_sklearn_on_sample_contracts(shipped: tuple[dict, dict], kind: str) -> None:
    meta, arrays = shipped
    fast = rebuild_vectorizer(meta[kind], arrays[f"{kind}_idf"])
    ref = rebuild_sklearn_vectorizer(meta[kind], arrays[f"{kind}_idf"])
    assert_same_matrix(fast, ref, sample_clause_texts() + EDGE_TEXTS)


@pytest.mark.parametrize("kind", ["word", "char"])
def test_fitted_tfidf_equals_sklearn_on_cuad_text(shipped: tuple[dict, dict], kind: str) -> None:
    folder = shared("cuad/full_contract_txt")
    texts = []
    for p in sorted(folder.glob("*.txt"))[:15]:
        t = p.read_text("utf-8", errors="replace")
        texts += [t[i : i + 900] for i in range(0, len(t), 900)]
    meta, arrays = shipped
    fast = rebuild_vectorizer(meta[kind], arrays[f"{kind}_idf"])
    assert_same_matrix(fast, rebuild_sklearn_vectorizer(meta[kind], arrays[f"{kind}_idf"]), texts)


def test_fitted_tfidf_equals_a_freshly_fitted_vectorizer() -> None:
    """Independent of the shipped model: fit small vectorizers and compare (both analyzers)."""
    texts = sample_clause_texts()
    word, char = make_vectorizers(word_features=3000, char_features=5000)
    for vec in (word, char):
        vec.fit(texts[::2])
        fast = rebuild_vectorizer(vectorizer_state(vec), vec.idf_)
        assert_same_matrix(fast, vec, texts[1::2] + EDGE_TEXTS)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=200), min_size=1, max_size=5))
@example(["\u00a0\u2003 nbsp\u00a0spaces", "ǅ titlecase ﬀ"])
def test_fitted_tfidf_equals_sklearn_on_any_text(shipped: tuple[dict, dict], texts: list[str]) -> None:
    meta, arrays = shipped
    for kind in ("word", "char"):
        fast = rebuild_vectorizer(meta[kind], arrays[f"{kind}_idf"])
        assert_same_matrix(fast, rebuild_sklearn_vectorizer(meta[kind], arrays[f"{kind}_idf"]), texts)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("escrow", ("escrow",)),
        ("terminat\\w*[^.;]{0,60}for cause", ("for cause",)),  # the longer literal run wins
        ("service levels?|\\bslas?\\b", ("service level", "sla")),
        ("(?:exit|transition)\\s+plan", ("exit", "transition")),
        ("(?:hereby\\s+)?assigns", ("assigns",)),  # an optional group is not required
        ("(?:abc)+xy", ("abc",)),  # a repeat with a minimum of one is
        ("a*b?", None),
        ("ab|xyz", None),  # a two-letter alternative is too short to be worth testing
        ("[a-z]+ing", ("ing",)),
        ("[a-z]+in\\b", None),
    ],
)
def test_required_literals(pattern: str, expected: tuple[str, ...] | None) -> None:
    assert required_literals(pattern) == expected


def test_every_keyword_pattern_has_a_guard() -> None:
    tagger = load_keyword_tagger()
    unguarded = [
        p.pattern for lab, pats in tagger.patterns.items() for p, g in zip(pats, tagger.guards[lab]) if g is None
    ]
    assert unguarded == []  # a new pattern without a literal still works, but slowly: say so here


def _unguarded_equal(texts: list[str]) -> None:
    tagger = load_keyword_tagger()
    assert tagger.predict(texts) == dataclasses.replace(tagger, guards={}).predict(texts)


def test_keyword_guards_change_no_decision_on_contract_text() -> None:
    texts = sample_clause_texts()
    folder = shared("cuad/full_contract_txt")
    for p in sorted(folder.glob("*.txt"))[:25]:
        t = p.read_text("utf-8", errors="replace")
        texts += [t[i : i + 700] for i in range(0, len(t), 700)]
    _unguarded_equal(texts)


FRAGMENTS = [
    "terminate",
    "termination",
    "for convenience",
    "material breach",
    "insolvency",
    "change of control",
    "90 days' notice",
    "exit plan",
    "transition services",
    "return",
    "customer data",
    "delete",
    "escrow",
    "service level",
    "sla",
    "credits",
    "monthly report",
    "audit",
    "tupe",
    "hereby assigns",
    "all right, title and interest",
    ".",
    ";",
    " ",
    "the supplier shall",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map(" ".join))
def test_keyword_guards_change_no_decision_on_generated_text(text: str) -> None:
    _unguarded_equal([text, text.upper(), text.replace(" ", "")])


def _playbook_patterns() -> list[re.Pattern[str]]:
    pats = []
    for name in ("backsourcing", "dora"):
        for rule in load_playbook(name).rules:
            pats += list(rule.evidence_patterns)
            pats += [c.pattern for c in rule.weak_if if c.pattern is not None]
    return pats


PLAYBOOK_PATTERNS = _playbook_patterns()
PLAYBOOK_LITERALS = sorted({lit for p in PLAYBOOK_PATTERNS for lit in (required_literals(p.pattern, p.flags) or ())})
# re.IGNORECASE matches these to ASCII letters although str.lower() does not produce them
CASE_TWINS = str.maketrans({"s": "\u017f", "k": "\u212a", "i": "\u0131", "I": "\u0130"})


@st.composite
def playbook_like_text(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from([*PLAYBOOK_LITERALS, *FRAGMENTS]), max_size=12))
    text = " ".join(parts)
    style = draw(st.sampled_from(["plain", "upper", "title", "twins"]))
    return {"plain": text, "upper": text.upper(), "title": text.title(), "twins": text.translate(CASE_TWINS)}[style]


@settings(max_examples=150, deadline=None)
@given(playbook_like_text())
def test_rule_pattern_guards_are_necessary_conditions(text: str) -> None:
    """Wherever a playbook pattern matches, one of its guard words is in the folded text."""
    folded = fold(text)
    for p in PLAYBOOK_PATTERNS:
        guard = required_literals(p.pattern, p.flags)
        if guard is not None and p.search(text):
            assert any(lit in folded for lit in guard), (p.pattern, text)


def test_most_playbook_patterns_get_a_guard() -> None:
    guarded = sum(required_literals(p.pattern, p.flags) is not None for p in PLAYBOOK_PATTERNS)
    assert guarded / len(PLAYBOOK_PATTERNS) > 0.5


# --- windows: long clauses are read whole -------------------------------------------------------


def test_short_text_is_one_window() -> None:
    assert windows("Termination // 14.1 // The Customer may terminate.") == [
        "Termination // 14.1 // The Customer may terminate."
    ]


@settings(max_examples=60, deadline=None)
@given(st.integers(3001, 40000), st.booleans())
def test_windows_cover_the_whole_text_with_the_heading_on_each(length: int, with_head: bool) -> None:
    head = "Exit Management / Exit Plan // 5.2 Assistance // " if with_head else ""
    words = ("supplier shall provide assistance to the customer on exit " * (length // 50 + 1)).split()
    body = " ".join(f"{w}{i}" for i, w in enumerate(words))[:length]
    parts = windows(head + body)
    assert len(parts) > 1
    assert all(len(p) <= MAX_CHARS and p.startswith(head) for p in parts)
    pieces = [p[len(head) :] for p in parts]
    pos = 0
    for piece in pieces:  # in order, each overlapping or touching the previous one: no gap
        at = body.find(piece, max(0, pos - MAX_CHARS))
        assert 0 <= at <= pos
        pos = at + len(piece)
    assert pos == len(body) or len(parts) == MAX_WINDOWS


def test_windows_are_capped_for_a_whole_document_in_one_clause() -> None:
    assert len(windows("word " * 200_000)) == MAX_WINDOWS


def test_regression_provision_in_the_tail_of_a_long_clause_is_found() -> None:
    """Features read 3,000 characters; a merged clause's exit provision at character 9,000 was lost."""
    from clausescan.nlp.classifier import load_classifier
    from clausescan.taxonomy import LABELS

    filler = "The Supplier shall maintain the premises in good repair and keep the site clean and tidy. " * 100
    tail = (
        "On expiry or termination the Supplier shall provide termination assistance to the Customer and "
        "any replacement supplier, including the orderly transfer of the Services, for up to twelve months."
    )
    # Scores, not decisions: how far 2,700 characters of filler in the tail's window dilute it is
    # the model's business (a retrained model put it under the threshold); the bug was that the
    # tail was never read at all, which left the long clause scored like the filler alone.
    j = LABELS.index("termination_assistance")
    scores, _ = load_classifier().decide(["Services // 4 // " + filler + tail, "Services // 4 // " + filler])
    assert scores[1, j] < 0.01
    assert scores[0, j] > 0.1


def test_word_cache_limit_clears_without_changing_the_matrix(shipped: tuple[dict, dict]) -> None:
    meta, arrays = shipped
    fast = rebuild_vectorizer(meta["char"], arrays["char_idf"])
    fast._CACHE_LIMIT = 5  # type: ignore[misc]  # cleared many times during one transform
    texts = sample_clause_texts()[:60]
    assert_same_matrix(fast, rebuild_sklearn_vectorizer(meta["char"], arrays["char_idf"]), texts)
    assert len(fast._cache) <= 5 + max(len(t.split()) for t in texts)


CUE_CASES = [
    # (tagger input, cue events named in the clause's own text, termination context, bare notice)
    (
        "Termination // // Either party may terminate this Agreement by notice if the other party: // "
        "(c) merges with another entity or transfers all or substantially all of its assets;",
        {"change_of_control"},
        True,
        False,
    ),
    (
        'Definitions // // 1.6 "Change of Control" means any change in the ownership of a Party.',
        {"change_of_control"},
        False,
        False,
    ),
    (
        "Term // // Either party may terminate this Agreement upon thirty (30) days prior written notice.",
        {"termination", "notice", "notice_any"},
        True,
        True,
    ),
    (
        "Termination for Breach // // The Customer may terminate on 30 days' notice if the Supplier "
        "commits a material breach that it fails to cure.",
        {"termination", "notice", "notice_any", "breach"},
        True,
        False,
    ),
    ("Payment // // Invoices are payable within 30 days of receipt.", set(), False, False),
    # regression (CUAD test contracts missed as convenience): a length in words, no length at all
    (
        "Term // // Either party may terminate this agreement by providing Ninety days Written Notice.",
        {"termination", "notice", "notice_any"},
        True,
        True,
    ),
    (
        "Termination by the Sponsor // // 14. The Sponsor shall have the right at any time prior to "
        "December 31, 2010 to terminate this Agreement by giving written notice of such termination.",
        {"termination", "notice_any", "convenience"},
        True,
        True,
    ),
    # judged per sentence: a breach right in one sentence does not hide a no-cause right in the next
    (
        "Termination // // Either party may terminate this Agreement if the other party commits a "
        "material breach. Either party may terminate this Agreement on sixty (60) days' written notice.",
        {"termination", "breach", "notice", "notice_any"},
        True,
        True,
    ),
    # a notice of non-renewal is not a termination for convenience
    (
        "Term // // This Agreement renews for successive one-year terms unless either party gives "
        "notice of termination at least 60 days before the end of the then-current term.",
        {"termination", "renewal", "notice_any"},
        True,
        False,
    ),
    # a one-sentence list item takes its termination from the lead-in (clause_input's layout: prefix,
    # empty heading, lead-in, text); a trailing space is no second sentence
    (
        "Termination //  // Either party may terminate this Agreement: // (b) on ninety days' notice. ",
        {"notice", "notice_any"},
        True,
        True,
    ),
    # review: a heading alone does not make any notice sentence a termination on notice
    (
        "Termination // // 12.6 Any notice given under this Clause shall be in writing and signed by an officer.",
        {"notice_any"},
        True,
        False,
    ),
    # review: a semicolon does not end the sentence of an inline list of causes
    (
        "Termination // // The Company may terminate this Agreement by written notice if: (a) the Distributor "
        "fails to meet the Minimum Purchase Requirements; (b) the Distributor breaches Section 4.",
        {"termination", "notice_any", "breach"},
        True,
        False,
    ),
    # review: "U.S." does not end the sentence
    (
        "Termination // // Licensee may terminate this Agreement with respect to the U.S. territory upon "
        "ninety (90) days' written notice.",
        {"termination", "notice", "notice_any"},
        True,
        True,
    ),
]


@pytest.mark.parametrize(("text", "events", "context", "bare"), CUE_CASES)
def test_cue_columns_name_the_event_and_its_termination_context(
    text: str, events: set[str], context: bool, bare: bool
) -> None:
    cues = compile_cues(cue_data())
    row = cue_matrix([text], cues).toarray()[0] > 0
    names = [name for name, _ in cues.events]
    n = len(names)
    assert {names[c] for c in range(n) if row[c]} == events
    conj = {pair for c, pair in enumerate(cues.conjunctions) if row[n + c]}
    expected = {("termination", e) for e in events} & set(cues.conjunctions)
    assert conj == (expected if context else set())
    width = n + len(cues.conjunctions)
    assert row[width] == bare  # a termination on notice naming no cause: the shape of convenience
    assert row[width + 1] == text.rsplit(" // ", 1)[-1].startswith('1.6 "')  # a definition


def test_cue_data_without_per_sentence_keeps_the_clause_wide_rule_a_model_was_trained_with() -> None:
    """Review: a model file stores the cue data it was trained with; one trained before the
    per-sentence rule must get the clause-wide column it learned, not the new one."""
    text = (
        "Termination // // Either party may terminate this Agreement if the other party commits a material "
        "breach. Either party may terminate this Agreement on sixty (60) days' written notice."
    )
    new = compile_cues(cue_data())
    bare = {**cue_data()["bare_notice"]}  # type: ignore[dict-item]
    del bare["per_sentence"]
    old = compile_cues({**cue_data(), "bare_notice": bare})
    width = len(new.events) + len(new.conjunctions)
    assert cue_matrix([text], new).toarray()[0][width] > 0
    assert cue_matrix([text], old).toarray()[0][width] == 0


@pytest.mark.parametrize(
    "change",
    [
        {"bare_notice": {"context": "termination", "requires": "notice", "excludes": ["no_such_event"]}},
        {"conjunctions": {"no_such_event": ["breach"]}},
    ],
)
def test_cue_patterns_reject_an_unknown_name(change: dict) -> None:
    with pytest.raises(ValueError, match="no_such_event"):
        compile_cues({**cue_data(), **change})


def test_shipped_model_carries_the_cues_it_was_trained_with(shipped: tuple[dict, dict]) -> None:
    meta, arrays = shipped
    cues = compile_cues(meta["cues"])
    width = len(meta["word"]["vocabulary"]) + len(meta["char"]["vocabulary"]) + cues.width + len(meta["labels"])
    assert arrays["coef"].shape[1] == width


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.3 Arbitration.", False),  # a fragment
        ("ARTICLE 9 CONFIDENTIALITY AND NON-DISCLOSURE", False),  # a bare capitals heading
        ("PART A: KPIS AND KPI CREDITS", False),
        ("9.3 LIMITATION OF LIABILITY. IN NO EVENT SHALL EITHER PARTY BE LIABLE FOR ANY INDIRECT DAMAGES.", True),
        ("The Supplier shall keep the Customer's information confidential.", True),
    ],
)
def test_classifiable_skips_fragments_and_bare_headings(text: str, expected: bool) -> None:
    assert classifiable(text) is expected


@pytest.mark.parametrize(
    ("text", "heading", "expected"),
    [
        ("14. Supplier Personnel and Subcontracting", "Supplier Personnel and Subcontracting", False),
        ("Section 3.2 Quality of Services.", "Quality of Services", False),
        ("(a) Service Level Failures", "Service Level Failures", False),
        ("14.2 The Supplier shall not subcontract without consent.", "Subcontracting", True),
        ("Subcontracting. The Supplier shall not subcontract without consent.", "Subcontracting", True),
        ("14. Supplier Personnel and Subcontracting", "", True),  # no heading known: text rules only
    ],
)
def test_classifiable_skips_a_clause_that_is_only_its_heading(text: str, heading: str, expected: bool) -> None:
    assert classifiable(text, heading) is expected


def test_regression_bare_capitals_heading_gets_no_label() -> None:
    """A heading with its body in sub-clauses ("ARTICLE 9 CONFIDENTIALITY") was labelled
    confidentiality by itself; the guidelines label the operative clause, not the heading."""
    heading = Clause("c1", "9", None, None, "ARTICLE 9 CONFIDENTIAL INFORMATION", 0, 34, 1, 1)
    text = "Each party shall keep the other party's Confidential Information confidential."
    body = Clause("c2", "9.1", "c1", None, text, 35, 35 + len(text), 1, 1)
    out = classify([heading, body], load_keyword_tagger())
    assert out[0].labels == ()
    assert "confidentiality" in {lab.label for lab in out[1].labels}


def test_regression_mixed_case_heading_clause_gets_no_label() -> None:
    """acme-msa-v2's "14. Supplier Personnel and Subcontracting" (a heading clause in ordinary case)
    was labelled subcontracting_restriction; as evidence it hid that 14.2 allows subcontracting on
    mere notice, so RISK003 read present instead of weak."""
    heading = "Supplier Personnel and Subcontracting"
    head = Clause("c1", "14", None, heading, f"14. {heading}", 0, 41, 1, 1)
    text = "14.2 The Supplier shall not subcontract its obligations without the Customer's prior written consent."
    body = Clause("c2", "14.2", "c1", None, text, 42, 42 + len(text), 1, 1)

    class EveryClause:  # labels whatever it is asked about, so only classify()'s gate decides
        def predict(self, texts: list[str]) -> list[tuple[Label, ...]]:
            return [(Label("subcontracting_restriction", 0.9),) for _ in texts]

    out = classify([head, body], EveryClause())
    assert out[0].labels == ()
    assert [lab.label for lab in out[1].labels] == ["subcontracting_restriction"]


def test_cue_guards_change_no_column() -> None:
    """The literal guards only skip regexes that cannot match: same matrix with and without them."""
    cues = compile_cues(cue_data())
    texts = sample_clause_texts() + EDGE_TEXTS + [case[0] for case in CUE_CASES]
    unguarded = dataclasses.replace(cues, guards={})
    assert abs(cue_matrix(texts, cues) - cue_matrix(texts, unguarded)).max() == 0
    assert cue_matrix(texts, cues).nnz > 0
