"""Validation and the scorecard on real data: the example city, every kind of store, files, user shapes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.namespace import RDF, SH

from hrgraph.cli_validate import scorecard_command, validate_command
from hrgraph.errors import BadInputError, MalformedRDFError, UnknownNameError
from hrgraph.resources import corpus_files, ontology_file
from hrgraph.store import EmbeddedStore, RdfFormat, RemoteStore, Store, graph_iri
from hrgraph.validate import (
    ElementStatus,
    ReportFormat,
    ScorecardFormat,
    Severity,
    load_shapes,
    pyshacl_results,
    scorecard,
    validate,
    validate_corpus,
    validate_files,
)
from tests.conftest import ROOT

EXAMPLE = ROOT / "corpora" / "examples" / "example-city" / "city.yaml"
PLAN = "https://w3id.org/hrgraph/city/example-city/doc/action-plan-2024-2027/"
HRGSH = "https://w3id.org/hrgraph/shapes#"
SMALL = """
@prefix hrg: <https://w3id.org/hrgraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/hrgraph/city/small/> a hrg:LocalGovernment ; skos:prefLabel "Small" .
<https://w3id.org/hrgraph/city/small/doc/plan> a hrg:ActionPlan ; dcterms:title "Small plan" ;
    hrg:issuedBy <https://w3id.org/hrgraph/city/small/> .
<https://w3id.org/hrgraph/city/small/doc/plan/item_1> a hrg:ActionItem ;
    eli:is_part_of <https://w3id.org/hrgraph/city/small/doc/plan> ; hrg:number "1" ;
    hrg:actionText "Open a shelter." ; hrg:targetStatement "Open a shelter soon." .
