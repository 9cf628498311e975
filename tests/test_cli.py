"""The command line as users run it: real processes, exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hrgraph.store import EmbeddedStore, graph_iri

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
