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


# Regression: CUAD's TXT keeps the line breaks of a laid-out page only as runs of spaces, so 28 of
# its 332 contracts came out as a few clauses of several thousand characters each.
GAPPED = (
    "NOW THEREFORE, the Parties agree as follows:      REPRESENTATIONS      1. Issuer represents that "
    "the Annuity Contracts shall comply with the registration and other applicable   requirements of "
    "the Securities Act of 1933.      2 . Broker Dealer represents that it is registered as a broker "
    "dealer and shall remain so for the term, as set out in Section   3.1 of the Selling Agreement.      "
    "TERMINATION      3. Any Party hereto may terminate this Agreement at any time upon prior written "
    "notice.      (a) Termination shall not affect commissions earned before it takes effect."
)


def test_layout_gaps_before_markers_split_converted_text() -> None:
    cs = segment(ingest_bytes(GAPPED.encode(), "gapped.txt"))
    numbers = [c.number for c in cs]
    assert numbers == [None, "1", "2", "3", "3(a)"]
    by_number = {c.number: c for c in cs}
    assert by_number["3"].heading == "TERMINATION"
    assert by_number["3"].text.startswith("TERMINATION") and by_number["3"].text.endswith("written notice.")
    # "Section   3.1 of the Selling Agreement" is a wrapped line, not a clause
    assert "3.1" not in numbers and "Selling Agreement." in by_number["2"].text


def test_upper_case_letters_and_roman_numerals_with_a_dot_are_markers() -> None:
    text = (
        "RECITALS\n"
        "A. Distributor is a broker dealer registered with the Commission.\n"
        "B. Broker Dealer is engaged in the sale of securities.\n"
        "I. DEFINITIONS\n"
        "1. Terms have the meanings given in the Schedule.\n"
        "II. TERM\n"
        "2. This Agreement continues for three years.\n"
    )
    cs = segment(ingest_bytes(text.encode(), "r.txt"))
    by_number = {c.number: c for c in cs}
    assert set(by_number) == {"A.", "B.", "I", "1", "II", "2"}
    assert by_number["A."].heading == "RECITALS" and by_number["B."].text.startswith("B. Broker Dealer")
    assert by_number["I"].heading == "DEFINITIONS" and by_number["II"].heading == "TERM"
    ids = {c.id: c for c in cs}
    assert ids[by_number["1"].parent].number == "I" and ids[by_number["2"].parent].number == "II"


def test_long_unnumbered_text_splits_at_paragraphs_short_clauses_stay_whole() -> None:
    para = "The Supplier shall operate and maintain the System in line with good industry practice. " * 6
    long_text = "MAINTENANCE AGREEMENT\n\n" + "\n\n".join(f"{para}Paragraph {i} ends here." for i in range(6))
    cs = segment(ingest_bytes(long_text.encode(), "p.txt"))
    assert max(len(c.text) for c in cs) < 1500 + len(para) + 30
    assert any(c.text.startswith("The Supplier") and "Paragraph 3 ends here." in c.text for c in cs)
    short = "5. Term. This Agreement runs for a year.\n\nIt renews unless either party gives notice.\n"
    assert [c.number for c in segment(ingest_bytes(short.encode(), "s.txt"))] == ["5"]


def test_cuad_layout_gap_contract_is_read_as_clauses() -> None:
    from tests.conftest import shared

    path = shared(
        "cuad/full_contract_txt/Principal Life Insurance Company - Broker Dealer Marketing and Servicing Agreement.txt"
    )
    from clausescan.ingest import ingest

    cs = segment(ingest(path))
    assert len(cs) >= 15  # was 2
    hit = [c for c in cs if "Any Party hereto may terminate this Agreement at any time" in c.text]
    assert len(hit) == 1 and len(hit[0].text) < 3000  # was inside a 27,345-character clause


