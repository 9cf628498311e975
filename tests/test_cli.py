"""The command line as users run it: real processes, exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
import rdflib
from click.testing import CliRunner
from rich.progress import Progress

from hrgraph.cli import _progress, cli
from hrgraph.pipeline import EXAMPLE_STEPS
from hrgraph.store import EmbeddedStore, RemoteStore, graph_iri
from tests.conftest import ROOT

PLAN = b"""@prefix hrg: <https://w3id.org/hrgraph/ontology#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
<https://example.org/plan> a hrg:ActionPlan .
<https://example.org/item1> a hrg:ActionItem ; eli:is_part_of <https://example.org/plan> .
"""


def hrgraph(*args: str | Path, store: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "hrgraph.cli", *map(str, args)]
    if store is not None:
        command += ["--store", str(store)]
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.ttl"
    path.write_bytes(PLAN)
    return path


def test_help_with_h_and_version() -> None:
    result = hrgraph("-h")
    assert result.returncode == 0
    assert "Examples:" in result.stdout
    for command in ("init", "load", "query", "queries", "stats", "export"):
        assert command in result.stdout
    assert hrgraph("query", "-h").returncode == 0
    assert hrgraph("--version").stdout.startswith("hrgraph, version")


def test_init_load_query_stats_export(tmp_path: Path, plan: Path) -> None:
    store = tmp_path / "store"
    assert hrgraph("init", store=store).returncode == 0
    result = hrgraph("load", plan, "--graph", "city/Example City", store=store)
    assert result.returncode == 0, result.stderr
    assert "2 triples" not in result.stderr and "3 triples" in result.stderr

    result = hrgraph("stats", "-O", "json", store=store)
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["graphs"][graph_iri("city/Example City")] == 3
    assert stats["graphs"][graph_iri("ontology")] > 500
    assert stats["classes"]["https://w3id.org/hrgraph/ontology#ActionItem"] == 1
    table = hrgraph("stats", store=store).stdout
    assert "hrg:ActionPlan" in table and "graph/ontology" in table

    result = hrgraph("query", "graphs", "-O", "csv", store=store)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["graph"]: int(r["triples"]) for r in rows}[graph_iri("city/Example City")] == 3

    out = tmp_path / "city.ttl"
    result = hrgraph("export", "--graph", "city/Example City", "-O", "turtle", "-o", out, store=store)
    assert result.returncode == 0, result.stderr
    assert "hrg:ActionItem" in out.read_text() or "ontology#ActionItem" in out.read_text()
    result = hrgraph("export", "--graph", "city/Example City", "-O", "ntriples", "-o", "-", store=store)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(" .\n") == 3  # "-o -" is stdout, not a file named "-"


def test_query_file_with_parameters(tmp_path: Path, plan: Path) -> None:
    store = tmp_path / "store"
    hrgraph("load", plan, "--graph", "city/Example City", store=store)
    rq = tmp_path / "items.rq"
    rq.write_text(
        "# title: Items of a plan\n# param: plan (iri) the plan\n# columns: item\n"
        "SELECT ?item WHERE { GRAPH ?g { ?item <http://data.europa.eu/eli/ontology#is_part_of> ?plan } }\n"
    )
    result = hrgraph("query", rq, "-p", "plan=https://example.org/plan", "-O", "json", store=store)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"item": "https://example.org/item1"}]
    result = hrgraph("query", rq, "-p", "plan=https://example.org/plan> } DROP ALL #", store=store)
    assert_one_line_error(result, "not a valid IRI")
    assert_one_line_error(hrgraph("query", rq, store=store), "needs parameter", "plan")
    assert_one_line_error(hrgraph("query", rq, "-p", "city=x", store=store), "no parameter 'city'")


def test_bad_input_is_one_line_with_exit_2(tmp_path: Path) -> None:
    store = tmp_path / "store"
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n<a> <b> oops .\n")
    assert_one_line_error(
        hrgraph("load", broken, "--graph", "standards", store=store), "broken.ttl:2:", "malformed RDF"
    )
    assert_one_line_error(hrgraph("load", tmp_path / "missing.ttl", store=store), "missing.ttl", "no such file")
    odd = tmp_path / "data.xyz"
    odd.write_text("x")
    assert_one_line_error(hrgraph("load", odd, store=store), "data.xyz", "format")
    assert_one_line_error(hrgraph("query", "provisons", store=store), "unknown query", "provisions")
    assert_one_line_error(hrgraph("export", "--graph", "nonsense", store=store), "unknown graph")
    assert_one_line_error(hrgraph("export", "-O", "turtle", store=store), "holds one graph")
    assert_one_line_error(hrgraph("stats", "--endpoint", "http://127.0.0.1:9/query"), "cannot reach")
    a_file = tmp_path / "afile"
    a_file.write_text("")
    assert_one_line_error(hrgraph("stats", store=a_file), "must be a folder")
    assert hrgraph("frobnicate").returncode == 2
    with EmbeddedStore(store) as opened:
        assert opened.graphs() == {}


def test_a_locked_store_is_a_clear_error(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with EmbeddedStore(store):
        assert_one_line_error(hrgraph("stats", store=store), "open in another process")


@pytest.mark.slow
def test_an_interrupted_load_leaves_the_store_as_it_was(tmp_path: Path, plan: Path) -> None:
    store = tmp_path / "store"
    assert hrgraph("load", plan, "--graph", "city/Example City", store=store).returncode == 0
    big = tmp_path / "big.nt"
    with big.open("w") as out:
        for i in range(600_000):
            out.write(f'<https://example.org/s{i}> <https://example.org/p> "value {i}" .\n')
    # Replacing a graph that has data, and bulk-loading into a new graph: both are undone.
    for graph, replace in (("city/Example City", ["--replace"]), ("standards", [])):
        command = [
            sys.executable,
            "-m",
            "hrgraph.cli",
            "load",
            str(big),
            "--graph",
            graph,
            *replace,
            "--store",
            str(store),
        ]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.5)
        assert process.poll() is None, "the load finished before it could be interrupted"
        process.send_signal(signal.SIGKILL)
        process.wait()
        with EmbeddedStore(store) as opened:
            assert opened.graphs() == {graph_iri("city/Example City"): 3}


# --- loading several files ---------------------------------------------------------------------------


def _three_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    one, two, bad = tmp_path / "one.ttl", tmp_path / "two.ttl", tmp_path / "bad.ttl"
    one.write_text("<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n")
    two.write_text(
        "<https://example.org/c> <https://example.org/p> <https://example.org/d> .\n"
        "<https://example.org/c> <https://example.org/p> <https://example.org/e> .\n"
    )
    bad.write_text("<https://example.org/x> <https://example.org/p> oops .\n")
    return one, two, bad


def test_load_replace_puts_every_file_into_the_graph_at_once(tmp_path: Path, plan: Path) -> None:
    store = tmp_path / "store"
    one, two, bad = _three_files(tmp_path)
    assert hrgraph("load", plan, "--graph", "standards", store=store).returncode == 0
    result = hrgraph("load", one, two, "--graph", "standards", "--replace", store=store)
    assert result.returncode == 0, result.stderr
    with EmbeddedStore(store) as opened:
        assert opened.graphs() == {graph_iri("standards"): 3}
    assert_one_line_error(hrgraph("load", one, bad, "--graph", "standards", "--replace", store=store), "bad.ttl:1:")
    assert_one_line_error(hrgraph("load", bad, one, "--graph", "standards", store=store), "bad.ttl:1:")
    with EmbeddedStore(store) as opened:
        assert opened.graphs() == {graph_iri("standards"): 3}


@pytest.mark.server
def test_load_replace_of_several_files_on_a_server(tmp_path: Path, oxigraph_server: str) -> None:
    one, two, bad = _three_files(tmp_path)
    graph = "https://example.org/graph/test-cli-replace"
    endpoint = ("--endpoint", oxigraph_server)
    assert hrgraph("load", one, two, "--graph", graph, *endpoint).returncode == 0
    assert hrgraph("load", one, "--graph", graph, "--replace", *endpoint).returncode == 0
    assert hrgraph("load", one, two, "--graph", graph, "--replace", *endpoint).returncode == 0
    assert RemoteStore(oxigraph_server).graphs()[graph] == 3
    assert_one_line_error(hrgraph("load", one, bad, "--graph", graph, "--replace", *endpoint), "bad.ttl:1:")
    assert RemoteStore(oxigraph_server).graphs()[graph] == 3


# --- stores that are not there -------------------------------------------------------------------------


def test_reading_commands_create_no_store(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    mine = tmp_path / "my-files"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    for folder in (missing, mine):
        for command in (
            ("stats",),
            ("query", "graphs"),
            ("export",),
            ("report", "coverage"),
            ("validate",),
            ("scorecard", "--city", "Lakeside"),
        ):
            assert_one_line_error(hrgraph(*command, store=folder), f"no store at {folder}", "hrgraph init")
    assert not missing.exists()
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


# --- query parameters and output ---------------------------------------------------------------------


@pytest.fixture
def small_store(tmp_path: Path, plan: Path) -> Path:
    store = tmp_path / "store"
    assert hrgraph("load", plan, "--graph", "city/Example City", store=store).returncode == 0
    return store


def test_ill_typed_parameters_are_one_line_errors(small_store: Path) -> None:
    state = "state=https://w3id.org/hrgraph/id/state/slovenia"
    result = hrgraph("query", "upr-recommendations", "-p", state, "-p", "cycle=three", store=small_store)
    assert_one_line_error(result, "'three' is not a valid integer")
    assert_one_line_error(hrgraph("query", "treaty-linkage", "-p", "via_sdg=maybe", store=small_store), "boolean")
    result = hrgraph("query", "upr-recommendations", "-p", state, "-p", "cycle=2", "-p", "cycle=3", store=small_store)
    assert_one_line_error(result, "'cycle'", "more than once")


def test_errors_in_a_query_file_name_the_file(tmp_path: Path, small_store: Path) -> None:
    broken = tmp_path / "broken.rq"
    broken.write_text("SELECT ?x WHERE { ?x ?y\n")
    assert_one_line_error(hrgraph("query", broken, store=small_store), "broken.rq: malformed SPARQL query")
    odd = tmp_path / "odd.rq"
    odd.write_text("# param: x (number) text\nSELECT * WHERE { ?s ?p ?o }\n")
    assert_one_line_error(hrgraph("query", odd, store=small_store), "odd.rq", "iri, string, integer, decimal, date")


def test_output_that_cannot_be_written_is_one_line(small_store: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "ok.ttl"
    a_file.write_text("")
    targets = [a_file / "x.csv", *([Path("/dev/full")] if Path("/dev/full").exists() else [])]
    for target in targets:
        result = hrgraph("query", "graphs", "-O", "csv", "-o", target, store=small_store)
        assert_one_line_error(result, str(target), "cannot write")


def test_string_parameters_with_and_without_a_language_tag(tmp_path: Path) -> None:
    store = tmp_path / "store"
    labels = tmp_path / "labels.ttl"
    labels.write_text('<https://example.org/c> <http://www.w3.org/2004/02/skos/core#prefLabel> "Example City"@en .\n')
    assert hrgraph("load", labels, "--graph", "city/Example City", store=store).returncode == 0
    exact = tmp_path / "exact.rq"
    exact.write_text(
        "# param: city (string) the label\n"
        "SELECT ?c WHERE { GRAPH ?g { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?city } }\n"
    )
    result = hrgraph("query", exact, "-p", 'city="Example City"@en', "-O", "json", store=store)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"c": "https://example.org/c"}]
    any_tag = tmp_path / "any-tag.rq"
    any_tag.write_text(
        "# param: city (string) the label\n"
        "SELECT ?c WHERE { GRAPH ?g { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }"
        " FILTER (STR(?label) = ?city) }\n"
    )
    result = hrgraph("query", any_tag, "-p", "city=Example City", "-O", "json", store=store)
    assert json.loads(result.stdout) == [{"c": "https://example.org/c"}]
    assert '"Example City"@en' in hrgraph("query", "-h").stdout


def test_query_json_keeps_numbers_typed(small_store: Path) -> None:
    result = hrgraph("query", "graphs", "-O", "json", store=small_store)
    assert json.loads(result.stdout) == [{"graph": graph_iri("city/Example City"), "triples": 3}]


def test_output_format_follows_the_extension(small_store: Path, tmp_path: Path) -> None:
    table = tmp_path / "graphs.json"
    assert hrgraph("query", "graphs", "-o", table, store=small_store).returncode == 0
    assert json.loads(table.read_text())[0]["triples"] == 3
    turtle = tmp_path / "city.ttl"
    assert hrgraph("export", "--graph", "city/Example City", "-o", turtle, store=small_store).returncode == 0
    assert len(rdflib.Graph().parse(turtle, format="turtle")) == 3  # Turtle, not the default N-Quads
    result = hrgraph("query", "graphs", "-O", "csv", "-o", tmp_path / "graphs2.json", store=small_store)
    assert_one_line_error(result, "-O csv does not match", "graphs2.json")
    assert not (tmp_path / "graphs2.json").exists()


def test_export_of_an_unknown_graph_is_an_error(small_store: Path) -> None:
    result = hrgraph("export", "--graph", "city/Exmaple City", "-O", "jsonld", store=small_store)
    assert_one_line_error(result, "no graph https://w3id.org/hrgraph/graph/city/exmaple-city", "graphs: ")
    assert graph_iri("city/Example City") in result.stderr


def test_queries_accepts_and_ignores_a_store(tmp_path: Path) -> None:
    result = hrgraph("queries", store=tmp_path / "anywhere")
    assert result.returncode == 0, result.stderr
    assert "provisions:" in result.stdout
    assert not (tmp_path / "anywhere").exists()


# --- help examples and progress ------------------------------------------------------------------------

HELP_WITH_EXAMPLES = [
    ("init",),
    ("review",),
    ("review", "export"),
    ("review", "import"),
    ("queries",),
    ("corpus",),
    ("corpus", "build"),
]


def _examples(*command: str) -> list[list[str]]:
    """Return the hrgraph command lines of a help text's Examples block, each without the leading ``hrgraph``."""
    result = CliRunner().invoke(cli, [*command, "-h"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Examples"))
    block = [line.strip() for line in lines[start + 1 :]]
    block = block[: block.index("")] if "" in block else block
    commands = []
    for line in block:
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words: list[str] = []
        for token in [*lexer, "&&"]:
            if token not in ("&&", "|"):
                words.append(token)
                continue
            while words and "=" in words[0] and words[0] != "hrgraph":  # NAME=value before the command
                words.pop(0)
            if words and words[0] == "hrgraph":
                commands.append(words[1:])
            words = []
    return commands


def _parse(words: list[str]) -> None:
    """Parse a command line as hrgraph would, without running it: a usage error raises."""
    command: click.Command = cli
    context: click.Context | None = None
    name = "hrgraph"
    while isinstance(command, click.Group):
        context = click.Context(command, info_name=name, parent=context, **command.context_settings)
        name, words = words[0], words[1:]
        found = command.get_command(context, name)
        assert found is not None, f"no command {name}"
        command = found
    command.make_context(name, list(words), parent=context)


@pytest.mark.parametrize("command", HELP_WITH_EXAMPLES, ids=" ".join)
def test_help_examples_parse(command: tuple[str, ...]) -> None:
    examples = _examples(*command)
    assert examples, f"no examples in hrgraph {' '.join(command)} -h"
    for words in examples:
        _parse(words)


def test_the_first_queries_example_runs(tmp_path: Path) -> None:
    first = _examples("queries")[0]
    result = hrgraph(*first, store=tmp_path / "scratch")
    assert result.returncode == 0, result.stderr
    assert "provisions:" in result.stdout


@pytest.mark.slow
def test_example_advances_its_progress_bar_per_stage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bars: list[Progress] = []

    def recording() -> Progress:
        bar = _progress()
        bars.append(bar)
        return bar

    monkeypatch.setattr("hrgraph.cli._progress", recording)
    args = ["example", "--store", str(tmp_path / "store"), "-o", str(tmp_path / "out")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    [bar] = bars
    [task] = bar.tasks
    assert task.total == task.completed == len(EXAMPLE_STEPS)  # every stage run_example announces is counted


def test_a_typed_store_beats_the_environment_and_two_stores_are_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    assert hrgraph("init", store=store).returncode == 0
    nowhere = "http://127.0.0.1:9/query"  # nothing listens there
    monkeypatch.setenv("HRGRAPH_ENDPOINT", nowhere)
    result = hrgraph("stats", store=store)
    assert result.returncode == 0, result.stderr
    assert "standards" in result.stdout
    assert_one_line_error(hrgraph("stats", "--endpoint", nowhere, store=store), "--store and --endpoint both")
    monkeypatch.setenv("HRGRAPH_STORE", str(store))
    assert_one_line_error(hrgraph("stats"), "HRGRAPH_STORE and HRGRAPH_ENDPOINT both name a store")


def test_an_output_extension_a_command_does_not_write_is_an_error(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert hrgraph("init", store=store).returncode == 0
    result = hrgraph("query", "graphs", "-o", tmp_path / "graphs.pdf", store=store)
    assert_one_line_error(result, "graphs.pdf: cannot write a .pdf file: use ", "or give -O ")
    assert not (tmp_path / "graphs.pdf").exists()
    text = tmp_path / "text.txt"
    text.write_text("Open homeless shelters (SDG target 11.1).")
    assert_one_line_error(hrgraph("annotate", "-i", text, "-o", tmp_path / "links.csv"), "cannot write a .csv file")


# --- reading files, query output, the corpus, interruptions ----------------------------------------


def test_files_that_cannot_be_read_and_empty_parameters_are_one_line(small_store: Path, tmp_path: Path) -> None:
    folder = tmp_path / "folder.rq"
    folder.mkdir()
    assert_one_line_error(hrgraph("query", folder, store=small_store), "folder.rq: a folder, not a file")
    locked = tmp_path / "locked.rq"
    locked.write_text("SELECT * WHERE { ?s ?p ?o }\n")
    locked.chmod(0)
    if not os.access(locked, os.R_OK):  # root reads it all the same
        assert_one_line_error(hrgraph("query", locked, store=small_store), "locked.rq: cannot read the file")
    result = hrgraph("query", "provisions", "-p", "instrument=", store=small_store)
    assert_one_line_error(result, "parameter 'instrument' is empty")
    result = hrgraph("query", "upr-recommendations", "-p", "state=x y", store=small_store)
    assert_one_line_error(result, "parameter 'state': not a valid IRI")


def test_a_query_file_with_a_byte_order_mark(small_store: Path, tmp_path: Path) -> None:
    rq = tmp_path / "items.rq"
    rq.write_bytes(
        b"\xef\xbb\xbf# title: Items\r\n# param: plan (iri) the plan\r\n"
        b"SELECT ?item WHERE { GRAPH ?g { ?item <http://data.europa.eu/eli/ontology#is_part_of> ?plan } }\r\n"
    )
    result = hrgraph("query", rq, "-p", "plan=https://example.org/plan", "-O", "json", store=small_store)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"item": "https://example.org/item1"}]


def test_a_graph_given_for_a_file_that_names_its_graphs_is_an_error(small_store: Path, tmp_path: Path) -> None:
    city = tmp_path / "city.trig"
    result = hrgraph("export", "--graph", "city/Example City", "-o", city, store=small_store)
    assert result.returncode == 0, result.stderr
    assert_one_line_error(
        hrgraph("load", city, "--graph", "standards", store=small_store), "city.trig names its own graphs", "--graph"
    )
    fresh = tmp_path / "fresh"
    assert hrgraph("load", city, store=fresh).returncode == 0
    with EmbeddedStore(fresh) as opened:
        assert opened.graphs() == {graph_iri("city/Example City"): 3}


def test_construct_output_is_the_same_on_every_run(small_store: Path) -> None:
    query = (
        "CONSTRUCT { ?item <https://example.org/in> [ <https://example.org/plan> ?plan ;"
        " <https://example.org/at> [ <https://example.org/n> 1 ] ] }"
        " WHERE { GRAPH ?g { ?item <http://data.europa.eu/eli/ontology#is_part_of> ?plan } }"
    )
    rq = small_store.parent / "nested.rq"
    rq.write_text(query)
    for fmt in ("turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"):
        outputs = set()
        for _ in range(3):
            result = CliRunner().invoke(cli, ["query", str(rq), "-O", fmt, "--store", str(small_store)])
            assert result.exit_code == 0, result.output
            outputs.add(result.stdout_bytes)
        assert len(outputs) == 1, fmt
        [output] = outputs
        parsed = rdflib.Graph().parse(
            data=output, format={"ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld"}.get(fmt, fmt)
        )
        assert len(parsed) == 4


def test_corpus_build_says_how_to_load_what_it_built(tmp_path: Path) -> None:
    sources = tmp_path / "corpora"
    shutil.copytree(ROOT / "corpora" / "standards", sources / "standards")
    shutil.copytree(ROOT / "corpora" / "reviews", sources / "reviews")
    labels = sources / "standards" / "labels" / "cat.yaml"
    labels.write_text(labels.read_text(encoding="utf-8").replace("torture", "torturé", 1), encoding="utf-8")
    result = hrgraph("corpus", "build", "-i", sources, "-o", tmp_path / "built")
    assert result.returncode == 0, result.stderr
    command = result.stderr.strip().splitlines()[-1]
    assert command == f"load it into a store with: hrgraph init --corpus {tmp_path / 'built'}"
    store = tmp_path / "store"
    assert hrgraph(*shlex.split(command.partition(": hrgraph ")[2]), store=store).returncode == 0
    with EmbeddedStore(store) as opened:
        assert opened.ask('ASK { GRAPH ?g { ?a ?p ?label } FILTER CONTAINS(STR(?label), "of torturé") }')
    (sources / "reviews" / "ratification.csv").write_text("iso2,state\nSI,Slovenia\n")
    result = hrgraph("corpus", "build", "-i", sources, "-o", tmp_path / "built")
    assert_one_line_error(result, "ratification.csv:1: missing column(s) instrument, status, year")


@pytest.mark.slow
def test_ctrl_c_during_a_load_says_truly_whether_it_was_stored(tmp_path: Path, plan: Path) -> None:
    big = tmp_path / "big.nt"
    with big.open("w") as out:
        for i in range(300_000):
            out.write(f'<https://example.org/s{i}> <https://example.org/p> "value {i}" .\n')
    said = set()
    for delay in (1.0, 8.0):  # while the file is parsed (nothing written), and while it is committed
        store = tmp_path / f"store-{delay}"
        assert hrgraph("load", plan, "--graph", "standards", store=store).returncode == 0
        command = [sys.executable, "-m", "hrgraph.cli", "load", str(big), "--graph", "standards", "--replace"]
        process = subprocess.Popen([*command, "--store", str(store)], stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate()
        with EmbeddedStore(store) as opened:
            triples = opened.graphs()[graph_iri("standards")]
        if process.returncode == 0:
            continue  # it finished before the signal came
        assert process.returncode == 130
        [message] = err.strip().splitlines()
        said.add(message)
        if message == "hrgraph: interrupted":
            assert triples == 3
        else:
            assert message == "hrgraph: interrupted once the write under way had completed: the store holds it"
            assert triples == 300_000
    assert said, "every load finished before it could be interrupted"
