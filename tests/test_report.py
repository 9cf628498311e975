"""Reports on the fixture city Lakeside (tests/data/report): content, golden files, formats, CLI, injection.

Golden files live in tests/data/report/golden; rewrite them with ``HRGRAPH_UPDATE_GOLDEN=1 pytest
tests/test_report.py`` and look at the difference before committing it. CSV, Markdown and JSON are
compared as text; DOCX and XLSX by their content (paragraphs, cells, sheet settings); HTML without
its SVG charts, which are checked on their own.
"""

from __future__ import annotations

import json
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal

from hrgraph.cli import main
from hrgraph.cli_report import push, report
from hrgraph.errors import BadInputError, UnknownNameError
from hrgraph.queries import catalogue, find_query, run_query
from hrgraph.report import (
    REPORTS,
    OutputFormat,
    Report,
    ReportParams,
    build_report,
    render,
    write_atomic,
    write_report,
    write_reports,
)
from hrgraph.resources import corpus_files
from hrgraph.store import EmbeddedStore, RdfFormat, Store, Table
from tests.conftest import load_fixture as load_fixture  # test_report_remote imports it from here

DATA = Path(__file__).parent / "data" / "report"
GOLDEN = DATA / "golden"
UPDATE = os.environ.get("HRGRAPH_UPDATE_GOLDEN") == "1"
REC_121_36 = "https://w3id.org/hrgraph/id/upr/slovenia/cycle_3/rec_121.36"


@pytest.fixture(scope="module")
def reports(lakeside: Store) -> dict[str, Report]:
    """Every report on Lakeside."""
    return {name: build_report(lakeside, name, ReportParams(city="Lakeside")) for name in REPORTS}


# --- what the reports say ----------------------------------------------------------------------------


def test_upr_matrix_lists_every_recommendation_and_marks_the_route(reports: dict[str, Report]) -> None:
    matrix = reports["upr"].table("UPR matrix").records()
    recommendations = {r["recommendation_iri"] for r in matrix}
    assert len(recommendations) == 215  # Slovenia, cycle 3 (the latest)
    direct = [
        r
        for r in matrix
        if r["recommendation_iri"] == REC_121_36 and r["measure_number"] == "H-02" and r["route"] == "direct"
    ]
    assert len(direct) == 1
    assert direct[0]["link_status"] == "curated"  # the proposal was accepted: shown once, as curated
    assert direct[0]["assessment"] == "implemented"  # H-02 is completed
    assert direct[0]["responsible_body"] == "Department of Social Affairs"
    unanswered = [r for r in matrix if r["measure_iri"] is None]
    assert unanswered and all(r["assessment"] == "no local response" for r in unanswered)
    assert not any("hillside" in str(r["measure_iri"]) for r in matrix)
    themed = [r for r in matrix if r["measure_number"] == "H-03"]
    assert themed and all(r["link_status"] == "proposed" for r in themed)
    assert any(str(r["route"]).startswith("theme: Equality and non-discrimination") for r in themed)


def test_upr_summary_adds_up(reports: dict[str, Report]) -> None:
    summary = {r["metric"]: r["value"] for r in reports["upr"].table("Summary").records()}
    assert summary["recommendations"] == 215
    assert summary["with a local response"] == 121
    assert summary["without a local response"] == 215 - 121
    assert summary["  answered directly by a measure"] == 1
    assert summary["  answered only through proposed links not yet reviewed"] == 120


def test_treaty_linkage_statuses_and_routes(lakeside: Store, reports: dict[str, Report]) -> None:
    rows = reports["treaty-linkage"].table("Treaty linkage").records()
    found = {(r["abbreviation"], r["article"], r["measure_number"], r["route"], r["link_status"]) for r in rows}
    assert found == {
        ("CEDAW", "2", "§ 2", "article", "stated by the city"),
        ("CEDAW", "5", "H-02", "article", "proposed"),
        ("ICESCR", "11", "H-01", "paragraph 1", "curated"),
    }
    via = build_report(lakeside, "treaty-linkage", ReportParams(city="Lakeside", via_sdg=True, instrument="ICESCR"))
    routes = {(r["article"], r["measure_number"], r["route"]) for r in via.table("Treaty linkage").records()}
    assert ("11", "H-01", "via SDG target 11.1") in routes
    assert ("11", "H-01", "paragraph 1") in routes
    assert {r["abbreviation"] for r in via.table("Treaty linkage").records()} == {"ICESCR"}
    # a measure that serves an article by two routes is one pair of the introduction's count
    pairs = {(r["article"], r["measure_number"]) for r in via.table("Treaty linkage").records()}
    assert len(pairs) < len(via.table("Treaty linkage").records())
    assert via.introduction[1].startswith(f"{len(pairs)} pairs of an article and a local measure")


