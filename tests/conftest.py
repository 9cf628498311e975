"""Fixtures shared by the test suite: stores of every kind, a live Oxigraph server, the shared data."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from hrgraph.resources import corpus_files, ontology_file
from hrgraph.store import EmbeddedStore, RdfFormat, RemoteStore, Store

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("HRGRAPH_SHARED", ROOT.parent / "shared"))
REPORT_DATA = ROOT / "tests" / "data" / "report"
# the fixture cities of the report tests and the graph each is loaded into
REPORT_FIXTURES = {
    "lakeside-city.ttl": "city/Lakeside",
    "lakeside-proposed.ttl": "proposed/Lakeside",
    "lakeside-curated.ttl": "curated/Lakeside",
    "hillside-city.ttl": "city/Hillside",
}


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` server command from the ``oxigraph`` package, next to this Python or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start a real Oxigraph server on 127.0.0.1 for the session; yield its query URL."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1):  # noqa: S310
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                err = process.stderr.read().decode() if process.stderr else ""
                pytest.fail(f"the oxigraph server did not start: {err}")
            time.sleep(0.1)
    try:
        yield f"{url}/query"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(params=["disk", "memory", pytest.param("server", marks=pytest.mark.server)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same store tests run on the embedded store on disk, in memory, and on a live server."""
    opened: Store
    if request.param == "disk":
        opened = EmbeddedStore(tmp_path / "store")
    elif request.param == "memory":
        opened = EmbeddedStore()
    else:
        opened = RemoteStore(request.getfixturevalue("oxigraph_server"))
        opened.update("DROP ALL")
    with opened:
        yield opened


@pytest.fixture
def shared() -> Path:
    """The shared data folder beside the checkout; tests that need it skip when it is absent."""
    if not (SHARED / "data").is_dir():
        pytest.skip(f"the shared data folder is not present at {SHARED}")
    return SHARED / "data"


def load_fixture(store: Store) -> None:
    """Load the ontology, the standards corpus and the two fixture cities into a store."""
    store.load(ontology_file().read_bytes(), format=RdfFormat.TURTLE, graph="ontology")
    for file in corpus_files():
        store.load(file.read_bytes(), format=RdfFormat.for_path(file.name), graph="standards")
    for name, graph in REPORT_FIXTURES.items():
        store.load(REPORT_DATA / name, graph=graph)


@pytest.fixture(scope="module")
def lakeside() -> Iterator[Store]:
    """An in-memory store with the standards and the fixture cities Lakeside and Hillside (tests/data/report)."""
    if not corpus_files():
        pytest.skip("the built standards corpus is not present")
    with EmbeddedStore() as store:
        load_fixture(store)
        yield store
