"""Every report, in every format, on the bundled Example City after the whole pipeline (ingest, link, validate).

Checked against golden files in tests/data/report/golden/example-city, written with
``HRGRAPH_UPDATE_GOLDEN=1``: when ingest or linking change what Example City holds, rewrite them and
read the difference. The UPR matrix has thousands of rows (every recommendation × every measure that
answers it through a theme or an article): the documents (DOCX, HTML, Markdown) give one row per
recommendation and are kept in full; for XLSX, CSV and JSON, which keep every row, the golden files
keep the first lines with the length and SHA-256 of the whole. Skipped where the
example city or the pipeline is not there.
"""

from __future__ import annotations

import hashlib
import importlib.util
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from hrgraph.report import REPORTS, OutputFormat, Report, ReportParams, build_report, render
from hrgraph.resources import corpus_files
from hrgraph.store import EmbeddedStore, Store
from tests.test_report import _as_text, _golden

CITY = "Example City"


@pytest.fixture(scope="module")
def example() -> Iterator[Store]:
    """An in-memory store after the main job's pipeline on Example City."""
    if importlib.util.find_spec("hrgraph.pipeline") is None or not corpus_files():
        pytest.skip("the pipeline or the standards corpus is not present")
    from hrgraph.pipeline import run_example

    with EmbeddedStore() as store, tempfile.TemporaryDirectory() as out:
        run_example(store, Path(out))
        yield store


@pytest.fixture(scope="module")
def reports(example: Store) -> dict[str, Report]:
    """Every report on Example City."""
    return {name: build_report(example, name, ReportParams(city=CITY)) for name in REPORTS}


def test_every_report_has_rows(reports: dict[str, Report]) -> None:
    for name in ("upr", "vlr", "treaty-linkage"):
        assert reports[name].tables[0].rows, name
    matrix = reports["upr"].table("UPR matrix").records()
    assert len({r["recommendation_iri"] for r in matrix}) == 215
    assert {r["link_status"] for r in matrix if r["measure_iri"]} <= {"stated by the city", "curated", "proposed"}


def test_each_route_has_the_status_of_its_own_link(reports: dict[str, Report]) -> None:
    matrix = reports["upr"].table("UPR matrix").records()
    routes = {
        r["route"]: r["link_status"] for r in matrix if r["paragraph"] == "121.3" and r["measure_number"] == "WO-01"
    }
    # the plan cites ICESCR art. 6 for WO-01; the other articles and the theme are proposals
    assert routes["article: ICESCR art. 6 (Right to work and labour rights)"] == "stated by the city"
    assert routes["article: CEDAW art. 11 (Right to work and labour rights)"] == "proposed"
    assert routes["theme: Right to work and labour rights"] == "proposed"
    # ICERD art. 5 enshrines eight rights themes: a measure citing it answers only for a theme it is linked to,
    # and those links are proposals here
    icerd = {r["link_status"] for r in matrix if str(r["route"]).startswith("article: ICERD art. 5 ")}
    assert icerd == {"proposed"}


def test_the_assessment_counts_no_unreviewed_proposal(reports: dict[str, Report]) -> None:
    text = render(reports["upr"], OutputFormat.MD)[""].decode()
    row = next(line for line in text.splitlines() if line.startswith("| 121.4 |"))
    # PA-02 and PS-02 are completed, but only proposals tie them to the recommendation
    assert row.endswith("| not assessed: only proposed links, not yet reviewed (2 action items, 20 provisions) |")


def test_vlr_and_coverage_count_the_same_targets(reports: dict[str, Report]) -> None:
    vlr = reports["vlr"]
    assert any(str(r["target_number"]).endswith("(the goal)") for r in vlr.table("VLR").records())
    targets = len(reports["coverage"].table("SDG targets").rows)
    assert vlr.introduction[1].startswith(f"The measures of {CITY} contribute to {targets} targets of ")


