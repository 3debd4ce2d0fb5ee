"""Parsers on real files: provenance, cleanup, DOCX structure (samples + ../shared/data)."""

from __future__ import annotations

import re

from clausescan.ingest import ingest
from clausescan.ingest.cleanup import join_hyphenated, repair_line
from clausescan.segment import segment

from .conftest import SAMPLES, shared


def test_pdf_drops_running_header_footer_and_keeps_pages() -> None:
    doc = ingest(SAMPLES / "strong-it-outsourcing.pdf")
    assert doc.pages == 12 and doc.extractor == "pypdfium2"
    assert not re.search(r"Page \d+ of \d+", doc.text)  # footer on every page
    assert "Strictly Confidential" not in doc.text  # running header
    for b in doc.blocks:  # every block's page agrees with the page offsets
        assert doc.page_at(b.start) == b.page
    assert doc.page_starts == tuple(sorted(doc.page_starts))


def test_pdf_joins_hyphenated_words_but_keeps_compounds() -> None:
    text = ingest(SAMPLES / "strong-it-outsourcing.pdf").text
    assert "Management" in text and "Manage-\nment" not in text
    assert "\ufffe" not in text
    lines = [(1, "the relationship manage-"), (1, "ment team and non-"), (2, "exclusive licence")]
    joined = join_hyphenated(lines)
    assert joined[0][1].endswith("management") and "non-exclusive" in joined[1][1]
    assert joined[1][0] == 1  # provenance kept: the word moved up stays on its page


def test_ligature_characters_are_repaired() -> None:
    assert repair_line("\ufb01nal de\ufb02ection e\ufb03cient") == "final deflection efficient"


def test_docx_numbering_tables_comments_and_furniture() -> None:
    doc = ingest(SAMPLES / "strong-managed-services.docx")
    assert doc.extractor.startswith("docx")
    assert any(b.kind == "row" for b in doc.blocks)  # the SLA table is read, in order
    assert any(b.number for b in doc.blocks)  # Word's automatic "List Number" numbering recovered
    assert doc.comments and doc.comments[0].anchor_start is not None
    anchored = doc.text[doc.comments[0].anchor_start : doc.comments[0].anchor_end]
    assert "Disengagement" in anchored or "disengagement" in anchored
    assert doc.headers_footers  # kept apart from the body
    assert not any(h in doc.text for h in doc.headers_footers if len(h) > 20)


def test_txt_offsets_match_the_file() -> None:
    path = SAMPLES / "weak-hosting-services.txt"
    doc = ingest(path)
    raw = path.read_text("utf-8").replace("\r\n", "\n")
    assert doc.text == raw
    for c in segment(doc):
        assert raw[c.char_start : c.char_end] == c.text


def test_markdown_headings_are_clause_headings() -> None:
    clauses = segment(ingest(SAMPLES / "bare-consulting-terms.md"))
    assert any(c.heading and c.text.lstrip().startswith("#") for c in clauses)


def test_shared_common_paper_docx_text_in_tables() -> None:
    doc = ingest(shared("open-agreements-templates/common-paper-cc-by-4.0/common-paper-csa-with-sla/template.docx"))
    rows = [doc.text[b.start : b.end] for b in doc.blocks if b.kind == "row"]
    assert len(rows) > 30 and any("Governing Law" in r for r in rows)


def test_shared_uk_exit_schedule_numbering_and_comments() -> None:
    doc = ingest(
        shared(
            "uk-ccs-public-sector-contract-prototype/example-contract_zip_contents/"
            "Call-Off Schedule 13 (O) - Exit Management v.1.4.docx"
        )
    )
    numbers = {b.number for b in doc.blocks if b.number}
    assert {"2.2.1", "4.3.10"} <= numbers  # numbering that comes from paragraph styles
    assert len(doc.comments) >= 4 and all(c.text for c in doc.comments)


def test_shared_cuad_pdf_footer_lines_removed() -> None:
    doc = ingest(shared("cuad/full_contract_pdf/Part_III/Service/ABILITYINC_06_15_2020-EX-4.25-SERVICES AGREEMENT.PDF"))
    assert "Source: ABILITY" not in doc.text
    assert doc.pages >= 5


def test_shared_bonterms_pdf_and_markdown_say_the_same() -> None:
    from clausescan.ingest.cleanup import normalise_for_match

    pdf = ingest(shared("bonterms/Cloud-Terms/Bonterms-Cloud-Terms-Version-1.0.pdf"))
    sentence = "Customer may permit Users to use the Cloud Service on its behalf"
    assert normalise_for_match(sentence) in normalise_for_match(pdf.text)
