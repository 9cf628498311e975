"""Ingest real files of every format into a city's graph: the example corpora, re-ingests and revisions."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal, URIRef
from reportlab.platypus import Paragraph

from hrgraph.errors import BadInputError
from hrgraph.ingest import IngestResult, ingest, load_profile
from hrgraph.ingest.read import read_document
from hrgraph.ingest.segment import segment
from hrgraph.namespace import HRG, ID, SDG
from hrgraph.queries import find_query, run_query
from hrgraph.store import EmbeddedStore, RdfFormat, Store, Table, graph_iri
from tests.conftest import ROOT

EXAMPLES = ROOT / "corpora" / "examples"
CITY = EXAMPLES / "example-city"
DC = EXAMPLES / "dc-human-rights-act"
DATA = ROOT / "tests" / "data" / "ingest"
B = "https://w3id.org/hrgraph/city/example-city/"
PLAN = f"{B}doc/action-plan-2024-2027"
PREFIXES = """PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX sssom: <https://w3id.org/sssom/>
PREFIX org: <http://www.w3.org/ns/org#>
"""


def rows(store: Store, body: str, city: str = "Example City") -> list[dict[str, str | None]]:
    """Run a SELECT over the graph of a city; ``body`` is the query after the prefixes, with GRAPH ?g."""
    return store.select(PREFIXES + body, {"g": URIRef(graph_iri(f"city/{city}"))}).records()


def count(store: Store, pattern: str, city: str = "Example City") -> int:
    found = rows(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {pattern} }} }}", city)
    return int(found[0]["n"] or 0)


@pytest.fixture(scope="module")
def example() -> Iterator[IngestResult]:
    with EmbeddedStore() as store:
        yield ingest(CITY / "city.yaml", store=store)


@pytest.fixture(scope="module")
def dc() -> Iterator[IngestResult]:
    with EmbeddedStore() as store:
        yield ingest(DC, store=store)


# --- the example city: every document of its profile -------------------------------------------------


def test_the_example_city_in_one_go(example: IngestResult) -> None:
    assert example.city == "Example City"
    assert example.city_iri == B
    assert example.graph == "https://w3id.org/hrgraph/graph/city/example-city"
    summary = {d.path.name: (d.kind, d.provisions, d.items, d.stated_links, d.observations) for d in example.documents}
    assert summary == {
        "action-plan.xlsx": ("action-plan", 0, 44, 152, 82),
        "proclamation.html": ("proclamation", 17, 0, 0, 0),
        "human-rights-council-resolution.md": ("resolution", 21, 0, 0, 0),
        "equal-treatment-ordinance.pdf": ("ordinance", 37, 0, 0, 0),
        "annual-report-2025.docx": ("report", 15, 0, 0, 17),
    }
    assert example.triples == sum(example.store.graphs().values())
    # Only what the plan deliberately cites outside the corpus, or below the corpus's paragraphs.
    assert sorted({w.message.split(":")[0] for w in example.warnings}) == [
        "CEDAW article 5(a)",
        "ICCPR article 25(a)",
        "ICERD article 5(e)",
        "ICERD article 5(f)",
        "ICESCR article 7(a)",
        "unknown reference 'Aarhus Convention art. 8'",
        "unknown reference 'Istanbul Convention art. 23'",
    ]
    assert all(w.file.endswith("action-plan.xlsx") and w.place and w.place.startswith("row ") for w in example.warnings)


def test_the_city_and_its_bodies(example: IngestResult) -> None:
    store = example.store
    (city,) = rows(store, "SELECT ?label ?base ?country WHERE { GRAPH ?g { ?c a hrg:LocalGovernment ; "
                          "skos:prefLabel ?label ; hrg:baseIRI ?base ; hrg:country ?country } }")  # fmt: skip
    assert city == {"label": "Example City", "base": B, "country": str(ID["state/slovenia"])}
    bodies = rows(store, "SELECT ?b ?kind WHERE { GRAPH ?g { ?b a ?kind ; skos:prefLabel ?l . "
                         "FILTER(STRSTARTS(STR(?b), CONCAT(STR(?c), 'org/'))) ?c a hrg:LocalGovernment } }")  # fmt: skip
    kinds = {r["b"].rsplit("/", 1)[1]: r["kind"].rsplit("#", 1)[1] for r in bodies if r["b"] and r["kind"]}
    assert len(kinds) == 15
    assert kinds["human-rights-office"] == "HumanRightsOffice"
    assert kinds["human-rights-council"] == "ParticipatoryBody"
    assert kinds["ombudsperson"] == "ComplaintsMechanism"
    assert (
        count(store, f"<{B}org/human-rights-council> hrg:includesCivilSociety true ; org:subOrganizationOf <{B}>") == 1
    )
    assert count(store, f"<{B}> org:hasUnit ?u") == 12


def test_every_field_of_an_action_item(example: IngestResult) -> None:
    store = example.store
    item = f"<{PLAN}/item_HO-01>"
    (found,) = rows(
        store,
        f"""SELECT * WHERE {{ GRAPH ?g {{ {item} a hrg:ActionItem ; eli:is_part_of <{PLAN}> ; hrg:number ?number ;
          hrg:eId ?eid ; hrg:order ?order ; hrg:actionText ?action ; hrg:responsibleBody ?body ;
          hrg:targetStatement ?target ; hrg:startDate ?start ; hrg:deadline ?deadline ; hrg:timetableText ?tt ;
          hrg:timetable [ a time:ProperInterval ; time:hasBeginning [ time:inXSDDate ?begin ] ;
                          time:hasEnd [ time:inXSDDate ?end ] ] ;
          hrg:indicator ?indicator ; hrg:status ?status ; hrg:budgetAmount ?budget ; hrg:currency ?currency ;
          dcterms:subject ?area ; hrg:startOffset ?from ; hrg:endOffset ?to .
          ?indicator skos:prefLabel ?label ; hrg:unit ?unit ; hrg:baseline ?baseline .
          ?baseline hrg:year ?baseline_year ; hrg:value ?baseline_value }} }}""",
    )
    del found["g"]
    assert found == {
        "number": "HO-01",
        "eid": "item_HO-01",
        "order": "1",
        "action": "Build and let 240 new non-profit rental flats for low- and middle-income households through "
        "the Municipal Housing Fund, reserving 15% of them for young people leaving care and for persons with "
        "disabilities.",
        "body": f"{B}org/housing",
        "target": "240 non-profit rental flats let by the end of 2027",
        "start": "2024-01-01",
        "deadline": "2027-12-31",
        "tt": "2024–2027",
        "begin": "2024-01-01",
        "end": "2027-12-31",
        "indicator": f"{PLAN}/indicator/HO-01-1",
        "status": str(HRG.InProgress),
        "budget": "38500000",
        "currency": "EUR",
        "area": "Housing",
        "from": found["from"],
        "to": found["to"],
        "label": "Non-profit rental flats completed and let (cumulative)",
        "unit": "flats",
        "baseline": f"{PLAN}/indicator/HO-01-1/obs/2023",
        "baseline_year": "2023",
        "baseline_value": "0",
    }
    values = rows(store, f"SELECT ?year ?value WHERE {{ GRAPH ?g {{ <{PLAN}/indicator/HO-01-1> hrg:observation ?o . "
                         "?o hrg:year ?year ; hrg:value ?value } } ORDER BY ?year")  # fmt: skip
    assert [(r["year"], Decimal(r["value"] or "")) for r in values] == [
        ("2023", Decimal(0)), ("2024", Decimal(85)), ("2025", Decimal(162)),
    ]  # fmt: skip
    links = rows(store, f"SELECT ?object ?predicate ?level ?evidence WHERE {{ GRAPH ?g {{ ?l a hrg:StatedLink ; "
                        f"hrg:linkSubject {item} ; hrg:linkObject ?object ; hrg:linkPredicate ?predicate ; "
                        "hrg:level ?level ; hrg:evidenceText ?evidence } } ORDER BY ?object")  # fmt: skip
    assert links == [
        {"object": str(SDG["11.1"]), "predicate": str(HRG.contributesTo), "level": "sdg-target", "evidence": "SDG 11.1"},
        {"object": str(ID["european-city-charter/art_16"]), "predicate": str(HRG.realises), "level": "article",
         "evidence": "ECSHRC art. 16"},
        {"object": str(ID["icescr/art_11__para_1"]), "predicate": str(HRG.realises), "level": "paragraph",
         "evidence": "ICESCR 11(1)"},
    ]  # fmt: skip
    assert count(store, f"{item} hrg:realises <{ID['icescr/art_11__para_1']}> ; hrg:contributesTo <{SDG['11.1']}>") == 1


def test_the_plan_yields_all_its_items_with_every_field(example: IngestResult) -> None:
    store = example.store
    with (CITY / "sources" / "action-plan.csv").open(encoding="utf-8") as handle:
        source = list(csv.DictReader(handle))
    assert len(source) == 44
    found = {
        r["number"]: r
        for r in rows(
            store,
            f"""SELECT ?number ?action ?body ?deadline ?status ?budget ?indicator ?links WHERE {{ GRAPH ?g {{
              ?i a hrg:ActionItem ; eli:is_part_of <{PLAN}> ; hrg:number ?number ; hrg:actionText ?action ;
                 hrg:status ?status .
              OPTIONAL {{ ?i hrg:responsibleBody ?body }} OPTIONAL {{ ?i hrg:deadline ?deadline }}
              OPTIONAL {{ ?i hrg:budgetAmount ?budget }} OPTIONAL {{ ?i hrg:indicator ?indicator }}
              {{ SELECT ?i (COUNT(?l) AS ?links) WHERE {{ ?l hrg:linkSubject ?i }} GROUP BY ?i }} }} }}""",
        )
    }
    assert set(found) == {r["ID"] for r in source}
    for row in source:
        item = found[row["ID"]]
        assert item["action"] == row["Action"]
        assert item["status"] == str(HRG[row["Status"].title().replace(" ", "")])
        assert (item["body"] is None) == (not row["Responsible body"]), row["ID"]
        assert (item["deadline"] is None) == (row["Timetable"] in ("", "TBD")), row["ID"]
        assert (item["indicator"] is None) == (not row["Indicator"]), row["ID"]
        assert (item["budget"] is None) == row["Budget (EUR)"].startswith("within"), row["ID"]
        assert int(item["links"] or 0) >= 2, row["ID"]
    incomplete = sorted(str(n) for n, i in found.items() if None in (i["body"], i["deadline"], i["indicator"]))
    assert incomplete == ["ED-03", "EN-04", "HE-03", "PS-03", "WO-03"]


def test_csv_and_xlsx_of_the_same_plan_agree(example: IngestResult) -> None:
    with EmbeddedStore() as store:
        result = ingest(CITY / "sources" / "action-plan.csv", city="Example City", store=store)
        (document,) = result.documents
        assert (document.kind, document.items, document.stated_links, document.observations) == (
            "action-plan", 44, 152, 82,
        )  # fmt: skip
        assert document.columns["Standards cited"] == "standards"
        assert document.unused_columns == ("Partners",)
        # Without the profile, bodies get IRIs from their names, indicators from the document: compare by label.
        query = """SELECT ?n ?p ?v WHERE { GRAPH ?g { ?i a hrg:ActionItem ; hrg:number ?n ; ?p ?o .
                   OPTIONAL { ?o skos:prefLabel ?label FILTER(?p IN (hrg:responsibleBody, hrg:indicator)) }
                   BIND(COALESCE(?label, ?o) AS ?v)
                   FILTER(?p NOT IN (eli:is_part_of, hrg:startOffset, hrg:endOffset, hrg:timetable)) } }"""
        from_csv = {tuple(r.values()) for r in rows(store, query)}
    from_xlsx = {tuple(r.values()) for r in rows(example.store, query)}
    assert from_csv == from_xlsx


def test_the_report_adds_observations_of_2025(example: IngestResult) -> None:
    store = example.store
    report = f"{B}doc/annual-report-2025"
    observations = rows(store, f"SELECT ?o ?value WHERE {{ GRAPH ?g {{ ?o prov:wasDerivedFrom <{report}> ; "
                               "hrg:year '2025'^^<http://www.w3.org/2001/XMLSchema#gYear> ; hrg:value ?value } }")  # fmt: skip
    assert len(observations) == 17
    assert {"o": f"{PLAN}/indicator/EN-03-1/obs/2025", "value": "355"} in observations
    # Values of 2023 and 2024 are the plan's own: the report does not record them twice.
    assert count(store, f"?o prov:wasDerivedFrom <{report}> ; hrg:year ?y FILTER(STR(?y) != '2025')") == 0
    sections = rows(store, f"SELECT ?eid ?heading WHERE {{ GRAPH ?g {{ ?p eli:is_part_of+ <{report}> ; "
                           "hrg:eId ?eid ; hrg:heading ?heading } } ORDER BY ?eid")  # fmt: skip
    assert {r["eid"]: r["heading"] for r in sections}["sec_2.1"] == "Housing"


def test_the_proclamation_and_its_commitments(example: IngestResult) -> None:
    store = example.store
    doc = f"{B}doc/human-rights-city-proclamation"
    provisions = rows(store, f"SELECT ?eid ?parent WHERE {{ GRAPH ?g {{ ?p eli:is_part_of ?parent ; hrg:eId ?eid ; "
                             f"eli:is_part_of+ <{doc}> }} }} ORDER BY ?eid")  # fmt: skip
    eids = [r["eid"] for r in provisions]
    assert eids.count("preamble") == 1
    assert [e for e in eids if e and e.startswith("recital_")] == [f"recital_{n}" for n in range(1, 7)]
    assert [e for e in eids if e and e.startswith("formula_1__para_")] == [f"formula_1__para_{n}" for n in range(1, 9)]
    # a recital and an operative paragraph of the same number are cited apart
    cited = rows(
        store, f"SELECT ?eid ?c WHERE {{ GRAPH ?g {{ ?p hrg:eId ?eid ; hrg:citation ?c ; eli:is_part_of+ <{doc}> }} }}"
    )
    by_eid = {r["eid"]: r["c"] for r in cited}
    assert (by_eid["recital_1"], by_eid["formula_1__para_1"]) == ("recital 1", "§ 1")
    committed = rows(store, f"SELECT ?i WHERE {{ GRAPH ?g {{ ?c a hrg:Commitment ; hrg:expressedIn <{doc}> ; "
                            f"hrg:committedBy <{B}> ; hrg:committedTo ?i . <{B}> hrg:commitsTo ?i }} }}")  # fmt: skip
    slugs = sorted(str(r["i"]).rsplit("/", 1)[1] for r in committed)
    assert slugs == sorted(
        ["udhr", "iccpr", "icescr", "icerd", "cedaw", "crc", "crpd", "european-city-charter",
         "gwangju-principles", "agenda2030"]
    )  # fmt: skip


def test_pdf_provisions_have_pages_and_offsets(example: IngestResult) -> None:
    store = example.store
    doc = f"{B}doc/equal-treatment-ordinance"
    found = rows(store, f"SELECT ?eid ?page ?from ?to ?text ?heading WHERE {{ GRAPH ?g {{ ?p eli:is_part_of+ <{doc}> ; "
                        "hrg:eId ?eid ; hrg:page ?page ; hrg:startOffset ?from ; hrg:endOffset ?to ; hrg:text ?text "
                        "OPTIONAL { ?p hrg:heading ?heading } } }")  # fmt: skip
    by_eid = {r["eid"]: r for r in found}
    assert sorted(e for e in by_eid if e and e.startswith("art_") and "__" not in e) == sorted(
        f"art_{n}" for n in range(1, 14)
    )
    assert [by_eid[f"part_{n}"]["heading"] for n in ("I", "II", "III", "IV")] == [
        "GENERAL PROVISIONS", "OBLIGATIONS OF THE CITY", "REMEDIES", "FINAL PROVISIONS",
    ]  # fmt: skip
    assert (by_eid["art_1"]["page"], by_eid["art_13"]["page"]) == ("1", "3")
    text = read_document(
        CITY / "equal-treatment-ordinance.pdf", (CITY / "equal-treatment-ordinance.pdf").read_bytes()
    ).text
    for row in found:
        assert text[int(row["from"] or 0) : int(row["to"] or 0)] == row["text"]
    assert "Page 2" not in (by_eid["part_II"]["text"] or "")  # running footers are not text


def test_markdown_resolution(example: IngestResult) -> None:
    found = rows(example.store, f"SELECT ?eid ?heading WHERE {{ GRAPH ?g {{ ?p eli:is_part_of "
                                f"<{B}doc/human-rights-council-resolution> ; hrg:eId ?eid OPTIONAL {{ ?p hrg:heading ?heading }} }} }}")  # fmt: skip
    headings = {r["eid"]: r["heading"] for r in found}
    assert headings["art_2"] == "Tasks"
    assert headings["art_7"] == "Entry into force"
    assert count(example.store, f"<{B}doc/human-rights-council-resolution/art_3__para_4> eli:is_part_of "
                                f"<{B}doc/human-rights-council-resolution/art_3>") == 1  # fmt: skip


def test_plain_text_bylaw() -> None:
    result = ingest(DATA / "playground-bylaw.txt", city="Lakeside", kind="ordinance")
    (document,) = result.documents
    assert (document.kind, document.title) == ("ordinance", "BYLAW ON PUBLIC PLAYGROUNDS AND PLAY STREETS")
    found = rows(result.store, "SELECT ?eid ?heading ?number WHERE { GRAPH ?g { ?p hrg:eId ?eid ; hrg:number ?number "
                               "OPTIONAL { ?p hrg:heading ?heading } } } ORDER BY ?eid", "Lakeside")  # fmt: skip
    assert [(r["eid"], r["heading"]) for r in found] == [
        ("chp_1", "GENERAL PROVISIONS"),
        ("chp_2", "PLAY SPACES"),
        ("sec_1", "Purpose"),
        ("sec_2", "Definitions"),
        ("sec_2__para_a", None),
        ("sec_2__para_b", None),
        ("sec_3", "Accessibility"),
        ("sec_3__para_1", None),
        ("sec_3__para_2", None),
        ("sec_4", "Play streets"),
        ("sec_4__para_1", None),
        ("sec_4__para_2", None),
        ("sec_4__para_2__item_1", None),
        ("sec_4__para_2__item_2", None),
        ("sec_4__para_3", None),
    ]
    assert result.warnings == ()


def test_windows_1252_text_is_read_with_a_warning() -> None:
    result = ingest(DATA / "reglement-cp1252.txt", city="Lakeside", kind="ordinance")
    assert [str(w) for w in result.warnings] == [f"{DATA / 'reglement-cp1252.txt'}: not UTF-8: read as Windows-1252"]
    (found,) = rows(result.store, "SELECT ?text WHERE { GRAPH ?g { ?p hrg:eId 'art_1' ; hrg:text ?text } }", "Lakeside")
    assert "Le présent règlement garantit à chaque enfant le droit de jouer – € 0 de frais." in (found["text"] or "")


def test_a_mapping_file_for_another_layout() -> None:
    result = ingest(DATA / "plan-de.csv", city="Lakeside", mapping=DATA / "plan-de-mapping.yaml")
    (document,) = result.documents
    assert document.items == 3
    assert document.columns == {
        "Nr.": "id", "Maßnahme": "action", "Zuständigkeit": "responsible", "Zeitraum": "timetable",
        "Stand": "status", "Kosten": "budget", "Bezug": "standards",
    }  # fmt: skip
    found = rows(result.store, "SELECT ?n ?start ?deadline ?status ?budget ?currency WHERE { GRAPH ?g { ?i hrg:number ?n ; "
                               "hrg:deadline ?deadline ; hrg:status ?status ; hrg:budgetAmount ?budget ; hrg:currency ?currency "
                               "OPTIONAL { ?i hrg:startDate ?start } } } ORDER BY ?n", "Lakeside")  # fmt: skip
    assert [(r["n"], r["start"], r["deadline"], r["status"], r["budget"], r["currency"]) for r in found] == [
        ("M-1", "2025-03-01", "2026-12-31", str(HRG.InProgress), "120000", "EUR"),
        ("M-2", "2026-01-01", "2026-12-31", str(HRG.Planned), "1200000", "EUR"),
        ("M-3", "2025-04-01", "2025-06-30", str(HRG.Completed), "15000", "EUR"),
    ]
    assert result.stated_links == 4
    assert result.warnings == ()


# --- the D.C. Human Rights Act ---------------------------------------------------------------------------


def test_the_dc_act_yields_its_68_sections_with_their_headings(dc: IngestResult) -> None:
    assert dc.city == "District of Columbia"
    (document,) = dc.documents
    assert document.title == "District of Columbia Human Rights Act (D.C. Code, title 2, chapter 14)"
    found = rows(dc.store, "SELECT ?number ?heading WHERE { GRAPH ?g { ?s hrg:eId ?eid ; hrg:number ?number ; "
                           "hrg:heading ?heading FILTER(STRSTARTS(?eid, 'sec_') && !CONTAINS(?eid, '__')) } }",
                 "District of Columbia")  # fmt: skip
    with (DC / "sections_index.csv").open(encoding="utf-8") as handle:
        index = {r["section"]: r["heading"] for r in csv.DictReader(handle)}
    assert len(found) == 68
    assert {r["number"]: r["heading"] for r in found} == index
    assert dc.warnings == ()


def test_dc_paragraphs_nest_under_their_section(dc: IngestResult) -> None:
    base = "https://w3id.org/hrgraph/city/district-of-columbia/doc/human-rights-act/"
    found = rows(dc.store, f"SELECT ?parent ?heading ?text WHERE {{ GRAPH ?g {{ <{base}sec_2-1402.21__para_b> "
                           "eli:is_part_of ?parent ; hrg:heading ?heading ; hrg:text ?text } }", "District of Columbia")  # fmt: skip
    assert found == [{
        "parent": f"{base}sec_2-1402.21",
        "heading": "Subterfuge.",
        "text": found[0]["text"],
    }]  # fmt: skip
    assert (found[0]["text"] or "").startswith("(b) Subterfuge. — It shall further be an unlawful discriminatory")
    assert count(dc.store, f"<{base}sec_2-1402.21__para_c__para_2__para_A> hrg:citation '§ 2-1402.21(c)(2)(A)'",
                 "District of Columbia") == 1  # fmt: skip
    assert count(dc.store, f"<{base}sec_2-1402.21__para_c__para_2__para_A> eli:is_part_of <{base}sec_2-1402.21__para_c__para_2>",
                 "District of Columbia") == 1  # fmt: skip
    assert count(dc.store, f"<{base}sec_2-1402.21> eli:is_part_of ?part . ?part hrg:heading ?h "
                           "FILTER(STR(?h) = 'Housing and Commercial Space.')",
                 "District of Columbia") == 1  # fmt: skip


def test_the_dc_copy_is_the_shared_data(shared: Path) -> None:
    source = shared / "dc-code-human-rights-act"
    for path in sorted((source / "sections").glob("*.xml")) + [source / "title-2_chapter-14_index-excerpt.xml"]:
        assert (DC / path.relative_to(source)).read_bytes() == path.read_bytes(), path.name


def test_a_single_dc_section_file() -> None:
    result = ingest(DC / "sections" / "2-1401.01.xml", city="District of Columbia")
    (document,) = result.documents
    assert (document.kind, document.provisions, document.title) == (
        "ordinance", 1, "§ 2-1401.01. Intent of Council.",
    )  # fmt: skip


# --- stores, re-ingests and revisions ---------------------------------------------------------------------


def test_every_kind_of_store(store: Store) -> None:
    result = ingest(CITY / "city.yaml", store=store)
    assert result.items == 44
    assert store.graphs() == {graph_iri("city/Example City"): result.triples}
    again = ingest(CITY / "city.yaml", store=store)
    assert [d.state for d in again.documents] == ["unchanged"] * 5
    assert again.triples == result.triples


def test_reingesting_the_same_file_replaces_its_provisions() -> None:
    with EmbeddedStore() as store:
        first = ingest(CITY / "city.yaml", store=store)
        before = store.export(RdfFormat.NTRIPLES, graph="city/Example City")
        second = ingest(CITY / "city.yaml", store=store)
        after = store.export(RdfFormat.NTRIPLES, graph="city/Example City")
    assert [d.state for d in first.documents] == ["new"] * 5
    assert second.triples == first.triples
    assert len(after.splitlines()) == len(before.splitlines())


def test_a_changed_file_keeps_the_old_version_as_provenance(tmp_path: Path) -> None:
    city = tmp_path / "example-city"
    shutil.copytree(CITY, city)
    with EmbeddedStore() as store:
        first = ingest(city / "city.yaml", store=store)
        resolution = city / "human-rights-council-resolution.md"
        resolution.write_text(resolution.read_text(encoding="utf-8").replace("fifteen", "seventeen"), encoding="utf-8")
        second = ingest(city / "city.yaml", store=store)
        old_sha, new_sha = first.documents[2].sha256, second.documents[2].sha256
        assert [d.state for d in second.documents] == ["unchanged", "unchanged", "revised", "unchanged", "unchanged"]
        assert second.triples == first.triples + 4  # the old source file node (3 triples) and prov:wasRevisionOf
        assert count(store, f"<{B}file/{new_sha}> prov:wasRevisionOf <{B}file/{old_sha}> . "
                            f"<{B}file/{old_sha}> hrg:sha256 '{old_sha}' ; hrg:filePath ?path") == 1  # fmt: skip
        assert count(store, f"<{B}doc/human-rights-council-resolution> hrg:sourceFile ?f") == 1
        texts = rows(store, "SELECT ?t WHERE { GRAPH ?g { ?p hrg:eId 'art_3__para_1' ; eli:is_part_of+ "
                            f"<{B}doc/human-rights-council-resolution> ; hrg:text ?t }} }}")  # fmt: skip
        assert texts == [{"t": "(1) The Council has seventeen members, appointed for four years."}]


@pytest.mark.parametrize("country", ["Russian Federation", "Russia", "RU", "russian federation"])
def test_a_country_is_found_by_any_of_its_names(tmp_path: Path, country: str) -> None:
    profile = tmp_path / "city.yaml"
    profile.write_text(f"name: Kazan\ncountry: {country}\ndocuments:\n  - file: {CITY / 'action-plan.xlsx'}\n")
    with EmbeddedStore() as store:
        result = ingest(profile, store=store)
        assert not [w for w in result.warnings if "country" in str(w)]
        assert rows(store, "SELECT ?c WHERE { GRAPH ?g { ?city hrg:country ?c } }", "Kazan") == [
            {"c": str(ID["state/russia"])}
        ]


def test_report_observations_survive_a_reingest_of_the_plan(tmp_path: Path) -> None:
    plan_only = tmp_path / "plan-only.yaml"
    plan_only.write_text(
        f"name: Example City\ndocuments:\n  - file: {CITY / 'action-plan.xlsx'}\n    id: action-plan-2024-2027\n",
        encoding="utf-8",
    )
    with EmbeddedStore() as store:
        ingest(CITY / "city.yaml", store=store)
        indicator = f"{PLAN}/indicator/HO-01-1"
        assert count(store, f"<{indicator}> hrg:observation <{indicator}/obs/2025>") == 1
        result = ingest(plan_only, store=store)
        assert [d.state for d in result.documents] == ["unchanged"]
        assert count(store, f"<{indicator}> hrg:observation <{indicator}/obs/2025>") == 1
        assert (
            count(store, f"<{indicator}/obs/2025> hrg:value ?v ; prov:wasDerivedFrom <{B}doc/annual-report-2025>") == 1
        )


def test_a_reingest_writes_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = tmp_path / "action-plan.csv"
    shutil.copy(CITY / "sources" / "action-plan.csv", plan)
    with EmbeddedStore(tmp_path / "store") as store:
        first = ingest(plan, city="Example City", store=store)
        updates: list[str] = []
        update = store.update

        def recorded(sparql: str) -> None:
            updates.append(sparql)
            update(sparql)

        monkeypatch.setattr(store, "update", recorded)
        again = ingest(plan, city="Example City", store=store)
        assert (again.triples, updates) == (first.triples, [])  # nothing changed, nothing written
        plan.write_text(plan.read_text(encoding="utf-8").replace(",2024–2026,", ",2025–2028,", 1), encoding="utf-8")
        changed = ingest(plan, city="Example City", store=store)
        assert len(updates) == 1 and len(updates[0]) < 5_000
        dates = rows(store, f"SELECT ?b ?e WHERE {{ GRAPH ?g {{ <{B}doc/action-plan/item_HO-03> hrg:timetable ?t . "
                            "?t time:hasBeginning/time:inXSDDate ?b ; time:hasEnd/time:inXSDDate ?e } }")  # fmt: skip
        assert dates == [{"b": "2025-01-01", "e": "2028-12-31"}]
        fresh = ingest(plan, city="Example City")
        assert changed.triples == fresh.triples + 4  # the old source file node and prov:wasRevisionOf
        for pattern in ("?i a time:Instant", "?t a time:ProperInterval", "?s ?p ?o FILTER(isBlank(?s))"):
            assert count(store, pattern) == count(fresh.store, pattern)


def test_two_plans_with_the_same_item_ids_keep_their_own_indicators(tmp_path: Path) -> None:
    first, second = tmp_path / "plan1.csv", tmp_path / "plan3.csv"
    first.write_text(
        "No.,Measure,KPI,Baseline value,Current value\n"
        "1,Open homeless shelters,Number of shelter beds,120 (2023),150 (2025)\n",
        encoding="utf-8",
    )
    second.write_text("#,Action,Indicator,Baseline\n1,Build 200 social housing units,Units built,0 (2024)\n"
                      "2,Rent subsidy,Households supported,350 (2024)\n", encoding="utf-8")  # fmt: skip
    with EmbeddedStore() as store:
        ingest(first, city="Our City", store=store)
        result = ingest(second, city="Our City", store=store)
        assert not [w for w in result.warnings if "another action plan" in w.message]
        found = rows(store, "SELECT ?i ?label (GROUP_CONCAT(STR(?v); separator=' ') AS ?values) WHERE { GRAPH ?g { "
                            "?item hrg:number '1' ; hrg:indicator ?i . ?i skos:prefLabel ?label ; hrg:observation ?o . "
                            "?o hrg:value ?v } } GROUP BY ?i ?label ORDER BY ?i", "Our City")  # fmt: skip
        vlr = run_query(store, find_query("local-indicators"), {"city_graph": graph_iri("city/Our City")})
    base = "https://w3id.org/hrgraph/city/our-city/doc"
    assert [(r["i"], r["label"], sorted((r["values"] or "").split())) for r in found] == [
        (f"{base}/plan1/indicator/1-1", "Number of shelter beds", ["120", "150"]),
        (f"{base}/plan3/indicator/1-1", "Units built", ["0"]),
    ]
    assert isinstance(vlr, Table)
    assert sorted((r["local_indicator"], r["baseline_value"], r["latest_value"]) for r in vlr.records()) == [
        ("Households supported", "350", "350"), ("Number of shelter beds", "120", "150"), ("Units built", "0", "0"),
    ]  # fmt: skip


def test_a_report_table_of_an_item_id_of_two_plans_records_nothing(tmp_path: Path) -> None:
    for name, indicator in (("plan1", "Shelter beds"), ("plan3", "Units built")):
        (tmp_path / f"{name}.csv").write_text(f"ID,Action,Indicator\n1,Act,{indicator}\n", encoding="utf-8")
    report = tmp_path / "annual-report.html"
    report.write_text("<h1>Report</h1><p>Progress.</p><table><tr><th>Item</th><th>Indicator</th><th>2025</th></tr>"
                      "<tr><td>1</td><td>Beds</td><td>150</td></tr></table>", encoding="utf-8")  # fmt: skip
    result = ingest([tmp_path / "plan1.csv", tmp_path / "plan3.csv", report], city="Our City")
    assert result.observations == 0
    assert [w.message for w in result.warnings] == [
        "item 1 has an indicator in several action plans (plan1, plan3): values not recorded"
    ]


def test_a_city_name_in_another_case_is_the_same_city(tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("ID,Action,Indicator,Baseline\n1,Open a shelter,Shelter beds,120 (2023)\n", encoding="utf-8")
    with EmbeddedStore() as store:
        ingest(plan, city="Our City", store=store)
        again = ingest(plan, city=" our  CITY ", store=store)
        assert (again.city, [d.state for d in again.documents]) == ("Our City", ["unchanged"])
        assert [r["l"] for r in rows(store, "SELECT ?l WHERE { GRAPH ?g { ?c a hrg:LocalGovernment ; "
                                            "skos:prefLabel ?l } }", "Our City")] == ["Our City"]  # fmt: skip
        table = run_query(store, find_query("local-indicators"), {"city_graph": graph_iri("city/Our City")})
    assert isinstance(table, Table)
    assert [(r["city"], r["local_indicator"]) for r in table.records()] == [("Our City", "Shelter beds")]


def test_every_standards_column_is_read(tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("ID,Action,Timetable,SDG targets,Treaty references\n"
                    "T1,Open homeless shelters,2026,\"10.2, 10.7\",ICESCR 11\n"
                    "T2,Free school meals,2026,2,CERD art. 5\n", encoding="utf-8")  # fmt: skip
    result = ingest(plan, city="Our City")
    (document,) = result.documents
    assert document.columns["SDG targets"] == document.columns["Treaty references"] == "standards"
    assert document.unused_columns == ()
    assert result.warnings == ()
    found = rows(result.store, "SELECT ?n ?o WHERE { GRAPH ?g { ?i hrg:number ?n ; hrg:realises|hrg:contributesTo ?o "
                               "} } ORDER BY ?n ?o", "Our City")  # fmt: skip
    assert [(r["n"], r["o"]) for r in found] == [
        ("T1", str(SDG["10.2"])), ("T1", str(SDG["10.7"])), ("T1", str(ID["icescr/art_11"])),
        ("T2", str(SDG["2"])), ("T2", str(ID["icerd/art_5"])),
    ]  # fmt: skip


def test_a_mapping_lists_several_standards_columns(tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("Ref;Action item;Goals;Legal basis\nA1;Housing;SDG 11.1;ICESCR art. 11(1)\n", encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns:\n  standards: [Goals, D]\n", encoding="utf-8")
    result = ingest(plan, city="Our City", mapping=mapping)
    assert result.documents[0].columns == {
        "Ref": "id", "Action item": "action", "Goals": "standards", "Legal basis": "standards",
    }  # fmt: skip
    assert (result.stated_links, result.warnings) == (2, ())


def _plan_with_a_total_row(path: Path) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    cover = workbook.active
    assert cover is not None
    cover.title = "Cover"
    cover.append(["Human Rights Action Plan of Our City 2025-2028"])
    sheet = workbook.create_sheet("Actions")
    sheet.append(["Our City – Human Rights Action Plan 2025–2028"])
    sheet.append([])
    sheet.append(["#", "Action", "Responsible", "Deadline", "Indicator", "Baseline", "Status", "Budget"])
    sheet.append(["Housing"])
    sheet.append([1, "Build 200 social housing units", "Housing Department", "2027", "Units built", 0, "planned",
                  1000000])  # fmt: skip
    sheet.append([2, "Rent subsidy", "Housing Department", "2026", "Households supported", "350 (2024)", "planned",
                  500000])  # fmt: skip
    sheet.append([None, "Total", None, None, None, None, None, "=SUM(H5:H6)"])
    sheet.append([None, "Grand total:", None, None, None, None, None, 1500000])
    workbook.save(path)
    return path


def test_a_total_row_is_no_action_item_and_the_row_above_the_header_titles_the_plan(tmp_path: Path) -> None:
    result = ingest(_plan_with_a_total_row(tmp_path / "plan.xlsx"), city="Our City")
    assert result.items == 2
    assert result.documents[0].title == "Our City – Human Rights Action Plan 2025–2028"  # the row above the header
    assert [str(w) for w in result.warnings if "total" in w.message] == [
        f"{tmp_path / 'plan.xlsx'}: row 7: a total row, not an action item: skipped",
        f"{tmp_path / 'plan.xlsx'}: row 8: a grand total row, not an action item: skipped",
    ]


def test_a_mapping_by_header_names_finds_the_header_below_a_title_and_a_cover_sheet(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns:\n  action: Action\n  responsible: Responsible\n", encoding="utf-8")
    result = ingest(_plan_with_a_total_row(tmp_path / "plan.xlsx"), city="Our City", mapping=mapping)
    assert (result.items, result.documents[0].rows) == (2, 7)


def test_cells_merged_over_several_rows_give_each_row_their_value(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Area", "Action", "Lead department", "Deadline", "Indicator"])
    sheet.append([None, None, None, None, "(what is measured)"])
    sheet.append(["Housing", "Build 200 social housing units", "Housing Department", "2027", "Units built"])
    sheet.append([None, "Create a rent-guarantee fund", None, "2026", "Households supported"])
    sheet.append([None, "Open a night shelter", None, "2025", None])
    sheet.append(["Health", "Open two community health centres", None, "2026", "Centres open"])
    for cells in ("A1:A2", "B1:B2", "A3:A5", "C3:C4"):  # a header of two rows, an area and a body of several
        sheet.merge_cells(cells)
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    with EmbeddedStore() as store:
        ingest(path, city="Our City", store=store)
        found = rows(
            store,
            """SELECT ?action ?area ?body WHERE { GRAPH ?g { ?i a hrg:ActionItem ; hrg:actionText ?action ;
              dcterms:subject ?area . OPTIONAL { ?i hrg:responsibleBody/skos:prefLabel ?body } } } ORDER BY ?action""",
            "Our City",
        )
    assert [(r["action"], r["area"], r["body"]) for r in found] == [
        ("Build 200 social housing units", "Housing", "Housing Department"),
        ("Create a rent-guarantee fund", "Housing", "Housing Department"),
        ("Open a night shelter", "Housing", None),  # below the merged cell: no body
        ("Open two community health centres", "Health", None),
    ]


def test_an_action_plan_written_as_a_document_gives_the_rows_of_its_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Human Rights Action Plan 2025–2028", style="Title")
    document.add_paragraph("1. The plan sets out what the city will do for housing and health.")
    header = ["No.", "Action", "Responsible department", "Deadline", "Indicator", "SDG targets"]
    for entries in (
        [["H-1", "Build 200 social housing units.", "Housing Department", "2027", "Units built", "11.1"],
         ["H-2", "Open a night shelter.", "Social Services", "Q4 2025", "Beds available", ""]],
        [["G-1", "Open two community health centres.", "Department of Health", "2026", "Centres open", "3.8"]],
    ):  # fmt: skip
        table = document.add_table(rows=0, cols=len(header))
        for cells in [header, *entries]:
            for cell, value in zip(table.add_row().cells, cells, strict=True):
                cell.text = value
    budget = document.add_table(rows=0, cols=2)
    for cells in (["Year", "Total (EUR)"], ["2025", "1,200,000"]):
        for cell, value in zip(budget.add_row().cells, cells, strict=True):
            cell.text = value
    path = tmp_path / "action-plan.docx"
    document.save(str(path))
    with EmbeddedStore() as store:
        result = ingest(path, city="Our City", kind="action-plan", store=store)
        items = rows(
            store,
            """SELECT ?number ?body ?deadline WHERE { GRAPH ?g { ?i a hrg:ActionItem ; hrg:number ?number ;
              hrg:responsibleBody/skos:prefLabel ?body ; hrg:deadline ?deadline } } ORDER BY ?number""",
            "Our City",
        )
        texts = rows(store, "SELECT ?text WHERE { GRAPH ?g { ?p a hrg:LocalProvision ; hrg:text ?text } }", "Our City")
    assert (result.items, result.stated_links) == (3, 2)
    assert [(r["number"], r["body"], r["deadline"]) for r in items] == [
        ("G-1", "Department of Health", "2026-12-31"),
        ("H-1", "Housing Department", "2027-12-31"),
        ("H-2", "Social Services", "2025-12-31"),
    ]
    assert all("night shelter" not in str(r["text"]) for r in texts)  # the rows are items, not provisions
    assert any("Total (EUR)" in str(r["text"]) for r in texts)  # a table of no actions stays in the text
    narrative = tmp_path / "strategy.docx"
    plain = docx.Document()
    plain.add_paragraph("The city will respect human rights in all it does.")
    plain.save(str(narrative))
    result = ingest(narrative, city="Our City", kind="action-plan")
    assert result.items == 0
    assert [w.message for w in result.warnings if "no table" in w.message] == [
        "no table of this action plan has an action column: its text is read as provisions, without action items "
        "(head a table's column 'Action', or give the plan as XLSX or CSV)"
    ]
    result = ingest(CITY / "equal-treatment-ordinance.pdf", city="Our City", kind="action-plan")
    assert (result.items, result.provisions > 0) == (0, True)
    assert [w.message for w in result.warnings if "PDF" in w.message] == [
        "no table with an action column in the layout of this PDF: its text is read as provisions, without action "
        "items (give the plan as XLSX, CSV or DOCX)"
    ]


def _pdf_plan(path: Path, header: list[str], row: Callable[[int, Any], list[Any]]) -> Path:
    """Write a plan as a PDF: a paragraph, a table of 30 items over two pages with page numbers, a paragraph."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()

    def page_number(canvas: Canvas, document: Any) -> None:
        canvas.drawCentredString(A4[0] / 2, 20, str(document.page))

    table = Table([header, *(row(n, styles["Normal"]) for n in range(1, 31))])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(
        [
            Paragraph("Local Human Rights Action Plan 2025–2028", styles["Title"]),
            Paragraph("1. Purpose. This plan sets out what the city does for human rights.", styles["Normal"]),
            Spacer(1, 12),
            table,
            Spacer(1, 12),
            Paragraph("2. Monitoring. The Human Rights Office reports on the plan every year.", styles["Normal"]),
        ],
        onFirstPage=page_number,
        onLaterPages=page_number,
    )
    return path


