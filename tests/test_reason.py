"""Reasoning: the closure of links over the standards, and HermiT's consistency check and classes."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import owlready2
import pytest
from click.testing import CliRunner

from hrgraph.cli_validate import reason_command
from hrgraph.reason import ReasonerUnavailableError, closure, reason
from hrgraph.resources import corpus_files, ontology_file
from hrgraph.store import EmbeddedStore, RdfFormat, RemoteStore, Store, graph_iri
from hrgraph.validate import Severity, validate
from tests.conftest import ROOT

EXAMPLE = ROOT / "corpora" / "examples" / "example-city" / "city.yaml"
PLAN = EXAMPLE.parent / "sources" / "action-plan.csv"
HRG = "https://w3id.org/hrgraph/ontology#"
ID = "https://w3id.org/hrgraph/id/"
needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime")


def _city(name: str, extra: str = "") -> bytes:
    base = f"https://w3id.org/hrgraph/city/{name}/"
    return f"""
        @prefix hrg: <{HRG}> .
        @prefix eli: <http://data.europa.eu/eli/ontology#> .
        @prefix sdg: <http://metadata.un.org/sdg/> .
        <{base}> a hrg:LocalGovernment .
        <{base}doc/plan> a hrg:ActionPlan ; hrg:issuedBy <{base}> .
        <{base}doc/plan/item_1> a hrg:ActionItem ; eli:is_part_of <{base}doc/plan> ;
            hrg:realises <{ID}icescr/art_11__para_1> ; hrg:contributesTo sdg:11.1 .
        {extra}
    """.encode()


@pytest.fixture(scope="module")
def standards() -> Iterator[EmbeddedStore]:
    with EmbeddedStore() as store:
        store.load(ontology_file().read_bytes(), format=RdfFormat.TURTLE, graph="ontology")
        for file in corpus_files():
            store.load(file.read_bytes(), format=RdfFormat.for_path(file.name), graph="standards")
        yield store


@pytest.fixture
def cities(standards: EmbeddedStore, tmp_path: Path) -> Iterator[Store]:
    """Two small cities on disk, with the ontology and the standards."""
    with EmbeddedStore(tmp_path / "store") as store:
        store.load(standards.export(RdfFormat.NQUADS), format=RdfFormat.NQUADS)
        store.load(_city("a"), format=RdfFormat.TURTLE, graph="city/a")
        store.load(_city("b"), format=RdfFormat.TURTLE, graph="city/b")
        yield store


def test_an_item_that_realises_a_paragraph_serves_its_article_and_instrument(cities: Store) -> None:
    served = {str(o) for o in closure(cities, "a").objects()}
    assert {
        f"{ID}icescr/art_11__para_1",
        f"{ID}icescr/art_11",
        f"{ID}icescr",
        "http://metadata.un.org/sdg/11.1",
        "http://metadata.un.org/sdg/11",
    } <= served
    assert closure(cities, "nowhere").__len__() == 0


def test_inferences_replace_only_the_citys_own(cities: Store) -> None:
    first = reason(cities, city="a", owl=False)
    assert first.served == len(closure(cities, "a")) and first.written == first.served
    reason(cities, city="b", owl=False)
    both = cities.graphs()[graph_iri("inferred")]
    reason(cities, city="a", owl=False)
    assert cities.graphs()[graph_iri("inferred")] == both == 2 * first.served
    rows = cities.select(f"""SELECT ?item WHERE {{ GRAPH <{graph_iri("inferred")}> {{
        ?item <{HRG}serves> <{ID}icescr> }} }} ORDER BY ?item""")
    assert [str(r[0]) for r in rows] == [f"https://w3id.org/hrgraph/city/{c}/doc/plan/item_1" for c in "ab"]


def test_inferences_about_deleted_items_are_removed(cities: Store) -> None:
    """Re-ingesting a plan without an item: what was inferred about the item goes with it."""
    gone = "https://w3id.org/hrgraph/city/a/doc/plan/item_2"
    extra = f"<{gone}> a hrg:ActionItem ; hrg:realises <{ID}udhr/art_1> ."
    cities.load(_city("a", extra), format=RdfFormat.TURTLE, graph="city/a", replace=True)
    reason(cities, owl=False)
    query = f"ASK {{ GRAPH <{graph_iri('inferred')}> {{ <{gone}> ?p ?o }} }}"
    assert cities.ask(query)
    cities.load(_city("a"), format=RdfFormat.TURTLE, graph="city/a", replace=True)
    first = reason(cities, city="a", owl=False)
    assert not cities.ask(query)
    assert cities.graphs()[graph_iri("inferred")] == 2 * first.served  # city b's are kept


@needs_java
def test_the_example_city_is_consistent_and_its_complete_items_are_classified(standards: EmbeddedStore) -> None:
    if not EXAMPLE.is_file():
        pytest.skip("the example city is not in this checkout")
    ingest = pytest.importorskip("hrgraph.ingest")
    with EmbeddedStore() as store:
        store.load(standards.export(RdfFormat.NQUADS), format=RdfFormat.NQUADS)
        ingest.ingest(EXAMPLE, store=store)
        report = reason(store, city="Example City")
        assert report.ok, report.render_text()
        # The same items as those the completeness shapes find complete.
        assert len(report.complete_items) == 39
        incomplete = {f"item_{n}" for n in ("HE-03", "PS-03", "ED-03", "EN-04", "WO-03")}
        assert not {i.rsplit("/", 1)[1] for i in report.complete_items} & incomplete
        rows = store.select(f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri("inferred")}> {{
            ?item a <{HRG}CompleteActionItem> }} }}""")
        assert int(rows.rows[0][0]) == 39  # type: ignore[arg-type]