def test_vlr_rows_indicators_and_trends(reports: dict[str, Report]) -> None:
    rows = {(r["target_number"], r["local_indicator"]): r for r in reports["vlr"].table("VLR").records()}
    housing = rows[("11.1", "Social housing units completed")]
    assert (housing["baseline_year"], housing["baseline_value"]) == ("2021", 0.0)
    assert (housing["latest_year"], housing["latest_value"]) == ("2024", 88.0)
    assert housing["trend"] == "rising"
    assert housing["action_items"] == "H-01 (in progress)"  # stated, and proposed before: shown once, as stated
    assert "ICESCR art. 11" in str(housing["articles"])
    meals = rows[("2.1", "Pupils receiving free school meals")]
    assert meals["trend"] == "falling"
    assert str(meals["action_items"]).endswith(", link proposed)")  # only proposed, not yet reviewed
    assert rows[("16.b", "Municipal staff trained in human rights")]["trend"] == "no change"
    # an indicator measuring SDG indicator 11.1.1, tied to no linked item
    assert rows[("11.1", "Households living in inadequate housing")]["trend"] == "falling"
    # the proposal to link H-03 to target 4.7 was rejected
    assert not any(target == "4.7" for target, _ in rows)
    assert rows[("10.2", None)]["action_items"] == "Equal Treatment Ordinance § 3"


def _upr_cells(report: Report, paragraph: str) -> list[str]:
    """The cells of a recommendation's row in the Markdown UPR report."""
    text = render(report, OutputFormat.MD)[""].decode()
    line = next(line for line in text.splitlines() if line.startswith(f"| {paragraph} |"))
    return line.removeprefix("| ").removesuffix(" |").split(" | ")


def test_each_route_of_a_response_has_its_own_status(reports: dict[str, Report]) -> None:
    matrix = reports["upr"].table("UPR matrix").records()
    routes = {
        r["route"]: (r["link_status"], r["confidence"], r["assessment"])
        for r in matrix
        if r["recommendation_iri"] == REC_121_36 and r["measure_number"] == "H-02"
    }
    # curated: the link to the recommendation; proposed: the theme, and CEDAW art. 5 through it
    assert routes == {
        "direct": ("curated", 0.78, "implemented"),
        "article: CEDAW art. 5 (Domestic violence)": ("proposed", 0.66, "not assessed (link proposed)"),
        "theme: Domestic violence": ("proposed", 0.7, "not assessed (link proposed)"),
    }
    measures = _upr_cells(reports["upr"], "121.36")[3]
    assert measures.endswith(
        "— completed — direct (curated); article: CEDAW art. 5 (Domestic violence) (proposed, confidence 0.66); "
        "theme: Domestic violence (proposed, confidence 0.70)"
    )


def test_the_assessment_rests_on_stated_and_curated_links(reports: dict[str, Report]) -> None:
    assert _upr_cells(reports["upr"], "121.36")[4] == "implemented: 1 completed"  # H-02, curated
    # H-02 is completed too, but only proposals tie it to these recommendations on domestic violence
    assert (
        _upr_cells(reports["upr"], "121.13")[4] == "not assessed: only proposed links, not yet reviewed (1 action item)"
    )
    assert (
        _upr_cells(reports["upr"], "122.121")[4]
        == "not assessed: only proposed links, not yet reviewed (2 action items)"
    )


def test_an_article_of_several_rights_answers_only_for_the_theme_the_measure_serves(
    reports: dict[str, Report],
) -> None:
    matrix = reports["upr"].table("UPR matrix").records()
    section = [r for r in matrix if str(r["measure_iri"]).endswith("/equal-treatment-ordinance/sec_2")]
    # § 2 states CEDAW art. 2, which enshrines three rights themes; a proposal links § 2 to one of them
    assert {r["route"] for r in section} == {
        "article: CEDAW art. 2 (Gender equality and elimination of discrimination against women)",
        "theme: Gender equality and elimination of discrimination against women",
    }
    assert {r["link_status"] for r in section} == {"proposed"}  # the weaker of the two links
    assert not [r for r in section if r["recommendation_iri"] == REC_121_36]  # domestic violence


def test_the_recipe_for_recommendations_answered_only_by_proposals(reports: dict[str, Report]) -> None:
    recipe = (Path(__file__).parent.parent / "queries" / "README.md").read_text()
    pattern = re.search(r"-O md \| grep '([^']+)'", recipe)
    assert pattern, "the recipe in queries/README.md"
    text = render(reports["upr"], OutputFormat.MD)[""].decode()
    summary = {r["metric"]: r["value"] for r in reports["upr"].table("Summary").records()}
    found = [line for line in text.splitlines() if pattern.group(1) in line]
    assert len(found) == summary["  answered only through proposed links not yet reviewed"] == 120