"""


def _standards_and_ontology(store: Store) -> None:
    store.load(ontology_file().read_bytes(), format=RdfFormat.TURTLE, graph="ontology")
    for file in corpus_files():
        store.load(file.read_bytes(), format=RdfFormat.for_path(file.name), graph="standards")


@pytest.fixture(scope="module")
def example() -> Iterator[EmbeddedStore]:
    """The example city, ingested into a store with the ontology and the standards."""
    if not EXAMPLE.is_file():
        pytest.skip("the example city is not in this checkout")
    ingest = pytest.importorskip("hrgraph.ingest")
    with EmbeddedStore() as store:
        _standards_and_ontology(store)
        ingest.ingest(EXAMPLE, store=store)
        yield store


def test_the_example_city_has_the_expected_violations(example: EmbeddedStore) -> None:
    """The deliberately incomplete items, and nothing else, are in violation."""
    report = validate(example, city="Example City")
    violations = {
        (r.focus.removeprefix(PLAN), r.shape.removeprefix(HRGSH))
        for r in report.results
        if r.severity is Severity.VIOLATION
    }
    assert violations == {
        ("item_HE-03", "ActionItem-indicator"),
        ("item_PS-03", "ActionItem-indicator"),
        ("item_ED-03", "ActionItem-schedule"),
        ("item_EN-04", "ActionItem-schedule"),
        ("item_WO-03", "ActionItem-responsibleBody"),
        ("item_PS-03", "ActionItem-responsibleBody"),
    }
    assert report.summary.items_checked == 44
    assert report.summary.items_complete == 39
    assert not report.conforms
    assert all(
        r.instrument == PLAN.rstrip("/") and r.item == str(r.focus)
        for r in report.results
        if r.severity is Severity.VIOLATION
    )


def test_the_example_city_warnings(example: EmbeddedStore) -> None:
    """Targets without figures and indicators without monitoring; passed deadlines as of today."""
    report = validate(example, city="Example City")
    warnings = Counter(
        (r.focus.removeprefix(PLAN), r.shape.removeprefix(HRGSH))
        for r in report.results
        if r.severity is Severity.WARNING and not r.shape.endswith("Passed")
    )
    assert warnings == Counter(
        {
            ("item_EN-04", "ActionItem-measurableTarget"): 1,
            ("item_HO-04", "ActionItem-measurableTarget"): 1,
            ("item_EN-04", "ActionItem-observation"): 1,
            ("item_GV-03", "ActionItem-observation"): 1,
        }
    )
    today = dt.date.today().isoformat()
    late = example.select(f"""
        PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
        SELECT ?item WHERE {{ GRAPH <{graph_iri("city/example-city")}> {{
            ?item hrg:deadline ?deadline .
            FILTER (STR(?deadline) < "{today}")
            FILTER NOT EXISTS {{ ?item hrg:status ?s FILTER (?s IN (hrg:Completed, hrg:Discontinued)) }}
        }} }}""")
    passed = {str(r.focus) for r in report.results if r.shape.endswith("deadlinePassed")}
    assert passed == {str(row[0]) for row in late.rows}


@pytest.mark.slow
def test_the_compiled_queries_give_what_pyshacl_gives_on_the_example_city(example: EmbeddedStore) -> None:
    """The same results as pySHACL run plainly on an rdflib Graph of the same data."""
    shapes = load_shapes()
    data = rdflib.Graph()
    data.parse(data=example.export(RdfFormat.NTRIPLES, graph="city/example-city"), format="nt")
    data.parse(data=example.export(RdfFormat.NTRIPLES, graph="ontology"), format="nt")
    # The standards the city points to, with their parents: what the shapes read of the standards graph.
    data += example.construct(f"""
        PREFIX eli: <http://data.europa.eu/eli/ontology#>
        PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
        CONSTRUCT {{ ?s a ?c . ?s eli:is_part_of ?p . ?s hrg:abbreviation ?a }}
        WHERE {{ GRAPH <{graph_iri("standards")}> {{ ?s a ?c OPTIONAL {{ ?s eli:is_part_of ?p }}
                                                       OPTIONAL {{ ?s hrg:abbreviation ?a }} }} }}""")
    with EmbeddedStore() as same:
        same.add_graph(data, graph="city/example-city")
        ours = validate(same, shapes=shapes)
    reference = pyshacl_results(data, shapes)
    assert Counter(r.key() for r in ours.results) == Counter(r.key() for r in reference)
    assert len(reference) > 10


def test_the_example_city_scorecard(example: EmbeddedStore) -> None:
    card = scorecard(example, "Example City")
    status = {e.key: e.status for e in card.elements}
    assert len(card.elements) == 10
    assert status == {
        "Commitment": ElementStatus.MET,
        "FocalPoint": ElementStatus.MET,
        "ParticipatoryBody": ElementStatus.MET,
        "ActionPlan": ElementStatus.PARTLY_MET,
        "AnnualReport": ElementStatus.PARTLY_MET,
        "Training": ElementStatus.MET,
        "ImpactAssessment": ElementStatus.MET,
        "Awareness": ElementStatus.MET,
        "Complaints": ElementStatus.MET,
        "InternationalReview": ElementStatus.MET,
    }
    elements = {e.key: e for e in card.elements}
    assert {ev.label for ev in elements["Commitment"].evidence} >= {"commits to UDHR", "commits to ICESCR"}
    assert [ev.label for ev in elements["FocalPoint"].evidence] == ["Human Rights Office"]
    assert any("SDG indicator" in t for t in elements["AnnualReport"].to_add)
    assert elements["Training"].to_add == ()
    html = card.render(ScorecardFormat.HTML).decode()
    assert html.startswith("<!DOCTYPE html>") and "partly met" in html and "Human Rights Office" in html
    data = json.loads(card.render(ScorecardFormat.JSON))
    assert data["city"] == "Example City" and data["elements"][0]["status"] == "met"
    assert card.table().columns == ("element", "status", "evidence", "to add")


def test_the_report_renders_in_every_format(example: EmbeddedStore) -> None:
    report = validate(example, city="Example City")
    text = report.render().decode()
    assert "Local Human Rights Action Plan 2024–2027 <" in text
    assert "  item HE-03 <" in text and "    violation hrg:indicator: Add at least one indicator" in text
    assert text.rstrip().endswith(
        f"summary: 44 items checked, 39 complete, 6 violations, {report.summary.warnings} warnings"
    )
    data = json.loads(report.render(ReportFormat.JSON))
    assert data["conforms"] is False and data["summary"]["violations"] == 6
    rows = list(csv.DictReader(io.StringIO(report.render(ReportFormat.CSV).decode())))
    assert len(rows) == len(report.results) and {r["severity"] for r in rows} == {"violation", "warning"}
    graph = rdflib.Graph().parse(data=report.render(ReportFormat.TURTLE), format="turtle")
    root = graph.value(None, RDF.type, SH.ValidationReport)
    assert graph.value(root, SH.conforms).toPython() is False  # type: ignore[union-attr]
    assert len(list(graph.objects(root, SH.result))) == len(report.results)
    paths = {graph.value(r, SH.resultPath) for r in graph.objects(root, SH.result)}
    assert rdflib.URIRef("https://w3id.org/hrgraph/ontology#indicator") in paths
    assert any(isinstance(p, rdflib.BNode) for p in paths)  # (hrg:deadline|hrg:timetable)


def test_every_kind_of_store_gives_the_same_report(store: Store) -> None:
    """Embedded on disk, in memory, and a live SPARQL server (queried per city, FROM its graphs)."""
    store.load(ontology_file().read_bytes(), format=RdfFormat.TURTLE, graph="ontology")
    store.load(SMALL.encode(), format=RdfFormat.TURTLE, graph="city/small")
    whole = validate(store)
    city = validate(store, city="small")
    assert [r.key() for r in whole.results] == [r.key() for r in city.results]
    assert whole.summary.items_checked == 1 and whole.summary.items_complete == 0
    shapes = {r.shape.removeprefix(HRGSH) for r in whole.results}
    assert {
        "ActionItem-responsibleBody",
        "ActionItem-indicator",
        "ActionItem-measurableTarget",
        "ActionPlan-owner",
    } <= shapes
    assert {r.item for r in whole.results if r.shape.startswith(HRGSH + "ActionItem")} == {
        "https://w3id.org/hrgraph/city/small/doc/plan/item_1"
    }
    with pytest.raises(UnknownNameError, match="no city 'Elsewhere'"):
        validate(store, city="Elsewhere")


def test_validating_files(tmp_path: Path) -> None:
    path = tmp_path / "small.ttl"
    path.write_text(SMALL)
    report = validate_files([path])
    assert report.summary.items_checked == 1
    assert any(r.path == "hrg:responsibleBody" for r in report.results)
    broken = tmp_path / "broken.ttl"
    broken.write_text("<urn:x:a> <urn:x:b> .\n")
    with pytest.raises(MalformedRDFError, match=r"broken.ttl:1:"):
        validate_files([broken])


def test_a_users_own_shapes(tmp_path: Path) -> None:
    """A shapes file of one's own adds its checks; features the compiler lacks go to pySHACL."""
    mine = tmp_path / "mine.ttl"
    mine.write_text("""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix hrg: <https://w3id.org/hrgraph/ontology#> .
        @prefix ex: <https://example.org/shapes#> .
        ex:Budget a sh:NodeShape ; sh:targetClass hrg:ActionItem ;
            sh:property [ sh:path hrg:budgetAmount ; sh:minCount 1 ; sh:severity sh:Warning ;
                          sh:message "Give the item a budget." ] .
        ex:BodyOrText a sh:NodeShape ; sh:targetClass hrg:ActionItem ;
            sh:or ( [ sh:path hrg:responsibleBody ; sh:minCount 1 ] [ sh:path hrg:heading ; sh:minCount 1 ] ) ;
            sh:message "Say who does it." .
    """)
    shapes = load_shapes(mine, packaged=())
    assert [str(s) for s in shapes.fallback] == ["https://example.org/shapes#BodyOrText"]
    path = tmp_path / "small.ttl"
    path.write_text(SMALL)
    report = validate_files([path], shapes=shapes)
    assert sorted(r.message for r in report.results) == ["Give the item a budget.", "Say who does it."]
    assert report.conforms is False  # sh:or has the default severity, violation


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:x:s> sh:targetClass .", r"broken\.ttl:2:"),
        (
            """@prefix sh: <http://www.w3.org/ns/shacl#> .
            <urn:x:s> sh:targetClass <urn:x:C> ; sh:sparql [ sh:select "SELECT $this WHERE { oops" ] .""",
            r"broken\.ttl: shape urn:x:s: sh:select",
        ),
        (
            """@prefix sh: <http://www.w3.org/ns/shacl#> .
            <urn:x:s> sh:targetClass <urn:x:C> ; sh:property [ sh:path <urn:x:p> ; sh:minCount "one" ] .""",
            r"broken\.ttl: shape a blank node shape: sh:minCount must be a non-negative integer",
        ),
        (
            """@prefix sh: <http://www.w3.org/ns/shacl#> .
            <urn:x:s> sh:targetClass <urn:x:C> ; sh:severity sh:Fatal ; sh:property [ sh:path <urn:x:p> ;
            sh:minCount 1 ] .""",
            r"unknown severity",
        ),
    ],
    ids=["turtle", "sparql", "min-count", "severity"],
)
def test_a_broken_shapes_file_is_a_clear_error(tmp_path: Path, text: str, error: str) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text(text)
    with pytest.raises(BadInputError, match=error) as caught:
        load_shapes(path, packaged=())
    assert caught.value.exit_code == 2
    assert "\n" not in str(caught.value).strip()


