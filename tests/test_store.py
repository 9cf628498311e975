"""The store contract, run on the embedded store on disk, in memory and on a live Oxigraph server."""

from __future__ import annotations

import gzip
import http.server
import importlib.util
import json
import os
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, URIRef

from hrgraph import cli
from hrgraph.errors import BadInputError, EndpointError, HrgraphError, MalformedRDFError, UnknownNameError
from hrgraph.store import RdfFormat, RemoteStore, Store, Table, WriteInterrupted, _committing, graph_iri, open_store
from tests.conftest import ROOT

EX = "https://example.org/"
TRIPLES = f"""
<{EX}plan> a <https://w3id.org/hrgraph/ontology#ActionPlan> ;
    <http://purl.org/dc/terms/title> "Human rights action plan 2025–2027"@en .
<{EX}item1> a <https://w3id.org/hrgraph/ontology#ActionItem> ;
    <http://data.europa.eu/eli/ontology#is_part_of> <{EX}plan> ;
    <https://w3id.org/hrgraph/ontology#actionText> "Open two shelters with \\"housing first\\" support" .
<{EX}item2> a <https://w3id.org/hrgraph/ontology#ActionItem> ;
    <http://data.europa.eu/eli/ontology#is_part_of> <{EX}plan> .
""".encode()
CITY = graph_iri("city/Example City")
COUNT_ITEMS = """
SELECT (COUNT(?item) AS ?n) WHERE {
  GRAPH ?g { ?item <http://data.europa.eu/eli/ontology#is_part_of> ?plan }
}"""


def count(store: Store, query: str = COUNT_ITEMS, **bindings: rdflib.term.Identifier) -> int:
    table = store.select(query, bindings)  # type: ignore[arg-type]
    value = table.rows[0][0]
    assert isinstance(value, Literal)
    return int(value)


def test_load_into_a_named_graph(store: Store) -> None:
    assert store.load(TRIPLES, format=RdfFormat.TURTLE, graph="city/Example City") == 7
    assert store.graphs() == {CITY: 7}
    assert count(store) == 2


def test_load_from_file_guesses_the_format(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "plan.ttl"
    path.write_bytes(TRIPLES)
    assert store.load(path, graph="standards") == 7
    assert store.graphs() == {graph_iri("standards"): 7}


def test_quads_keep_their_graphs(store: Store) -> None:
    data = f"<{EX}a> <{EX}b> <{EX}c> <{EX}g1> .\n<{EX}a> <{EX}b> <{EX}d> <{EX}g2> .\n".encode()
    store.load(data, format=RdfFormat.NQUADS)
    assert store.graphs() == {f"{EX}g1": 1, f"{EX}g2": 1}


def test_malformed_rdf_names_the_line_and_changes_nothing(store: Store) -> None:
    store.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY)
    broken = f"<{EX}x> <{EX}y> <{EX}z> .\n<{EX}x> <{EX}y> oops .\n".encode()
    with pytest.raises(MalformedRDFError) as info:
        store.load(broken, format=RdfFormat.TURTLE, graph=CITY)
    assert info.value.line == 2
    assert "<data>:2:" in str(info.value)
    with pytest.raises(MalformedRDFError, match="<data>:2:"):
        store.load(broken, format=RdfFormat.TURTLE, graph="standards")
    with pytest.raises(MalformedRDFError):
        store.load(broken, format=RdfFormat.TURTLE, graph=CITY, replace=True)
    assert store.graphs() == {CITY: 7}


def test_replace_swaps_a_graph_whole(store: Store) -> None:
    store.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY)
    store.load(f"<{EX}a> <{EX}b> <{EX}c> .".encode(), format=RdfFormat.NTRIPLES, graph="standards")
    store.load(
        f"<{EX}item9> <http://data.europa.eu/eli/ontology#is_part_of> <{EX}p> .".encode(),
        format=RdfFormat.NTRIPLES,
        graph=CITY,
        replace=True,
    )
    assert store.graphs() == {CITY: 1, graph_iri("standards"): 1}
    store.load(b"", format=RdfFormat.NTRIPLES, graph=CITY, replace=True)
    assert store.graphs() == {graph_iri("standards"): 1}


def test_triples_need_a_graph(store: Store) -> None:
    with pytest.raises(BadInputError, match="say which graph"):
        store.load(TRIPLES, format=RdfFormat.TURTLE)