def test_an_action_plan_as_a_pdf_gives_the_rows_of_the_tables_in_its_layout(tmp_path: Path) -> None:
    wording = "extend the programme of the city to more districts and publish the results every year."
    plan = _pdf_plan(
        tmp_path / "plan.pdf",
        ["ID", "Action", "Lead department", "Deadline"],
        lambda n, style: [
            f"A-{n}",
            Paragraph(f"Measure {n}: {wording}", style),
            "Human Rights Office",
            f"Q{n % 4 + 1} 2026",
        ],
    )
    with EmbeddedStore() as store:
        result = ingest(plan, city="Our City", kind="action-plan", store=store)
        items = rows(store, "SELECT ?n ?action ?deadline WHERE { GRAPH ?g { ?i hrg:number ?n ; hrg:actionText ?action ; "
                            "hrg:deadline ?deadline } }", "Our City")  # fmt: skip
        texts = rows(store, "SELECT ?text WHERE { GRAPH ?g { ?p a hrg:LocalProvision ; hrg:text ?text } }", "Our City")
    (document,) = result.documents
    assert document.items == 30 and (document.pages or 0) > 1  # the table goes on over the pages
    assert {r["n"]: (r["action"], r["deadline"]) for r in items}["A-30"] == (f"Measure 30: {wording}", "2026-09-30")
    assert sorted(str(r["text"])[:13] for r in texts) == ["1. Purpose. T", "2. Monitoring"]
    assert any("layout of the PDF's tables" in w.message for w in result.warnings)
    action_first = _pdf_plan(
        tmp_path / "plan-b.pdf",
        ["Action", "Responsible", "Deadline"],
        lambda n, style: [Paragraph(f"Measure {n}: {wording}", style), "Human Rights Office", "2027"],
    )
    result = ingest(action_first, city="Our City", kind="action-plan")
    assert result.items == 30


