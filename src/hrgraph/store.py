"""One interface over the places a graph can live: on disk, in memory, or behind a SPARQL endpoint.

:func:`open_store` returns a :class:`Store`:

- an embedded, persistent store in a folder (the default; Oxigraph on RocksDB, no server),
- an in-memory store (the same engine, nothing written to disk),
- a remote SPARQL 1.1 endpoint (query and update over the SPARQL protocol, uploads over the
  Graph Store Protocol).

Loads are transactional: a file that fails to parse, or a load that is interrupted, leaves the store
as it was. Every graph of hrgraph is a named graph (see :func:`graph_iri`); queries name their graphs,
because stores disagree on whether the default graph is the union of all graphs.

>>> with open_store(memory=True) as store:
...     store.load(b"<urn:x:a> <urn:x:b> <urn:x:c> .", format=RdfFormat.NTRIPLES, graph="standards")
...     store.graphs()
1
{'https://w3id.org/hrgraph/graph/standards': 1}
"""

from __future__ import annotations

import codecs
import enum
import http.client
import json
import os
import re
import signal
import threading
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn, Self

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, Literal, URIRef

from hrgraph.errors import (
    BadInputError,
    EndpointError,
    HrgraphError,
    MalformedRDFError,
    StoreLockedError,
    UnknownNameError,
)

__all__ = [
    "GRAPH_BASE",
    "EmbeddedStore",
    "RdfFormat",
    "RemoteStore",
    "Store",
    "Table",
    "Term",
    "check_iri",
    "city_slug",
    "graph_iri",
    "open_store",
    "read_file",
]

Term = URIRef | BNode | Literal
"""An RDF term as hrgraph hands it out: the rdflib classes, whichever store answered."""

GRAPH_BASE = "https://w3id.org/hrgraph/graph/"
_GRAPH_KINDS = ("ontology", "standards", "inferred")
_CITY_KINDS = ("city", "proposed", "curated")
_STAGING = "urn:hrgraph:staging:"
_LOADING = ox.NamedNode("urn:hrgraph:loading")
_LOADING_GRAPH = ox.NamedNode("urn:hrgraph:loading:graph")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_SPLIT_BYTES = 4_000_000
"""N-Triples at least this long are bulk-loaded in parts, side by side, one thread per processor."""
_LOADERS = max(1, min(4, os.cpu_count() or 1))
_FORM = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_TIMEOUT = 60.0
"""Seconds a remote endpoint has to answer, unless the environment variable HRGRAPH_TIMEOUT says otherwise."""