def test_bound_parameters(store: Store) -> None:
    store.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY)
    query = """
    SELECT (COUNT(?item) AS ?n) WHERE {
      GRAPH ?g { ?item <http://data.europa.eu/eli/ontology#is_part_of> ?plan }
    }"""
    assert count(store, query, plan=URIRef(f"{EX}plan")) == 2
    assert count(store, query, plan=URIRef(f"{EX}other")) == 0


def test_a_bound_value_cannot_inject_sparql(store: Store) -> None:
    store.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY)
    query = "SELECT ?item WHERE { GRAPH ?g { ?item <https://w3id.org/hrgraph/ontology#actionText> ?text } }"
    attack = Literal('x" } } ; DROP ALL ; SELECT * { { ?s ?p "')
    assert len(store.select(query, {"text": attack})) == 0
    with pytest.raises(BadInputError, match="not a valid IRI"):
        store.select(query, {"item": URIRef(EX + "a> ?p ?o } DROP ALL #")})
    with pytest.raises(BadInputError, match="variable"):
        store.select(query, {"text) { } #": Literal("x")})
    text = Literal('Open two shelters with "housing first" support')
    assert store.select(query, {"text": text}).column("item") == [URIRef(f"{EX}item1")]
    assert store.graphs() == {CITY: 7}


def test_select_rows_have_one_shape(store: Store) -> None:
    store.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY)
    table = store.select(
        "SELECT ?item ?text WHERE { GRAPH ?g { ?item a <https://w3id.org/hrgraph/ontology#ActionItem> "
        "OPTIONAL { ?item <https://w3id.org/hrgraph/ontology#actionText> ?text } } } ORDER BY ?item"
    )
    assert isinstance(table, Table)
    assert table.columns == ("item", "text")
    assert table.rows == (
        (URIRef(f"{EX}item1"), Literal('Open two shelters with "housing first" support')),
        (URIRef(f"{EX}item2"), None),
    )
    title = store.select("SELECT ?t WHERE { GRAPH ?g { ?p <http://purl.org/dc/terms/title> ?t } }").rows[0][0]
    assert title == Literal("Human rights action plan 2025–2027", lang="en")


def test_ask_and_construct(store: Store) -> None:
    store.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY)
    assert store.ask("ASK { GRAPH ?g { ?s a <https://w3id.org/hrgraph/ontology#ActionPlan> } }")
    assert not store.ask("ASK { GRAPH ?g { ?s a <https://w3id.org/hrgraph/ontology#Budget> } }")
    graph = store.construct(
        "CONSTRUCT { ?i <urn:x:in> ?p } WHERE { GRAPH ?g { ?i <http://data.europa.eu/eli/ontology#is_part_of> ?p } }"
    )
    assert len(graph) == 2


def test_export_round_trips(store: Store) -> None:
    store.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY)
    store.load(f"<{EX}a> <{EX}b> <{EX}c> .".encode(), format=RdfFormat.NTRIPLES, graph="standards")
    turtle = store.export(RdfFormat.TURTLE, graph=CITY)
    assert (
        rdflib.Graph()
        .parse(data=turtle, format="turtle")
        .isomorphic(rdflib.Graph().parse(data=TRIPLES, format="turtle"))
    )
    dataset = rdflib.Dataset()
    dataset.parse(data=store.export(RdfFormat.NQUADS), format="nquads")
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == {CITY, graph_iri("standards")}
    jsonld = rdflib.Dataset().parse(data=store.export(RdfFormat.JSONLD, graph="standards"), format="json-ld")
    assert [(str(g.identifier), len(g)) for g in jsonld.graphs() if len(g)] == [(graph_iri("standards"), 1)]
    with pytest.raises(BadInputError, match="holds one graph"):
        store.export(RdfFormat.TURTLE)


@pytest.mark.parametrize("fmt", [RdfFormat.NQUADS, RdfFormat.TRIG, RdfFormat.JSONLD])
def test_one_graph_exported_in_a_dataset_format_loads_back_into_it(store: Store, fmt: RdfFormat) -> None:
    store.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY)
    store.load(f"<{EX}a> <{EX}b> <{EX}c> .".encode(), format=RdfFormat.NTRIPLES, graph="standards")
    exported = store.export(fmt, graph=CITY)
    with open_store(memory=True) as fresh:
        assert fresh.load(exported, format=fmt) == 7
        assert fresh.graphs() == {CITY: 7}
        assert fresh.export(RdfFormat.NTRIPLES, graph=CITY) == store.export(RdfFormat.NTRIPLES, graph=CITY)