def test_an_html_plan_whose_cells_span_rows_and_columns(tmp_path: Path) -> None:
    page = tmp_path / "action-plan.html"
    page.write_text(
        "<h1>Action plan</h1><table><thead><tr><th>Area</th><th>Action</th><th>Lead department</th>"
        '<th colspan="2">Baseline</th></tr><tr><th></th><th></th><th></th><th>Value</th><th>Year</th></tr></thead>'
        '<tr><td rowspan="2">Housing</td><td>Build homes</td><td rowspan="2">Housing Department</td><td>0</td>'
        "<td>2023</td></tr><tr><td>Cut rents</td><td>5</td><td>2023</td></tr>"
        "<tr><td>Health</td><td>Open clinics</td><td>Department of Health</td><td>1</td><td>2024</td></tr></table>",
        encoding="utf-8",
    )
    with EmbeddedStore() as store:
        result = ingest(page, city="Our City", kind="action-plan", store=store)
        found = rows(
            store,
            """SELECT ?action ?area ?body WHERE { GRAPH ?g { ?i hrg:actionText ?action ; dcterms:subject ?area ;
              hrg:responsibleBody/skos:prefLabel ?body } } ORDER BY ?action""",
            "Our City",
        )
    assert result.items == 3
    assert [(r["action"], r["area"], r["body"]) for r in found] == [
        ("Build homes", "Housing", "Housing Department"),
        ("Cut rents", "Housing", "Housing Department"),
        ("Open clinics", "Health", "Department of Health"),
    ]