_LETTERS = str.maketrans({"ł": "l", "đ": "d", "ð": "d", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ı": "i", "þ": "th"})


def _slug(name: str) -> str:
    """Lower-case words joined by hyphens, accents dropped; letters of other scripts are kept."""
    letters = unicodedata.normalize("NFKD", name.lower().translate(_LETTERS))
    kept = unicodedata.normalize("NFC", "".join(c for c in letters if not unicodedata.combining(c)))
    return re.sub(r"[\W_]+", "-", kept).strip("-")


def city_slug(name: str) -> str:
    """Return the slug that names a city in IRIs and graph names.

    >>> city_slug("Example City"), city_slug("Łódź"), city_slug("Saint-Étienne"), city_slug("광주")
    ('example-city', 'lodz', 'saint-etienne', '광주')
    """
    slug = _slug(name)
    if not slug:
        raise BadInputError(f"city name {name!r} has no letters or digits")
    return slug


# Other names of States (as slugs) -> the slug of the name the ratification table gives them, which names
# the State's node: the UN's official names, former names and the usual short forms.
_STATE_SLUGS = {
    "bolivarian-republic-of-venezuela": "venezuela",
    "cabo-verde": "cape-verde",
    "cote-d-ivoire": "ivory-coast",
    "czechia": "czech-republic",
    "democratic-people-s-republic-of-korea": "north-korea",
    "democratic-republic-of-the-congo": "democratic-republic-of-congo",
    "eswatini": "swaziland",
    "islamic-republic-of-iran": "iran",
    "lao-people-s-democratic-republic": "laos",
    "micronesia": "micronesia-federated-states-of",
    "plurinational-state-of-bolivia": "bolivia",
    "republic-of-korea": "south-korea",
    "republic-of-moldova": "moldova",
    "russian-federation": "russia",
    "saint-kitts-and-nevis": "st-kitts-and-nevis",
    "saint-lucia": "st-lucia",
    "saint-vincent-and-the-grenadines": "st-vincent-and-the-grenadines",
    "syria": "syrian-arab-republic",
    "the-former-yugoslav-republic-of-macedonia": "north-macedonia",
    "timor-leste": "east-timor",
    "turkiye": "turkey",
    "united-kingdom-of-great-britain-and-northern-ireland": "united-kingdom",
    "united-republic-of-tanzania": "tanzania",
    "united-states-of-america": "united-states",
    "vietnam": "viet-nam",
}


def state_slug(name: str) -> str:
    """Return the slug that names a State in IRIs, the same for each of its usual names.

    >>> state_slug("Bolivarian Republic of Venezuela"), state_slug("Venezuela (Bolivarian Republic of)")
    ('venezuela', 'venezuela')
    >>> state_slug("Côte d’Ivoire")
    'ivory-coast'
    """
    slug = _slug(re.sub(r"\(.*?\)", "", name))
    if not slug:
        raise BadInputError(f"State name {name!r} has no letters or digits")
    return _STATE_SLUGS.get(slug, slug)


def graph_iri(name: str) -> str:
    """Resolve a graph name to its IRI.

    Names are ``ontology``, ``standards``, ``inferred``, ``city/NAME``, ``proposed/NAME``,
    ``curated/NAME``, or a full IRI.

    >>> graph_iri("standards")
    'https://w3id.org/hrgraph/graph/standards'
    >>> graph_iri("city/Example City")
    'https://w3id.org/hrgraph/graph/city/example-city'
    """
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", name) and not name.startswith(tuple(k + "/" for k in _CITY_KINDS)):
        check_iri(name)
        return name
    if name in _GRAPH_KINDS:
        return GRAPH_BASE + name
    kind, _, city = name.partition("/")
    if kind in _CITY_KINDS and city:
        return f"{GRAPH_BASE}{kind}/{city_slug(city)}"
    known = ", ".join([*_GRAPH_KINDS, *(k + "/NAME" for k in _CITY_KINDS)])
    raise UnknownNameError(f"unknown graph {name!r}: use one of {known}, or a full IRI")


def check_iri(iri: str) -> None:
    """Refuse a string that cannot be an absolute IRI (no scheme, or spaces, quotes or angle brackets)."""
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\]*$", iri):
        raise BadInputError(f"not a valid IRI: {iri!r}")


class RdfFormat(enum.Enum):
    """An RDF serialisation hrgraph reads and writes."""

    TURTLE = ("turtle", ox.RdfFormat.TURTLE, (".ttl",))
    NTRIPLES = ("ntriples", ox.RdfFormat.N_TRIPLES, (".nt",))
    NQUADS = ("nquads", ox.RdfFormat.N_QUADS, (".nq",))
    TRIG = ("trig", ox.RdfFormat.TRIG, (".trig",))
    JSONLD = ("jsonld", ox.RdfFormat.JSON_LD, (".jsonld", ".json"))
    RDFXML = ("rdfxml", ox.RdfFormat.RDF_XML, (".rdf", ".owl", ".xml"))

    def __init__(self, label: str, oxigraph: ox.RdfFormat, suffixes: tuple[str, ...]) -> None:
        self.label = label
        self.oxigraph = oxigraph
        self.suffixes = suffixes

    @property
    def media_type(self) -> str:
        """The IANA media type, as used in HTTP requests."""
        return str(self.oxigraph.media_type)

    @property
    def holds_graphs(self) -> bool:
        """Whether the format can carry named graphs (N-Quads, TriG, JSON-LD)."""
        return bool(self.oxigraph.supports_datasets)

    @classmethod
    def parse(cls, label: str) -> RdfFormat:
        """Return the format with this label (``turtle``, ``nquads`` …)."""
        for fmt in cls:
            if fmt.label == label.lower():
                return fmt
        raise UnknownNameError(f"unknown RDF format {label!r}: use one of {', '.join(f.label for f in cls)}")

    @classmethod
    def for_path(cls, path: str | Path) -> RdfFormat:
        """Guess the format from a file name: ``.ttl``, ``.nt``, ``.nq``, ``.trig``, ``.jsonld``, ``.rdf``."""
        name = str(path).lower().removesuffix(".gz")
        for fmt in cls:
            if name.endswith(fmt.suffixes):
                return fmt
        raise BadInputError(f"{path}: cannot tell the RDF format from the file name; give the format explicitly")


@dataclass(frozen=True)
class Table:
    """The rows of a SELECT query: the same shape from every kind of store.

    ``rows`` hold rdflib terms (or None where a variable is unbound).
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Term | None, ...]]:
        return iter(self.rows)

    def column(self, name: str) -> list[Term | None]:
        """Return the values of one column."""
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def records(self) -> list[dict[str, str | None]]:
        """Return the rows as dicts of plain strings (IRIs and lexical forms)."""
        return [
            {col: None if value is None else str(value) for col, value in zip(self.columns, row, strict=True)}
            for row in self.rows
        ]


class Store(ABC):
    """A quad store hrgraph reads and writes; use it as a context manager to close it."""

    @abstractmethod
    def load(
        self,
        source: str | Path | bytes,
        *,
        format: RdfFormat | None = None,
        graph: str | None = None,
        replace: bool = False,
        trusted: bool = False,
    ) -> int:
        """Load RDF from a file path or from bytes, all or nothing, and return the number of quads read.

        ``graph`` names the graph that triples go to (see :func:`graph_iri`), and the graph for the
        triples of a dataset format (N-Quads, TriG, JSON-LD) that are in no named graph; a file that names
        its own graphs keeps them, and naming a graph for it is an error. With ``replace``, the graphs
        written are emptied first, in the same transaction. ``trusted`` says that the data was written by hrgraph
        itself, so that its IRIs and language tags need not be checked again (the syntax still is).
        """

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update as one transaction."""

    @abstractmethod
    def _select(self, query: str, bindings: Mapping[str, Term]) -> Table: ...

    @abstractmethod
    def _ask(self, query: str, bindings: Mapping[str, Term]) -> bool: ...

    @abstractmethod
    def _construct(self, query: str, bindings: Mapping[str, Term]) -> rdflib.Graph: ...

    @abstractmethod
    def export(self, format: RdfFormat, *, graph: str | None = None) -> bytes:
        """Serialise one graph, or every named graph when ``graph`` is None (then in a dataset format)."""

    @abstractmethod
    def close(self) -> None:
        """Release the store (its lock on disk, its connections)."""

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> Table:
        """Run a SELECT query; ``bindings`` give variables their values, never pasted into the text."""
        return self._select(query, _checked(bindings))

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        """Run an ASK query."""
        return self._ask(query, _checked(bindings))

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> rdflib.Graph:
        """Run a CONSTRUCT or DESCRIBE query and return the triples as an rdflib Graph."""
        return self._construct(query, _checked(bindings))

    def add_graph(self, data: rdflib.Graph, *, graph: str, replace: bool = False) -> int:
        """Write the triples of an rdflib Graph into a named graph, all or nothing."""
        payload = data.serialize(format="nt", encoding="utf-8")
        return self.load(payload, format=RdfFormat.NTRIPLES, graph=graph, replace=replace)

    def graphs(self) -> dict[str, int]:
        """Return every named graph with its number of triples, largest first."""
        table = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        counts = {str(g): int(n) for g, n in table if g is not None and isinstance(n, Literal)}
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def class_counts(self) -> dict[str, int]:
        """Return the number of distinct instances of each class, over all named graphs."""
        table = self.select("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c")
        counts = {str(c): int(n) for c, n in table if c is not None and isinstance(n, Literal)}
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def drop(self, graph: str) -> None:
        """Remove a named graph and its triples (nothing happens if it does not exist)."""
        self.update(f"DROP SILENT GRAPH <{graph_iri(graph)}>")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class WriteInterrupted(KeyboardInterrupt):  # noqa: N818  (it is a KeyboardInterrupt, not an error)
    """Ctrl-C came while a write was being committed: the write was let finish, and the store holds it."""


@contextmanager
def _committing() -> Iterator[None]:
    """Let a commit under way finish before Ctrl-C takes effect, and then say that it finished.

    Oxigraph does not look at signals, so Python raises KeyboardInterrupt only once a commit has
    returned: a plain KeyboardInterrupt then would tell the user that the write stopped when it is stored.
    """
    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    caught: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if caught:
        raise WriteInterrupted


def _checked(bindings: Mapping[str, Term] | None) -> dict[str, Term]:
    checked: dict[str, Term] = {}
    for name, value in (bindings or {}).items():
        var = name.removeprefix("?")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var):
            raise BadInputError(f"not a SPARQL variable name: {name!r}")
        if not isinstance(value, URIRef | BNode | Literal):
            raise BadInputError(f"parameter {var}: expected an RDF term, got {type(value).__name__}")
        if isinstance(value, URIRef):
            check_iri(str(value))
        if isinstance(value, Literal) and value.datatype is not None:
            check_iri(str(value.datatype))
        checked[var] = value
    return checked