@needs_java
@pytest.mark.parametrize("columns", [("Deadline",), ("Start date",), ("Start date", "Deadline")])
def test_validate_and_reason_find_the_same_items_complete(
    standards: EmbeddedStore, tmp_path: Path, columns: tuple[str, ...]
) -> None:
    """A plan with only a deadline (or only a start) has timetables open at one end, and they are complete.

    With both, an item whose deadline comes before its start is complete for neither.
    """
    ingest = pytest.importorskip("hrgraph.ingest")
    dates = {"Start date": "2025-01-01", "Deadline": "2027-12-31"}
    with PLAN.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    for row in rows:
        timetable = row.pop("Timetable")
        row.update({c: dates[c] if timetable not in ("", "TBD") else "" for c in columns})
    if len(columns) == 2:
        rows[0]["Start date"] = "2028-01-01"  # HO-01 starts after its deadline
    path = tmp_path / "plan.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with EmbeddedStore() as store:
        store.load(standards.export(RdfFormat.NQUADS), format=RdfFormat.NQUADS)
        ingest.ingest(path, city="Lakeside", store=store)
        report = validate(store, city="Lakeside")
        complete = reason(store, city="Lakeside").complete_items
    backwards = [str(r.focus).rsplit("/", 1)[1] for r in report.results if r.shape.endswith("timetableDates")]
    assert backwards == (["item_HO-01"] if len(columns) == 2 else [])
    incomplete = {r.item for r in report.results if r.severity is Severity.VIOLATION}
    assert report.summary.items_complete == len(complete) >= 38
    assert not incomplete & set(complete)


@needs_java
def test_a_timetable_open_at_one_end_is_complete_and_one_without_a_date_is_not(cities: Store) -> None:
    base = "https://w3id.org/hrgraph/city/a/"
    extra = "@prefix time: <http://www.w3.org/2006/time#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> ."
    intervals = {
        "end": 'time:hasEnd [ time:inXSDDate "2999-12-31"^^xsd:date ]',
        "beginning": 'time:hasBeginning [ time:inXSDDate "2025-01-01"^^xsd:date ]',
        "none": "a time:ProperInterval",
    }
    for name, interval in intervals.items():
        extra += f"""
            <{base}doc/plan/item_{name}> a hrg:ActionItem ; eli:is_part_of <{base}doc/plan> ;
                hrg:actionText "Build 500 flats."@en ; hrg:responsibleBody <{base}org/housing> ;
                hrg:targetStatement "500 flats"@en ; hrg:status hrg:Planned ; hrg:timetable [ {interval} ] ;
                hrg:indicator <{base}doc/plan/indicator/{name}-1> ; hrg:realises <{ID}icescr/art_11> .
            <{base}doc/plan/indicator/{name}-1> hrg:baseline <{base}doc/plan/indicator/{name}-1/obs/2023> ."""
    cities.load(_city("a", extra), format=RdfFormat.TURTLE, graph="city/a", replace=True)
    complete = {item.rsplit("_", 1)[1] for item in reason(cities, city="a").complete_items}
    assert complete == {"end", "beginning"}
    results = validate(cities, city="a").results
    undated = {str(r.focus).rsplit("_", 1)[1] for r in results if r.shape.endswith("timetableDates")}
    assert undated == {"none"}