def test_a_graph_is_given_only_for_triples_outside_named_graphs(store: Store, tmp_path: Path) -> None:
    named = tmp_path / "city.trig"
    named.write_text(f"<{EX}g1> {{ <{EX}a> <{EX}b> <{EX}c> }}\n<{EX}g2> {{ <{EX}a> <{EX}b> <{EX}d> }}\n")
    with pytest.raises(BadInputError, match=r"city\.trig names its own graphs \(https://example\.org/g1, .*--graph"):
        store.load(named, graph="standards")
    assert store.graphs() == {}
    assert store.load(named) == 2
    assert store.graphs() == {f"{EX}g1": 1, f"{EX}g2": 1}
    # a JSON-LD document without graph names (the usual kind) goes where it is told, and only there
    plain = tmp_path / "plan.jsonld"
    plain.write_text(json.dumps({"@id": f"{EX}plan", f"{EX}title": "Plan"}))
    with pytest.raises(BadInputError, match=r"plan\.jsonld: 1 triples are outside any named graph; say which graph"):
        store.load(plain)
    assert store.load(plain, graph="city/Example City", replace=True) == 1
    assert store.graphs() == {f"{EX}g1": 1, f"{EX}g2": 1, CITY: 1}


def test_a_byte_order_mark_is_not_part_of_the_data(store: Store, tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    (tmp_path / "plan.ttl").write_bytes(bom + TRIPLES.replace(b"\n", b"\r\n"))
    (tmp_path / "one.nt").write_bytes(bom + f"<{EX}a> <{EX}b> <{EX}c> .\n".encode())
    (tmp_path / "two.nq.gz").write_bytes(gzip.compress(bom + f"<{EX}a> <{EX}b> <{EX}d> <{EX}g> .\n".encode()))
    assert store.load(tmp_path / "plan.ttl", graph=CITY) == 7
    assert store.load(tmp_path / "one.nt", graph="standards") == 1
    assert store.load(tmp_path / "two.nq.gz") == 1
    assert store.graphs() == {CITY: 7, graph_iri("standards"): 1, f"{EX}g": 1}


def test_a_file_that_cannot_be_read_is_one_line(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "plan.ttl"
    folder.mkdir()
    with pytest.raises(BadInputError, match=r"plan\.ttl: a folder, not a file"):
        store.load(folder, graph=CITY)
    locked = tmp_path / "locked.ttl"
    locked.write_bytes(TRIPLES)
    locked.chmod(0)
    if os.access(locked, os.R_OK):
        pytest.skip("this user reads files whatever their permissions (root)")
    with pytest.raises(BadInputError, match=r"locked\.ttl: cannot read the file: Permission denied"):
        store.load(locked, graph=CITY)


def test_update_and_drop(store: Store) -> None:
    store.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY)
    store.update(f"INSERT DATA {{ GRAPH <{graph_iri('inferred')}> {{ <{EX}a> <{EX}b> <{EX}c> }} }}")
    assert store.graphs()[graph_iri("inferred")] == 1
    store.drop("inferred")
    store.drop("inferred")
    assert store.graphs() == {CITY: 7}


def test_class_counts(store: Store) -> None:
    store.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY)
    assert store.class_counts() == {
        "https://w3id.org/hrgraph/ontology#ActionItem": 2,
        "https://w3id.org/hrgraph/ontology#ActionPlan": 1,
    }


def test_add_graph(store: Store) -> None:
    graph = rdflib.Graph().parse(data=TRIPLES, format="turtle")
    assert store.add_graph(graph, graph="city/Example City") == 7
    assert store.graphs() == {CITY: 7}


def test_not_utf8(store: Store) -> None:
    with pytest.raises(MalformedRDFError):
        store.load(b'<urn:x:a> <urn:x:b> "caf\xe9" .', format=RdfFormat.NTRIPLES, graph=CITY)


def test_graph_names() -> None:
    assert graph_iri("proposed/Example City") == "https://w3id.org/hrgraph/graph/proposed/example-city"
    assert graph_iri("https://example.org/g") == "https://example.org/g"
    with pytest.raises(UnknownNameError, match="unknown graph"):
        graph_iri("nonsense")
    with pytest.raises(BadInputError, match="not a valid IRI"):
        graph_iri("https://example.org/a b")