def test_an_html_cell_of_rowspan_0_spans_the_rest_of_its_row_group(tmp_path: Path) -> None:
    page = tmp_path / "action-plan.html"
    page.write_text(
        "<table><thead><tr><th>Lead department</th><th>Action</th></tr></thead>"
        '<tbody><tr><td rowspan="0">Housing Department</td><td>Build homes</td></tr>'
        "<tr><td>Cut rents</td></tr><tr><td>Repair flats</td></tr></tbody>"
        "<tbody><tr><td>Department of Health</td><td>Open clinics</td></tr></tbody></table>",
        encoding="utf-8",
    )
    with EmbeddedStore() as store:
        ingest(page, city="Our City", kind="action-plan", store=store)
        found = rows(
            store,
            """SELECT ?action ?body WHERE { GRAPH ?g { ?i hrg:actionText ?action ;
              hrg:responsibleBody/skos:prefLabel ?body } } ORDER BY ?action""",
            "Our City",
        )
    assert [(r["action"], r["body"]) for r in found] == [
        ("Build homes", "Housing Department"),
        ("Cut rents", "Housing Department"),
        ("Open clinics", "Department of Health"),
        ("Repair flats", "Housing Department"),
    ]


def test_a_table_row_that_starts_with_a_number_opens_no_section() -> None:
    page = (
        b"<h2>Section 4. Reporting</h2><p>The office reports every year.</p>"
        b"<table><tr><th>No.</th><th>Indicator</th></tr><tr><td>2</td><td>Complaints received</td></tr></table>"
        b"<h2>Section 5. Entry into force</h2><p>This bylaw takes effect at once.</p>"
    )
    provisions = segment(read_document(Path("bylaw.html"), page))
    assert [(p.eid, p.heading) for p in provisions] == [("sec_4", "Reporting"), ("sec_5", "Entry into force")]
    assert "Complaints received" in provisions[0].text


