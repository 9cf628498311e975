"""The standards corpus: its build is deterministic and its contents are what the sources say."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from hrgraph.corpus import build, install
from hrgraph.errors import BadInputError
from hrgraph.namespace import HRG, ID, SDG
from hrgraph.queries import find_query, run_query
from hrgraph.resources import corpus_files
from hrgraph.store import EmbeddedStore, RdfFormat, Store, Table, graph_iri
from tests.conftest import ROOT

CORPUS = ROOT / "corpora"


@pytest.fixture(scope="module")
def standards() -> Iterator[Store]:
    with EmbeddedStore() as store:
        for file in corpus_files():
            store.load(file.read_bytes(), format=RdfFormat.NTRIPLES, graph="standards")
        yield store


def one(store: Store, query: str) -> int:
    value = store.select(query).rows[0][0]
    assert isinstance(value, Literal)
    return int(value)


def test_the_shipped_build_equals_a_fresh_build(tmp_path: Path) -> None:
    result = build(CORPUS, tmp_path)
    assert set(result.files) == {"standards.nt", "reviews.nt"}
    for name in result.files:
        assert (tmp_path / name).read_bytes() == (CORPUS / "build" / name).read_bytes(), (
            f"corpora/build/{name} is stale: run `hrgraph corpus build`"
        )


def test_articles_per_instrument(standards: Store) -> None:
    table = run_query(standards, find_query("instruments"))
    assert isinstance(table, Table)
    counts = {r["abbreviation"]: int(r["articles"] or 0) for r in table.records()}
    assert counts == {
        "UDHR": 30, "ICCPR": 53, "ICCPR-OP1": 14, "ICESCR": 31, "OP-ICESCR": 22, "ICERD": 25, "CEDAW": 30,
        "OP-CEDAW": 21, "CAT": 33, "OPCAT": 37, "CRC": 54, "CRPD": 50, "CPED": 45, "ICMW": 93, "EUCFR": 54,
        "ECHR": 59, "ESC": 46, "GCA": 16, "ECSHRC": 34, "GWANGJU": 10,
        # protocols known only from the ratification data
        "ICCPR-OP2": 0, "OP-CRC-AC": 0, "OP-CRC-SC": 0, "OP-CRC-IC": 0, "OP-CRPD": 0,
    }  # fmt: skip


def test_sdg_framework(standards: Store) -> None:
    prefix = "PREFIX hrg: <https://w3id.org/hrgraph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>"
    assert one(standards, f"{prefix} SELECT (COUNT(?g) AS ?n) {{ GRAPH ?x {{ ?g a hrg:SDGGoal }} }}") == 17
    assert one(standards, f"{prefix} SELECT (COUNT(?t) AS ?n) {{ GRAPH ?x {{ ?t a hrg:SDGTarget }} }}") == 169
    assert (
        one(
            standards,
            f"{prefix} SELECT (COUNT(DISTINCT ?n) AS ?c) {{ GRAPH ?x {{ ?i a hrg:SDGIndicator ; skos:notation ?n }} }}",
        )
        >= 231
    )
    table = standards.select(
        f"{prefix} SELECT ?notation ?goal ?text WHERE {{ GRAPH ?x {{ ?t skos:notation ?notation ; skos:broader ?goal ; hrg:text ?text }} }}",
        {"t": SDG["11.a"]},
    )
    ((notation, goal, text),) = table.rows
    assert (str(notation), goal) == ("11.a", SDG["11"])
    assert str(text).startswith("Support positive economic, social and environmental links")
    table = standards.select(
        f"{prefix} SELECT ?notation ?target WHERE {{ GRAPH ?x {{ ?i skos:notation ?notation ; skos:broader ?target }} }}",
        {"i": SDG.C110101},
    )
    assert [(str(n), t) for n, t in table.rows] == [("11.1.1", SDG["11.1"])]


def test_articles_paragraphs_labels_and_text(standards: Store) -> None:
    table = standards.select(
        "PREFIX hrg: <https://w3id.org/hrgraph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "PREFIX eli: <http://data.europa.eu/eli/ontology#> "
        "SELECT ?label ?text ?parent WHERE { GRAPH ?g { ?p skos:prefLabel ?label ; hrg:text ?text ; eli:is_part_of ?parent } }",
        {"p": ID["icescr/art_11__para_1"]},
    )
    ((label, text, parent),) = table.rows
    assert str(label).startswith("ICESCR art. 11(1) — adequate standard of living")
    assert str(text).startswith(
        "The States Parties to the present Covenant recognize the right of everyone to an adequate standard"
    )
    assert parent == ID["icescr/art_11"]
    terms = standards.select(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?t WHERE { GRAPH ?g { ?p skos:altLabel ?t } }",
        {"p": ID["icescr/art_11"]},
    ).column("t")
    assert Literal("homelessness", lang="en") in terms


def test_charters_without_official_text_carry_summaries(standards: Store) -> None:
    query = (
        "PREFIX hrg: <https://w3id.org/hrgraph/ontology#> PREFIX eli: <http://data.europa.eu/eli/ontology#> "
        "SELECT (COUNT(?s) AS ?summaries) (COUNT(?t) AS ?texts) WHERE { GRAPH ?g { ?p eli:is_part_of+ ?i . "
        "OPTIONAL { ?p hrg:summary ?s } OPTIONAL { ?p hrg:text ?t } } }"
    )
    for slug, provisions in (("icmw", 93), ("gwangju-principles", 10), ("european-city-charter", 34)):
        summaries, texts = standards.select(query, {"i": ID[slug]}).rows[0]
        assert (int(summaries), int(texts)) == (provisions, 0)  # type: ignore[arg-type]


def test_crosswalk_and_themes(standards: Store) -> None:
    prefix = "PREFIX hrg: <https://w3id.org/hrgraph/ontology#> PREFIX sssom: <https://w3id.org/sssom/>"
    linked = one(standards, f"{prefix} SELECT (COUNT(DISTINCT ?t) AS ?n) {{ GRAPH ?g {{ ?t hrg:correspondsTo ?a }} }}")
    assert linked > 140
    unjustified = f"{prefix} SELECT (COUNT(?m) AS ?n) {{ GRAPH ?g {{ ?m a hrg:StandardsMapping FILTER NOT EXISTS {{ ?m sssom:comment ?c }} }} }}"
    assert one(standards, unjustified) == 0
    housing = standards.select(
        f"{prefix} SELECT ?a WHERE {{ GRAPH ?g {{ ?theme hrg:enshrinedIn ?a }} }}",
        {"theme": ID["theme/adequate-housing"]},
    ).column("a")
    for article in ("icescr/art_11", "udhr/art_25", "crc/art_27", "crpd/art_28"):
        assert ID[article] in housing
    assert ID["icescr/art_11"] in standards.select(
        f"{prefix} SELECT ?a WHERE {{ GRAPH ?g {{ ?t hrg:correspondsTo ?a }} }}", {"t": SDG["11.1"]}
    ).column("a")


def test_review_data(standards: Store) -> None:
    prefix = "PREFIX hrg: <https://w3id.org/hrgraph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>"
    assert (
        one(
            standards,
            f"{prefix} SELECT (COUNT(?r) AS ?n) {{ GRAPH ?g {{ ?r a hrg:Recommendation ; hrg:position ?p ; hrg:inCycle ?c }} }}",
        )
        == 378
    )
    untagged = f"{prefix} SELECT (COUNT(?r) AS ?n) {{ GRAPH ?g {{ ?r a hrg:Recommendation FILTER NOT EXISTS {{ ?r hrg:theme ?t }} }} }}"
    assert one(standards, untagged) == 0
    parties = standards.select(
        f'{prefix} SELECT ?s WHERE {{ GRAPH ?g {{ ?r hrg:ratifiedInstrument ?i ; hrg:party ?s ; hrg:ratificationStatus "party" }} }}',
        {"i": URIRef(ID["icescr"])},
    )
    assert 160 < len(parties) < 193
    unmapped = f"{prefix} SELECT ?l {{ GRAPH ?g {{ ?t a hrg:IssueTag ; skos:prefLabel ?l FILTER NOT EXISTS {{ ?t skos:closeMatch ?x }} }} }}"
    assert [str(label) for label in standards.select(unmapped).column("l")] == ["Other"]  # no theme says which
    assert HRG.Supported in standards.select(
        f"{prefix} SELECT DISTINCT ?p {{ GRAPH ?g {{ ?r hrg:position ?p }} }}"
    ).column("p")


def test_merged_recommendations_keep_every_recommending_state(standards: Store) -> None:
    query = (
        "PREFIX hrg: <https://w3id.org/hrgraph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?name WHERE { GRAPH ?g { ?r hrg:recommendingState ?s . ?s skos:prefLabel ?name } }"
    )
    expected = {
        (2, "115.38"): {"Egypt", "Peru", "Azerbaijan"},
        (2, "115.106"): {"Netherlands", "Bahrain"},
        (2, "115.124"): {"Armenia", "Costa Rica", "Uzbekistan", "Azerbaijan"},
        (3, "121.1"): {"France", "Lithuania"},
        (3, "121.2"): {"Ukraine", "Slovakia"},
        (3, "122.2"): {"Bangladesh", "Egypt"},
        (3, "122.3"): {"Indonesia", "Niger", "Philippines"},
        (3, "122.7"): {"Slovakia", "Spain", "North Macedonia"},
        (3, "122.11"): {"Lithuania", "Slovakia"},
        (3, "121.3"): {"United Kingdom of Great Britain and Northern Ireland"},  # "(No. 29)" is wording
    }
    for (cycle, paragraph), states in expected.items():
        rec = ID[f"upr/slovenia/cycle_{cycle}/rec_{paragraph}"]
        names = {str(n) for n in standards.select(query, {"r": rec}).column("name")}
        assert names == states, (cycle, paragraph)
    text = "PREFIX hrg: <https://w3id.org/hrgraph/ontology#> SELECT ?t WHERE { GRAPH ?g { ?r hrg:text ?t } }"
    ((wording,),) = standards.select(text, {"r": ID["upr/slovenia/cycle_3/rec_121.1"]}).rows
    assert (
        str(wording)
        == "Ratify the International Convention for the Protection of All Persons from Enforced Disappearance"
    )
    ((wording,),) = standards.select(text, {"r": ID["upr/slovenia/cycle_3/rec_121.3"]}).rows
    assert str(wording).endswith("Forced Labour Convention, 1930 (No. 29)")


def test_a_state_is_one_node_whatever_its_name(standards: Store) -> None:
    prefix = "PREFIX hrg: <https://w3id.org/hrgraph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    # every recommending State is joined to its ratifications (Palestine is not in the ratification table)
    unjoined = standards.select(
        prefix + "SELECT DISTINCT ?name WHERE { GRAPH ?g { ?r hrg:recommendingState ?s . ?s skos:prefLabel ?name "
        "FILTER NOT EXISTS { ?s hrg:isoCode ?code } } }"
    ).column("name")
    assert [str(n) for n in unjoined] == ["State of Palestine"]
    names = (
        prefix
        + "SELECT ?label ?other ?code WHERE { GRAPH ?g { ?s skos:prefLabel ?label ; hrg:isoCode ?code . OPTIONAL { ?s skos:altLabel ?other } } }"
    )
    rows = {
        (str(label), str(other) if other else None, str(code))
        for label, other, code in standards.select(names, {"s": ID["state/russia"]}).rows
    }
    assert rows == {("Russian Federation", "Russia", "RU")}  # the UN's name labels it
    macedonia = {
        (str(label), str(code)) for label, _, code in standards.select(names, {"s": ID["state/north-macedonia"]}).rows
    }
    assert macedonia == {("North Macedonia", "MK")}  # the latest UN name, not the former one
    assert len(standards.select(prefix + "SELECT ?s WHERE { GRAPH ?g { ?s a hrg:State } }").rows) == 194


def test_the_upr_table_is_what_the_import_script_makes(shared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import csv
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("import_shared", ROOT / "scripts" / "import_shared.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, script)  # its dataclasses look their module up
    spec.loader.exec_module(script)
    with (CORPUS / "reviews" / "upr-slovenia.csv").open(encoding="utf-8", newline="") as handle:
        assert script.build_upr(shared) == list(csv.DictReader(handle))
    split = script.split_recommending_states
    assert split("Ratify the Convention, 2011 (No. 189) (Philippines);") == (
        "Ratify the Convention, 2011 (No. 189)",
        ["Philippines"],
    )
    assert split("Do X (2009–2014) now (Peru);do Y (Iran (Islamic Republic of), Chile) (Peru).") == (
        "Do X (2009–2014) now (Peru);do Y",
        ["Peru", "Iran (Islamic Republic of)", "Chile"],
    )


def test_broken_sources_are_named(tmp_path: Path) -> None:
    source = tmp_path / "corpora"
    shutil.copytree(CORPUS / "standards", source / "standards")
    shutil.copytree(CORPUS / "reviews", source / "reviews")
    crosswalk = source / "standards" / "crosswalk" / "sdg-articles.csv"
    with crosswalk.open("a", encoding="utf-8") as out:
        out.write("11.1,ICESCR:99,not an article\n")
    lines = crosswalk.read_text(encoding="utf-8").count("\n")
    with pytest.raises(BadInputError, match=rf"sdg-articles.csv:{lines}: ICESCR:99 is not a provision"):
        build(source, tmp_path / "out")
    shutil.copy(CORPUS / "standards" / "crosswalk" / "sdg-articles.csv", crosswalk)
    (source / "standards" / "themes.yaml").write_text("themes: [unclosed\n", encoding="utf-8")
    with pytest.raises(BadInputError, match=r"themes.yaml:\d+: not valid YAML"):
        build(source, tmp_path / "out")
    with pytest.raises(BadInputError, match="not a corpus folder"):
        build(tmp_path / "nowhere", tmp_path / "out")


def test_every_upr_info_issue_and_uhri_label_is_mapped(shared: Path, standards: Store) -> None:
    import csv

    issues: set[str] = set()
    for path in sorted((shared / "upr-info-recommendations-2008-2014").glob("*.csv")):
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            for row in csv.DictReader(handle):
                issues.update(t.strip() for t in (row.get("Issue") or "").split(",") if t.strip())
    mapped = {
        str(label)
        for label in standards.select(
            "PREFIX hrg: <https://w3id.org/hrgraph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            "SELECT ?l WHERE { GRAPH ?g { ?t a hrg:IssueTag ; skos:prefLabel ?l ; skos:closeMatch ?x } }"
        ).column("l")
    }
    assert len(issues) > 40
    assert issues - {"Other"} <= mapped, sorted(issues - mapped)
    labels: set[str] = set()
    with (shared / "upr-ohchr-thematic-lists-slovenia" / "upr_slovenia_recommendations_uhri_tags.csv").open(
        encoding="utf-8"
    ) as handle:
        for row in csv.DictReader(handle):
            for column in ("themes", "affected_persons"):
                labels.update(t.strip() for t in row[column].split(";") if t.strip())
    covered = {
        str(label)
        for label in standards.select(
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?l WHERE { GRAPH ?g { ?c skos:hiddenLabel ?l } }"
        ).column("l")
    }
    assert labels <= covered, sorted(labels - covered)


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A copy of the corpus sources to break."""
    source = tmp_path / "corpora"
    shutil.copytree(CORPUS / "standards", source / "standards")
    shutil.copytree(CORPUS / "reviews", source / "reviews")
    return source