@pytest.mark.parametrize("name", sorted(REPORTS))
@pytest.mark.parametrize("fmt", list(OutputFormat), ids=lambda f: f.label)
def test_golden(reports: dict[str, Report], name: str, fmt: OutputFormat) -> None:
    for suffix, data in render(reports[name], fmt).items():
        if suffix.endswith((".png", ".svg")):
            assert data, suffix
            continue
        file = f"{name}{suffix}" if suffix else f"{name}{fmt.suffix}"
        suffixed = ".txt" if fmt in (OutputFormat.DOCX, OutputFormat.XLSX) else ""
        text = _as_text(fmt, file, data)
        if (
            name == "upr"
            and fmt in (OutputFormat.CSV, OutputFormat.JSON, OutputFormat.XLSX)
            and not suffix.startswith("-summary")
        ):
            lines = text.splitlines()
            digest = hashlib.sha256(text.encode()).hexdigest()
            text = "\n".join([*lines[:40], f"… {len(lines)} lines in all, SHA-256 {digest}"]) + "\n"
        _golden(f"example-city/{name}/{file}{suffixed}", text)


def test_documents_give_one_row_per_recommendation_and_its_closest_responses(reports: dict[str, Report]) -> None:
    matrix = reports["upr"].table("UPR matrix").records()
    text = render(reports["upr"], OutputFormat.MD)[""].decode()
    section = text.split("## UPR recommendations")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| Paragraph")]
    assert len(rows) == len({r["recommendation_iri"] for r in matrix})
    cells = [row.split(" | ")[3] for row in rows]
    assert all(len(cell.split("<br>")) <= 7 for cell in cells)
    longest = max(cells, key=lambda c: len(c.split("<br>")))
    assert "more (all of them in the XLSX, CSV or JSON)" in longest
    # an action item answering through an article comes before any provision answering through a theme
    paragraph = rows[cells.index(longest)].split(" | ")[0].lstrip("| ")
    responses = [r for r in matrix if r["paragraph"] == paragraph and r["measure_iri"]]
    assert len(responses) > 7
    first = longest.split("<br>")[0]
    best = min(responses, key=lambda r: ("article" not in str(r["route"]), r["measure_kind"] != "action item"))
    assert ("article" in first) == ("article" in str(best["route"]))


def test_a_recital_and_a_paragraph_of_the_same_number_are_told_apart(reports: dict[str, Report]) -> None:
    matrix = reports["upr"].table("UPR matrix").records()
    cited = {str(r["measure_iri"]).rsplit("/", 1)[1]: r["measure_number"] for r in matrix if r["measure_iri"]}
    assert cited["recital_1"] == "recital 1"
    assert cited["formula_1__para_1"] == "§ 1"  # a paragraph of the proclamation's operative part
    assert cited["formula_1"] == "operative part"
    assert "art. 3(1)" in cited.values() and "§ 4(2)" in cited.values()  # the ordinance; the report's list
    text = render(reports["upr"], OutputFormat.MD)[""].decode()
    assert "Proclamation of Example City as a Human Rights City, recital 2" in text
    assert "Proclamation of Example City as a Human Rights City, § 1" in text


def test_review_workbook_of_the_example_city_holds_every_proposed_link(example: Store, tmp_path: Path) -> None:
    """The PDF ordinance's text has form feeds between pages, which a spreadsheet cell cannot hold."""
    from openpyxl import load_workbook

    from hrgraph.link.mappings import read_mappings
    from hrgraph.link.review import export_review

    path = tmp_path / "review.xlsx"
    rows = export_review(example, CITY, path)
    assert rows == len(read_mappings(example, f"proposed/{CITY}")) > 0
    sheet = load_workbook(path, rich_text=True)["review"]
    passages = [str(row[2]) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(passages) == rows and not any("\f" in p for p in passages)
    assert any("page" in str(row[1]) or "part_" in str(row[1]) for row in sheet.iter_rows(min_row=2, values_only=True))