def test_gaps(reports: dict[str, Report]) -> None:
    gaps = reports["gaps"]
    items = gaps.table("Action items").records()
    assert [r["number"] for r in items] == ["H-04"]
    commitments = {(r["instrument"], r["number"]): r for r in gaps.table("Commitments").records()}
    assert ("CEDAW", "2") not in commitments  # stated by the ordinance
    assert ("ICESCR", "11") not in commitments  # a curated link to paragraph 1
    assert commitments[("CEDAW", "5")]["open_proposals"] == 1  # only a proposal so far
    assert ("SDG", "11.1") not in commitments and ("SDG", "4.7") in commitments
    # 11.1 and 10.2 are stated, 5.2 curated; 2.1 and 16.b are only proposed
    assert len([k for k in commitments if k[0] == "SDG"]) == 169 - 3
    assert commitments[("SDG", "2.1")]["open_proposals"] == 1
    unanswered = {r["paragraph"] for r in gaps.table("UPR recommendations").records()}
    matrix = reports["upr"].table("UPR matrix").records()
    assert unanswered == {r["paragraph"] for r in matrix if r["measure_iri"] is None}


def test_gaps_leave_out_procedural_and_final_clauses(reports: dict[str, Report]) -> None:
    gaps = reports["gaps"]
    commitments = {(r["instrument"], r["number"]) for r in gaps.table("Commitments").records()}
    # ICESCR art. 16-31 (reporting, signature, entry into force, …) and CEDAW art. 17-30 (the Committee,
    # reservations, depositary, …) are procedural provisions in the corpus: no city can serve them
    for instrument, first, last in (("ICESCR", 16, 31), ("CEDAW", 17, 30)):
        procedural = {(instrument, str(n)) for n in range(first, last + 1)} - {("CEDAW", "24")}
        assert not procedural & commitments, instrument
    assert ("ICESCR", "12") in commitments and ("CEDAW", "16") in commitments  # substantive articles stay
    assert ("CEDAW", "24") in commitments  # a general obligation to take measures, which a city can serve
    assert "procedural and final clauses" in gaps.introduction[2]


def test_coverage_for_a_city_and_a_network(lakeside: Store, reports: dict[str, Report]) -> None:
    goals = {r["key"]: r["measures"] for r in reports["coverage"].table("SDG goals").records()}
    assert goals == {"2": 1, "5": 1, "10": 1, "11": 1, "16": 1}
    departments = {r["department"]: r for r in reports["coverage"].table("Departments").records()}
    assert departments["Human Rights Office"]["action_items"] == 2
    assert departments["Human Rights Office"]["linked_items"] == 1
    network = build_report(lakeside, "coverage", ReportParams(city=None))
    cities = {r["city"]: r for r in network.table("Cities").records()}
    assert set(cities) == {"Hillside", "Lakeside"}
    assert cities["Hillside"]["action_items"] == 1 and cities["Hillside"]["links"] == 3  # stated
    # the network's figures add up the reports of its cities
    each = {city: build_report(lakeside, "coverage", ReportParams(city=str(city))) for city in cities}
    for table in ("SDG goals", "SDG targets", "Instruments", "Rights themes"):
        per_city: dict[str, list[int]] = {}
        for one in each.values():
            for r in one.table(table).records():
                per_city.setdefault(str(r["key"]), []).append(int(str(r["links"])))
        found = {str(r["key"]): (r["cities"], r["links"]) for r in network.table(table).records()}
        assert found == {key: (len(links), sum(links)) for key, links in per_city.items()}, table


def test_network_coverage_of_an_empty_store_says_so() -> None:
    with EmbeddedStore() as empty, pytest.raises(BadInputError, match="the store holds no city"):
        build_report(empty, "coverage", ReportParams(city=None))


def test_a_city_report_needs_a_city(lakeside: Store) -> None:
    with pytest.raises(BadInputError, match="give --city"):
        build_report(lakeside, "upr", ReportParams(city=None))
    with pytest.raises(UnknownNameError, match="unknown report"):
        build_report(lakeside, "annual", ReportParams(city="Lakeside"))


# --- cities with no country, two plans, no items; States and goals the store does not hold -----------

EMPTYVILLE = b"""
@prefix hrg: <https://w3id.org/hrgraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/hrgraph/city/emptyville/> a hrg:LocalGovernment ;
    skos:prefLabel "Emptyville"@en ;
    hrg:country <https://w3id.org/hrgraph/id/state/croatia> .
"""