def test_the_api_without_a_store_uses_memory() -> None:
    result = ingest(CITY / "human-rights-council-resolution.md", city="Example City", kind="resolution")
    assert result.store.graphs() == {graph_iri("city/Example City"): result.triples}
    assert result.provisions == 21
    assert isinstance(Literal(result.triples).value, int)


def test_the_profile_lists_documents_relative_to_itself() -> None:
    profile = load_profile(CITY / "city.yaml")
    assert [d.path for d in profile.documents] == [
        CITY / "proclamation.html",
        CITY / "human-rights-council-resolution.md",
        CITY / "equal-treatment-ordinance.pdf",
        CITY / "action-plan.xlsx",
        CITY / "annual-report-2025.docx",
    ]
    assert [b.key for b in profile.bodies][:2] == ["mayors-office", "human-rights-office"]


def test_city_names_in_any_script(tmp_path: Path) -> None:
    plan = CITY / "sources" / "action-plan.csv"
    with EmbeddedStore() as store:
        for name in ("광주", "Łódź", "Saint-Étienne"):
            ingest(plan, city=name, store=store)
        names = {name.rsplit("/", 1)[-1] for name in store.graphs() if "/graph/city/" in name}
        assert names == {"광주", "lodz", "saint-etienne"}
        with pytest.raises(BadInputError, match="holds this city as 'Łódź', not 'Lodz'"):
            ingest(plan, city="Lodz", store=store)  # the same slug: one city, never two merged