@needs_java
def test_inconsistent_individuals_are_named(cities: Store) -> None:
    base = "https://w3id.org/hrgraph/city/a/"
    cities.load(
        _city(
            "a",
            f"""
        <{base}link/1> a hrg:CuratedLink , hrg:RejectedLink .
        <{base}indicator/1> a hrg:LocalIndicator ; hrg:baseline <{base}indicator/1/obs/2022> .
        <{base}indicator/1/obs/2022> hrg:value "twelve" .
    """,
        ),
        format=RdfFormat.TURTLE,
        graph="city/a",
        replace=True,
    )
    report = reason(cities, city="a", write=False)
    assert not report.consistent and not report.ok
    problems = {(p.individual.removeprefix(base), p.reason) for p in report.inconsistencies}
    assert (
        "link/1",
        "is a hrg:CuratedLink (asserted) and a hrg:RejectedLink (asserted), which are disjoint",
    ) in problems
    assert any(who == "indicator/1/obs/2022" and "is not a xsd:decimal" in why for who, why in problems)
    assert graph_iri("inferred") not in cities.graphs()
    good = reason(cities, city="b")
    assert good.ok and good.cities == ("b",)


def test_without_java_the_error_says_what_to_do(cities: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/java")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(ReasonerUnavailableError, match="HermiT needs a Java runtime") as caught:
        reason(cities, city="a")
    assert caught.value.exit_code == 2 and "--no-owl" in str(caught.value)
    assert reason(cities, city="a", owl=False).served > 0


@needs_java
def test_the_reason_command(standards: EmbeddedStore, tmp_path: Path) -> None:
    folder = str(tmp_path / "cli-store")
    with EmbeddedStore(folder) as store:
        store.load(standards.export(RdfFormat.NQUADS), format=RdfFormat.NQUADS)
        store.load(_city("b"), format=RdfFormat.TURTLE, graph="city/b")
    runner = CliRunner()
    ok = runner.invoke(reason_command, ["--city", "b", "--store", folder, "-O", "json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["consistent"] is True
    with EmbeddedStore(folder) as store:
        store.load(
            _city("b", f"<urn:x:link> a hrg:CuratedLink , hrg:RejectedLink ; hrg:linkSubject <{ID}x> ."),
            format=RdfFormat.TURTLE,
            graph="city/b",
            replace=True,
        )
    bad = runner.invoke(reason_command, ["--city", "b", "--store", folder, "--dry-run"])
    assert bad.exit_code == 1 and "urn:x:link: is a hrg:CuratedLink" in bad.output


@pytest.mark.server
def test_the_closure_on_a_sparql_server(oxigraph_server: str) -> None:
    with RemoteStore(oxigraph_server) as remote:
        remote.update("DROP ALL")
        remote.load(
            b"<https://w3id.org/hrgraph/id/icescr/art_11__para_1> <http://data.europa.eu/eli/ontology#is_part_of> "
            b"<https://w3id.org/hrgraph/id/icescr/art_11> .",
            format=RdfFormat.NTRIPLES,
            graph="standards",
        )
        remote.load(_city("a"), format=RdfFormat.TURTLE, graph="city/a")
        report = reason(remote, owl=False)
        assert report.cities == ("a",) and report.served == 3 and report.written == 3
        assert remote.graphs()[graph_iri("inferred")] == 3


def test_without_owl_reasoning_consistency_is_not_checked_and_not_claimed(cities: Store) -> None:
    report = reason(cities, city="a", owl=False, write=False)
    assert report.consistent is None and report.ok
    assert "consistent: not checked" in report.render_text()
    assert json.loads(report.render_json())["consistent"] is None
