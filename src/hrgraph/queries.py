"""Named SPARQL queries: the packaged catalogue, their documented headers, and safe parameter binding.

Each query is one ``.rq`` file whose header comment documents it::

    # title: Provisions of an instrument
    # description: Every article and paragraph of one instrument, in order.
    # param: instrument (iri) the instrument, e.g. https://w3id.org/hrgraph/id/icescr
    # param: kind (string, optional) only provisions of this kind
    # columns: provision, number, label

Parameters are bound as RDF terms (Oxigraph substitutions, or a VALUES block for a remote endpoint),
never pasted into the query text, so a value cannot change what the query does.

>>> {"graphs", "classes", "provisions"} <= {q.name for q in catalogue()}
True
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib.abc import Traversable
from pathlib import Path

import rdflib
from rdflib.term import Literal, URIRef

from hrgraph.errors import BadInputError, UnknownNameError
from hrgraph.resources import query_files
from hrgraph.store import Store, Table, Term, check_iri, query_form, read_file

__all__ = ["Parameter", "Query", "as_term", "catalogue", "find_query", "query_form", "run_query"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_KINDS: dict[str, str | None] = {
    "iri": None,
    "string": None,
    "integer": _XSD + "integer",
    "decimal": _XSD + "decimal",
    "date": _XSD + "date",
    "boolean": _XSD + "boolean",
}
_LEXICAL = {
    "integer": re.compile(r"[+-]?[0-9]+"),
    "decimal": re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"),
    "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?"),
    "boolean": re.compile(r"true|false|1|0"),
}
_LANG_STRING = re.compile(r'"(?P<text>.*)"@(?P<lang>[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*)', re.DOTALL)
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*\((?P<kind>\w+)(?P<optional>\s*,\s*optional)?\)\s*(?P<doc>.*)$")


@dataclass(frozen=True)
class Parameter:
    """A documented query parameter."""

    name: str
    kind: str
    optional: bool
    description: str


@dataclass(frozen=True)
class Query:
    """A SPARQL query with its documentation."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    parameters: tuple[Parameter, ...] = ()
    columns: tuple[str, ...] = field(default=())
    source: str = ""

    @property
    def form(self) -> str:
        """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``."""
        return query_form(self.text)

    def bind(self, values: Mapping[str, str]) -> dict[str, Term]:
        """Check parameter values given as text against the header and turn them into RDF terms.

        A query without declared parameters takes any name; ``<…>`` values are IRIs, others strings.
        """
        declared = {p.name: p for p in self.parameters}
        bound: dict[str, Term] = {}
        for name, value in values.items():
            if declared and name not in declared:
                known = ", ".join(declared) or "none"
                raise UnknownNameError(f"query {self.name!r} has no parameter {name!r} (parameters: {known})")
            if not value.strip():
                raise BadInputError(f"parameter {name!r} is empty: give it a value, or leave it out if it is optional")
            try:
                if name in declared:
                    bound[name] = as_term(value, declared[name].kind)
                elif value.startswith("<") and value.endswith(">"):
                    bound[name] = as_term(value[1:-1], "iri")
                else:
                    bound[name] = as_term(value, "string")
            except BadInputError as err:
                raise BadInputError(f"parameter {name!r}: {err}") from err
        missing = [p.name for p in self.parameters if not p.optional and p.name not in bound]
        if missing:
            raise BadInputError(f"query {self.name!r} needs parameter(s) {', '.join(missing)} (give -p NAME=VALUE)")
        return bound


