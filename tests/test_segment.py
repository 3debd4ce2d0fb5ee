"""Segmentation: numbering styles, hierarchy, headings, offsets (synthetic text + CUAD spans)."""

from __future__ import annotations

import itertools

from clausescan.ingest import ingest_bytes
from clausescan.segment import segment

CONTRACT = """MASTER SERVICES AGREEMENT
ARTICLE 14 TERMINATION
14.1 Termination for Convenience. The Customer may terminate this Agreement on 90 days' notice.
14.2 Termination for Cause. Either party may terminate if the other:
(a) commits a material breach; or
(b) becomes insolvent, including where:
(i) a receiver is appointed; or
(ii) it makes an assignment for the benefit of creditors.
14.3 Effect of Termination. On termination the Supplier shall provide Termination Assistance.
"Exit Plan" means the plan prepared under Schedule 3.
SCHEDULE 3 EXIT MANAGEMENT
1. The Supplier shall deliver an Exit Plan within three months.
"""


def clauses():
    return segment(ingest_bytes(CONTRACT.encode(), "c.txt"))


def test_numbers_headings_and_hierarchy() -> None:
    cs = clauses()
    by_number = {c.number: c for c in cs if c.number}
    assert {
        "Article 14",
        "14.1",
        "14.2",
        "14.2(a)",
        "14.2(b)",
        "14.2(b)(i)",
        "14.2(b)(ii)",
        "14.3",
        "Schedule 3",
    } <= set(by_number)
    assert by_number["14.1"].heading == "Termination for Convenience"
    ids = {c.id: c for c in cs}
    assert ids[by_number["14.2(a)"].parent].number == "14.2"
    assert ids[by_number["14.2(b)(ii)"].parent].number == "14.2(b)"
    assert ids[by_number["14.1"].parent].number == "Article 14"
    definition = next(c for c in cs if c.text.startswith('"Exit Plan"'))
    assert definition.heading == "Exit Plan"


def test_clauses_tile_the_text_exactly() -> None:
    doc = ingest_bytes(CONTRACT.encode(), "c.txt")
    cs = segment(doc)
    for a, b in itertools.pairwise(cs):
        assert a.char_end <= b.char_start
    for c in cs:
        assert doc.text[c.char_start : c.char_end] == c.text
    assert sum(len(c.text) for c in cs) >= len(doc.text.strip()) - len(cs)


def test_inline_markers_in_long_lines_are_split() -> None:
    line = (
        "1. Services. 1.1 Provision of Services. (a) Provider agrees to provide the Services set forth "
        "on Exhibit A to Recipient for the periods stated there and on these terms. (b) Recipient may "
        "assign its rights to receive the Services to any affiliate. 1.2 Standard of Service. (a) "
        "Provider shall perform the Services in good faith and with the historical standard of care."
    )
    cs = segment(ingest_bytes(line.encode(), "long.txt"))
    assert [c.number for c in cs] == ["1", "1.1", "1.1(a)", "1.1(b)", "1.2", "1.2(a)"]


def test_letter_i_after_h_is_a_letter_not_a_roman_numeral() -> None:
    text = "5. Obligations. The Supplier shall:\n" + "".join(f"({ch}) do item {ch};\n" for ch in "abcdefghij")
    cs = segment(ingest_bytes(text.encode(), "l.txt"))
    assert "5(i)" in {c.number for c in cs} and "5(j)" in {c.number for c in cs}
    parents = {c.parent for c in cs if c.number and c.number.startswith("5(")}
    assert len(parents) == 1  # (i) is a sibling of (h), not a child


def test_page_furniture_in_text_does_not_break_numbering() -> None:
    text = (
        "16.2 NICE may terminate this Agreement on 45 days notice.\n\n                 38\n\n"
        "16.3 The Contractor may terminate on six months notice.\n"
    )
    cs = segment(ingest_bytes(text.encode(), "f.txt"))
    assert [c.number for c in cs] == ["16.2", "16.3"]


def test_list_items_are_read_with_their_parents_lead_in() -> None:
    from clausescan.nlp import clause_input

    long_intro = "14.4 Transfer. " + "The Supplier shall co-operate with the Customer in good faith. " * 8
    cs = segment(ingest_bytes((CONTRACT + long_intro + "\n(a) it shall keep records.\n").encode(), "c.txt"))
    by_id = {c.id: c for c in cs}
    by_number = {c.number: c for c in cs if c.number}
    item = clause_input(by_number["14.2(a)"], by_id)
    assert "Either party may terminate if the other:" in item and item.endswith("commits a material breach; or")
    nested = clause_input(by_number["14.2(b)(i)"], by_id)
    assert "becomes insolvent, including where:" in nested  # the nearest lead-in
    # a long parent that does not end in a colon is a provision of its own, not a lead-in
    assert "co-operate" not in clause_input(by_number["14.4(a)"], by_id)
    assert clause_input(by_number["14.1"], by_id).endswith("on 90 days' notice.")
