"""Reasoning: the closure of links over the standards, and HermiT's consistency check and classes."""

from __future__ import annotations

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
from tests.conftest import ROOT

EXAMPLE = ROOT / "corpora" / "examples" / "example-city" / "city.yaml"
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