def test_a_large_load_into_a_new_graph_keeps_blank_nodes_and_line_numbers(store: Store) -> None:
    # Large enough to be bulk-loaded in parts on disk; the lines with blank nodes come first.
    intervals = "".join(f'<{EX}item{i}> <{EX}timetable> _:t{i} .\n_:t{i} <{EX}end> "{i}" .\n' for i in range(5_000))
    plain = "".join(f'<{EX}s{i}> <{EX}p> "value {i}" .\n' for i in range(60_000))
    data = (intervals + plain).encode()
    assert len(data) > 4_000_000
    assert store.load(data, format=RdfFormat.NTRIPLES, graph=CITY) == 70_000
    joined = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?item <{EX}timetable>/<{EX}end> ?end }} }}"
    assert count(store, joined) == 5_000
    store.drop(CITY)
    broken = data + f"<{EX}x> <{EX}y> oops .\n".encode()
    with pytest.raises(MalformedRDFError, match=r"<data>:70001:") as error:
        store.load(broken, format=RdfFormat.NTRIPLES, graph=CITY)
    assert "line" not in str(error.value)  # not the line within the part the error was found in
    # an error that spans two lines, as an unterminated literal at the end of the file does
    unterminated = data + f'<{EX}x> <{EX}y> "oops .\n'.encode()
    with pytest.raises(MalformedRDFError, match=r"<data>:70001:") as error:
        store.load(unterminated, format=RdfFormat.NTRIPLES, graph=CITY)
    assert "line" not in str(error.value)
    assert store.graphs() == {}


def test_a_remote_json_ld_context_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text('{"@context": "https://schema.org/", "@id": "https://example.org/a", "name": "A"}')
    with pytest.raises(BadInputError, match=r"remote\.jsonld: remote JSON-LD contexts are not fetched; inline"):
        store.load(path, graph="standards")
    assert store.graphs() == {}


def test_a_malformed_query_is_one_line(store: Store) -> None:
    with pytest.raises(HrgraphError) as info:
        store.select("SELECT ?x WHERE { ?x ?y\n")
    assert "\n" not in str(info.value)


def test_a_store_is_opened_without_creating_it_only_where_one_is(tmp_path: Path) -> None:
    mine = tmp_path / "my-files"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    for folder in (tmp_path / "missing", mine):
        with pytest.raises(BadInputError, match=f"no store at {folder}"):
            open_store(folder, create=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my-files"]
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    with pytest.raises(BadInputError, match="a folder of other files, not a store"):
        open_store(mine)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    with open_store(tmp_path / "store") as created:
        created.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY)
    with open_store(tmp_path / "store", create=False) as opened:
        assert opened.graphs() == {CITY: 7}