def test_the_built_corpus_conforms_to_its_shapes() -> None:
    report = validate_corpus()
    assert report.conforms, report.render().decode()[:2000]
    assert report.results == ()


def test_the_cli_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    small = tmp_path / "small.ttl"
    small.write_text(SMALL)
    failing = runner.invoke(validate_command, ["-i", str(small)])
    assert failing.exit_code == 1, failing.output
    assert "summary: 1 items checked, 0 complete" in failing.output
    complete = ROOT / "tests" / "data" / "shapes" / "complete-item.test.ttl"
    passing = runner.invoke(validate_command, ["-i", str(complete), "-O", "json"])
    assert passing.exit_code == 0, passing.output
    out = tmp_path / "report.csv"
    runner.invoke(validate_command, ["-i", str(small), "-O", "csv", "-o", str(out)])
    assert out.read_text().startswith("severity,instrument,item,focus,path")
    broken = tmp_path / "rules.ttl"
    broken.write_text("this is not turtle")
    bad = runner.invoke(validate_command, ["-i", str(small), "--shapes", str(broken)])
    assert isinstance(bad.exception, MalformedRDFError) and bad.exception.exit_code == 2


def test_the_scorecard_command(tmp_path: Path, example: EmbeddedStore) -> None:
    folder = tmp_path / "store"
    with EmbeddedStore(folder) as disk:
        disk.load(example.export(RdfFormat.NQUADS), format=RdfFormat.NQUADS)
    result = CliRunner().invoke(scorecard_command, ["--city", "Example City", "--store", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Formal commitment to named instruments" in result.output and "partly met" in result.output
    page = tmp_path / "card.html"
    CliRunner().invoke(
        scorecard_command, ["--city", "Example City", "--store", str(folder), "-O", "html", "-o", str(page)]
    )
    assert "<table>" in page.read_text()


@pytest.mark.server
def test_the_scorecard_on_a_sparql_server(oxigraph_server: str) -> None:
    """A remote store: the scorecard reads the city's graphs with FROM, the same as the embedded store."""
    office = """
        @prefix hrg: <https://w3id.org/hrgraph/ontology#> .
        @prefix org: <http://www.w3.org/ns/org#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://w3id.org/hrgraph/city/small/org/ohr> a hrg:HumanRightsOffice ; skos:prefLabel "Office" ;
            org:unitOf <https://w3id.org/hrgraph/city/small/> .
    """
    cards = []
    with RemoteStore(oxigraph_server) as remote, EmbeddedStore() as local:
        remote.update("DROP ALL")
        for store in (remote, local):
            store.load(ontology_file().read_bytes(), format=RdfFormat.TURTLE, graph="ontology")
            store.load((SMALL + office).encode(), format=RdfFormat.TURTLE, graph="city/small")
            cards.append(scorecard(store, "small"))
    assert cards[0] == cards[1]
    status = {e.key: e.status for e in cards[0].elements}
    assert status["FocalPoint"] is ElementStatus.MET and status["ActionPlan"] is ElementStatus.PARTLY_MET
    assert status["Commitment"] is ElementStatus.NOT_MET


PROCLAMATION = "https://w3id.org/hrgraph/city/example-city/doc/human-rights-city-proclamation"


@pytest.fixture
def example_copy(example: EmbeddedStore) -> Iterator[EmbeddedStore]:
    """A copy of the example city that a test may change."""
    with EmbeddedStore() as store:
        store.load(example.export(RdfFormat.NQUADS), format=RdfFormat.NQUADS)
        yield store


def test_the_text_report_names_provisions_by_their_labels(example_copy: EmbeddedStore) -> None:
    """Numbered provisions go by their own label, action items by their number, the rest by their IRI once."""
    links = "".join(
        f"<urn:x:link/{n}> a hrg:ProposedLink ; hrg:linkSubject <{subject}> ; hrg:linkPredicate hrg:correspondsTo .\n"
        for n, subject in enumerate(
            [f"{PROCLAMATION}/recital_1", f"{PROCLAMATION}/formula_1__para_2", f"{PLAN}item_HO-01"]
        )
    )
    example_copy.load(
        f"@prefix hrg: <https://w3id.org/hrgraph/ontology#> .\n{links}".encode(),
        format=RdfFormat.TURTLE,
        graph="proposed/example-city",
    )
    example_copy.load(
        f"<{PROCLAMATION}/hcontainer_9> a <https://w3id.org/hrgraph/ontology#LocalProvision> ; "
        f"<http://data.europa.eu/eli/ontology#is_part_of> <{PROCLAMATION}> .".encode(),
        format=RdfFormat.TURTLE,
        graph="city/example-city",
    )
    text = validate(example_copy, city="Example City").render().decode()
    assert f"\n  Recital 1 <{PROCLAMATION}/recital_1>\n" in text
    assert f"\n  Operative paragraph 2 <{PROCLAMATION}/formula_1__para_2>\n" in text
    assert f"\n  item HO-01 <{PLAN}item_HO-01>\n" in text
    assert f"\n  <{PROCLAMATION}/hcontainer_9>\n" in text
    assert "  item 1 <" not in text and "  item 2 <" not in text


def test_the_turtle_report_is_the_same_at_every_run(example: EmbeddedStore) -> None:
    first = validate(example, city="Example City").render(ReportFormat.TURTLE)
    again = validate(example, city="Example City").render(ReportFormat.TURTLE)
    assert first == again
    assert b"_:" not in first  # every result is written inline, without a blank node label


def test_the_scorecard_shows_the_stored_name(example: EmbeddedStore) -> None:
    card = scorecard(example, "EXAMPLE   city")
    assert card.city == "Example City"
    assert "Human rights city scorecard: Example City<" in card.render(ScorecardFormat.HTML).decode()


def test_a_shape_with_an_undeclared_prefix_is_named(tmp_path: Path) -> None:
    path = tmp_path / "mine.ttl"
    path.write_text("""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix hrg: <https://w3id.org/hrgraph/ontology#> .
        <urn:my:S> a sh:NodeShape ; sh:targetClass hrg:ActionItem ;
            sh:sparql [ sh:select "SELECT $this WHERE { $this hrg:status ?x }" ] .
    """)
    with pytest.raises(BadInputError) as caught:
        load_shapes(path, packaged=())
    assert str(caught.value) == f"{path}: shape urn:my:S: prefix hrg: is not declared; add sh:prefixes"


def test_a_store_without_standards_is_refused(tmp_path: Path) -> None:
    """A store made by ingest alone: no ontology, no standards, and every check would be wrong."""
    ingest = pytest.importorskip("hrgraph.ingest")
    folder = tmp_path / "store"
    with EmbeddedStore(folder) as store:
        ingest.ingest(EXAMPLE.parent / "sources" / "action-plan.csv", city="Example City", store=store)
    runner = CliRunner()
    for command, args in (
        (validate_command, []),
        (validate_command, ["--city", "Example City"]),
        (validate_command, ["--corpus"]),
        (scorecard_command, ["--city", "Example City"]),
    ):
        result = runner.invoke(command, [*args, "--store", str(folder)])
        assert isinstance(result.exception, BadInputError), (args, result.output)
        assert str(result.exception) == "the store holds no standards: run `hrgraph init`"
        assert result.exception.exit_code == 2
    small = tmp_path / "small.ttl"
    small.write_text(SMALL)
    files = runner.invoke(validate_command, ["-i", str(small), "--store", str(folder)])
    assert files.exit_code == 1 and "summary: 1 items checked" in files.output


def test_an_output_extension_the_command_does_not_write_is_an_error(tmp_path: Path, example: EmbeddedStore) -> None:
    folder = tmp_path / "store"
    with EmbeddedStore(folder) as disk:
        disk.load(example.export(RdfFormat.NQUADS), format=RdfFormat.NQUADS)
    runner = CliRunner()
    city = ["--city", "Example City", "--store", str(folder)]
    for command, name in ((scorecard_command, "sc.csv"), (scorecard_command, "x.md"), (validate_command, "v.html")):
        result = runner.invoke(command, [*city, "-o", str(tmp_path / name)])
        assert isinstance(result.exception, BadInputError), result.output
        assert str(result.exception).startswith(f"{tmp_path / name}: cannot write a {Path(name).suffix} file: use ")
        assert not (tmp_path / name).exists()
    given = runner.invoke(scorecard_command, [*city, "-O", "json", "-o", str(tmp_path / "sc.csv")])
    assert given.exit_code == 0, given.output
    assert json.loads((tmp_path / "sc.csv").read_text())["city"] == "Example City"
    plain = runner.invoke(validate_command, [*city, "-o", str(tmp_path / "results")])
    assert plain.exit_code == 1 and (tmp_path / "results").read_text().startswith("Local Human Rights Action Plan")


def test_options_that_do_not_apply_are_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    small = tmp_path / "small.ttl"
    small.write_text(SMALL)
    for args, option in (
        (["--city", "Example City"], "--city"),
        (["-i", str(small)], "--input"),
        (["--shapes", str(small)], "--shapes"),
    ):
        result = runner.invoke(validate_command, ["--corpus", *args, "--store", str(tmp_path / "none")])
        assert isinstance(result.exception, BadInputError), result.output
        assert str(result.exception).startswith(f"{option} does not apply to --corpus")
    city = runner.invoke(validate_command, ["-i", str(small), "--city", "Small"])
    assert str(city.exception).startswith("--city does not apply to --input")
    text = tmp_path / "plan.txt"
    text.write_text("hello\n")
    unknown = runner.invoke(validate_command, ["-i", str(text)])
    assert isinstance(unknown.exception, BadInputError)
    assert str(unknown.exception) == (
        f"{text}: cannot tell the RDF format from the file name: use the extension "
        ".ttl, .nt, .nq, .trig, .jsonld, .json, .rdf, .owl or .xml"
    )


def test_a_shapes_file_may_start_with_a_byte_order_mark(tmp_path: Path) -> None:
    """Editors on Windows save UTF-8 with a BOM; the data files are read with one, so are the shapes."""
    mine = tmp_path / "mine.ttl"
    mine.write_bytes(
        b"\xef\xbb\xbf@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        b"@prefix hrg: <https://w3id.org/hrgraph/ontology#> .\n"
        b"<urn:x:Budget> a sh:NodeShape ; sh:targetClass hrg:ActionItem ;\n"
        b'    sh:property [ sh:path hrg:budgetAmount ; sh:minCount 1 ; sh:message "Give the item a budget." ] .\n'
    )
    small = tmp_path / "small.ttl"
    small.write_text(SMALL)
    result = CliRunner().invoke(validate_command, ["-i", str(small), "--shapes", str(mine), "-O", "json"])
    assert result.exit_code == 1, result.output
    assert "Give the item a budget." in {r["message"] for r in json.loads(result.stdout)["results"]}


def test_an_unreadable_shapes_file_is_one_line(tmp_path: Path) -> None:
    locked = tmp_path / "locked.ttl"
    locked.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n")
    locked.chmod(0)
    if os.access(locked, os.R_OK):
        pytest.skip("this user reads files whatever their permissions (root)")
    with pytest.raises(BadInputError, match=r"locked\.ttl: cannot read the file: Permission denied"):
        load_shapes(locked)