@pytest.fixture(scope="module")
def variant() -> Iterator[Store]:
    """The fixture cities, with Twinfield (no country, two plans) and Emptyville (Croatia, no action items)."""
    if not corpus_files():
        pytest.skip("the built standards corpus is not present")
    with EmbeddedStore() as store:
        load_fixture(store)
        store.load(DATA / "twinfield-city.ttl", graph="city/Twinfield")
        store.load(EMPTYVILLE, format=RdfFormat.TURTLE, graph="city/Emptyville")
        yield store


def test_gaps_say_when_the_store_holds_no_recommendations_to_the_state(variant: Store) -> None:
    gaps = build_report(variant, "gaps", ReportParams(city="Emptyville"))
    assert gaps.introduction[1] == (
        "Committed articles or targets without a measure: 0; action items without a link: 0. "
        "The store holds no UPR recommendations to Croatia, so none are compared."
    )
    assert [t.name for t in gaps.tables] == ["Commitments", "Action items"]
    twinfield = build_report(variant, "gaps", ReportParams(city="Twinfield"))
    assert twinfield.introduction[1].endswith(
        "UPR recommendations are not compared: the city has no country in the store (give --state)."
    )


def test_recommendations_asked_for_and_not_held_name_what_the_store_holds(variant: Store) -> None:
    for name in ("upr", "gaps"):
        with pytest.raises(
            BadInputError,
            match=r"^the store holds no UPR recommendations to Slovenia in cycle 9: it holds cycles 2, 3$",
        ):
            build_report(variant, name, ReportParams(city="Lakeside", cycle=9))
        with pytest.raises(
            BadInputError,
            match=r"^the store holds no UPR recommendations to Narnia: it holds those to Slovenia \(cycles 2, 3\)$",
        ):
            build_report(variant, name, ReportParams(city="Lakeside", state="Narnia"))
    with pytest.raises(BadInputError, match=r"to Croatia: it holds those to Slovenia \(cycles 2, 3\)$"):
        build_report(variant, "upr", ReportParams(city="Emptyville"))
    with pytest.raises(BadInputError, match="give --state"):
        build_report(variant, "gaps", ReportParams(city="Twinfield", cycle=3))
    with EmbeddedStore() as bare:
        bare.load(EMPTYVILLE, format=RdfFormat.TURTLE, graph="city/Emptyville")
        with pytest.raises(BadInputError, match=r"holds no UPR recommendations: run `hrgraph init`"):
            build_report(bare, "upr", ReportParams(city="Emptyville"))


