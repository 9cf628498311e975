"""Write the ordinance PDF and the annual report DOCX from their sources, the same on every run.

    python corpora/examples/example-city/make_documents.py

- ``sources/equal-treatment-ordinance.txt`` → ``equal-treatment-ordinance.pdf`` (reportlab, a text layer,
  page numbers in the footer, invariant mode so that the bytes never change);
- ``sources/annual-report-2025.md`` → ``annual-report-2025.docx`` (python-docx: Title and Heading styles,
  bulleted lists and a real Word table of indicator observations).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from make_plan import normalise_zip
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

HERE = Path(__file__).resolve().parent


def ordinance() -> None:
    """Write equal-treatment-ordinance.pdf."""
    rl_config.invariant = 1
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName="Helvetica", fontSize=10.5, leading=14)
    part = ParagraphStyle("part", parent=body, fontName="Helvetica-Bold", spaceBefore=14, spaceAfter=6)
    article = ParagraphStyle("article", parent=body, fontName="Helvetica-Bold", spaceBefore=8)
    title = ParagraphStyle("title", parent=styles["Title"], fontName="Helvetica-Bold", fontSize=15)
    lines = (HERE / "sources" / "equal-treatment-ordinance.txt").read_text(encoding="utf-8").splitlines()
    story = []
    for n, line in enumerate(lines):
        if not line.strip():
            story.append(Spacer(1, 4))
        elif n < 2:
            story.append(Paragraph(escape(line), title))
        elif line.startswith("PART"):
            story.append(Paragraph(escape(line), part))
        elif line.startswith("Article"):
            story.append(Paragraph(escape(line), article))
        else:
            story.append(Paragraph(escape(line), body))

    def footer(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.setFont("Helvetica", 8)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, f"Page {document.page}")
        canvas.drawString(2 * cm, 1.2 * cm, "Illustrative document, hrgraph project, CC BY 4.0")

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        topMargin=2 * cm,
        bottomMargin=2.5 * cm,
        title="Ordinance on Equal Treatment and Non-Discrimination",
        author="City Council of Example City",
        invariant=1,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    (HERE / "equal-treatment-ordinance.pdf").write_bytes(buffer.getvalue())


def report() -> None:
    """Write annual-report-2025.docx."""
    document = docx.Document()
    rows: list[list[str]] = []

    def flush_table() -> None:
        if not rows:
            return
        table = document.add_table(rows=0, cols=len(rows[0]))
        table.style = "Table Grid"
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.text = value
        for cell in table.rows[0].cells:
            for run in cell.paragraphs[0].runs:
                run.bold = True
        rows.clear()

    for line in (HERE / "sources" / "annual-report-2025.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("|"):
            if set(line) <= set("|- "):
                continue
            rows.append([c.strip() for c in line.strip("|").split("|")])
            continue
        flush_table()
        if not line.strip():
            continue
        if line.startswith("### "):
            document.add_heading(line[4:], level=2)
        elif line.startswith("## "):
            document.add_heading(line[3:], level=1)
        elif line.startswith("# "):
            document.add_heading(line[2:], level=0)
        elif line.startswith("- "):
            document.add_paragraph(line[2:], style="List Bullet")
        else:
            document.add_paragraph(line)
    flush_table()
    fixed = dt.datetime(2026, 4, 15, 9, 0, 0)
    properties = document.core_properties
    properties.author = "Human Rights Office, Example City"
    properties.title = "Annual Human Rights Report 2025 of Example City"
    properties.created = properties.modified = fixed
    properties.last_modified_by = "Human Rights Office, Example City"
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    (HERE / "annual-report-2025.docx").write_bytes(normalise_zip(buffer.getvalue(), fixed))


if __name__ == "__main__":
    ordinance()
    report()
