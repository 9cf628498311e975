"""The parts of ingest that read values: dates and timetables, amounts, references, headers, segmentation."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from hrgraph.ingest import read
from hrgraph.ingest.graph import load_standards
from hrgraph.ingest.plan import (
    ColumnMapping,
    Period,
    Standards,
    indicator_table,
    map_columns,
    parse_amount,
    parse_period,
    parse_references,
    parse_value,
    read_items,
)
from hrgraph.ingest.read import decode_text, read_document, read_spreadsheet
from hrgraph.ingest.segment import segment
from hrgraph.namespace import ID, SDG
from hrgraph.store import EmbeddedStore

D = dt.date


@pytest.fixture(scope="module")
def standards() -> Standards:
    with EmbeddedStore() as empty:
        return load_standards(empty)  # the packaged corpus, as when the store has no standards


@pytest.mark.parametrize(
    ("text", "begin", "end"),
    [
        ("2025–2027", D(2025, 1, 1), D(2027, 12, 31)),
        ("2025-2027", D(2025, 1, 1), D(2027, 12, 31)),
        ("2025/26", D(2025, 1, 1), D(2026, 12, 31)),
        ("Q3 2026", D(2026, 7, 1), D(2026, 9, 30)),
        ("2026 Q1", D(2026, 1, 1), D(2026, 3, 31)),
        ("H2 2025", D(2025, 7, 1), D(2025, 12, 31)),
        ("first half of 2026", D(2026, 1, 1), D(2026, 6, 30)),
        ("2026", D(2026, 1, 1), D(2026, 12, 31)),
        ("2026-06-30", D(2026, 6, 30), D(2026, 6, 30)),
        ("2026-02", D(2026, 2, 1), D(2026, 2, 28)),
        ("30/06/2026", D(2026, 6, 30), D(2026, 6, 30)),
        ("30.06.2026", D(2026, 6, 30), D(2026, 6, 30)),
        ("June 2026", D(2026, 6, 1), D(2026, 6, 30)),
        ("30 June 2026", D(2026, 6, 30), D(2026, 6, 30)),
        ("June 30, 2026", D(2026, 6, 30), D(2026, 6, 30)),
        ("Sept. 2025", D(2025, 9, 1), D(2025, 9, 30)),
        ("by the end of 2026", D(2026, 1, 1), D(2026, 12, 31)),
        ("by June 2025", D(2025, 6, 1), D(2025, 6, 30)),
        ("before 2027", None, D(2026, 12, 31)),
        ("mid-2026", D(2026, 5, 1), D(2026, 8, 31)),
        ("Q1 2024 – Q4 2025", D(2024, 1, 1), D(2025, 12, 31)),
        ("Q2 2024 – 2027", D(2024, 4, 1), D(2027, 12, 31)),
        ("01/09/2024 – 30/06/2025", D(2024, 9, 1), D(2025, 6, 30)),
        ("2024-01-01 – 2025-06-30", D(2024, 1, 1), D(2025, 6, 30)),
        ("January 2025 to March 2026", D(2025, 1, 1), D(2026, 3, 31)),
        (D(2025, 3, 1), D(2025, 3, 1), D(2025, 3, 1)),
        (dt.datetime(2025, 3, 1, 12, 0), D(2025, 3, 1), D(2025, 3, 1)),
        (2027, D(2027, 1, 1), D(2027, 12, 31)),
        (2027.0, D(2027, 1, 1), D(2027, 12, 31)),
        ("Medium term (2026)", D(2026, 1, 1), D(2026, 12, 31)),
        ("long-term (by Q2 2030)", D(2030, 4, 1), D(2030, 6, 30)),
    ],
)
def test_timetables_become_intervals_of_dates(text: object, begin: D | None, end: D | None) -> None:
    assert parse_period(text) == Period(begin, end)


def test_month_first_dates_when_asked() -> None:
    assert parse_period("06/30/2026") == Period(D(2026, 6, 30), D(2026, 6, 30))  # the day cannot be 30th month
    assert parse_period("03/04/2026", day_first=False) == Period(D(2026, 3, 4), D(2026, 3, 4))
    assert parse_period("03/04/2026") == Period(D(2026, 4, 3), D(2026, 4, 3))


@pytest.mark.parametrize(
    "text", [None, "", "ongoing", "Continuous", "annually", "TBD", "n/a", "–", "Short term", "medium-term (1-3 years)"]
)
def test_open_timetables_have_no_dates(text: object) -> None:
    assert parse_period(text) is None


@pytest.mark.parametrize("text", ["after the elections", "31/31/2025", "2027–2025", "soon", 12.5, "Q5 2025"])
def test_text_that_is_no_date_is_refused(text: object) -> None:
    with pytest.raises(ValueError, match="not a date|not a year"):
        parse_period(text)


@pytest.mark.parametrize(
    ("value", "amount", "currency"),
    [
        ("€ 38,500,000", Decimal(38500000), "EUR"),
        ("EUR 250,000", Decimal(250000), "EUR"),
        ("$1.5m", Decimal("1500000.0"), "USD"),
        ("2.1 million", Decimal("2100000.0"), "EUR"),
        ("120.000 EUR", Decimal(120000), "EUR"),
        ("1.234.567,89 €", Decimal("1234567.89"), "EUR"),
        ("250 000", Decimal(250000), "EUR"),
        ("1,2 Mio", Decimal("1200000.0"), "EUR"),
        ("15k", Decimal(15000), "EUR"),
        (420000, Decimal(420000), "EUR"),
        (95000.5, Decimal("95000.5"), "EUR"),
        ("CHF 80,000", Decimal(80000), "CHF"),
    ],
)
def test_budgets(value: object, amount: Decimal, currency: str) -> None:
    assert parse_amount(value, "EUR") == (amount, currency, True)


@pytest.mark.parametrize("value", ["within existing resources", "Within existing budget", "staff time", "n/a", None])
def test_budgets_without_an_amount(value: object) -> None:
    assert parse_amount(value, "EUR") == (None, None, True)


def test_budget_text_that_is_no_amount_is_flagged() -> None:
    assert parse_amount("to be negotiated with the State", "EUR") == (None, None, False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42%", (Decimal(42), None, "percent", True)),
        ("42 % (2022)", (Decimal(42), 2022, "percent", True)),
        ("1,250 households", (Decimal(1250), None, "households", True)),
        ("7.9", (Decimal("7.9"), None, None, True)),
        (85, (Decimal(85), None, None, True)),
        ("no data", (None, None, None, True)),
        ("many", (None, None, None, False)),
    ],
)
def test_indicator_values(value: object, expected: tuple[object, ...]) -> None:
    assert parse_value(value) == expected


def test_references_in_the_usual_forms(standards: Standards) -> None:
    cases = {
        "ICESCR 11": [ID["icescr/art_11"]],
        "ICESCR art. 11(1)": [ID["icescr/art_11__para_1"]],
        "Art. 27 CRC": [ID["crc/art_27"]],
        "CRC art. 27(3)": [ID["crc/art_27__para_3"]],
        "Article 2 of the CEDAW": [ID["cedaw/art_2"]],
        "SDG 11.1": [SDG["11.1"]],
        "SDG target 5.2": [SDG["5.2"]],
        "Goal 5": [SDG["5"]],
        "SDG 4.a": [SDG["4.a"]],
        "UDHR 25": [ID["udhr/art_25"]],
        "ICESCR 11 and 12": [ID["icescr/art_11"], ID["icescr/art_12"]],
        "SDG 11.1, 11.2": [SDG["11.1"], SDG["11.2"]],
        "Gwangju Principles 4": [ID["gwangju-principles/principle_4"]],
        "Convention on the Rights of the Child, art. 12": [ID["crc/art_12"]],
        "UN CRPD art. 9": [ID["crpd/art_9"]],
    }
    for text, expected in cases.items():
        references, problems = parse_references(text, standards)
        assert [r.target for r in references] == [str(e) for e in expected], text
        assert problems == [], text


def test_a_cell_with_several_references(standards: Standards) -> None:
    references, problems = parse_references("ICESCR 11; SDG 11.1; CRC art. 27(3)", standards)
    assert [(r.target, r.predicate, r.level) for r in references] == [
        (str(ID["icescr/art_11"]), "realises", "article"),
        (str(SDG["11.1"]), "contributesTo", "sdg-target"),
        (str(ID["crc/art_27__para_3"]), "realises", "paragraph"),
    ]
    assert [r.text for r in references] == ["ICESCR 11", "SDG 11.1", "CRC art. 27(3)"]
    assert problems == []


def test_an_sdg_indicator_links_its_target(standards: Standards) -> None:
    (reference,), problems = parse_references("SDG 11.1.1", standards)
    assert reference.target == str(SDG["11.1"])
    assert reference.sdg_indicator == str(SDG.C110101)
    assert problems == []


def test_unknown_references_are_problems_not_errors(standards: Standards) -> None:
    references, problems = parse_references("Istanbul Convention art. 23; ICESCR 99; SDG 18.1; CEDAW", standards)
    assert references == []
    assert problems == [
        "unknown reference 'Istanbul Convention art. 23'",
        "ICESCR article 99 is not in the standards corpus",
        "SDG 18.1 is not a goal, target or indicator of the SDG framework",
        "CEDAW: no article given, so no link",
    ]


def test_a_missing_paragraph_links_the_article(standards: Standards) -> None:
    (reference,), problems = parse_references("ICERD art. 5(e)", standards)
    assert reference.target == str(ID["icerd/art_5"])
    assert problems == ["ICERD article 5(e): no such paragraph in the corpus, linked to the article"]


def test_bare_numbers_in_an_sdg_column_are_sdgs(standards: Standards) -> None:
    for text, expected in {
        "11.1": ["11.1"],
        "10.2, 10.7": ["10.2", "10.7"],
        "5": ["5"],
        "11.a; 4.7": ["11.a", "4.7"],
        "4.5 / 4.a": ["4.5", "4.a"],
    }.items():
        references, problems = parse_references(text, standards, sdg_column=True)
        assert [r.target for r in references] == [str(SDG[e]) for e in expected], text
        assert [r.level for r in references] == ["sdg-goal" if "." not in e else "sdg-target" for e in expected]
        assert problems == [], text
    assert parse_references("18", standards, sdg_column=True) == (
        [], ["SDG 18 is not a goal, target or indicator of the SDG framework"]
    )  # fmt: skip
    assert parse_references("11.1", standards) == ([], ["unknown reference '11.1'"])  # other columns as before


def test_treaty_body_names_of_instruments(standards: Standards) -> None:
    for text, expected in {
        "CERD art. 5": "icerd/art_5",
        "CCPR 26": "iccpr/art_26",
        "CESCR art. 11": "icescr/art_11",
    }.items():
        references, problems = parse_references(text, standards)
        assert ([r.target for r in references], problems) == ([str(ID[expected])], []), text


@pytest.mark.parametrize(
    ("dates", "mapping", "warnings"),
    [
        (["03/04/2026", "2026"], None, [("row 2", "dates such as '03/04/2026' are read day first (2026-04-03, not "
                                        "2026-03-04): write YYYY-MM-DD, or set date_order in a mapping file")]),
        (["03/04/2026", "01/09/2024 – 30/06/2025"], None, []),  # the file says day first
        (["03/04/2026", "04/13/2026"], None, [("row 2", "dates such as '03/04/2026' are read day first (2026-04-03, "
                                               "not 2026-03-04): other dates of the file are month first: set "
                                               "date_order: mdy in a mapping file")]),
        (["03/04/2026", "05/06/2026"], ColumnMapping(date_order_given=True), []),
        (["03.04.2026", "2026-04-03"], None, []),
    ],
)  # fmt: skip
def test_a_date_that_reads_both_day_and_month_first_is_flagged(
    standards: Standards, dates: list[str], mapping: ColumnMapping | None, warnings: list[tuple[str, str]]
) -> None:
    rows: list[tuple[int, list[object]]] = [(1, ["ID", "Action", "Deadline"])]
    rows += [(n, [str(n), "Act", date]) for n, date in enumerate(dates, start=2)]
    items, _, found = read_items(Path("plan.csv"), rows, standards, mapping)
    assert found == warnings
    assert items[0].deadline == D(2026, 4, 3)


def test_headers_are_found_below_a_title_row() -> None:
    rows: list[tuple[int, list[object]]] = [
        (1, ["Local Human Rights Action Plan 2024–2027", None, None]),
        (3, ["No.", "Measure", "Lead department", "Deadline", "KPI", "Baseline 2022", "2024", "Budget (EUR)"]),
    ]
    columns = map_columns(rows)
    assert columns is not None
    assert columns.header_row == 3
    assert columns.fields == {
        "id": 0, "action": 1, "responsible": 2, "deadline": 3, "indicator": 4, "baseline": 5, "budget": 7,
    }  # fmt: skip
    assert columns.years == {"baseline": 2022}
    assert columns.year_columns == {6: 2024}
    assert columns.currency == "EUR"


def test_columns_that_cite_sdgs_or_treaties_are_read_for_standards() -> None:
    columns = map_columns([(1, ["Measure", "Link to SDGs", "Relevant treaty articles", "Time frame", "Notes"])])
    assert columns is not None
    assert columns.standards == (1, 2)
    assert (columns.fields["action"], columns.fields["timetable"], columns.unused) == (0, 3, [])


def test_an_indicator_worded_in_percent_has_that_unit(standards: Standards) -> None:
    rows: list[tuple[int, list[object]]] = [
        (1, ["Action", "Indicator", "Baseline (2023)"]),
        (2, ["Publish the gender pay gap", "Pay gap (%)", "12.5"]),
        (3, ["Train staff", "Share of staff trained in %", "10"]),
        (4, ["Build homes", "Units built", "0"]),
        (5, ["Cut rents", "Rent (EUR per m²)", "9 EUR"]),
    ]
    items, _, _ = read_items(Path("plan.csv"), rows, standards)
    assert [item.unit for item in items] == ["percent", "percent", None, "EUR"]


def test_a_header_of_two_rows() -> None:
    rows: list[tuple[int, list[object]]] = [
        (1, ["ID", "Action", "Indicator", "Baseline", None, "Latest", None]),
        (2, [None, None, None, "Value", "Year", "Value", "Year"]),
        (3, ["A1", "Build homes", "Units built", 0, 2023, 45, 2025]),
    ]
    columns = map_columns(rows)
    assert columns is not None
    assert columns.header_row == 2
    assert columns.fields == {
        "id": 0, "action": 1, "indicator": 2, "baseline": 3, "baseline_year": 4, "latest": 5, "latest_year": 6
    }  # fmt: skip
    area_row: list[tuple[int, list[object]]] = [rows[0], (2, ["Housing", None, None, None, None, None, None])]
    one = map_columns(area_row)
    assert one is not None and one.header_row == 1  # a heading row is no header


def test_no_header_names_the_action() -> None:
    assert map_columns([(1, ["Nr", "Responsible department", "Deadline"])]) is None


def test_an_indicator_table_of_a_report() -> None:
    table = [
        ["Item", "Indicator", "Unit", "Baseline", "Baseline year", "2024", "2025"],
        ["HO-01", "Flats let", "flats", "0", "2023", "85", "162"],
        ["HO-02", "Evictions", "households", "37", "2023", "22", "n/a"],
    ]
    found = indicator_table(table)
    assert found is not None
    rows, problems = found
    assert [(r.item_id, r.values) for r in rows] == [
        ("HO-01", ((2023, Decimal(0), True), (2024, Decimal(85), False), (2025, Decimal(162), False))),
        ("HO-02", ((2023, Decimal(37), True), (2024, Decimal(22), False))),
    ]
    assert problems == []
    assert indicator_table([["Name", "Address"], ["Town hall", "Main square 1"]]) is None


def test_encodings() -> None:
    assert decode_text(Path("a.txt"), "\ufeffÜber".encode()) == ("Über", None)
    assert decode_text(Path("a.txt"), "Über".encode("utf-16")) == ("Über", None)
    assert decode_text(Path("a.txt"), b"\x80 5") == ("€ 5", "not UTF-8: read as Windows-1252")


def test_segmentation_of_legal_headings_paragraphs_and_items() -> None:
    text = (
        "ORDINANCE\n\nPART I - GENERAL\n\nArticle 1\nPurpose\nThis ordinance secures equal treatment.\n\n"
        "Art. 2 (Definitions)\n(1) In this ordinance:\n(a) one;\n(b) two;\n(i) first;\n(ii) second;\n"
        "(c) three.\n(2) Other terms.\n- an item\n- another item\n\nSection 3. Complaints.\n1. First.\n2. Second.\n\n"
        "§ 2-1402.21. Prohibitions.\nText.\n\nPART II - FINAL\nArticle 4 - Entry into force\nIt enters into force.\n"
    )
    doc = read_document(Path("o.txt"), text.encode())
    provisions = segment(doc)
    assert [(p.eid, p.parent, p.number, p.heading) for p in provisions] == [
        ("part_I", None, "I", "GENERAL"),
        ("art_1", "part_I", "1", "Purpose"),
        ("art_2", "part_I", "2", "Definitions"),
        ("art_2__para_1", "art_2", "1", None),
        ("art_2__para_1__para_a", "art_2__para_1", "a", None),
        ("art_2__para_1__para_b", "art_2__para_1", "b", None),
        ("art_2__para_1__para_b__para_i", "art_2__para_1__para_b", "i", None),
        ("art_2__para_1__para_b__para_ii", "art_2__para_1__para_b", "ii", None),
        ("art_2__para_1__para_c", "art_2__para_1", "c", None),
        ("art_2__para_2", "art_2", "2", None),
        ("art_2__para_2__item_1", "art_2__para_2", "1", None),
        ("art_2__para_2__item_2", "art_2__para_2", "2", None),
        ("sec_3", "part_I", "3", "Complaints"),
        ("sec_3__para_1", "sec_3", "1", None),
        ("sec_3__para_2", "sec_3", "2", None),
        ("sec_2-1402.21", "part_I", "2-1402.21", "Prohibitions"),
        ("part_II", None, "II", "FINAL"),
        ("art_4", "part_II", "4", "Entry into force"),
    ]
    assert doc.title == "ORDINANCE"
    for p in provisions:
        assert doc.text[p.start : p.end] == p.text
    assert provisions[1].text == "Article 1\nPurpose\nThis ordinance secures equal treatment."
    assert provisions[0].end == provisions[15].end  # a part ends where its last article ends


def test_word_numbering_gives_the_numbers_the_text_lacks(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    levels = [("decimal", "Article %1"), ("decimal", "%2."), ("lowerLetter", "(%3)")]
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="90">' + "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
            for i, (fmt, text) in enumerate(levels)
        ) + "</w:abstractNum>"
    ))  # fmt: skip
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    document.add_paragraph("Ordinance on Equal Access", style="Title")
    for level, style, text in [
        (0, "Heading 1", "Purpose"),
        (1, None, "This ordinance secures equal access to municipal services."),
        (0, "Heading 1", "Obligations"),
        (1, None, "Every municipal service shall:"),
        (2, None, "inform in plain language;"),
        (2, None, "offer sign language interpretation."),
        (1, None, "Buildings shall be accessible by 2027."),
    ]:
        paragraph = document.add_paragraph(text, style=style)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        )
    document.add_paragraph("A bullet keeps its text as it is.", style="List Bullet")
    path = tmp_path / "ordinance.docx"
    document.save(str(path))
    extracted = read_document(path, path.read_bytes())
    assert extracted.text.splitlines()[1:] == [
        "Article 1 Purpose",
        "1. This ordinance secures equal access to municipal services.",
        "Article 2 Obligations",
        "1. Every municipal service shall:",
        "(a) inform in plain language;",
        "(b) offer sign language interpretation.",
        "2. Buildings shall be accessible by 2027.",
        "A bullet keeps its text as it is.",
    ]
    provisions = segment(extracted)
    assert [(p.eid, p.heading) for p in provisions if p.kind == "article"] == [
        ("art_1", "Purpose"),
        ("art_2", "Obligations"),
    ]
    assert {"art_2__para_1__para_b", "art_2__para_2"} <= {p.eid for p in provisions}


def test_damaged_or_huge_numbering_gives_plain_numbers(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="91"><w:lvl w:ilvl="x"><w:start w:val="999999"/>'
        '<w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%1)"/></w:lvl></w:abstractNum>'
    ))  # fmt: skip
    numbering.append(parse_xml(f'<w:num {w} w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))
    paragraph = document.add_paragraph("A point.")
    paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {w}><w:ilvl w:val="?"/><w:numId w:val="91"/></w:numPr>'))
    path = tmp_path / "odd.docx"
    document.save(str(path))
    assert read_document(path, path.read_bytes()).text == "(999999) A point.\n"
    page = b'<ol type="a" start="99999999999"><li>One.</li></ol>'
    assert read_document(Path("list.html"), page).text == "99999999999. One.\n"


def test_html_ordered_lists_give_their_numbers() -> None:
    page = (
        "<h2>Article 2 - Consultation</h2><ol><li>Drafts are published for 30 days.</li>"
        '<li value="4">Comments are answered:<ol type="a"><li>in plain language;</li><li>in writing.</li></ol></li>'
        '</ol><ul><li>A bullet keeps its text.</li></ul><ol start="3" type="i"><li>Third.</li></ol>'
        "<ol><li>7. A number typed in the item is not shown twice.</li></ol>"
    )
    extracted = read_document(Path("bylaw.html"), page.encode())
    assert extracted.text.splitlines() == [
        "Article 2 - Consultation",
        "1. Drafts are published for 30 days.",
        "4. Comments are answered:",
        "(a) in plain language;",
        "(b) in writing.",
        "A bullet keeps its text.",
        "(iii) Third.",
        "7. A number typed in the item is not shown twice.",
    ]
    assert [p.eid for p in segment(extracted)][:5] == [
        "art_2", "art_2__para_1", "art_2__para_4", "art_2__para_4__para_a", "art_2__para_4__para_b"
    ]  # fmt: skip


def test_words_a_pdf_hyphenates_at_line_ends_are_joined(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "ordinance.pdf"
    canvas = Canvas(str(path), invariant=1)
    lines = ["Article 1 - Housing", "(1) The city shall provide emergency accommo-",
             "dation to every homeless person and social housing to low-", "income families.",
             "(2) Non-discrimination applies to the allocation of all municipal hous-", "ing."]  # fmt: skip
    for n, line in enumerate(lines):
        canvas.drawString(60, 800 - 14 * n, line)
    canvas.save()
    extracted = read_document(path, path.read_bytes())
    assert "emergency accommodation to every" in extracted.text
    assert "to low-income families" in extracted.text
    assert "municipal housing." in extracted.text
    assert [p.eid for p in segment(extracted)] == ["art_1", "art_1__para_1", "art_1__para_2"]


def test_a_docx_is_read_with_its_tracked_changes_accepted(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    paragraph = document.add_paragraph("Section 1. The city shall provide ")
    for xml in (
        f'<w:ins {w} w:id="1" w:author="A"><w:r><w:t xml:space="preserve">free </w:t></w:r></w:ins>',
        f'<w:del {w} w:id="2" w:author="A"><w:r><w:delText xml:space="preserve">paid </w:delText></w:r></w:del>',
        f'<w:r {w}><w:t xml:space="preserve">legal aid</w:t><w:tab/><w:t>(see</w:t></w:r>',
        f'<w:hyperlink {w}><w:r><w:t xml:space="preserve"> the guide).</w:t></w:r></w:hyperlink>',
    ):
        paragraph._p.append(parse_xml(xml))
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0]._p.append(parse_xml(f'<w:ins {w} w:id="3" w:author="A"><w:r><w:t>Added</w:t></w:r></w:ins>'))
    path = tmp_path / "tracked.docx"
    document.save(str(path))
    extracted = read_document(path, path.read_bytes())
    assert extracted.text.splitlines()[0] == "Section 1. The city shall provide free legal aid\t(see the guide)."
    assert extracted.tables == [[["Added"]]]


def _workbook(path: Path, sheet: str, *, date1904: bool = False) -> Path:
    """Write an XLSX file as spreadsheet programs do: shared strings, styles with dates, formulas' results."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    types = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/xl/workbook.xml" ContentType="{types}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{types}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{types}.sharedStrings+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{types}.styles+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
        f'Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rels}"><workbookPr date1904="{int(date1904)}"/>'
        '<sheets><sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}">'
        f'<Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rels}/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": f'<styleSheet xmlns="{main}"><numFmts count="2"><numFmt numFmtId="164" '
        'formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="[h]:mm"/></numFmts><cellXfs count="5">'
        '<xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="4"/></cellXfs>'
        "</styleSheet>",
        "xl/sharedStrings.xml": f'<sst xmlns="{main}"><si><t>ID</t></si><si><t>Action</t></si>'
        '<si><t xml:space="preserve">  Open  a shelter </t></si><si><r><t>Rich </t></r><r><rPr><b/></rPr>'
        '<t>text</t></r><rPh sb="0" eb="1"><t>hint</t></rPh></si><si><t>a_x005F_x000D_b</t></si></sst>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}">{sheet}</worksheet>',
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
@pytest.mark.parametrize("dimension", ['<dimension ref="A1:I7"/>', '<dimension ref="A1:C3"/>', ""])
@pytest.mark.parametrize("date1904", [False, True])
def test_the_quick_xlsx_reader_reads_what_openpyxl_reads(tmp_path: Path, dimension: str, date1904: bool) -> None:
    sheet = (
        f"{dimension}<sheetData>"
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="3"><c r="A3"><v>1</v></c><c r="B3" t="s"><v>2</v></c><c r="C3" t="b"><v>1</v></c>'
        '<c r="D3" s="1"><v>45000</v></c><c r="E3" s="4"><v>1234.5</v></c><c r="F3" s="3"><v>1.5</v></c></row>'
        '<row><c t="str"><f>A3&amp;"x"</f><v>1x</v></c><c t="s"><v>3</v></c><c t="e"><v>#N/A</v></c>'
        '<c s="2"><v>45292</v></c><c t="inlineStr"><is><t>inline &#8212; dash</t></is></c>'
        '<c t="d"><v>2026-06-30T00:00:00</v></c></row>'
        '<row r="6"><c r="B6" t="s"><v>4</v></c><c r="G6"><v>1E3</v></c><c r="H6"><f>1+1</f></c>'
        '<c r="I6" s="2"><v>0.25</v></c></row>'
        '<row r="5"><c r="A5"><v>99</v></c></row><row r="7"><c r="A7" t="inlineStr"/><c r="B7"><v></v></c></row>'
        "</sheetData>"
    )
    path = _workbook(tmp_path / "plan.xlsx", sheet, date1904=date1904)
    data = path.read_bytes()
    quick = read_spreadsheet(path, data)
    assert [(s.name, s.rows) for s in quick] == [(s.name, s.rows) for s in read._openpyxl_xlsx(path, data, None)]
    assert quick[0].rows[0] == (1, ["ID", "Action", *[None] * (len(quick[0].rows[0][1]) - 2)])
    with pytest.raises(read._UnusualError):  # a DTD: left to openpyxl, which refuses it
        read._quick_xlsx(path, data.replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY e "x">]><worksheet'), None)