def test_describe_reads_every_graph(store: Store) -> None:
    store.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY)
    store.load(f"<{EX}item1> <{EX}cites> <{EX}art_11> .".encode(), format=RdfFormat.NTRIPLES, graph="standards")
    part_of = (URIRef(f"{EX}item1"), URIRef("http://data.europa.eu/eli/ontology#is_part_of"), URIRef(f"{EX}plan"))
    cites = (URIRef(f"{EX}item1"), URIRef(f"{EX}cites"), URIRef(f"{EX}art_11"))
    described = store.construct(f"PREFIX ex: <{EX}>\nDESCRIBE ex:item1")
    assert part_of in described
    assert cites in described
    bound = store.construct("DESCRIBE ?a WHERE { }", {"a": URIRef(f"{EX}item1")})
    assert part_of in bound
    assert cites in bound
    assert len(store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")) == 0  # the default graph is empty


def test_a_commit_under_way_finishes_before_ctrl_c_takes_effect() -> None:
    done = []
    with pytest.raises(WriteInterrupted), _committing():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the signal has arrived: without the guard, KeyboardInterrupt is raised here
        done.append("committed")
    assert done == ["committed"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt) as info:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
    assert not isinstance(info.value, WriteInterrupted)


def test_a_closed_store_says_so(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    store.close()
    store.close()  # again: nothing happens
    with pytest.raises(HrgraphError, match="is closed"):
        store.graphs()
    with open_store(memory=True) as memory:
        memory.close()


# --- servers that are not SPARQL servers, or that fail mid-answer ---------------------------------


@contextmanager
def web_server(media_type: str, body: bytes, *, delay: float = 0.0) -> Iterator[str]:
    """Serve ``body`` with status 200 to every GET, POST and PUT; yield the base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            time.sleep(delay)
            self.send_response(200)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = answer  # noqa: N815  (the names http.server looks for)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def cut_server(answer: bytes) -> Iterator[str]:
    """Send the start of ``answer`` to each request, then close the connection; yield the base URL."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:  # the listener is closed: the test is over
                return
            with connection:
                connection.recv(65536)
                connection.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def one_line_endpoint_error(call: Callable[[], object], *fragments: str) -> None:
    with pytest.raises(EndpointError) as info:
        call()
    assert "\n" not in str(info.value)
    for fragment in fragments:
        assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("media_type", "body"),
    [("text/html", b"<html><body>Welcome</body></html>"), ("application/json", b'{"status":"ok"}')],
)
def test_a_web_page_is_not_a_sparql_endpoint(media_type: str, body: bytes) -> None:
    with web_server(media_type, body) as url:
        store = RemoteStore(f"{url}/query")
        said = f"{url}/query: not a SPARQL endpoint (answered {media_type})"
        one_line_endpoint_error(lambda: store.select("SELECT ?s WHERE { ?s ?p ?o }"), said)
        one_line_endpoint_error(lambda: store.ask("ASK { ?s ?p ?o }"), said)
        one_line_endpoint_error(lambda: store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"), said)
        one_line_endpoint_error(lambda: store.update("DROP ALL"), said)
        one_line_endpoint_error(lambda: store.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY), said)


def test_push_reads_the_endpoint_from_the_environment_and_refuses_a_web_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_store(tmp_path / "store") as store:
        store.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY)
    with web_server("text/html", b"<html><body>Welcome</body></html>") as url:
        monkeypatch.setenv("HRGRAPH_ENDPOINT", f"{url}/query")
        assert cli.main(["push", "--store", str(tmp_path / "store")]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [f"hrgraph: error: {url}/query: not a SPARQL endpoint (answered text/html)"]


@pytest.mark.server
def test_push_uploads_to_the_endpoint_of_the_environment(
    oxigraph_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    RemoteStore(oxigraph_server).update("DROP ALL")
    with open_store(tmp_path / "store") as store:
        store.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY)
    monkeypatch.setenv("HRGRAPH_ENDPOINT", oxigraph_server)
    assert cli.main(["push", "--store", str(tmp_path / "store")]) == 0
    assert RemoteStore(oxigraph_server).graphs() == {CITY: 7}


@pytest.mark.server
def test_an_upload_url_that_is_not_a_graph_store_is_an_error(oxigraph_server: str) -> None:
    with web_server("text/html", b"<html><body>Welcome</body></html>") as url:
        store = RemoteStore(oxigraph_server, store_endpoint=f"{url}/store")
        store.update("DROP ALL")
        one_line_endpoint_error(
            lambda: store.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY),
            f"{url}/store?graph=",
            "not a Graph Store Protocol endpoint (answered text/html",
        )
        assert store.graphs() == {}


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: 1000\r\n\r\n"
        b'{"head":{"vars":["g"',
        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'10\r\n{"head":{"vars":',
        b"",
    ],
    ids=["short", "chunked", "nothing"],
)
def test_a_connection_cut_mid_answer_is_one_line(answer: bytes) -> None:
    with cut_server(answer) as url:
        one_line_endpoint_error(
            lambda: RemoteStore(f"{url}/query").select("SELECT ?g WHERE { GRAPH ?g { } }"),
            f"{url}/query: the connection was cut before the answer was complete",
        )


def test_the_timeout_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HRGRAPH_TIMEOUT", "0.2")
    empty = b'{"head":{"vars":[]},"results":{"bindings":[]}}'
    with web_server("application/sparql-results+json", empty, delay=1.0) as url:
        store = open_store(endpoint=f"{url}/query")
        one_line_endpoint_error(lambda: store.select("SELECT * WHERE { }"), f"{url}/query: no answer within 0.2 s")
        monkeypatch.setenv("HRGRAPH_TIMEOUT", "5")
        assert len(open_store(endpoint=f"{url}/query").select("SELECT * WHERE { }")) == 0
    for bad in ("soon", "0", "-1", "inf"):
        monkeypatch.setenv("HRGRAPH_TIMEOUT", bad)
        with pytest.raises(BadInputError, match=f"HRGRAPH_TIMEOUT: not a number of seconds above 0: '{bad}'"):
            open_store(endpoint="http://127.0.0.1:7878/query")