def test_cover_page_fields_are_not_headings() -> None:
    """Regression: "Effective Date:  11/4/10" on a cover page was read as a heading, and in a
    contract without top-level numbers it became the heading context of every clause."""
    text = (
        "Software Licence and Maintenance Agreement\n\n"
        "Effective Date:  11/4/10\n\n"
        "Company Name:  Example Ltd\n\n"
        "1.1 All defined terms have the meanings given in this Section.\n"
        "5.6 Bank may terminate this Agreement for material default by Supplier.\n"
    )
    cs = segment(ingest_bytes(text.encode(), "cover.txt"))
    assert not any(c.heading and "Effective Date" in c.heading for c in cs)
    assert [c.number for c in cs if c.number] == ["1.1", "5.6"]  # a field line still ends a block


def test_heading_after_an_inline_page_number_starts_a_section() -> None:
    """Regression: converted text leaves the page number at the end of the last line of a page
    ("... Information.    12"). The section line after it ("4. TERM AND TERMINATION.") did not
    follow a sentence end, so it was glued to the tail of the previous clause and 4.1 had no parent."""
    text = (
        "3.2 Each party shall keep the Confidential Information of the other in confidence.    12\n\n"
        "                 -11-\n\n"
        "4. TERM AND TERMINATION.\n\n"
        "4.1. Term. This Agreement will continue for three years.\n"
    )
    cs = segment(ingest_bytes(text.encode(), "p.txt"))
    assert [c.number for c in cs] == ["3.2", "4", "4.1"]
    assert "TERM AND TERMINATION" not in cs[0].text
    assert cs[2].parent == cs[1].id


def test_stand_alone_heading_before_first_subclause_is_the_sections_heading() -> None:
    """Regression (a CUAD outsourcing agreement): an unnumbered section heading ("Disengagement")
    after a page footer ("... Page 38   May 2004") was glued to the previous clause, and every
    numbered clause of the contract was a child of a glossary line. Now the heading opens the
    section: 20.1 and its items are read under "Disengagement"."""
    text = (
        "Glossary\n\n"
        "Single Point of Contact   SPOC\n\n"
        "19.1 Notice\n\n"
        "A party claiming that a dispute has arisen must notify the other party.\n\n"
        "The parties may then initiate court proceedings.   Commercial in Confidence   Page 38   May 2004\n\n"
        "Disengagement\n\n"
        "20.1 Planning\n\n"
        "The purpose of Disengagement is:\n\n"
        "(a) to enable the Customer or its nominee to perform the Disengaged Services.\n"
    )
    cs = segment(ingest_bytes(text.encode(), "d.txt"))
    by_id = {c.id: c for c in cs}
    section = next(c for c in cs if c.heading == "Disengagement")
    assert section.number is None and section.text.strip() == "Disengagement"
    planning = next(c for c in cs if c.number == "20.1")
    assert planning.parent == section.id and planning.heading == "Planning"
    item = next(c for c in cs if c.number == "20.1(a)")
    assert by_id[item.parent or ""].number == "20.1"
    assert not any(c.text.rstrip().endswith("Disengagement") for c in cs if c is not section)
    # the glossary line is no longer everyone's ancestor
    assert by_id[planning.parent or ""].heading != "Single Point of Contact   SPOC"


def test_a_list_of_schedules_on_one_line_is_not_a_heading() -> None:
    """Regression (a CUAD hosting agreement): "1   Specification 2   Use Fees 3   Project Managers
    4   Escrow" was read as a heading, became the heading context of the 200 clauses after it, and
    every one of them matched the escrow keyword."""
    text = (
        "34.8 Law. This Agreement is governed by English law.\n\n"
        "Schedules\n\n"
        "1     Specification 2     Use Fees 3     Project Managers 4     Escrow\n\n"
        "SCHEDULE 1\n\n"
        "User Scenarios\n\n"
        "a) Registered users may buy single articles with a credit card.\n"
    )
    cs = segment(ingest_bytes(text.encode(), "s.txt"))
    assert not any(c.heading and "Escrow" in c.heading for c in cs)
    schedule = next(c for c in cs if c.number == "Schedule 1")
    assert "Escrow" not in schedule.text