def test_a_thousands_point_is_read_with_a_warning(tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "ID,Action,Indicator,Baseline,Baseline year,Latest value,Latest year\n"
        "M-1,Cut infant mortality,Infant deaths per 1000 births,2.004,2020,1.996,2024\n"
        'M-2,Open shelters,Shelter beds,120.5,2020,"1,250",2024\n'
    )
    result = ingest(plan, city="Lakeside")
    assert [str(w) for w in result.warnings] == [
        f"{plan}: row 2: baseline '2.004' read as 2004 (a thousands point); a decimal needs more or fewer than 3 decimals",
        f"{plan}: row 2: latest '1.996' read as 1996 (a thousands point); a decimal needs more or fewer than 3 decimals",
    ]


def test_a_revision_without_the_profile_says_what_it_drops() -> None:
    with EmbeddedStore() as store:
        ingest(CITY / "city.yaml", store=store)
        plan = CITY / "sources" / "action-plan.csv"
        result = ingest(plan, city="Example City", doc_id="action-plan-2024-2027", store=store)
        dropped = [str(w) for w in result.warnings if "replaces document" in str(w)]
        assert dropped == [
            f"{plan}: replaces document 'action-plan-2024-2027' without its date, status, owner or period: "
            "ingest the city's profile (city.yaml) to keep them"
        ]
        again = ingest(CITY / "city.yaml", store=store)
        assert not [w for w in again.warnings if "replaces document" in str(w)]