def as_term(value: str, kind: str = "string") -> Term:
    """Turn a parameter given as text into an RDF term of the declared kind.

    A string written ``"text"@lang`` is a language-tagged literal; any other string is a plain one.

    >>> as_term("https://w3id.org/hrgraph/id/icescr", "iri")
    rdflib.term.URIRef('https://w3id.org/hrgraph/id/icescr')
    >>> as_term('"Example City"@en')
    rdflib.term.Literal('Example City', lang='en')
    >>> as_term("two", "integer")
    Traceback (most recent call last):
    hrgraph.errors.BadInputError: 'two' is not a valid integer
    """
    if kind not in _KINDS:
        raise UnknownNameError(f"unknown parameter type {kind!r}: use one of {', '.join(_KINDS)}")
    if kind == "iri":
        check_iri(value)
        return URIRef(value)
    datatype = _KINDS[kind]
    if datatype is None:
        tagged = _LANG_STRING.fullmatch(value)
        return Literal(tagged["text"], lang=tagged["lang"]) if tagged else Literal(value)
    # checked here, before rdflib sees it: rdflib logs a warning and a traceback for an ill-typed value
    if not _LEXICAL[kind].fullmatch(value.strip()) or (kind == "date" and not _real_date(value.strip())):
        raise BadInputError(f"{value!r} is not a valid {kind}")
    return Literal(value.strip(), datatype=URIRef(datatype))


def _real_date(value: str) -> bool:
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def parse_query(name: str, text: str, source: str = "") -> Query:
    """Read a query and its header comment."""
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    last = ""
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        body = line[1:].strip()
        key, sep, rest = body.partition(":")
        if sep and key in ("title", "description", "columns"):
            fields[key] = rest.strip()
            last = key
        elif sep and key == "param":
            match = _PARAM.match(rest.strip())
            if not match or match["kind"] not in _KINDS:
                raise BadInputError(
                    f"{source or name}: bad parameter line {line!r}: write 'param: NAME (TYPE[, optional]) TEXT',"
                    f" TYPE one of {', '.join(_KINDS)}"
                )
            params.append(Parameter(match["name"], match["kind"], bool(match["optional"]), match["doc"]))
            last = ""
        elif last == "description" and body:
            fields["description"] += " " + body
    columns = tuple(c.strip() for c in fields.get("columns", "").split(",") if c.strip())
    return Query(
        name=name,
        text=text,
        title=fields.get("title", ""),
        description=fields.get("description", ""),
        parameters=tuple(params),
        columns=columns,
        source=source,
    )


def _read(file: Traversable) -> Query:
    return parse_query(file.name.removesuffix(".rq"), file.read_text(encoding="utf-8-sig"), source=str(file))


def catalogue() -> list[Query]:
    """Return the packaged queries, sorted by name."""
    return [_read(f) for f in query_files()]


def find_query(name_or_path: str | Path) -> Query:
    """Return a packaged query by name, or read a ``.rq`` file."""
    path = Path(name_or_path)
    if path.suffix == ".rq" or path.is_file():
        if not path.exists():
            raise BadInputError(f"{path}: no such query file")
        try:
            # utf-8-sig: a byte-order mark, as some editors write, is not part of the query
            text = read_file(path).decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise BadInputError(f"{path}: not UTF-8 text: {err.reason} at byte {err.start}") from err
        return parse_query(path.stem, text, source=str(path))
    queries = {q.name: q for q in catalogue()}
    if str(name_or_path) in queries:
        return queries[str(name_or_path)]
    close = difflib.get_close_matches(str(name_or_path), list(queries), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `hrgraph queries` lists them"
    raise UnknownNameError(f"unknown query {str(name_or_path)!r}{hint}")


def run_query(store: Store, query: Query, params: Mapping[str, str] | None = None) -> Table | bool | rdflib.Graph:
    """Run a query on a store with its parameters bound: a Table for SELECT, a bool for ASK, else a Graph.

    An error in the query itself (its syntax, its form) names the query's file.
    """
    bindings = query.bind(params or {})
    try:
        form = query.form
        if form == "SELECT":
            return store.select(query.text, bindings)
        if form == "ASK":
            return store.ask(query.text, bindings)
        return store.construct(query.text, bindings)
    except BadInputError as err:
        raise BadInputError(f"{query.source or query.name}: {err}") from err