# --- loads and exports on a live server ----------------------------------------------------------


def _server_graphs(server: RemoteStore) -> list[str]:
    """Every graph name the server knows, empty graphs included."""
    return sorted(str(g) for g in server.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }").column("g"))


@pytest.mark.server
def test_a_load_on_a_server_leaves_no_graph_of_its_own(oxigraph_server: str) -> None:
    server = RemoteStore(oxigraph_server)
    server.update("DROP ALL")
    server.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY)
    server.load(f"<{EX}a> <{EX}b> <{EX}c> <{EX}g> .".encode(), format=RdfFormat.NQUADS, replace=True)
    server.load(TRIPLES, format=RdfFormat.TURTLE, graph=CITY, replace=True)
    assert _server_graphs(server) == sorted([CITY, f"{EX}g"])
    assert server.graphs() == {CITY: 7, f"{EX}g": 1}


@pytest.mark.server
def test_a_replace_on_a_server_is_all_or_nothing(oxigraph_server: str) -> None:
    server = RemoteStore(oxigraph_server)
    server.update("DROP ALL")
    before = f"<{EX}a> <{EX}b> <{EX}old> <{EX}g1> .\n<{EX}a> <{EX}b> <{EX}old> <{EX}g2> .\n".encode()
    server.load(before, format=RdfFormat.NQUADS)
    # g1 is uploaded first (the larger graph) and accepted; the server refuses g2's language tag, which a
    # trusted load does not check: g1 must not be replaced alone
    after = (
        f"<{EX}a> <{EX}b> <{EX}new> <{EX}g1> .\n<{EX}a> <{EX}b> <{EX}new2> <{EX}g1> .\n"
        f'<{EX}a> <{EX}b> "x"@abcdefghijk <{EX}g2> .\n'
    ).encode()
    with pytest.raises(EndpointError, match="answered 400"):
        server.load(after, format=RdfFormat.NQUADS, replace=True, trusted=True)
    assert server.graphs() == {f"{EX}g1": 1, f"{EX}g2": 1}
    assert server.ask(f"ASK {{ GRAPH <{EX}g1> {{ <{EX}a> <{EX}b> <{EX}old> }} }}")
    assert _server_graphs(server) == [f"{EX}g1", f"{EX}g2"]
    with pytest.raises(EndpointError, match="answered 400"):
        server.load(after, format=RdfFormat.NQUADS, trusted=True)
    assert server.graphs() == {f"{EX}g1": 1, f"{EX}g2": 1}
    assert _server_graphs(server) == [f"{EX}g1", f"{EX}g2"]


@pytest.mark.server
def test_a_server_export_is_byte_stable_and_keeps_shared_blank_nodes(oxigraph_server: str) -> None:
    server = RemoteStore(oxigraph_server)
    server.update("DROP ALL")
    server.update(
        f"INSERT DATA {{ GRAPH <{EX}g1> {{ <{EX}item> <{EX}timetable> _:t }}"
        f' GRAPH <{EX}g2> {{ _:t <{EX}end> "2027" }} }}'
    )
    joined = f"SELECT ?end WHERE {{ GRAPH <{EX}g1> {{ <{EX}item> <{EX}timetable> ?t }} GRAPH <{EX}g2> {{ ?t <{EX}end> ?end }} }}"
    for fmt in (RdfFormat.NQUADS, RdfFormat.TRIG, RdfFormat.JSONLD):
        exported = server.export(fmt)
        assert server.export(fmt) == exported
        with open_store(memory=True) as fresh:
            fresh.load(exported, format=fmt)
            assert fresh.select(joined).column("end") == [Literal("2027")]


def test_the_store_benchmark_leaves_no_store_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("bench_store", ROOT / "benchmarks" / "bench_store.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    data = tmp_path / "network.nt"
    bench.generate(data, 2_000)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    assert bench.run_variant("embedded", data)["rows"] == 5
    assert list((tmp_path / "tmp").iterdir()) == []
