"""Write action-plan.xlsx from sources/action-plan.csv, byte for byte the same on every run.

    python corpora/examples/example-city/make_plan.py

The workbook looks like a monitoring sheet a city keeps: an "About" sheet first, then the plan with a
title row above the header, numbers as numbers, bold headers and frozen panes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
FIXED = dt.datetime(2024, 3, 15, 9, 0, 0)
NUMERIC = ("Baseline", "Baseline year", "Latest value", "Latest year", "Budget (EUR)")


def normalise_zip(data: bytes, fixed: dt.datetime = FIXED) -> bytes:
    """Rewrite an Office file with fixed member dates and fixed document dates."""
    out = io.BytesIO()
    stamp = fixed.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rf"\g<1>{stamp}\g<2>", text)
                content = text.encode("utf-8")
            member = zipfile.ZipInfo(info.filename, date_time=fixed.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, content)
    return out.getvalue()


def number(text: str) -> int | float | str:
    """Turn "1,250" into 1250 and "8.4" into 8.4, so that the workbook holds numbers as numbers."""
    plain = text.replace(",", "")
    if re.fullmatch(r"-?\d+", plain):
        return int(plain)
    if re.fullmatch(r"-?\d+\.\d+", plain):
        return float(plain)
    return text


def main() -> None:
    """Write action-plan.xlsx."""
    with (HERE / "sources" / "action-plan.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    workbook = openpyxl.Workbook()
    about = workbook.active
    about.title = "About"
    for line in (
        "Example City — Local Human Rights Action Plan 2024–2027: monitoring sheet",
        "Illustrative data written by the hrgraph project for its examples and tests (CC BY 4.0).",
        "Example City is not a real city. Values of the latest year are those reported by the departments.",
    ):
        about.append([line])
    sheet = workbook.create_sheet("Action plan")
    sheet.append(["Local Human Rights Action Plan 2024–2027 — adopted by the City Council on 15 March 2024"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    numeric = {header.index(name) for name in NUMERIC}
    for row in body:
        sheet.append([number(v) if i in numeric and v else (v or None) for i, v in enumerate(row)])
    widths = (8, 16, 60, 32, 28, 36, 20, 40, 12, 10, 10, 10, 10, 12, 16, 36)
    for column, width in zip("ABCDEFGHIJKLMNOP", widths, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "C4"
    workbook.properties.creator = "Human Rights Office, Example City"
    workbook.properties.created = FIXED
    workbook.properties.modified = FIXED
    buffer = io.BytesIO()
    workbook.save(buffer)
    (HERE / "action-plan.xlsx").write_bytes(normalise_zip(buffer.getvalue()))


if __name__ == "__main__":
    main()