def _destination(
    source: str | Path | bytes, fmt: RdfFormat | None, graph: str | None
) -> tuple[str, RdfFormat, str | None]:
    """Return the source's name for messages, its format and the graph its triples go to."""
    name = "<data>" if isinstance(source, bytes) else str(source)
    fmt = fmt or RdfFormat.for_path(name)
    target = None if graph is None else graph_iri(graph)
    if target is None and not fmt.holds_graphs:
        raise BadInputError(f"{name}: {fmt.label} holds triples only; say which graph they go to")
    return name, fmt, target


def _read(source: str | Path | bytes) -> bytes:
    """Return the bytes of a file (gzip-decompressed for ``.gz``), without a UTF-8 byte-order mark."""
    if isinstance(source, bytes):
        return source.removeprefix(codecs.BOM_UTF8)
    path = Path(source)
    data = read_file(path)
    if path.suffix == ".gz":
        import gzip

        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as err:
            raise BadInputError(f"{path}: not a readable gzip file: {err}") from err
    return data.removeprefix(codecs.BOM_UTF8)


def read_file(path: Path, size: int | None = None) -> bytes:
    """Return the bytes of a file, or say in one line why it cannot be read (missing, a folder, no permission).

    ``size`` reads only the first that many bytes.
    """
    if path.is_dir():
        raise BadInputError(f"{path}: a folder, not a file")
    if not path.exists():
        raise BadInputError(f"{path}: no such file")
    try:
        if size is None:
            return path.read_bytes()
        with path.open("rb") as file:
            return file.read(size)
    except OSError as err:
        raise BadInputError(f"{path}: cannot read the file: {err.strerror or err}") from err