def test_an_unknown_goal_or_instrument_is_an_error(disk_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--city", "Lakeside", "--store", str(disk_store)]
    assert main(["report", "vlr", *store, "--goal", "18"]) == 2
    assert capsys.readouterr().err.strip() == "hrgraph: error: no SDG goal 18 in the store (it holds goals 1 to 17)"
    assert main(["report", "vlr", *store, "--goal", "http://metadata.un.org/sdg/18"]) == 2
    assert "no SDG goal http://metadata.un.org/sdg/18" in capsys.readouterr().err
    assert main(["report", "treaty-linkage", *store, "--instrument", "https://w3id.org/hrgraph/id/nope"]) == 2
    assert "no instrument 'https://w3id.org/hrgraph/id/nope' in the store" in capsys.readouterr().err
    assert main(["report", "treaty-linkage", *store, "--instrument", "https://w3id.org/hrgraph/id/icescr"]) == 0
    assert "ICESCR" in capsys.readouterr().out


def test_vlr_without_a_state_lists_no_recommendations(variant: Store) -> None:
    vlr = build_report(variant, "vlr", ReportParams(city="Twinfield"))
    assert [r["recommendations"] for r in vlr.table("VLR").records()] == [None, None, None]
    assert "none here: the city has no country; give --state" in vlr.introduction[2]
    slovenia = build_report(variant, "vlr", ReportParams(city="Twinfield", state="Slovenia"))
    targets = [r for r in slovenia.table("VLR").records() if r["target_number"] == "11.1"]
    assert len(targets) == 2 and all("A/HRC/43/15 para. 122.89" in str(r["recommendations"]) for r in targets)


def test_vlr_names_items_by_plan_and_counts_targets_not_goals(variant: Store) -> None:
    vlr = build_report(variant, "vlr", ReportParams(city="Twinfield"))
    rows = {(r["target_number"], r["local_indicator"]): r for r in vlr.table("VLR").records()}
    assert rows[("11.1", None)]["action_items"] == "Housing Plan: A-01 (in progress); Youth Plan: A-01 (in progress)"
    assert rows[("11 (the goal)", "Share of new homes let to young people")]["action_items"] == (
        "Housing Plan: B-01 (planned, link proposed)"
    )
    assert vlr.introduction[1] == "The measures of Twinfield contribute to 1 target of 1 goal (11)."
    lakeside = build_report(variant, "vlr", ReportParams(city="Lakeside"))  # one plan: numbers alone
    assert "H-01 (in progress)" in {r["action_items"] for r in lakeside.table("VLR").records()}


def test_coverage_counts_an_item_of_two_departments_once(variant: Store) -> None:
    coverage = build_report(variant, "coverage", ReportParams(city="Twinfield"))
    departments = {r["department"]: r["action_items"] for r in coverage.table("Departments").records()}
    assert departments == {"Housing Department": 2, "Youth Office": 2}  # A-01 of the housing plan in both
    city = coverage.table("Cities").records()
    assert [(r["city"], r["action_items"], r["linked_items"]) for r in city] == [("Twinfield", 3, 3)]
    assert coverage.introduction[1].startswith("Twinfield has 3 action items, 3 of them linked to a standard.")
    empty = build_report(variant, "coverage", ReportParams(city="Emptyville"))
    assert empty.introduction[1].startswith("Emptyville has 0 action items, 0 of them linked to a standard.")


def test_numbers_are_shown_as_stored(variant: Store) -> None:
    vlr = build_report(variant, "vlr", ReportParams(city="Twinfield"))
    for fmt in (OutputFormat.CSV, OutputFormat.MD, OutputFormat.HTML):
        text = render(vlr, fmt)[""].decode()
        assert "0.315" in text and "0.3871" in text, fmt
    assert "| 0.315 | 2024 | 0.3871 | rising |" in _docx_text(render(vlr, OutputFormat.DOCX)[""])
    linkage = build_report(variant, "treaty-linkage", ReportParams(city="Twinfield"))
    assert ",proposed,0.3871," in render(linkage, OutputFormat.CSV)[""].decode()  # the full data
    assert "| proposed | 0.39 |" in render(linkage, OutputFormat.MD)[""].decode()  # for reading


def test_xlsx_writes_text_that_looks_like_a_formula_as_text(variant: Store) -> None:
    from openpyxl import load_workbook

    linkage = build_report(variant, "treaty-linkage", ReportParams(city="Twinfield"))
    book = load_workbook(__import__("io").BytesIO(render(linkage, OutputFormat.XLSX)[""]))
    cells = [c for row in book["Treaty linkage"].iter_rows() for c in row if str(c.value).startswith("=")]
    assert [(c.value, c.data_type) for c in cells] == [
        ('=HYPERLINK("https://example.org","Open a youth shelter")', "s")
    ]


def test_a_device_gets_the_main_file_only(
    reports: dict[str, Report], capsys: pytest.CaptureFixture[str], disk_store: Path
) -> None:
    assert write_report(reports["gaps"], OutputFormat.CSV, Path("/dev/null")) == [Path("/dev/null")]
    assert write_report(reports["coverage"], OutputFormat.HTML, Path("/dev/null")) == [Path("/dev/null")]
    command = ["report", "gaps", "--city", "Lakeside", "--store", str(disk_store), "-O", "csv", "-o", "/dev/null"]
    assert main(command) == 0
    assert "/dev/null is not a regular file: wrote the first table only, of 3" in capsys.readouterr().err
    assert not list(Path("/dev").glob("null-*"))  # no file beside the device


# --- the queries -------------------------------------------------------------------------------------


def test_every_report_query_is_documented() -> None:
    for query in catalogue():
        assert query.title and query.description and query.columns, query.name
        assert query.form == "SELECT"


def test_query_columns_match_their_header(lakeside: Store) -> None:
    graph = "https://w3id.org/hrgraph/graph/city/lakeside"
    params = {
        "treaty-linkage": {"city_graph": graph},
        "upr-matrix": {"city_graph": graph, "state": "https://w3id.org/hrgraph/id/state/slovenia"},
        "upr-recommendations": {"state": "https://w3id.org/hrgraph/id/state/slovenia"},
        "provision-measures": {"provision": "https://w3id.org/hrgraph/id/icescr/art_11"},
        "provisions": {"instrument": "https://w3id.org/hrgraph/id/icescr"},
    }
    for query in catalogue():
        values = params.get(
            query.name, {"city_graph": graph} if any(p.name == "city_graph" for p in query.parameters) else {}
        )
        result = run_query(lakeside, query, values)
        assert isinstance(result, Table)
        assert result.columns == query.columns, query.name


def test_researcher_queries(lakeside: Store) -> None:
    measures = run_query(
        lakeside, find_query("provision-measures"), {"provision": "https://w3id.org/hrgraph/id/icescr/art_11"}
    )
    assert isinstance(measures, Table)
    assert {(r["city"], r["measure_number"]) for r in measures.records()} == {("Hillside", "1"), ("Lakeside", "H-01")}
    commitments = run_query(
        lakeside, find_query("city-commitments"), {"instrument": "https://w3id.org/hrgraph/id/cedaw"}
    )
    assert isinstance(commitments, Table)
    assert [(r["city"], r["expressed_in"]) for r in commitments.records()] == [
        ("Lakeside", "Declaration of Lakeside as a Human Rights City")
    ]
    evidence = run_query(
        lakeside, find_query("link-evidence"), {"city_graph": "https://w3id.org/hrgraph/graph/city/lakeside"}
    )
    assert isinstance(evidence, Table)
    kinds = {r["link_kind"] for r in evidence.records()}
    assert kinds == {"stated link", "proposed link", "curated link", "rejected link"}


# --- injection ---------------------------------------------------------------------------------------


def _counts(store: Store) -> dict[str, int]:
    return store.graphs()


def test_sparql_in_a_city_or_state_is_harmless(lakeside: Store, caplog: pytest.LogCaptureFixture) -> None:
    before = _counts(lakeside)
    hostile = 'Lakeside" } ; DROP ALL ; INSERT DATA { <urn:x> <urn:y> "z" } #'
    with pytest.raises(UnknownNameError, match="no city") as error:
        build_report(lakeside, "gaps", ReportParams(city=hostile))
    assert "\n" not in str(error.value)
    with pytest.raises(BadInputError, match="no UPR recommendations") as state_error:
        build_report(lakeside, "upr", ReportParams(city="Lakeside", state="slovenia> } DROP ALL { <x"))
    assert "\n" not in str(state_error.value)
    with pytest.raises(BadInputError, match="not a valid IRI"):
        build_report(lakeside, "vlr", ReportParams(city="Lakeside", state="urn:x> } DROP ALL { <y"))
    assert not caplog.records  # no "does not look like a valid URI" from rdflib on the way
    assert _counts(lakeside) == before


def test_sparql_in_a_parameter_is_rejected_or_bound_as_a_literal(lakeside: Store) -> None:
    before = _counts(lakeside)
    with pytest.raises(BadInputError, match="not a valid IRI"):
        run_query(lakeside, find_query("treaty-linkage"), {"city_graph": "urn:x> } ; DROP ALL ; SELECT * { <urn:y"})
    with pytest.raises(BadInputError, match="not a valid integer"):
        run_query(lakeside, find_query("upr-recommendations"), {"state": "urn:s", "cycle": "3 } DROP ALL {"})
    # a string value is bound as a literal, never read as SPARQL: it matches nothing and changes nothing
    text = "SELECT ?city WHERE { GRAPH ?g { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?city } FILTER (?city = ?name) }"
    result = lakeside.select(text, {"name": Literal('Lakeside" } ; DROP ALL ; #')})
    assert len(result) == 0
    assert _counts(lakeside) == before


# --- golden files, every report in every format ------------------------------------------------------


def _docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(__import__("io").BytesIO(data))
    lines = [f"[{p.style.name if p.style is not None else ''}] {p.text}" for p in document.paragraphs]
    for n, table in enumerate(document.tables):
        lines.append(f"--- table {n}: {len(table.rows)} rows × {len(table.columns)} columns")
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines) + "\n"


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(__import__("io").BytesIO(data))
    lines = []
    for sheet in book.worksheets:
        lines.append(f"=== {sheet.title} (frozen {sheet.freeze_panes}, filter {sheet.auto_filter.ref})")
        for row in sheet.iter_rows(values_only=True):
            lines.append(" | ".join("" if v is None else str(v) for v in row))
    return "\n".join(lines) + "\n"


