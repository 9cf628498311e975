"""Write the binary fixtures of the ingest tests, the same bytes on every run.

    python tests/data/ingest/make_fixtures.py

- ``encrypted.pdf``: a one-page ordinance with a text layer, encrypted (RC4-128) with a user password;
- ``scanned.pdf``: two pages of drawn shapes and no text, like a scan without OCR;
- ``corrupt.pdf``: the first 600 bytes of a PDF, then the end of the file is missing;
- ``not-a-zip.docx`` and ``not-a-zip.xlsx``: text files with an Office suffix;
- ``corrupt.docx``: a zip archive whose ``word/document.xml`` is not XML.

The zip bomb is built by the test itself, in a temporary folder.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pypdf
from pypdf.generic import ArrayObject, ByteStringObject
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

HERE = Path(__file__).resolve().parent


def text_pdf() -> bytes:
    rl_config.invariant = 1
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    y = 780.0
    for line in (
        "Ordinance on Public Playgrounds",
        "Article 1 (Purpose)",
        "Every child has the right to play in safe and accessible public playgrounds.",
    ):
        canvas.drawString(72, y, line)
        y -= 20
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(text_pdf())))
    fixed = ByteStringObject(b"hrgraph-fixture!")
    # pypdf draws the file identifiers at random; fixed ones keep the key and the bytes the same.
    writer._ID = ArrayObject((fixed, fixed))
    writer.encrypt(user_password="secret", owner_password="owner-secret", algorithm="RC4-128")  # noqa: S106
    writer._ID = ArrayObject((fixed, fixed))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def scanned_pdf() -> bytes:
    rl_config.invariant = 1
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    for page in range(2):
        for row in range(40):
            # Grey bars where the lines of a scanned page would be.
            canvas.setFillGray(0.2 + 0.01 * page)
            canvas.rect(72, 760 - row * 16, 380 + (row * 37) % 70, 9, stroke=0, fill=1)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def corrupt_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", b"this is not XML <w:body"),
        ):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def main() -> None:
    (HERE / "encrypted.pdf").write_bytes(encrypted_pdf())
    (HERE / "scanned.pdf").write_bytes(scanned_pdf())
    (HERE / "corrupt.pdf").write_bytes(text_pdf()[:600])
    (HERE / "not-a-zip.docx").write_bytes(b"Minutes of the council meeting, saved as text with a .docx suffix.\n")
    (HERE / "not-a-zip.xlsx").write_bytes(b"ID,Action\nH-1,Open a shelter\n")
    (HERE / "corrupt.docx").write_bytes(corrupt_docx())


if __name__ == "__main__":
    main()