def _syntax_error(source: str, err: SyntaxError, lines_before: int = 0) -> MalformedRDFError:
    reason = str(err.msg if err.msg else err)
    # the place is given apart (and for a load in parts, counted from the file's start): drop the parser's
    reason = re.sub(
        r"^Parser error (at line \d+ (between columns \d+ and \d+|column \d+)"
        r"|between line \d+ column \d+ and line \d+ column \d+): ",
        "",
        reason,
    )
    return MalformedRDFError(source, None if err.lineno is None else err.lineno + lines_before, err.offset, reason)


def _parse(name: str, data: bytes, fmt: RdfFormat, target: str | None, trusted: bool) -> ox.Store:
    """Parse into a store in memory; triples outside named graphs go to ``target``.

    A file that names its own graphs takes no ``target`` (its graphs would be merged or lost); triples
    outside named graphs need one, since hrgraph reads named graphs only.
    """
    staged = ox.Store()
    try:
        staged.load(
            data, format=fmt.oxigraph, to_graph=None if target is None else ox.NamedNode(target), lenient=trusted
        )
    except SyntaxError as err:
        if "LoadDocumentCallback" in str(err):
            raise BadInputError(f"{name}: remote JSON-LD contexts are not fetched; inline the context") from err
        raise _syntax_error(name, err) from err
    except (ValueError, OSError) as err:
        raise BadInputError(f"{name}: cannot read as {fmt.label}: {err}") from err
    if target is not None:
        named = sorted(g.value for g in staged.named_graphs() if isinstance(g, ox.NamedNode) and g.value != target)
        if named:
            raise BadInputError(
                f"{name} names its own graphs ({', '.join(named[:3])}{' …' if len(named) > 3 else ''}):"
                " --graph applies to one-graph formats and to triples outside named graphs; load it without --graph"
            )
    else:
        loose = sum(1 for _ in staged.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        if loose:
            raise BadInputError(f"{name}: {loose} triples are outside any named graph; say which graph they go to")
    return staged


def _parts(data: bytes, count: int) -> list[bytes]:
    r"""Cut N-Triples at line ends into at most ``count`` parts of about the same size.

    Each load gives the blank nodes it reads new names, so a blank node must not span two parts: every
    line up to the last ``_:`` (a blank node, or those characters in a literal) stays in the first part.

    >>> _parts(b"_:a <p> _:b .\n_:b <p> <o> .\n<s> <p> <o> .\n<s> <p> <o2> .\n", 2)
    [b'_:a <p> _:b .\n_:b <p> <o> .\n', b'<s> <p> <o> .\n<s> <p> <o2> .\n']
    """
    last = data.rfind(b"_:")
    floor = 0 if last < 0 else data.find(b"\n", last) + 1
    if last >= 0 and floor == 0:
        return [data]
    cuts = [0]
    for k in range(1, count):
        cut = len(data) * k // count
        if cut <= floor:
            cut = floor
        else:
            end = data.find(b"\n", cut)
            cut = len(data) if end < 0 else end + 1
        if cuts[-1] < cut < len(data):
            cuts.append(cut)
    cuts.append(len(data))
    return [data[start:end] for start, end in zip(cuts, cuts[1:], strict=False)]


def _dump(store: ox.Store, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
    """Serialise the store, or one graph of it; a dataset format names the graph, so a load gives it back."""
    if graph is not None and fmt.supports_datasets:
        return ox.serialize(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)), format=fmt) or b""
    data = store.dump(format=fmt, from_graph=None if graph is None else ox.NamedNode(graph))
    return data or b""


# --- term conversion -------------------------------------------------------------------------------


def _from_ox(term: Any) -> Term:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))
    raise BadInputError(f"unsupported RDF term in a result: {term!r}")


def _from_json(cell: Mapping[str, str]) -> Term:
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    lang = cell.get("xml:lang")
    datatype = cell.get("datatype")
    if lang:
        return Literal(value, lang=lang)
    return Literal(value, datatype=None if datatype in (None, _XSD_STRING, _RDF_LANG_STRING) else URIRef(datatype))


# --- the embedded store ----------------------------------------------------------------------------