def test_a_byte_order_mark_changes_nothing_in_a_build(sources: Path, tmp_path: Path) -> None:
    for path in (sources / "reviews" / "upr-slovenia.csv", sources / "standards" / "instruments" / "cat.yaml"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    build(sources, tmp_path / "out")
    for name in ("standards.nt", "reviews.nt"):
        assert (tmp_path / "out" / name).read_bytes() == (CORPUS / "build" / name).read_bytes()


def test_sources_of_the_wrong_shape_are_named(sources: Path, tmp_path: Path) -> None:
    goals = sources / "standards" / "sdg" / "goals.csv"
    text = goals.read_text(encoding="utf-8")
    goals.write_text(text.replace("short_title", "short", 1), encoding="utf-8")
    with pytest.raises(BadInputError, match=r"goals\.csv:1: missing column\(s\) short_title$"):
        build(sources, tmp_path / "out")
    lines = text.splitlines()
    goals.write_text("\n".join([*lines[:3], "18", *lines[3:]]) + "\n", encoding="utf-8")
    with pytest.raises(BadInputError, match=r"goals\.csv:4: the row has fewer fields than the header$"):
        build(sources, tmp_path / "out")
    goals.write_text('goal,short_title,title\n1,"No poverty,End poverty\n', encoding="utf-8")
    with pytest.raises(BadInputError, match=r"goals\.csv:2: not valid CSV: unexpected end of data$"):
        build(sources, tmp_path / "out")
    goals.write_text(text, encoding="utf-8")
    cat = sources / "standards" / "instruments" / "cat.yaml"
    cat.write_text(cat.read_text(encoding="utf-8").replace("slug: cat", "name: cat"), encoding="utf-8")
    with pytest.raises(BadInputError, match=r"cat\.yaml: missing 'slug'$"):
        build(sources, tmp_path / "out")
    cat.write_text("- a list, not a mapping\n", encoding="utf-8")
    with pytest.raises(BadInputError, match=r"cat\.yaml: unexpected content: "):
        build(sources, tmp_path / "out")
    cat.write_bytes(b"slug: caf\xe9\n")
    with pytest.raises(BadInputError, match=r"cat\.yaml: not UTF-8 text"):
        build(sources, tmp_path / "out")


def test_procedural_provisions_are_typed(standards: Store) -> None:
    query = "PREFIX hrg: <https://w3id.org/hrgraph/ontology#> ASK { GRAPH ?g { ?p a hrg:ProceduralProvision } }"
    # by default, the provisions whose terms are left empty; the labels may say otherwise either way
    assert standards.ask(query, {"p": ID["icescr/art_27"]})  # entry into force
    assert standards.ask(query, {"p": ID["icmw/art_72"]})  # the Committee, though it has terms
    assert not standards.ask(query, {"p": ID["cedaw/art_24"]})  # a general obligation, without terms
    assert not standards.ask(query, {"p": ID["icescr/art_11"]})


def test_a_procedural_key_that_is_not_true_or_false_is_named(sources: Path, tmp_path: Path) -> None:
    labels = sources / "standards" / "labels" / "echr.yaml"
    labels.write_text(labels.read_text(encoding="utf-8").replace("procedural: false", "procedural: perhaps", 1))
    with pytest.raises(BadInputError, match=r"echr\.yaml: 1: procedural must be true or false$"):
        build(sources, tmp_path / "out")


# --- installing the corpus into a store ------------------------------------------------------------


def _dataset(store: Store) -> list[bytes]:
    return sorted(store.export(RdfFormat.NQUADS).splitlines())


@pytest.fixture
def old_store(tmp_path: Path) -> Iterator[Store]:
    """A store on disk with an older ontology and older standards, and a city's graph."""
    with EmbeddedStore(tmp_path / "store") as store:
        for graph in ("ontology", "standards", "city/Example City"):
            triple = f"<https://example.org/old> <https://example.org/in> <https://example.org/{graph[:4]}> ."
            store.load(triple.encode(), format=RdfFormat.NTRIPLES, graph=graph)
        yield store


def test_an_install_that_fails_midway_leaves_the_old_standards(old_store: Store, sources: Path, tmp_path: Path) -> None:
    before = _dataset(old_store)

    def interrupt(name: str, count: int) -> None:
        if name == "reviews.nt":  # after the ontology and the first standards file
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        install(old_store, on_file=interrupt)
    assert _dataset(old_store) == before
    built = tmp_path / "built"
    build(sources, built)
    (built / "standards.nt").write_bytes((built / "standards.nt").read_bytes() + b"<a> <b> oops .\n")
    with pytest.raises(BadInputError, match=r"standards\.nt:\d+:"):
        install(old_store, corpus=built)
    assert _dataset(old_store) == before


def test_install_loads_a_corpus_built_elsewhere(old_store: Store, sources: Path, tmp_path: Path) -> None:
    built = tmp_path / "built"
    build(sources, built)
    (built / "extra.nt").write_bytes(b"<https://example.org/new> <https://example.org/in> <https://example.org/x> .\n")
    loaded = install(old_store, corpus=built)
    assert set(loaded) == {"hrgraph.ttl", "extra.nt", "reviews.nt", "standards.nt"}
    graphs = old_store.graphs()
    assert graphs[graph_iri("standards")] == loaded["extra.nt"] + loaded["reviews.nt"] + loaded["standards.nt"]
    assert graphs[graph_iri("ontology")] == loaded["hrgraph.ttl"]
    assert graphs[graph_iri("city/Example City")] == 1
    assert old_store.ask("ASK { GRAPH ?g { <https://example.org/new> ?p ?o } }", {"g": URIRef(graph_iri("standards"))})
    assert not old_store.ask(
        "ASK { GRAPH ?g { <https://example.org/old> ?p ?o } }", {"g": URIRef(graph_iri("standards"))}
    )
    with pytest.raises(BadInputError, match=r"nowhere: no such folder"):
        install(old_store, corpus=tmp_path / "nowhere")
    with pytest.raises(BadInputError, match=r"corpora: no built corpus files"):
        install(old_store, corpus=sources)