def _without_svg(text: str) -> str:
    return re.sub(r"<svg.*?</svg>", "<svg/>", text, flags=re.DOTALL)


def _as_text(fmt: OutputFormat, name: str, data: bytes) -> str:
    if fmt is OutputFormat.DOCX:
        return _docx_text(data)
    if fmt is OutputFormat.XLSX:
        return _xlsx_text(data)
    text = data.decode()
    return _without_svg(text) if name.endswith(".html") else text


def _golden(relative: str, text: str) -> None:
    path = GOLDEN / relative
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path}: run with HRGRAPH_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{relative} differs from its golden file"


@pytest.mark.parametrize("name", sorted(REPORTS))
@pytest.mark.parametrize("fmt", list(OutputFormat), ids=lambda f: f.label)
def test_golden(reports: dict[str, Report], name: str, fmt: OutputFormat) -> None:
    for suffix, data in render(reports[name], fmt).items():
        if suffix.endswith((".png", ".svg")):
            continue
        file = f"{name}{suffix}" if suffix else f"{name}{fmt.suffix}"
        suffixed = {OutputFormat.DOCX: ".txt", OutputFormat.XLSX: ".txt"}.get(fmt, "")
        _golden(f"{name}/{file}{suffixed}", _as_text(fmt, file, data))