class EmbeddedStore(Store):
    """Oxigraph, embedded in the process: on disk in a folder, or in memory when ``path`` is None.

    With ``create=False`` the folder must already hold a store: nothing is written where there is none.
    """

    def __init__(self, path: str | Path | None = None, *, create: bool = True) -> None:
        self.path = None if path is None else Path(path)
        if self.path is None:
            self._store = ox.Store()
            return
        if self.path.exists() and not self.path.is_dir():
            raise BadInputError(f"{self.path}: the store must be a folder, and this is a file")
        is_store = (self.path / "CURRENT").is_file()
        if not create and not is_store:
            raise BadInputError(f"no store at {self.path} (run `hrgraph init` to create one, or give --store FOLDER)")
        if not is_store and self.path.is_dir() and any(self.path.iterdir()):
            raise BadInputError(f"{self.path}: a folder of other files, not a store; give a new or empty folder")
        try:
            self._store = ox.Store(str(self.path))
        except OSError as err:
            if "lock" in str(err).lower():
                raise StoreLockedError(
                    f"{self.path}: the store is open in another process; wait for it to finish or use another --store"
                ) from err
            raise BadInputError(f"{self.path}: cannot open the store: {err}") from err
        self._drop_staging()

    def _drop_staging(self) -> None:
        """Undo loads that were interrupted: staging graphs of a replace, graphs of a bulk load."""
        for quad in list(self._store.quads_for_pattern(_LOADING, _LOADING_GRAPH, None, _LOADING)):
            if isinstance(quad.object, ox.NamedNode):
                self._store.remove_graph(quad.object)
            self._store.remove(quad)
        for name in list(self._store.named_graphs()):
            if isinstance(name, ox.NamedNode) and name.value.startswith((_STAGING, _LOADING.value)):
                self._store.remove_graph(name)

    def load(
        self,
        source: str | Path | bytes,
        *,
        format: RdfFormat | None = None,
        graph: str | None = None,
        replace: bool = False,
        trusted: bool = False,
    ) -> int:
        """Load RDF from a file path or bytes, all or nothing (see :meth:`Store.load`)."""
        name, fmt, target = _destination(source, format, graph)
        data = _read(source)
        if target is not None and not fmt.holds_graphs and not self._has_data(target):
            self._bulk_load(name, data, fmt, [target], trusted)
            return self._count(target)
        # Parse everything first, into memory, so that a malformed file never touches the store.
        staged = _parse(name, data, fmt, target, trusted)
        count = len(staged)
        names = [g.value for g in staged.named_graphs() if isinstance(g, ox.NamedNode)]
        written = [*names, *([target] if target is not None and target not in names else [])]
        if not any(self._has_data(g) for g in written):
            # every graph written is new, so nothing needs emptying: the bulk loader is all or nothing here too
            self._bulk_load(name, _dump(staged, ox.RdfFormat.N_QUADS), RdfFormat.NQUADS, names, trusted=True)
            return count
        if not replace:
            with _committing():
                self._store.load(_dump(staged, ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
            return count
        # Replace: write each graph next to its target, then swap them in with one update.
        moves = []
        for graph_node in names:
            staging = ox.NamedNode(f"{_STAGING}{uuid.uuid4()}")
            self._store.load(
                _dump(staged, ox.RdfFormat.N_TRIPLES, graph_node), format=ox.RdfFormat.N_TRIPLES, to_graph=staging
            )
            moves.append(f"MOVE SILENT GRAPH <{staging.value}> TO GRAPH <{graph_node}>")
        if target is not None and not moves:
            moves.append(f"DROP SILENT GRAPH <{target}>")
        if moves:
            with _committing():
                self._store.update(" ;\n".join(moves))
        return count

    def _has_data(self, graph: str) -> bool:
        return next(iter(self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))), None) is not None

    def _count(self, graph: str) -> int:
        # len() of a store on disk reads every quad of it: count the one graph
        table = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)})
        return int(str(table.rows[0][0]))

    def _bulk_load(self, name: str, data: bytes, fmt: RdfFormat, targets: list[str], trusted: bool) -> None:
        """Load into empty graphs with the fast bulk loader, which writes outside any transaction.

        Markers, written and removed in transactions of their own, name the graphs while they load: a
        load that fails or is killed leaves the markers, and the graphs are emptied again on the spot or
        when the store is next opened, so the store is as it was. Large N-Triples are loaded in parts side
        by side (the bulk loader itself keeps to one thread below a million triples).
        """
        markers = [ox.Quad(_LOADING, _LOADING_GRAPH, ox.NamedNode(target), _LOADING) for target in targets]
        self._store.extend(markers)
        on_disk = self.path is not None
        split = on_disk and fmt is RdfFormat.NTRIPLES and len(data) >= _SPLIT_BYTES and _LOADERS > 1
        parts = _parts(data, _LOADERS) if split else [data]
        # In memory a plain load is as fast and is itself all or nothing.
        loader = self._store.bulk_load if on_disk else self._store.load
        to_graph = None if fmt.holds_graphs else ox.NamedNode(targets[0])
        failures: dict[int, BaseException] = {}

        def load(index: int) -> None:
            try:
                loader(parts[index], format=fmt.oxigraph, to_graph=to_graph, lenient=trusted)
            except BaseException as err:  # raised again below, once every part has stopped
                failures[index] = err

        threads = [threading.Thread(target=load, args=(index,)) for index in range(1, len(parts))]
        for thread in threads:
            thread.start()
        load(0)
        for thread in threads:
            thread.join()
        if failures:
            index = min(failures)
            err = failures[index]
            failures.clear()  # no reference cycle may keep the store open once the error is handled
            for target in targets:
                self._store.remove_graph(ox.NamedNode(target))
            self._unmark(markers)
            try:
                if isinstance(err, SyntaxError):
                    lines_before = sum(part.count(b"\n") for part in parts[:index])
                    raise _syntax_error(name, err, lines_before) from err
                if isinstance(err, ValueError | OSError):
                    raise BadInputError(f"{name}: cannot read as {fmt.label}: {err}") from err
                raise err
            finally:
                del err
        with _committing():
            self._unmark(markers)

    def _unmark(self, markers: list[ox.Quad]) -> None:
        for marker in markers:
            self._store.remove(marker)
        # an emptied graph still has its name in Oxigraph: leave no trace of the markers
        if not self._has_data(_LOADING.value):
            self._store.remove_graph(_LOADING)

    def update(self, sparql: str) -> None:
        """Run a SPARQL update in one transaction."""
        try:
            with _committing():
                self._store.update(sparql)
        except SyntaxError as err:
            raise BadInputError(f"malformed SPARQL update: {' '.join(str(err).split())}") from err

    def _run(self, query: str, bindings: Mapping[str, Term]) -> Any:
        try:
            # hrgraph keeps every triple in a named graph: DESCRIBE reads them all
            describe = query_form(query) == "DESCRIBE"
            return self._store.query(_inject_values(query, bindings), use_default_graph_as_union=describe)
        except SyntaxError as err:
            raise BadInputError(f"malformed SPARQL query: {' '.join(str(err).split())}") from err
        except OSError as err:
            raise BadInputError(f"query failed: {err}") from err

    def _select(self, query: str, bindings: Mapping[str, Term]) -> Table:
        result = self._run(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise BadInputError("expected a SELECT query")
        columns = tuple(v.value for v in result.variables)
        rows = tuple(tuple(None if cell is None else _from_ox(cell) for cell in solution) for solution in result)
        return Table(columns, rows)

    def _ask(self, query: str, bindings: Mapping[str, Term]) -> bool:
        result = self._run(query, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise BadInputError("expected an ASK query")
        return bool(result)

    def _construct(self, query: str, bindings: Mapping[str, Term]) -> rdflib.Graph:
        result = self._run(query, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise BadInputError("expected a CONSTRUCT or DESCRIBE query")
        data = result.serialize(format=ox.RdfFormat.N_TRIPLES)
        return rdflib.Graph().parse(data=data, format="nt")

    def export(self, format: RdfFormat, *, graph: str | None = None) -> bytes:
        """Serialise one graph, or all named graphs in a dataset format."""
        if graph is None:
            if not format.holds_graphs:
                raise BadInputError(f"{format.label} holds one graph: name the graph, or export as nquads or trig")
            # hrgraph writes named graphs only, so the whole dataset is every named graph.
            return _dump(self._store, format.oxigraph)
        return _dump(self._store, format.oxigraph, graph_iri(graph))

    def close(self) -> None:
        """Flush and release the store; closing it again does nothing."""
        store = self.__dict__.pop("_store", None)
        if store is not None and self.path is not None:
            store.flush()

    def __getattr__(self, name: str) -> NoReturn:
        if name == "_store":  # only missing once the store is closed
            raise HrgraphError(f"the store {self.path or 'in memory'} is closed")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


# --- a remote SPARQL endpoint ----------------------------------------------------------------------


def _skip_token(text: str, i: int) -> int:
    """Return the index after a comment, string or IRI starting at ``i``, or ``i`` if none starts there."""
    char = text[i]
    if char == "#":
        end = text.find("\n", i)
        return len(text) if end < 0 else end
    if char in "\"'":
        quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else char
        j = i + len(quote)
        while j < len(text):
            if text[j] == "\\":
                j += 2
                continue
            if text.startswith(quote, j):
                return j + len(quote)
            j += 1
        return len(text)
    if char == "<":
        match = re.match(r"<[^\s<>\"{}|^`\\]*>", text[i:])
        if match:
            return i + match.end()
    return i


def _inject_values(query: str, bindings: Mapping[str, Term]) -> str:
    """Bind variables by putting a VALUES block first in the query's outer WHERE group.

    Every value is written as an escaped RDF term, so a value can never change the query's structure.
    """
    if not bindings:
        return query
    i = 0
    seen_where = False
    while i < len(query):
        skipped = _skip_token(query, i)
        if skipped != i:
            i = skipped
            continue
        if query[i : i + 5].upper() == "WHERE" and (i == 0 or not query[i - 1].isalnum()):
            seen_where = True
        elif query[i] == "{" and (seen_where or not re.match(r"(?is).*\bCONSTRUCT\b", query[:i])):
            variables = " ".join(f"?{k}" for k in bindings)
            values = " ".join(v.n3() for v in bindings.values())
            return f"{query[: i + 1]} VALUES ({variables}) {{ ({values}) }} {query[i + 1 :]}"
        i += 1
    raise BadInputError("cannot bind parameters: the query has no WHERE group")


def query_form(text: str) -> str:
    """Return ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` for a query text.

    >>> query_form("# a comment with SELECT\\nASK { ?s ?p ?o }")
    'ASK'
    """
    i = 0
    while i < len(text):
        skipped = _skip_token(text, i)
        if skipped != i:
            i = skipped
            continue
        match = _FORM.match(text, i)
        if match and (i == 0 or not text[i - 1].isalnum()):
            return match.group(1).upper()
        i += 1
    raise BadInputError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")


@dataclass(frozen=True)
class _Answer:
    """What a SPARQL server answered: the URL asked, the media type and the body."""

    url: str
    media_type: str
    body: bytes

    def not_sparql(self) -> EndpointError:
        """Return the error for an answer that no SPARQL endpoint gives."""
        return EndpointError(f"{self.url}: not a SPARQL endpoint (answered {self.media_type})")


def _timeout_from_env() -> float:
    """Return the seconds given by HRGRAPH_TIMEOUT, or the default of 60."""
    text = os.environ.get("HRGRAPH_TIMEOUT", "").strip()
    if not text:
        return _TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise BadInputError(f"HRGRAPH_TIMEOUT: not a number of seconds above 0: {text!r}")
    return seconds


class RemoteStore(Store):
    """A SPARQL 1.1 server: Oxigraph, Apache Jena Fuseki, Virtuoso, GraphDB and others.

    ``endpoint`` is the query URL. The update and Graph Store Protocol URLs default to Oxigraph's layout
    (``…/query`` → ``…/update`` and ``…/store``); give them for servers laid out otherwise
    (Fuseki: ``/ds/sparql``, ``/ds/update``, ``/ds/data``). Each request may take ``timeout`` seconds,
    by default those of the environment variable HRGRAPH_TIMEOUT, else 60.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        store_endpoint: str | None = None,
        timeout: float | None = None,
    ) -> None:
        if not re.match(r"^https?://", endpoint):
            raise BadInputError(f"not an http(s) endpoint URL: {endpoint!r}")
        self.endpoint = endpoint
        base = endpoint.rsplit("/", 1)[0] if endpoint.rstrip("/").endswith(("/query", "/sparql")) else endpoint
        self.update_endpoint = update_endpoint or base.rstrip("/") + "/update"
        self.store_endpoint = store_endpoint or base.rstrip("/") + "/store"
        self.timeout = _timeout_from_env() if timeout is None else timeout
        self._confirmed = False

    def _request(self, url: str, *, method: str, body: bytes | None, headers: Mapping[str, str]) -> _Answer:
        request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return _Answer(url, response.headers.get_content_type(), bytes(response.read()))
        except urllib.error.HTTPError as err:
            detail = err.read().decode("utf-8", "replace").strip().splitlines()
            first = detail[0][:300] if detail else err.reason
            raise EndpointError(f"{url}: the server answered {err.code}: {first}") from err
        except (http.client.HTTPException, ConnectionError) as err:
            # urllib wraps errors of connecting in URLError: these come after the request was sent
            raise EndpointError(f"{url}: the connection was cut before the answer was complete") from err
        except (TimeoutError, urllib.error.URLError) as err:  # a timeout while connecting is a URLError
            reason = getattr(err, "reason", err)
            if isinstance(reason, TimeoutError):
                raise EndpointError(f"{url}: no answer within {self.timeout:g} s") from err
            raise EndpointError(f"{url}: cannot reach the SPARQL endpoint: {reason}") from err

    def _query(self, query: str, bindings: Mapping[str, Term], accept: str, **dataset: list[str]) -> _Answer:
        fields = {"query": _inject_values(query, bindings), **dataset}
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        return self._request(self.endpoint, method="POST", body=body, headers=headers)

    def _results(self, query: str, bindings: Mapping[str, Term]) -> dict[str, Any]:
        """Return the SPARQL JSON results of a SELECT or ASK, or say the server is not a SPARQL endpoint."""
        answer = self._query(query, bindings, "application/sparql-results+json")
        try:
            results = json.loads(answer.body)
        except ValueError:
            results = None
        if not isinstance(results, dict) or "head" not in results or not ("results" in results or "boolean" in results):
            raise answer.not_sparql()
        return results

    def _select(self, query: str, bindings: Mapping[str, Term]) -> Table:
        answer = self._results(query, bindings)
        if "results" not in answer:
            raise BadInputError("expected a SELECT query")
        columns = tuple(answer["head"]["vars"])
        rows = tuple(
            tuple(_from_json(binding[c]) if c in binding else None for c in columns)
            for binding in answer["results"]["bindings"]
        )
        return Table(columns, rows)

    def _ask(self, query: str, bindings: Mapping[str, Term]) -> bool:
        answer = self._results(query, bindings)
        if "boolean" not in answer:
            raise BadInputError("expected an ASK query")
        return bool(answer["boolean"])

    def _construct(self, query: str, bindings: Mapping[str, Term]) -> rdflib.Graph:
        dataset: dict[str, list[str]] = {}
        if query_form(query) == "DESCRIBE":
            # as in the embedded store, DESCRIBE reads every named graph: name them all as the
            # request's dataset (SPARQL 1.1 Protocol), the default graph being their merge
            names = list(self.graphs())
            dataset = {"default-graph-uri": names, "named-graph-uri": names}
        answer = self._query(query, bindings, "application/n-triples", **dataset)
        if answer.media_type not in ("application/n-triples", "text/plain"):
            raise answer.not_sparql()
        try:
            return rdflib.Graph().parse(data=answer.body, format="nt")
        except Exception as err:  # rdflib raises assorted errors for text that is not N-Triples
            raise answer.not_sparql() from err

    def _confirm(self) -> None:
        """Before the first write, make sure the query endpoint is a SPARQL endpoint at all.

        A write's answer is empty or free text, so a web server that answers every request with 200
        would otherwise pass for a SPARQL server that accepted it.
        """
        if not self._confirmed:
            self._ask("ASK {}", {})
            self._confirmed = True

    def update(self, sparql: str) -> None:
        """Send a SPARQL update; the server applies it as one transaction."""
        self._confirm()
        body = urllib.parse.urlencode({"update": sparql}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        with _committing():
            self._request(self.update_endpoint, method="POST", body=body, headers=headers)

    def load(
        self,
        source: str | Path | bytes,
        *,
        format: RdfFormat | None = None,
        graph: str | None = None,
        replace: bool = False,
        trusted: bool = False,
    ) -> int:
        """Upload RDF over the Graph Store Protocol, after checking locally that it parses, all or nothing.

        Each graph goes to a staging graph of its own, which is then looked for through the query endpoint,
        so an upload URL that is not a Graph Store Protocol endpoint is an error rather than a silent loss.
        One SPARQL update then moves (``replace``) or adds every staging graph into its graph; if anything
        fails before, the staging graphs are dropped and the graphs are as they were.
        """
        _, fmt, target = _destination(source, format, graph)
        self._confirm()
        with EmbeddedStore() as staged:
            count = staged.load(source, format=fmt, graph=target, trusted=trusted)
            names = list(staged.graphs())
            staging = {name: f"{_STAGING}{uuid.uuid4()}" for name in names}
            try:
                for name, stage in staging.items():
                    self._upload(_dump(staged._store, ox.RdfFormat.N_TRIPLES, name), stage)
                if replace:
                    swaps = [f"MOVE SILENT GRAPH <{stage}> TO GRAPH <{name}>" for name, stage in staging.items()]
                    if target is not None and target not in staging:
                        swaps.append(f"DROP SILENT GRAPH <{target}>")
                else:
                    swaps = [
                        f"ADD SILENT GRAPH <{stage}> TO GRAPH <{name}> ;\nDROP SILENT GRAPH <{stage}>"
                        for name, stage in staging.items()
                    ]
                if swaps:
                    self.update(" ;\n".join(swaps))
            except BaseException:
                self._drop_graphs(list(staging.values()))
                raise
        return count

    def _upload(self, payload: bytes, graph: str) -> None:
        """Put N-Triples into a graph over the Graph Store Protocol and check that the graph is there."""
        url = f"{self.store_endpoint}?{urllib.parse.urlencode({'graph': graph})}"
        headers = {"Content-Type": "application/n-triples"}
        answer = self._request(url, method="PUT", body=payload, headers=headers)
        if not self.ask("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)}):
            raise EndpointError(
                f"{url}: not a Graph Store Protocol endpoint (answered {answer.media_type},"
                f" and the graph is not on the server)"
            )

    def _drop_graphs(self, graphs: list[str]) -> None:
        """Drop staging graphs after a failed load, as far as the server still answers."""
        if not graphs:
            return
        try:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in graphs))
        except HrgraphError:
            pass  # the error that made the load fail is the one to report

    def export(self, format: RdfFormat, *, graph: str | None = None) -> bytes:
        """Fetch one graph, or every named graph, and serialise it.

        Blank nodes keep the names the server gives them, so one shared by two graphs stays one, and the
        output is the same on every run as long as the server's data is.
        """
        if graph is None and not format.holds_graphs:
            raise BadInputError(f"{format.label} holds one graph: name the graph, or export as nquads or trig")
        names = [graph_iri(graph)] if graph is not None else list(self.graphs())
        staged = ox.Store()
        for name in names:
            url = f"{self.store_endpoint}?{urllib.parse.urlencode({'graph': name})}"
            answer = self._request(url, method="GET", body=None, headers={"Accept": "application/n-triples"})
            try:
                # ox.parse keeps the server's blank node names (a load into a store would rename them)
                graph_node = ox.NamedNode(name)
                triples = ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)
                staged.extend(ox.Quad(t.subject, t.predicate, t.object, graph_node) for t in triples)
            except SyntaxError as err:
                raise EndpointError(f"{url}: the server's answer is not N-Triples: {err}") from err
        return _dump(staged, format.oxigraph, names[0] if graph is not None else None)

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""


def open_store(
    path: str | Path | None = None,
    *,
    endpoint: str | None = None,
    memory: bool = False,
    update_endpoint: str | None = None,
    store_endpoint: str | None = None,
    create: bool = True,
) -> Store:
    """Open the embedded store in the folder ``path``, a remote ``endpoint``, or a fresh in-memory store.

    With ``create=False`` a folder that holds no store is an error, and nothing is written there.
    """
    if endpoint is not None:
        return RemoteStore(endpoint, update_endpoint=update_endpoint, store_endpoint=store_endpoint)
    if memory:
        return EmbeddedStore()
    if path is None:
        raise BadInputError("say where the store is: a folder, an endpoint, or memory=True")
    return EmbeddedStore(path, create=create)
