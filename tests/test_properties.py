"""Property tests (hypothesis): whatever text comes in, ingest + segment keep their promises.

Bounded ``max_examples`` (CLAUSESCAN_PROPERTY_EXAMPLES raises it) and no deadline flakiness: the
whole file runs in well under a minute.
"""

from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clausescan.errors import InputError
from clausescan.ingest import ingest_bytes
from clausescan.ingest.cleanup import LIGATURE_WORDS, join_hyphenated, lost_ligatures, repair_ligatures, vocabulary
from clausescan.model import Document
from clausescan.nlp import attributes
from clausescan.segment import segment

# CLAUSESCAN_PROPERTY_EXAMPLES raises the bound for a longer local run.
SETTINGS = settings(
    max_examples=int(os.environ.get("CLAUSESCAN_PROPERTY_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Pieces that look like contract structure, plus the characters that break naive parsers.
TOKENS = [
    "1.",
    "1.1",
    "1.1.1 ",
    "2)",
    "(a)",
    "(b) ",
    "(i)",
    "(ii)",
    "(A)",
    "(iv)",
    "a.",
    "i.",
    "ARTICLE IV",
    "Article 12.",
    "Section 3.2",
    "SCHEDULE 1",
    "Clause 7 -",
    "Annex A",
    '"Services" means',
    "\u201cTerm\u201d means",
    "TERMINATION",
    "Termination for Convenience.",
    "The Customer may terminate on 90 days' notice.",
    "#",
    "## ",
    "**1. Term**",
    "<span>",
    "</span>",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "\f",
    "\t",
    "    ",
    "\x00",
    "\x1b[2J",
    "\x0b",
    "\u2028",
    "\u00ad",
    "-\n",
    "\ufeff",
    "\u200b",
    "'",
    '"',
    "\u2019",
    "...",
    ";",
    ":",
    " and",
    " or",
    "Page 3 of 9",
    "thirty (30) days",
    "12 months",
    "99.9%",
    "\u00a3 1,000,000",
]
text_pieces = st.one_of(
    st.sampled_from(TOKENS),
    st.text(max_size=30),
    st.text(alphabet="abcdefghij ABC.()1234567890\n", min_size=250, max_size=1200),  # long lines
)
contract_like = st.lists(text_pieces, max_size=60).map("".join)


def check_document(doc: Document) -> None:
    """Invariants of a Document and of its clauses."""
    text = doc.text
    for b in doc.blocks:
        assert 0 <= b.start <= b.end <= len(text)
        assert b.page >= 1
    assert list(doc.page_starts) == sorted(doc.page_starts)
    clauses = segment(doc)
    ids: set[str] = set()
    prev_end = 0
    for c in clauses:
        assert text[c.char_start : c.char_end] == c.text
        assert prev_end <= c.char_start <= c.char_end <= len(text)  # in order, never overlapping
        assert 1 <= c.page_start <= c.page_end <= doc.pages
        assert c.parent is None or c.parent in ids  # a parent is an earlier clause
        assert c.level >= 0
        ids.add(c.id)
        prev_end = c.char_end
    assert len(ids) == len(clauses)


def ingest_or_input_error(data: bytes, name: str) -> Document | None:
    try:
        return ingest_bytes(data, name)
    except InputError as exc:
        assert exc.code.startswith("CS-") and "\n" not in exc.message
        return None


@SETTINGS
@given(contract_like, st.sampled_from(["x.txt", "x.md"]), st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
@example("1. Term\r\n1.1 The term is\f two years.\n(a) and\n(b) or\n", "x.txt", "utf-8")
@example("# ARTICLE IV\n\n**1. Term**\n\n- (a) <span>x</span>\n", "x.md", "utf-8")
@example("\x00" * 40 + "1. Termination", "x.txt", "utf-8")
def test_text_ingest_and_segment(text: str, name: str, encoding: str) -> None:
    doc = ingest_or_input_error(text.encode(encoding), name)
    if doc is not None:
        check_document(doc)


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from(["x.txt", "x.md", "x.pdf", "x.docx", "x", "x.doc"]))
def test_arbitrary_bytes_only_input_errors(data: bytes, name: str) -> None:
    doc = ingest_or_input_error(data, name)
    if doc is not None:
        check_document(doc)


@SETTINGS
@given(contract_like)
def test_text_offsets_match_the_normalised_file(text: str) -> None:
    """TXT offsets index the file after BOM removal, CRLF -> LF and control characters -> spaces."""
    doc = ingest_or_input_error(text.encode("utf-8"), "x.txt")
    if doc is None:
        return
    expected = text.removeprefix("\ufeff")  # a byte-order mark is not content
    expected = expected.replace("\r\n", "\n").replace("\r", "\n")
    assert len(doc.text) == len(expected)


# --------------------------------------------------------------------------------------------
# cleanup.join_hyphenated

line_text = st.one_of(
    st.sampled_from(
        [
            "manage-",
            "ment is",
            "non-",
            "exclusive,",
            "third-",
            "party",
            "--",
            "- item",
            "word\u00ad",
            "ation.",
            "(a) the",
            "1.1 Term",
            "re-",
            "enter",
            "  ",
            "",
        ]
    ),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC -,.;:()\u00ad", max_size=25),
)
paged_lines = st.lists(st.tuples(st.integers(1, 5), line_text), max_size=30).map(
    lambda xs: sorted(xs, key=lambda x: x[0])
)


def _letters(lines: list[tuple[int, str]]) -> str:
    return re.sub(r"[\s\-\u00ad]", "", "".join(t for _, t in lines))


@SETTINGS
@given(paged_lines)
@example([(1, "manage-"), (1, "ment is"), (2, "non-"), (2, "exclusive")])
@example([(1, "foo-"), (2, "bar")])
def test_join_hyphenated_keeps_every_character(lines: list[tuple[int, str]]) -> None:
    vocab = vocabulary([t for _, t in lines])
    out = join_hyphenated(lines, vocab)
    assert _letters(out) == _letters(lines)  # only hyphens and blanks may move or go
    pages = [p for p, _ in out]
    assert pages == sorted(pages)  # page numbers never go backwards
    assert set(pages) <= {p for p, _ in lines}
    assert len(out) <= len(lines)


# --------------------------------------------------------------------------------------------
# Lost ligatures

words = st.sampled_from(
    [
        "notice",
        "notce",
        "information",
        "informaton",
        "staff",
        "staf",
        "patent",
        "patient",
        "the",
        "of",
        "Specifed",
        "SPECIFIED",
        "written",
        "writen",
        "office",
        "ofce",
        "x",
        "ti",
    ]
)


@SETTINGS
@given(st.lists(words, max_size=80).map(" ".join))
def test_ligature_repair_only_touches_reported_words(text: str) -> None:
    report = lost_ligatures(text)
    assert 0 <= report.share <= 1 and 0 <= report.loss <= 1
    assert report.suspects <= report.words
    repaired = repair_ligatures(text, report.repairs)
    before, after = text.split(" "), repaired.split(" ")
    assert len(before) == len(after)
    for a, b in zip(before, after):
        assert a == b or (a.lower() in report.repairs and b.lower() == report.repairs[a.lower()])
    for bad, good in report.repairs.items():
        # a repair uses a spelling found in the text or in the contract word list, never a guess
        assert good.lower() in text.lower() or good in LIGATURE_WORDS
        assert bad not in LIGATURE_WORDS  # a real word is never "repaired"


# --------------------------------------------------------------------------------------------
# nlp.attributes

attr_text = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "thirty (30) days",
                "twelve (12) months'",
                "1 year",
                "ninety days' written notice",
                "terminate",
                "transition",
                "exit",
                "cure",
                "99.9%",
                "5 per cent",
                "service credit",
                "availability",
                "$1,000,000",
                "\u00a3 5m",
                "EUR 3.5 million",
                "the Supplier shall",
                "the Customer must",
                "either party",
                "(0) days",
                "9999 years",
                "-5 days",
                "0%",
            ]
        ),
        st.text(max_size=20),
    ),
    max_size=30,
).map(" ".join)


@SETTINGS
@given(attr_text)
def test_attribute_extractors_never_raise(text: str) -> None:
    for d in attributes.durations(text):
        assert d.days >= 0 and 0 <= d.start <= d.end <= len(text)
    for fn in (attributes.notice_days, attributes.transition_days, attributes.cure_days):
        value = fn(text)
        assert value is None or (isinstance(value, int) and value >= 0)
    for fn_pct in (attributes.availability_percent, attributes.credit_percent):
        pct = fn_pct(text)
        assert pct is None or pct >= 0
    assert attributes.amount(text) is None or isinstance(attributes.amount(text), str)
    assert attributes.party(text) in (None, "supplier", "customer", "both")
    labels = {
        "termination_for_convenience",
        "termination_for_cause",
        "termination_assistance",
        "service_levels",
        "service_credits",
        "liability_cap",
    }
    attrs = attributes.extract(text, labels)
    assert all(v is not None for v in attrs.values())
