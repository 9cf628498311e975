"""Linking a city's provisions in the store, the SSSOM export, the review round trip and the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from openpyxl import load_workbook
from rdflib import URIRef

from hrgraph.cli_link import annotate, evaluate, link, review
from hrgraph.errors import BadInputError
from hrgraph.link import MAX_CHARS
from hrgraph.link.mappings import link_city, read_mappings, sssom_tsv
from hrgraph.link.review import export_review, import_review
from hrgraph.namespace import HRG, SEMAPV, SSSOM
from hrgraph.store import EmbeddedStore, Store, graph_iri
from tests.conftest import ROOT

DATA = Path(__file__).parent / "data" / "link"
CITY = "Example City"
BASE = "https://w3id.org/hrgraph/city/example-city/"
SDG = "http://metadata.un.org/sdg/"
ID = "https://w3id.org/hrgraph/id/"
SEC_2 = BASE + "doc/human-rights-ordinance/sec_2"
SEC_1 = BASE + "doc/human-rights-ordinance/sec_1"


def _load_city(store: Store) -> None:
    store.load(DATA / "city.ttl", graph=f"city/{CITY}")


def _sssom_bin() -> str:
    beside = Path(sys.executable).parent / "sssom"
    found = str(beside) if beside.exists() else shutil.which("sssom")
    if found is None:
        pytest.skip("the sssom tool is not installed (pip install sssom)")
    return found


def test_link_city_writes_proposed_links(store: Store) -> None:
    _load_city(store)
    run = link_city(store, CITY, date="2025-03-01")
    assert run.provisions == 4
    assert run.graph == graph_iri(f"proposed/{CITY}")
    pairs = {(m.subject_id, m.object_id) for m in run.mappings}
    assert (SEC_1, SDG + "11.1") in pairs
    assert (SEC_2, SDG + "11.1") in pairs
    assert (SEC_1, ID + "icescr/art_11") not in pairs  # stated by the ordinance itself
    assert run.skipped >= 1
    assert not any(m.subject_id.endswith("sec_3") for m in run.mappings)  # procedural: nothing to link

    stored = read_mappings(store, f"proposed/{CITY}")
    assert {(m.subject_id, m.object_id) for m in stored} == pairs
    cited = next(m for m in stored if m.subject_id == SEC_1 and m.object_id == SDG + "11.1")
    assert cited.method == "citation" and cited.confidence >= 0.95
    assert cited.mapping_justification == str(SEMAPV.LexicalMatching)
    assert cited.evidence_text == "SDG target 11.1" and cited.mapping_date == "2025-03-01"
    goal = next(m for m in stored if m.subject_id == SEC_1 and m.object_id == SDG + "11")
    assert goal.derived_from == (cited.iri,)  # the goal link is chained from the target link
    text = store.select(
        "SELECT ?t WHERE { GRAPH ?g { ?p <https://w3id.org/hrgraph/ontology#text> ?t } }",
        {"g": URIRef(graph_iri(f"city/{CITY}")), "p": URIRef(SEC_1)},
    ).rows[0][0]
    assert str(text)[cited.evidence_start : cited.evidence_end] == "SDG target 11.1"


def test_link_city_replaces_and_keeps_decisions(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "store") as store:
        _load_city(store)
        first = link_city(store, CITY)
        path = tmp_path / "review.xlsx"
        rows = export_review(store, CITY, path)
        assert rows == len(first.mappings)

        book = load_workbook(path)
        sheet = book["review"]
        header = [c.value for c in sheet[1]]
        decisions: dict[str, tuple[object, object]] = {}
        for row in sheet.iter_rows(min_row=2):
            standard, provision = row[header.index("standard")].value, row[header.index("provision")].value
            if provision == SEC_2 and standard == SDG + "11.1":
                row[header.index("decision")].value = "accept"
                decisions["accept"] = (provision, standard)
            elif provision == SEC_2 and "reject" not in decisions and standard != SDG + "11.1":
                row[header.index("decision")].value = "reject"
                decisions["reject"] = (provision, standard)
        book.save(path)
        result = import_review(store, path, reviewer="A. Curator", date="2025-03-02")
        assert (result.accepted, result.rejected) == (1, 1)
        assert result.undecided == rows - 2

        curated = read_mappings(store, f"curated/{CITY}")
        accepted = next(m for m in curated if m.kind == "curated")
        assert (accepted.subject_id, accepted.object_id) == decisions["accept"]
        assert accepted.reviewer == "A. Curator" and accepted.review_date == "2025-03-02"
        assert accepted.mapping_justification == str(SEMAPV.ManualMappingCuration)
        assert accepted.derived_from and accepted.derived_from[0].startswith(BASE + "link/")
        # a review is a link of its own, hrg:reviewOf the proposal (not hrg:derivedFrom, the inference chain)
        assert accepted.iri != accepted.derived_from[0]
        assert store.ask(
            "ASK { GRAPH ?g { ?review <https://w3id.org/hrgraph/ontology#reviewOf> ?proposal } }",
            {
                "g": URIRef(graph_iri(f"curated/{CITY}")),
                "review": URIRef(accepted.iri),
                "proposal": URIRef(accepted.derived_from[0]),
            },
        )
        assert store.ask(
            "ASK { GRAPH ?g { ?s <https://w3id.org/hrgraph/ontology#contributesTo> ?o } }",
            {"g": URIRef(graph_iri(f"curated/{CITY}")), "s": URIRef(SEC_2), "o": URIRef(SDG + "11.1")},
        )
        rejected = next(m for m in curated if m.kind == "rejected")
        assert (rejected.subject_id, rejected.object_id) == decisions["reject"]
        decided = tmp_path / "curated.sssom.tsv"
        decided.write_bytes(sssom_tsv(curated, mapping_set_id=BASE + "curated", local_prefixes={"city": BASE}))
        check = subprocess.run([_sssom_bin(), "validate", str(decided)], capture_output=True, text=True, timeout=120)
        assert check.returncode == 0, check.stderr[-2000:]
        table = [line.split("\t") for line in decided.read_text().splitlines() if not line.startswith("#")]
        assert {r[2] for r in table[1:]} == {"", "Not"}  # the rejected link is a negated mapping
        assert all(r[table[0].index("mapping_justification")] == "semapv:ManualMappingCuration" for r in table[1:])

        again = link_city(store, CITY)
        pairs = {(m.subject_id, m.object_id) for m in again.mappings}
        assert decisions["accept"] not in pairs and decisions["reject"] not in pairs
        assert len(read_mappings(store, f"curated/{CITY}")) == 2  # link never touches decisions
        assert export_review(store, CITY, tmp_path / "again.xlsx") == len(again.mappings)

        # a changed decision replaces the earlier one instead of adding a second; the relinked store no longer
        # proposes decided pairs, so the rows are checked against the standards
        store.load(Path(__file__).parent.parent / "corpora" / "build" / "standards.nt", graph="standards")
        book = load_workbook(path)
        sheet = book["review"]
        for row in sheet.iter_rows(min_row=2):
            if row[header.index("decision")].value == "accept":
                row[header.index("decision")].value = "reject"
        book.save(path)
        import_review(store, path, reviewer="A. Curator")
        curated = read_mappings(store, f"curated/{CITY}")
        assert len(curated) == 2 and all(m.kind == "rejected" for m in curated)
        assert not store.ask(
            "ASK { GRAPH ?g { ?s <https://w3id.org/hrgraph/ontology#contributesTo> ?o } }",
            {"g": URIRef(graph_iri(f"curated/{CITY}")), "s": URIRef(SEC_2), "o": URIRef(SDG + "11.1")},
        )


def test_review_import_rejects_bad_rows_and_writes_nothing(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "store") as store:
        _load_city(store)
        link_city(store, CITY)
        path = tmp_path / "review.xlsx"
        export_review(store, CITY, path)
        book = load_workbook(path)
        sheet = book["review"]
        sheet.cell(row=2, column=10).value = "accept"
        sheet.cell(row=3, column=10).value = "maybe"
        book.save(path)
        with pytest.raises(BadInputError, match="row 3: decision 'maybe'"):
            import_review(store, path, reviewer="A. Curator")
        assert graph_iri(f"curated/{CITY}") not in store.graphs()
        sheet.cell(row=3, column=10).value = None
        book.save(path)
        with pytest.raises(BadInputError, match="row 2: say who reviewed"):
            import_review(store, path)
        with pytest.raises(BadInputError, match="not a readable"):
            (tmp_path / "bad.xlsx").write_bytes(b"not a workbook")
            import_review(store, tmp_path / "bad.xlsx", reviewer="x")


def test_link_city_needs_the_city(store: Store) -> None:
    with pytest.raises(BadInputError, match="ingest its documents first"):
        link_city(store, "Nowhere")
    assert store.graphs() == {}


def test_sssom_export_validates_with_the_sssom_tool(tmp_path: Path) -> None:
    tool = _sssom_bin()
    with EmbeddedStore() as store:
        _load_city(store)
        run = link_city(store, CITY)
    path = tmp_path / "proposed.sssom.tsv"
    path.write_bytes(sssom_tsv(list(run.mappings), mapping_set_id=run.graph, local_prefixes={"city": BASE}))
    result = subprocess.run([tool, "validate", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "error" not in (result.stdout + result.stderr).lower()
    header = [line for line in path.read_text().splitlines() if not line.startswith("#")][0].split("\t")
    assert header[:5] == ["subject_id", "subject_label", "predicate_modifier", "predicate_id", "object_id"]
    assert "city:doc/human-rights-ordinance/sec_1" in path.read_text()


# --- the command line ---------------------------------------------------------------------------------------


def test_cli_annotate_json_lines(tmp_path: Path) -> None:
    source = tmp_path / "passages.jsonl"
    source.write_text(
        json.dumps({"id": "a", "text": "Homeless shelters under SDG target 11.1."})
        + "\n\n"
        + json.dumps({"id": 7, "text": ""})
        + "\n"
    )
    result = CliRunner().invoke(annotate, ["-i", str(source), "--levels", "sdg-target"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert [x["id"] for x in lines] == ["a", 7]
    assert lines[1]["links"] == []
    link_fields = lines[0]["links"][0]
    assert {"object_id", "object_label", "level", "confidence", "start", "end", "justification"} <= set(link_fields)
    assert any(x["object_id"] == SDG + "11.1" for x in lines[0]["links"])


def test_cli_annotate_reads_a_pdf_as_ingest_reads_it() -> None:
    from hrgraph.ingest.read import read_document

    pdf = ROOT / "corpora" / "examples" / "example-city" / "equal-treatment-ordinance.pdf"
    result = CliRunner().invoke(annotate, ["-i", str(pdf), "--levels", "article"])
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in result.output.splitlines()]
    text = read_document(pdf, pdf.read_bytes()).text
    assert line["id"] == "equal-treatment-ordinance" and line["links"]
    assert all(text[link["start"] : link["end"]] == link["evidence"] for link in line["links"])


def test_cli_annotate_text_to_sssom_and_turtle(tmp_path: Path) -> None:
    tool = _sssom_bin()
    source = tmp_path / "plan.txt"
    source.write_text(
        "Action 1: expand supportive housing.\n\nAction 2: publish all public records online (SDG 16.10)."
    )
    out = tmp_path / "links.sssom.tsv"
    result = CliRunner().invoke(annotate, ["-i", str(source), "-O", "sssom", "-o", str(out)])
    assert result.exit_code == 0, result.output
    check = subprocess.run([tool, "validate", str(out)], capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr[-2000:]
    ttl = tmp_path / "links.ttl"
    assert CliRunner().invoke(annotate, ["-i", str(source), "-O", "ttl", "-o", str(ttl)]).exit_code == 0
    graph = rdflib.Graph().parse(ttl)
    assert (None, HRG.linkObject, URIRef(SDG + "16.10")) in graph
    assert len(set(graph.subjects(SSSOM.confidence, None))) == len(set(graph.subjects(HRG.linkObject, None)))


def test_cli_annotate_keeps_ids_apart_and_as_they_were(tmp_path: Path) -> None:
    source = tmp_path / "ids.jsonl"
    lines = [
        {"id": "a b", "text": "Open homeless shelters."},
        {"id": "a-b", "text": "The city will, among other things, build homeless shelters."},
        {"id": 3, "text": "Free school meals for every pupil."},
    ]
    source.write_text("".join(json.dumps(x) + "\n" for x in lines))
    result = CliRunner().invoke(annotate, ["-i", str(source)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in result.output.splitlines()] == ["a b", "a-b", 3]
    ttl = tmp_path / "ids.ttl"
    assert CliRunner().invoke(annotate, ["-i", str(source), "-O", "ttl", "-o", str(ttl)]).exit_code == 0
    graph = rdflib.Graph().parse(ttl)
    subjects = {str(o) for o in graph.objects(None, HRG.linkSubject)}
    assert {s.rsplit("/", 1)[-1] for s in subjects} == {"a%20b", "a-b", "3"}
    assert all(len(set(graph.objects(n, HRG.evidenceStart))) == 1 for n in graph.subjects(HRG.linkSubject, None))
    source.write_text(source.read_text() + json.dumps({"id": "a-b", "text": "again"}) + "\n")
    result = CliRunner().invoke(annotate, ["-i", str(source)])
    assert result.exit_code != 0 and "ids.jsonl:4: id 'a-b' is also the id of line 2" in str(result.exception)


def test_review_export_needs_a_city_and_links_of_what_it_still_holds(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "store") as store:
        with pytest.raises(BadInputError, match="no city 'Nowhere'"):
            export_review(store, "Nowhere", tmp_path / "r.xlsx")
        _load_city(store)
        link_city(store, CITY)
        store.update(  # as when the ordinance is ingested again without its section 1
            f"DELETE WHERE {{ GRAPH <{graph_iri(f'city/{CITY}')}> {{ <{SEC_1}> <{HRG.text}> ?t }} }}"
        )
        with pytest.raises(BadInputError, match="no longer in 'Example City'.*hrgraph link"):
            export_review(store, CITY, tmp_path / "r.xlsx")
        assert not (tmp_path / "r.xlsx").exists()


def test_cli_annotate_bad_input(tmp_path: Path) -> None:
    from hrgraph.cli_link import read_documents

    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": 1, "text": "fine"}\n{"id": 2, "text": "cut\n')
    with pytest.raises(BadInputError, match=r"broken.jsonl:2: not valid JSON"):
        read_documents(broken)
    no_text = tmp_path / "no-text.jsonl"
    no_text.write_text('{"id": 1, "body": "x"}\n')
    with pytest.raises(BadInputError, match=r"no-text.jsonl:1: expected an object"):
        read_documents(no_text)
    binary = tmp_path / "garbage.bin"
    binary.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(BadInputError, match="binary"):
        read_documents(binary)
    huge = tmp_path / "huge.txt"
    huge.write_text("The city will fund housing. " * (MAX_CHARS // 28 + 1))
    with pytest.raises(BadInputError, match=r"huge.txt: .* characters is more than"):
        read_documents(huge)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(annotate, ["-i", str(broken), "-o", str(out)])
    assert result.exit_code != 0 and not out.exists()  # no partial write
    result = CliRunner().invoke(annotate, ["-i", str(broken.with_name("missing.txt"))])
    assert result.exit_code != 0


def test_cli_main_maps_errors_to_exit_code_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": 1, "text": "fine"}\nnot json\n')
    env = {"PYTHONPATH": ""}
    code = (
        "import sys\n"
        "from hrgraph.cli import cli, main\n"
        "from hrgraph.cli_link import annotate\n"
        "cli.add_command(annotate)\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "annotate", "-i", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
        env=None,
    )
    assert result.returncode == 2
    assert "broken.jsonl:2: not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr
    result = subprocess.run(
        [sys.executable, "-c", code, "annotate", "-i", str(broken), "--levels", "goals"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "unknown level 'goals'" in result.stderr
    del env


def test_cli_link_and_review(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    with EmbeddedStore(store_dir) as store:
        _load_city(store)
    runner = CliRunner()
    out = tmp_path / "proposed.ttl"
    result = runner.invoke(link, ["--city", CITY, "--store", str(store_dir), "-O", "ttl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (None, HRG.linkSubject, URIRef(SEC_2)) in rdflib.Graph().parse(out)
    sheet = tmp_path / "review.xlsx"
    result = runner.invoke(review, ["export", "--city", CITY, "--store", str(store_dir), "-O", str(sheet)])
    assert result.exit_code == 0, result.output
    assert sheet.exists()
    result = runner.invoke(review, ["import", str(sheet), "--store", str(store_dir), "--reviewer", "me"])
    assert result.exit_code == 0, result.output
    assert "0 accepted, 0 rejected" in result.output


def test_cli_evaluate_on_a_sample(shared: Path) -> None:
    result = CliRunner().invoke(
        evaluate, ["--data", str(shared), "--limit", "40", "--dataset", "local-policy", "--dataset", "ohchr-slovenia"]
    )
    assert result.exit_code == 0, result.output
    assert "local-policy" in result.output and "ohchr-slovenia" in result.output
    assert "precision" in result.output


def test_cli_annotate_sssom_takes_file_names_and_ids_of_any_spelling(tmp_path: Path) -> None:
    tool = _sssom_bin()
    plan = tmp_path / "Action Plan 2026.txt"
    plan.write_text("The city will open homeless shelters (SDG target 11.1).")
    out = tmp_path / "plan.sssom.tsv"
    result = CliRunner().invoke(annotate, ["-i", str(plan), "-O", "sssom", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "text:Action%20Plan%202026\tAction Plan 2026" in out.read_text()
    passages = tmp_path / "passages.jsonl"
    ids = ["a/b", "A:1", "Été (1)"]
    passages.write_text(
        "".join(json.dumps({"id": x, "text": "Open homeless shelters (SDG target 11.1)."}) + "\n" for x in ids)
    )
    result = CliRunner().invoke(annotate, ["-i", str(passages), "-O", "sssom", "-o", str(out)])
    assert result.exit_code == 0, result.output
    subjects = {line.split("\t")[0] for line in out.read_text().splitlines() if not line.startswith("#")}
    subjects.remove("subject_id")
    assert subjects == {"text:a%2Fb", "text:A%3A1", "text:%C3%89t%C3%A9%20%281%29"}
    check = subprocess.run([tool, "validate", str(out)], capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr[-2000:]


def test_cli_annotate_sssom_keeps_a_match_string_with_a_bar_as_one_value(tmp_path: Path) -> None:
    """SSSOM TSV separates the values of a multivalued slot (match_string is one) with "|": it becomes "¦"."""
    tool = _sssom_bin()
    source = tmp_path / "bars.jsonl"
    source.write_text(
        json.dumps({"id": "t", "text": "Open homeless shelters | stabilise rents | build social housing"})
    )
    out = tmp_path / "bars.sssom.tsv"
    assert CliRunner().invoke(annotate, ["-i", str(source), "-O", "sssom", "-o", str(out)]).exit_code == 0
    table = [line.split("\t") for line in out.read_text().splitlines() if not line.startswith("#")]
    strings = [row[table[0].index("match_string")] for row in table[1:]]
    assert not any("|" in x for x in strings) and any("shelters ¦ stabilise" in x for x in strings)
    converted = tmp_path / "bars.json"
    check = subprocess.run(
        [tool, "convert", str(out), "-O", "json", "-o", str(converted)], capture_output=True, text=True, timeout=120
    )
    assert check.returncode == 0, check.stderr[-2000:]
    mappings = json.loads(converted.read_text())["mappings"]
    assert mappings and all(len(m["match_string"]) == 1 for m in mappings)


def test_read_documents_takes_ids_1_and_text_1_for_one_id(tmp_path: Path) -> None:
    from hrgraph.cli_link import read_documents

    source = tmp_path / "ids.jsonl"
    source.write_text('{"id": 1, "text": "Open homeless shelters."}\n{"id": "1", "text": "Free school meals."}\n')
    with pytest.raises(BadInputError, match=r"ids.jsonl:2: id '1' is also the id of line 1 \(1 there"):
        read_documents(source)
    source.write_text('{"id": "", "text": "Open homeless shelters."}\n')
    with pytest.raises(BadInputError, match=r'ids.jsonl:1: "id" must be a non-empty string'):
        read_documents(source)


def test_read_documents_splits_json_lines_at_newlines_only_and_sniffs_them_by_their_first_record(
    tmp_path: Path,
) -> None:
    from hrgraph.cli_link import read_documents

    source = tmp_path / "passages.jsonl"
    texts = ["Open homeless shelters.\u2028Sign language at council meetings.", "Price\x85list for social housing."]
    source.write_text(
        "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\r\n" for i, t in enumerate(texts))
    )
    assert read_documents(source) == list(enumerate(texts))
    sniffed = source.rename(tmp_path / "passages.txt")
    assert read_documents(sniffed) == list(enumerate(texts))
    braced = tmp_path / "draft.txt"
    braced.write_text("{Draft} The city will open homeless shelters.\nSecond line.\n")
    assert read_documents(braced) == [("draft", braced.read_text())]
    braced.write_text('{"title": "Plan"}\nThe city will open homeless shelters.\n')
    assert read_documents(braced) == [("draft", braced.read_text())]


def test_cli_annotate_checks_the_subject_base_and_ends_it_with_a_slash(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from hrgraph.cli import main

    source = tmp_path / "plan.txt"
    source.write_text("The city will open homeless shelters (SDG target 11.1).")
    out = tmp_path / "plan.ttl"
    assert main(["annotate", "-i", str(source), "-O", "ttl", "-o", str(out), "--subject-base", "not an iri"]) == 2
    err = capfd.readouterr().err
    assert "--subject-base: 'not an iri' is not an absolute IRI" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and not out.exists()
    for base in ("http://example.org/x", "http://example.org/x/", "http://example.org/x#"):
        assert main(["annotate", "-i", str(source), "-O", "ttl", "-o", str(out), "--subject-base", base]) == 0
        subjects = {str(o) for o in rdflib.Graph().parse(out).objects(None, HRG.linkSubject)}
        assert subjects == {base.rstrip("/") + ("" if base.endswith("#") else "/") + "plan"}


def test_review_shows_a_very_long_provision_as_its_evidence_in_context(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    with EmbeddedStore() as store:
        _load_city(store)
        graph = URIRef(graph_iri(f"city/{CITY}"))
        text = str(
            store.select(
                "SELECT ?t WHERE { GRAPH ?g { ?p <https://w3id.org/hrgraph/ontology#text> ?t } }",
                {"g": graph, "p": URIRef(SEC_1)},
            ).rows[0][0]  # fmt: skip
        )
        padding = "The council meets in public. " * 1500  # a whole chapter around the section: 43,500 characters
        store.update(
            f"""DELETE {{ GRAPH <{graph}> {{ <{SEC_1}> <https://w3id.org/hrgraph/ontology#text> ?t }} }}
            INSERT {{ GRAPH <{graph}> {{ <{SEC_1}> <https://w3id.org/hrgraph/ontology#text> "{padding}{text} {padding}" }} }}
            WHERE {{ GRAPH <{graph}> {{ <{SEC_1}> <https://w3id.org/hrgraph/ontology#text> ?t }} }}"""
        )
        link_city(store, CITY)
        export_review(store, CITY, tmp_path / "review.xlsx")
    sheet = load_workbook(tmp_path / "review.xlsx", rich_text=True).active
    assert sheet is not None
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == SEC_1 and r[3] == SDG + "11.1"]
    passage = str(rows[0][2])
    assert "SDG target 11.1" in passage and passage.startswith("… ") and passage.endswith(" …")
    assert len(passage) < 32_767