def test_a_point_zero_number_opens_a_top_level_section() -> None:
    """Regression (a CUAD distributor agreement): "11.0 TRADEMARKS" after "10 WARRANTY" was read as
    a sub-clause of section 10, and 11.1 ... 12.4 with it."""
    text = (
        "10 WARRANTY\n\n"
        "10.1 The Supplier warrants that the Products conform to their specifications.\n\n"
        "11.0 TRADEMARKS\n\n"
        "11.1 The Distributor may use the Supplier's trademarks to market the Products.\n\n"
        "12.0 INVENTORY BALANCE\n\n"
        "12.1 The Distributor may return slow-moving stock once a year.\n"
    )
    cs = segment(ingest_bytes(text.encode(), "n.txt"))
    by_number = {c.number: c for c in cs}
    assert by_number["11.0"].parent is None and by_number["12.0"].parent is None
    assert by_number["11.1"].parent == by_number["11.0"].id
    assert by_number["12.1"].parent == by_number["12.0"].id


def test_numbered_capitals_heading_after_a_running_header_opens_a_section() -> None:
    """Regression (CUAD supply and franchise agreements): a section line such as "13. INSPECTIONS
    AND AUDITS." after a running header without a full stop ("* Confidential Treatment Requested"),
    or indented by the text conversion, was glued to the clause before it."""
    text = (
        "12.4 The Licensee shall keep records for four (4) years.   * Confidential Treatment Requested\n\n"
        "  13. INSPECTIONS AND AUDITS.\n\n"
        "13.1 The Company may inspect the premises at any time.\n\n"
        "18.0 MUTUAL REPRESENTATIONS AND WARRANTIES\n\n"
        "18.1 Each party represents that it has authority to enter into this Agreement.\n"
    )
    cs = segment(ingest_bytes(text.encode(), "r.txt"))
    by_number = {c.number: c for c in cs}
    assert "INSPECTIONS" not in by_number["12.4"].text
    assert by_number["13"].heading == "INSPECTIONS AND AUDITS" and by_number["13"].parent is None
    assert by_number["13.1"].parent == by_number["13"].id
    assert by_number["18.1"].parent == by_number["18.0"].id


def test_a_sub_heading_does_not_take_the_sub_clauses_of_a_numbered_section() -> None:
    """Review of the stand-alone heading rule: where "14. TERMINATION" exists, a heading before
    14.1 names 14.1; 14.1 and 14.2 stay children of 14."""
    text = (
        "14. TERMINATION\n\n"
        "Termination for Convenience\n\n"
        "14.1 Either party may terminate this Agreement on ninety (90) days' notice.\n\n"
        "14.2 The Customer may terminate for cause.\n"
    )
    cs = segment(ingest_bytes(text.encode(), "t.txt"))
    by_number = {c.number: c for c in cs}
    assert by_number["14.1"].parent == by_number["14"].id
    assert by_number["14.2"].parent == by_number["14"].id
    assert by_number["14.1"].heading == "Termination for Convenience"


def test_a_capitals_sentence_wrapped_before_a_section_reference_is_not_split() -> None:
    """Review of the capitals-heading rule: "... ARISING UNDER SECTION" then "9.3 OR SECTION 12, IN
    NO EVENT ..." is one sentence, not a clause 9.3."""
    text = (
        "9.1 EXCEPT FOR EACH PARTY'S INDEMNITY OBLIGATIONS AND LIABILITY ARISING UNDER SECTION\n"
        "9.3 OR SECTION 12, IN NO EVENT SHALL EITHER PARTY BE\n"
        "LIABLE FOR ANY INDIRECT OR CONSEQUENTIAL DAMAGES.\n"
    )
    cs = segment(ingest_bytes(text.encode(), "c.txt"))
    assert [c.number for c in cs] == ["9.1"]


def test_indented_capitals_list_items_stay_list_items() -> None:
    """Review of the capitals-heading rule: company names in an indented list are list items of
    7.1, not top-level sections."""
    text = (
        "7.1 The Supplier may use only these subprocessors:\n\n"
        "   1. AWS EMEA SARL\n"
        "   2. GOOGLE CLOUD EMEA LTD\n\n"
        "7.2 The Supplier remains liable for its subprocessors.\n"
    )
    for name in ("s.txt", "s.md"):
        cs = segment(ingest_bytes(text.encode(), name))
        by_number = {c.number: c for c in cs}
        assert "1" not in by_number and "2" not in by_number, name
        assert by_number["7.2"].parent is None, name
