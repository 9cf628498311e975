"""Every report is the same from the embedded store and from a real Oxigraph server holding the same graphs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from hrgraph.cli_report import push, report
from hrgraph.report import REPORTS, OutputFormat, ReportParams, build_report, push_graphs, render
from hrgraph.resources import corpus_files
from hrgraph.store import EmbeddedStore, RemoteStore, Store
from tests.test_report import load_fixture


@pytest.fixture(scope="module")
def both(oxigraph_server: str) -> Iterator[tuple[Store, Store]]:
    """The fixture cities in memory, and pushed to the live server."""
    if not corpus_files():
        pytest.skip("the built standards corpus is not present")
    remote = RemoteStore(oxigraph_server)
    remote.update("DROP ALL")
    with EmbeddedStore() as local:
        load_fixture(local)
        sent = push_graphs(local, remote)
        assert sent == local.graphs()
        yield local, remote


def test_push_copies_every_graph(both: tuple[Store, Store]) -> None:
    local, remote = both
    assert remote.graphs() == local.graphs()


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_report_is_the_same_on_the_server(both: tuple[Store, Store], name: str) -> None:
    local, remote = both
    params = ReportParams(city="Lakeside")
    here = build_report(local, name, params)
    there = build_report(remote, name, params)
    assert there == here
    for fmt in (OutputFormat.JSON, OutputFormat.MD, OutputFormat.CSV):
        assert render(there, fmt) == render(here, fmt)


def test_network_coverage_is_the_same_on_the_server(both: tuple[Store, Store]) -> None:
    local, remote = both
    assert build_report(remote, "coverage", ReportParams(city=None)) == build_report(
        local, "coverage", ReportParams(city=None)
    )


def test_cli_push_and_report_on_the_server(both: tuple[Store, Store], oxigraph_server: str, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    with EmbeddedStore(folder) as store:
        store.load(Path(__file__).parent / "data" / "report" / "hillside-city.ttl", graph="city/Hillside")
    result = CliRunner().invoke(push, ["--store", str(folder), "--endpoint", oxigraph_server, "-g", "city/Hillside"])
    assert result.exit_code == 0, result.output
    assert "pushed 1 graphs" in result.stderr
    result = CliRunner().invoke(
        report, ["treaty-linkage", "--city", "Hillside", "--endpoint", oxigraph_server, "-O", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert "ICESCR,11," in result.stdout