def test_a_revision_that_drops_an_indicator_the_report_measures_says_so(tmp_path: Path) -> None:
    lines = (CITY / "sources" / "action-plan.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    plan = tmp_path / "plan.csv"
    plan.write_text("".join(line for line in lines if not line.startswith("HO-01,")), encoding="utf-8")
    with EmbeddedStore() as store:
        first = ingest(CITY / "city.yaml", store=store)
        assert not [w for w in first.warnings if "no plan defines" in str(w)]
        result = ingest(plan, city="Example City", doc_id="action-plan-2024-2027", store=store)
        orphans = [str(w) for w in result.warnings if "no plan defines" in str(w)]
        assert orphans == [
            f"{plan}: indicator doc/action-plan-2024-2027/indicator/HO-01-1 has values from a report but no plan "
            "defines it any more: restore it in the plan, or remove its values from the report"
        ]


def test_a_single_value_where_the_profile_takes_a_list(tmp_path: Path) -> None:
    shutil.copy(CITY / "proclamation.html", tmp_path / "proclamation.html")
    profile = tmp_path / "city.yaml"
    profile.write_text(
        "name: Lakeside\nbodies:\n  - name: Human Rights Office\n    kind: human-rights-office\n    aliases: HRO\n"
        "documents:\n  - file: proclamation.html\n    kind: proclamation\n    commits_to: ICESCR\n",
        encoding="utf-8",
    )
    loaded = load_profile(profile)
    assert (loaded.bodies[0].aliases, loaded.documents[0].commits_to) == (("HRO",), ("ICESCR",))
    result = ingest(profile)
    assert result.documents[0].commitments == 1
    assert not [w for w in result.warnings if w.place == "commits_to"]
    assert [
        r["i"] for r in rows(result.store, "SELECT ?i WHERE { GRAPH ?g { ?c hrg:committedTo ?i } }", "Lakeside")
    ] == [str(ID.icescr)]
    aliases = rows(
        result.store, "SELECT ?a WHERE { GRAPH ?g { ?b a hrg:HumanRightsOffice ; skos:altLabel ?a } }", "Lakeside"
    )
    assert [r["a"] for r in aliases] == ["HRO"]
