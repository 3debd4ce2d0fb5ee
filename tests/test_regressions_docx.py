"""Regression tests named for DOCX reader bugs."""

from __future__ import annotations

import io
import zipfile

from clausescan.ingest import ingest_bytes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _docx(body: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        zf.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document xmlns:w="{W}" xmlns:wps="{WPS}" '
            f'xmlns:mc="{MC}"><w:body>{body}</w:body></w:document>',
        )
    return buf.getvalue()


def test_regression_textbox_text_was_discarded() -> None:
    box = (
        '<w:p><w:r><w:t>Anchor paragraph.</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps">'
        "<w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>Exit plan text in a box.</w:t></w:r></w:p>"
        "</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r>"
        "<w:t>Exit plan text in a box.</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )
    doc = ingest_bytes(_docx(box), "box.docx")
    assert doc.text.count("Exit plan text in a box.") == 1  # read once: not dropped, not duplicated
    assert "Anchor paragraph." in doc.text


def test_regression_tracked_insertion_and_deletion() -> None:
    body = (
        '<w:p><w:r><w:t xml:space="preserve">The Supplier shall </w:t></w:r><w:del><w:r><w:delText>not '
        "</w:delText></w:r></w:del><w:ins><w:r><w:t>promptly </w:t></w:r></w:ins><w:r><w:t>return all data."
        "</w:t></w:r></w:p>"
    )
    doc = ingest_bytes(_docx(body), "tracked.docx")
    assert doc.text == "The Supplier shall promptly return all data."