def test_xlsx_sheets_are_usable(reports: dict[str, Report]) -> None:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    data = render(reports["upr"], OutputFormat.XLSX)[""]
    book = load_workbook(__import__("io").BytesIO(data))
    assert book.sheetnames == ["About", "UPR matrix", "Summary"]
    sheet = book["UPR matrix"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"
    assert sheet["A1"].value == "Cycle" and sheet["A1"].font.bold
    widths = [sheet.column_dimensions[c].width for c in "ABCDEFGH"]
    assert all(8 <= w <= 62 for w in widths)
    assert sheet.column_dimensions["C"].width == 60  # recommendation texts: capped and wrapped


def test_docx_has_numbered_paragraphs_and_word_tables(reports: dict[str, Report]) -> None:
    from docx import Document

    data = render(reports["upr"], OutputFormat.DOCX)[""]
    document = Document(__import__("io").BytesIO(data))
    numbered = [p for p in document.paragraphs if p.style is not None and p.style.name == "List Number"]
    assert len(numbered) == len(reports["upr"].introduction)
    assert len(document.tables) == 2
    matrix = document.tables[1]
    assert len(matrix.rows) == 216  # a header and one row per recommendation
    assert matrix.rows[0].cells[3].text == "Local measures that respond"
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as archive:
        assert not [n for n in archive.namelist() if n.startswith("word/media/")]  # tables, not images


def test_html_charts_are_inline_svg_and_files(reports: dict[str, Report], tmp_path: Path) -> None:
    written = write_report(reports["coverage"], OutputFormat.HTML, tmp_path / "coverage.html")
    names = sorted(p.name for p in written)
    assert names == [
        "coverage-item-status.png",
        "coverage-item-status.svg",
        "coverage-sdg-heatmap.png",
        "coverage-sdg-heatmap.svg",
        "coverage-standards-per-instrument.png",
        "coverage-standards-per-instrument.svg",
        "coverage.html",
    ]
    page = (tmp_path / "coverage.html").read_text()
    assert page.count("<svg") == 3
    assert (tmp_path / "coverage-sdg-heatmap.png").read_bytes().startswith(b"\x89PNG")
    again = render(reports["coverage"], OutputFormat.HTML)
    assert again["-sdg-heatmap.svg"] == (tmp_path / "coverage-sdg-heatmap.svg").read_bytes()  # deterministic


def test_csv_writes_one_file_per_table(reports: dict[str, Report], tmp_path: Path) -> None:
    written = write_report(reports["gaps"], OutputFormat.CSV, tmp_path / "gaps.csv")
    assert [p.name for p in written] == ["gaps.csv", "gaps-action-items.csv", "gaps-upr-recommendations.csv"]
    assert (tmp_path / "gaps.csv").read_text().splitlines()[0] == "instrument,number,label,open_proposals,standard_iri"


def test_json_is_the_whole_report(reports: dict[str, Report]) -> None:
    data = json.loads(render(reports["vlr"], OutputFormat.JSON)[""])
    assert data["report"] == "vlr" and data["city"] == "Lakeside"
    assert [t["name"] for t in data["tables"]] == ["VLR", "Local indicators"]
    assert data["tables"][0]["queries"] == ["vlr-table", "local-indicators"]


# --- writing files -----------------------------------------------------------------------------------


def test_write_reports_for_the_pipeline(lakeside: Store, tmp_path: Path) -> None:
    written = write_reports(lakeside, "Lakeside", tmp_path / "out", ["xlsx", "docx", "md"])
    names = {p.name for p in written}
    assert {"upr.xlsx", "upr.docx", "vlr.md", "treaty-linkage.xlsx", "gaps.docx"} <= names
    assert all(p.parent == tmp_path / "out" and p.stat().st_size > 0 for p in written)


def test_an_interrupted_write_leaves_no_file(
    reports: dict[str, Report], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("hrgraph.report.os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_report(reports["upr"], OutputFormat.XLSX, tmp_path / "upr.xlsx")
    assert list(tmp_path.iterdir()) == []


# --- the command line --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture cities in an embedded store on disk, for the command line."""
    if not corpus_files():
        pytest.skip("the built standards corpus is not present")
    folder = tmp_path_factory.mktemp("report-cli") / "store"
    with EmbeddedStore(folder) as store:
        load_fixture(store)
    return folder


def test_cli_report_writes_a_file(disk_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "upr.xlsx"
    result = CliRunner().invoke(
        report, ["upr", "--city", "Lakeside", "--store", str(disk_store), "-O", "xlsx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"PK")
    result = CliRunner().invoke(
        report, ["treaty-linkage", "--city", "Lakeside", "--store", str(disk_store), "-O", "csv"]
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("abbreviation,article,")


def test_cli_report_errors_are_one_line(disk_store: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(report, ["upr", "--city", "Lakeside", "--store", str(disk_store), "-O", "docx"])
    assert result.exit_code != 0 and isinstance(result.exception, BadInputError)
    assert str(result.exception) == "-O docx writes a file: give -o FILE.docx"
    result = runner.invoke(report, ["gaps", "--city", "Atlantis", "--store", str(disk_store)])
    assert isinstance(result.exception, UnknownNameError)
    assert "\n" not in str(result.exception)


def test_cli_push_needs_a_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(push, ["--store", str(tmp_path / "none"), "--endpoint", "http://127.0.0.1:9/query"])
    assert isinstance(result.exception, BadInputError)


def test_provision_measures_say_what_kind_each_measure_is(lakeside: Store) -> None:
    measures = run_query(
        lakeside, find_query("provision-measures"), {"provision": "https://w3id.org/hrgraph/id/icescr/art_11"}
    )
    assert isinstance(measures, Table)
    kinds = {r["measure_number"]: r["measure_kind"] for r in measures.records()}
    assert kinds == {"1": "action item", "H-01": "action item"}


# --- writing through links, to FIFOs, with the umask's permissions ------------------------------------


def test_write_atomic_follows_a_symbolic_link(tmp_path: Path) -> None:
    target = tmp_path / "real.csv"
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    write_atomic(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "later.csv")
    write_atomic(dangling, b"made")
    assert dangling.is_symlink() and (tmp_path / "later.csv").read_bytes() == b"made"


def test_write_atomic_writes_into_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there, so the writer does not wait
    try:
        write_atomic(fifo, b"through the pipe")
        assert os.read(reader, 100) == b"through the pipe"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_write_atomic_gives_new_files_the_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.csv", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640
    kept = tmp_path / "kept.csv"
    kept.write_text("old")
    kept.chmod(0o604)
    write_atomic(kept, b"new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o604


def test_write_atomic_errors_name_the_path(tmp_path: Path) -> None:
    a_file = tmp_path / "ok.ttl"
    a_file.write_text("")
    with pytest.raises(BadInputError, match=r"ok\.ttl/x\.csv: cannot write"):
        write_atomic(a_file / "x.csv", b"x")


# --- the output format from the file name -------------------------------------------------------------


def test_cli_formats_follow_the_output_extension(disk_store: Path, tmp_path: Path) -> None:
    from hrgraph.cli_validate import scorecard_command, validate_command

    runner = CliRunner()
    store = ["--store", str(disk_store)]
    result = runner.invoke(report, ["vlr", "--city", "Lakeside", *store, "-o", str(tmp_path / "vlr.xlsx")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "vlr.xlsx").read_bytes().startswith(b"PK")
    result = runner.invoke(report, ["vlr", "--city", "Lakeside", *store, "-O", "xlsx", "-o", str(tmp_path / "v.csv")])
    assert isinstance(result.exception, BadInputError)
    assert "-O xlsx does not match" in str(result.exception) and not (tmp_path / "v.csv").exists()
    result = runner.invoke(scorecard_command, ["--city", "Lakeside", *store, "-o", str(tmp_path / "score.html")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "score.html").read_text().startswith("<!DOCTYPE html>")
    result = runner.invoke(validate_command, ["--city", "Lakeside", *store, "-o", str(tmp_path / "results.csv")])
    assert result.exit_code in (0, 1), result.output
    assert (tmp_path / "results.csv").read_text().startswith("severity,")


def test_cli_link_writes_the_format_its_output_names(tmp_path: Path) -> None:
    from hrgraph.cli_link import link

    if not corpus_files():
        pytest.skip("the built standards corpus is not present")
    folder = tmp_path / "store"
    with EmbeddedStore(folder) as store:
        load_fixture(store)
    out = tmp_path / "links.tsv"
    result = CliRunner().invoke(link, ["--city", "Lakeside", "--store", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "subject_id" in out.read_text()
    result = CliRunner().invoke(link, ["--city", "Lakeside", "--store", str(folder), "-o", str(tmp_path / "x.txt")])
    assert isinstance(result.exception, BadInputError) and "give -O sssom or -O ttl" in str(result.exception)


def test_cli_push_creates_no_store_in_a_folder_of_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = CliRunner().invoke(push, ["--store", str(tmp_path), "--endpoint", "http://127.0.0.1:9/query"])
    assert isinstance(result.exception, BadInputError) and "no store at" in str(result.exception)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
