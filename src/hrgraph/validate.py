"""SHACL validation of the graph and the human rights city scorecard.

The shapes in ``shapes/`` (and any shapes file a user adds) are compiled into SPARQL queries, one per
constraint, that the store answers for every focus node at once: the results are those a SHACL
processor gives on the same data (the benchmark compares them with pySHACL), but a network of cities
is checked in seconds instead of minutes. Shapes that use a feature the compiler does not translate
(``sh:node``, ``sh:or``, ``sh:qualifiedValueShape`` …) are run by pySHACL on an rdflib copy of the
data, so any SHACL-SPARQL shapes file works.

What is validated: for the whole embedded store, the union of all its graphs (the ontology gives the
subclass axioms, the standards graph the membership of articles in instruments); for one city, or on a
remote endpoint city by city, the city's graphs (``city/``, ``proposed/``, ``curated/``) with the
ontology, standards and inferred graphs, the focus nodes being those the city's own graphs describe.
The results are grouped by instrument, plan and item, and a summary counts the items checked and
complete (an item is complete when no violation concerns it, its indicators, observations or links).

>>> from hrgraph.store import open_store
>>> with open_store(memory=True) as store:
...     report = validate(store)
>>> report.conforms, report.summary.items_checked
(True, 0)
"""

from __future__ import annotations

import codecs
import csv
import enum
import html
import io
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import BNode, Literal, Node, URIRef

from hrgraph.errors import BadInputError, MalformedRDFError, UnknownNameError
from hrgraph.namespace import compact
from hrgraph.resources import corpus_files, ontology_file, shape_files
from hrgraph.store import (
    GRAPH_BASE,
    EmbeddedStore,
    RdfFormat,
    Store,
    Table,
    Term,
    _from_ox,
    _skip_token,
    city_slug,
    graph_iri,
    read_file,
)

__all__ = [
    "ElementStatus",
    "Evidence",
    "ReportFormat",
    "Scorecard",
    "ScorecardElement",
    "ScorecardFormat",
    "Severity",
    "Shapes",
    "Summary",
    "ValidationReport",
    "ValidationResult",
    "load_shapes",
    "pyshacl_results",
    "scorecard",
    "validate",
    "validate_corpus",
    "validate_files",
]

HRGSC = rdflib.Namespace("https://w3id.org/hrgraph/shapes/scorecard#")
_HRG = "https://w3id.org/hrgraph/ontology#"
_TYPE_OF = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
_XSD = "http://www.w3.org/2001/XMLSchema#"
# Datatypes whose lexical forms both engines check (rdflib's ill_typed and a SPARQL cast).
_CHECKED_DATATYPES = {
    _XSD + t for t in ("date", "dateTime", "time", "integer", "decimal", "double", "float", "boolean", "gYear")
}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# Shape parameters the compiler translates; any other sh: parameter sends the shape to pySHACL.
_COMPILED = {
    *_TARGETS,
    SH.property,
    SH.sparql,
    SH.severity,
    SH.message,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.path,
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH["class"],
    SH.nodeKind,
    SH["in"],
    SH.pattern,
    SH.flags,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.hasValue,
    SH.defaultValue,
}
_NODE_KINDS: dict[Node, str] = {
    SH.IRI: "isIRI(?value)",
    SH.BlankNode: "isBlank(?value)",
    SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
}
_RANGES = {
    SH.minInclusive: (">=", SH.MinInclusiveConstraintComponent),
    SH.maxInclusive: ("<=", SH.MaxInclusiveConstraintComponent),
    SH.minExclusive: (">", SH.MinExclusiveConstraintComponent),
    SH.maxExclusive: ("<", SH.MaxExclusiveConstraintComponent),
}
_DATASET = "%%DATASET%%"
_TARGET = "%%TARGET%%"


class Severity(enum.Enum):
    """How serious a validation result is, from the shape's ``sh:severity``."""

    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"

    @property
    def iri(self) -> URIRef:
        """The SHACL term: ``sh:Violation``, ``sh:Warning`` or ``sh:Info``."""
        return SH[self.value.capitalize()]

    @classmethod
    def from_iri(cls, iri: Node | None) -> Severity:
        """Return the severity named by a SHACL term (``sh:Violation`` when none is given)."""
        for severity in cls:
            if iri is None and severity is cls.VIOLATION or iri == severity.iri:
                return severity
        raise BadInputError(f"unknown severity {iri}: use sh:Violation, sh:Warning or sh:Info")


@dataclass(frozen=True)
class ValidationResult:
    """One result: a focus node that a shape's constraint finds wanting, and what to do about it.

    ``path`` is the property path in SPARQL syntax with hrgraph's prefixes (``hrg:indicator``);
    ``item`` and ``instrument`` place the result in the city's documents (filled by :func:`validate`).
    """

    focus: Term
    path: str | None
    severity: Severity
    message: str
    shape: Term
    value: Term | None = None
    component: str = ""
    item: str | None = None
    instrument: str | None = None

    def key(self) -> tuple[str, ...]:
        """Return what makes two results the same, whatever engine found them (blank nodes count as equal)."""

        def text(term: Term | None) -> str:
            return "" if term is None else "_:" if isinstance(term, BNode) else term.n3()

        return (
            text(self.focus),
            self.path or "",
            self.severity.value,
            self.message,
            text(self.shape),
            text(self.value),
            self.component,
        )


@dataclass(frozen=True)
class Summary:
    """Counts for the summary line of a report."""

    items_checked: int
    items_complete: int
    violations: int
    warnings: int
    infos: int

    def __str__(self) -> str:
        return (
            f"{self.items_checked} items checked, {self.items_complete} complete, "
            f"{self.violations} violations, {self.warnings} warnings"
        )


class ReportFormat(enum.Enum):
    """How a validation report is written."""

    TEXT = "text"
    TURTLE = "turtle"
    JSON = "json"
    CSV = "csv"


@dataclass(frozen=True)
class ValidationReport:
    """The results of a validation, with the counts and names needed to print them.

    ``conforms`` is true when there is no violation (warnings and infos do not fail a validation,
    as with ``pyshacl --allow-warnings``).
    """

    results: tuple[ValidationResult, ...]
    items_checked: int = 0
    items_complete: int = 0
    labels: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def conforms(self) -> bool:
        """True when no result is a violation."""
        return not any(r.severity is Severity.VIOLATION for r in self.results)

    @property
    def summary(self) -> Summary:
        """The counts of the summary line."""
        counts = {s: sum(1 for r in self.results if r.severity is s) for s in Severity}
        return Summary(
            self.items_checked,
            self.items_complete,
            counts[Severity.VIOLATION],
            counts[Severity.WARNING],
            counts[Severity.INFO],
        )

    def label(self, iri: str | None) -> str:
        """Return a readable name for a node of the report: its label, or its IRI in short form."""
        if iri is None:
            return ""
        return self.labels.get(iri) or compact(iri)

    def render(self, fmt: ReportFormat = ReportFormat.TEXT) -> bytes:
        """Write the report as text (grouped by instrument, plan and item), Turtle, JSON or CSV."""
        if fmt is ReportFormat.TURTLE:
            return _report_graph(self).serialize(format="turtle", encoding="utf-8")
        if fmt is ReportFormat.JSON:
            data = {
                "conforms": self.conforms,
                "summary": self.summary.__dict__,
                "results": [_result_record(r) for r in self.results],
            }
            return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
        if fmt is ReportFormat.CSV:
            buffer = io.StringIO()
            records = [_result_record(r) for r in self.results]
            columns = ["severity", "instrument", "item", "focus", "path", "value", "message", "shape", "component"]
            writer = csv.DictWriter(buffer, columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(records)
            return buffer.getvalue().encode()
        return _report_text(self).encode()


def _result_record(result: ValidationResult) -> dict[str, Any]:
    return {
        "severity": result.severity.value,
        "instrument": result.instrument or "",
        "item": result.item or "",
        "focus": str(result.focus),
        "path": result.path or "",
        "value": "" if result.value is None else str(result.value),
        "message": result.message,
        "shape": str(result.shape),
        "component": result.component,
    }


def _report_text(report: ValidationReport) -> str:
    """Group the results by instrument, then by item or provision, then list them."""
    order = {Severity.VIOLATION: 0, Severity.WARNING: 1, Severity.INFO: 2}
    groups: dict[str, dict[str, list[ValidationResult]]] = defaultdict(lambda: defaultdict(list))
    for result in report.results:
        instrument = result.instrument or ""
        item = result.item or ("" if result.instrument == str(result.focus) else str(result.focus))
        groups[instrument][item].append(result)

    def heading(node: str) -> str:
        label = report.label(node)
        return f"<{node}>" if label == node else f"{label} <{node}>"

    lines: list[str] = []
    for instrument in sorted(groups, key=lambda i: (i == "", report.label(i))):
        lines.append(heading(instrument) if instrument else "Outside any instrument")
        for item in sorted(groups[instrument], key=lambda i: (i != "", _natural(report.label(i)), i)):
            indent = "  "
            if item:
                lines.append(f"  {heading(item)}")
                indent = "    "
            for r in sorted(groups[instrument][item], key=lambda r: (order[r.severity], r.path or "", r.message)):
                where = r.path or ""
                if str(r.focus) not in (item, instrument):
                    where = f"{report.label(str(r.focus))} {where}".strip()
                lines.append(
                    f"{indent}{r.severity.value:<9} {where}: {r.message}"
                    if where
                    else f"{indent}{r.severity.value:<9} {r.message}"
                )
        lines.append("")
    lines.append(f"summary: {report.summary}")
    return "\n".join(lines) + "\n"


def _natural(text: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _report_graph(report: ValidationReport) -> rdflib.Graph:
    """Build the SHACL report graph; its blank nodes are numbered in the order of the results.

    The Turtle serializer orders blank nodes by their ids: random ids would give a different file
    for the same report at each run.
    """
    graph = rdflib.Graph()
    graph.bind("sh", SH)
    root = BNode("report")
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.conforms)))
    width = len(str(len(report.results)))
    for number, result in enumerate(report.results):
        node = BNode(f"result{number:0{width}d}")
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, result.focus))
        graph.add((node, SH.resultSeverity, result.severity.iri))
        graph.add((node, SH.resultMessage, Literal(result.message)))
        graph.add((node, SH.sourceShape, result.shape))
        if result.component:
            graph.add((node, SH.sourceConstraintComponent, URIRef(result.component)))
        if result.value is not None:
            graph.add((node, SH.value, result.value))
        if result.path:
            graph.add((node, SH.resultPath, _path_node(graph, result.path, f"{node}path")))
    return graph


def _path_node(graph: rdflib.Graph, path: str, name: str) -> Node:
    """Turn a path written in SPARQL syntax back into a SHACL path (for the Turtle report).

    Its blank nodes are ``name`` followed by a number.
    """
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
    from rdflib.paths import Path as RdfPath
    from rdflib.plugins.sparql import prepareQuery

    from hrgraph.namespace import PREFIXES

    algebra = prepareQuery(f"SELECT * WHERE {{ ?s {path} ?o }}", initNs=PREFIXES).algebra
    triple = algebra["p"]["p"]["triples"][0]
    numbers = itertools.count()

    def fresh() -> BNode:
        return BNode(f"{name}{next(numbers)}")

    def build(p: URIRef | RdfPath) -> Node:
        if isinstance(p, URIRef):
            return p
        node = fresh()
        if isinstance(p, InvPath):
            graph.add((node, SH.inversePath, build(p.arg)))
        elif isinstance(p, MulPath):
            kind = {"*": SH.zeroOrMorePath, "+": SH.oneOrMorePath, "?": SH.zeroOrOnePath}[p.mod]
            graph.add((node, kind, build(p.path)))
        elif isinstance(p, SequencePath | AlternativePath):
            items = [build(a) for a in p.args]
            head: Node = node if isinstance(p, SequencePath) else fresh()
            if isinstance(p, AlternativePath):
                graph.add((node, SH.alternativePath, head))
            for position, item in enumerate(items):
                rest: Node = fresh() if position < len(items) - 1 else RDF.nil
                graph.add((head, RDF.first, item))
                graph.add((head, RDF.rest, rest))
                head = rest
        return node

    return build(triple[1])


# --- shapes ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Check:
    """One constraint of one shape, as a SPARQL SELECT with markers for the targets and the dataset."""

    shape: URIRef | BNode
    component: URIRef
    severity: Severity
    query: str
    messages: tuple[str, ...]
    templates: tuple[str, ...] = ()
    path: str | None = None
    property_shape: bool = False
    sparql: bool = False


class Shapes:
    """A set of SHACL shapes, compiled into SPARQL queries.

    >>> shapes = load_shapes()
    >>> len(shapes.checks) > 40, shapes.fallback
    (True, ())
    """

    def __init__(self, graph: rdflib.Graph, origins: Mapping[Node, str] | None = None) -> None:
        self.graph = graph
        self._origins = dict(origins or {})
        checks: list[_Check] = []
        fallback: list[Node] = []
        for shape in _top_shapes(graph):
            try:
                checks.extend(self._compile(shape))
            except _UnsupportedError:
                fallback.append(shape)
        self.checks = tuple(checks)
        self.fallback = tuple(fallback)
        _check_syntax(self)

    def origin(self, shape: Node) -> str:
        """Return the file a shape comes from, for error messages."""
        return self._origins.get(shape, "shapes")

    def name(self, shape: Node) -> str:
        """Return the shape's IRI in short form, or a description of a blank node shape."""
        return compact(str(shape)) if isinstance(shape, URIRef) else "a blank node shape"

    def _fail(self, shape: Node, reason: str) -> BadInputError:
        return BadInputError(f"{self.origin(shape)}: shape {self.name(shape)}: {reason}")

    def _compile(self, shape: URIRef | BNode) -> list[_Check]:
        g = self.graph
        if _deactivated(g, shape):
            return []
        _supported(g, shape)
        checks: list[_Check] = []
        if g.value(shape, SH.path) is not None:
            checks.extend(self._property_checks(shape))
        else:
            checks.extend(self._value_checks(shape, None))
            checks.extend(self._sparql_checks(shape, None))
        for prop in g.objects(shape, SH.property):
            if not isinstance(prop, URIRef | BNode):
                raise self._fail(shape, f"sh:property {prop} is not a shape")
            if _deactivated(g, prop):
                continue
            _supported(g, prop)
            if g.value(prop, SH.path) is None:
                raise self._fail(prop, "a property shape needs sh:path")
            checks.extend(self._property_checks(prop))
        targets = _target_patterns(g, shape)
        return [replace(c, query=c.query.replace(_TARGET, targets, 1)) for c in checks] if targets else checks

    def _property_checks(self, shape: URIRef | BNode) -> list[_Check]:
        path = self._path(shape)
        checks = self._value_checks(shape, path)
        severity = self._severity(shape)
        messages = _messages(self.graph, shape)
        name = self.name(shape)
        count_rules = (
            (SH.minCount, "<", SH.MinCountConstraintComponent),
            (SH.maxCount, ">", SH.MaxCountConstraintComponent),
        )
        for param, op, component in count_rules:
            for limit in self.graph.objects(shape, param):
                number = limit.toPython() if isinstance(limit, Literal) else None
                if not isinstance(number, int) or isinstance(number, bool) or number < 0:
                    raise self._fail(shape, f"sh:{str(param).rsplit('#', 1)[-1]} must be a non-negative integer")
                if op == "<" and number == 0:
                    continue
                if op == "<" and number == 1:
                    query = f"SELECT ?this {_DATASET} WHERE {{ {_TARGET} MINUS {{ ?this {path} ?value }} }}"
                else:
                    pattern = f"OPTIONAL {{ ?this {path} ?value }}" if op == "<" else f"?this {path} ?value ."
                    query = (
                        f"SELECT ?this {_DATASET} WHERE {{ {_TARGET} {pattern} }} GROUP BY ?this "
                        f"HAVING (COUNT(DISTINCT ?value) {op} {number})"
                    )
                checks.append(
                    _Check(
                        shape,
                        component,
                        severity,
                        query,
                        messages or (f"{name}: {op} {number}",),
                        path=_display_path(self.graph, shape),
                        property_shape=True,
                    )
                )
        checks.extend(self._sparql_checks(shape, path))
        return checks

    def _severity(self, shape: Node) -> Severity:
        try:
            return Severity.from_iri(self.graph.value(shape, SH.severity))
        except BadInputError as err:
            raise self._fail(shape, str(err)) from None

    def _path(self, shape: Node) -> str:
        try:
            return _sparql_path(self.graph, self.graph.value(shape, SH.path))
        except ValueError as err:
            raise self._fail(shape, f"malformed sh:path: {err}") from None

    def _value_checks(self, shape: URIRef | BNode, path: str | None) -> list[_Check]:
        """Constraints on each value node: one result per failing value, with the value."""
        g = self.graph
        conditions: list[tuple[URIRef, str]] = []
        for datatype in g.objects(shape, SH.datatype):
            conditions.append((SH.DatatypeConstraintComponent, _datatype_condition(datatype)))
        for cls in g.objects(shape, SH["class"]):
            conditions.append((SH.ClassConstraintComponent, f"MINUS {{ ?value {_TYPE_OF} {_n3(cls)} }}"))
        for kind in g.objects(shape, SH.nodeKind):
            if kind not in _NODE_KINDS:
                raise self._fail(shape, f"unknown sh:nodeKind {kind}")
            conditions.append((SH.NodeKindConstraintComponent, f"!{_NODE_KINDS[kind]}"))
        for members in g.objects(shape, SH["in"]):
            terms = " || ".join(f"sameTerm(?value, {_n3(m)})" for m in Collection(g, members))
            conditions.append((SH.InConstraintComponent, f"!({terms or 'false'})"))
        flags = g.value(shape, SH.flags)
        for pattern in g.objects(shape, SH.pattern):
            flag_text = "".join(f for f in str(flags or "").lower() if f in "im")
            regex = f"REGEX(STR(?value), {_n3(Literal(str(pattern)))}, {_n3(Literal(flag_text))})"
            conditions.append((SH.PatternConstraintComponent, f"isBlank(?value) || !{regex}"))
        for param, (op, component) in _RANGES.items():
            for limit in g.objects(shape, param):
                conditions.append((component, f"!COALESCE(isLiteral(?value) && ?value {op} {_n3(limit)}, false)"))
        severity = self._severity(shape)
        messages = _messages(g, shape)
        checks = []
        values = f"?this {path} ?value ." if path else "BIND (?this AS ?value)"
        for component, condition in conditions:
            test = condition if condition.startswith("MINUS") else f"FILTER ({condition})"
            query = f"SELECT DISTINCT ?this ?value {_DATASET} WHERE {{ {_TARGET} {values} {test} }}"
            checks.append(
                _Check(
                    shape,
                    component,
                    severity,
                    query,
                    messages or (f"{self.name(shape)}: {compact(str(component))}",),
                    path=_display_path(g, shape) if path else None,
                    property_shape=bool(path),
                )
            )
        for value in g.objects(shape, SH.hasValue):
            body = f"MINUS {{ ?this {path} {_n3(value)} }}" if path else f"FILTER (!sameTerm(?this, {_n3(value)}))"
            query = f"SELECT ?this {_DATASET} WHERE {{ {_TARGET} {body} }}"
            checks.append(
                _Check(
                    shape,
                    SH.HasValueConstraintComponent,
                    severity,
                    query,
                    messages or (f"{self.name(shape)}: needs {value}",),
                    path=_display_path(g, shape) if path else None,
                    property_shape=bool(path),
                )
            )
        return checks

    def _sparql_checks(self, shape: URIRef | BNode, path: str | None) -> list[_Check]:
        g = self.graph
        checks = []
        for constraint in g.objects(shape, SH.sparql):
            if _deactivated(g, constraint):
                continue
            select = g.value(constraint, SH.select)
            if not isinstance(select, Literal):
                raise self._fail(shape, "a SPARQL constraint needs sh:select with the text of a SELECT query")
            text = str(select)
            if "$shapesGraph" in text:
                raise _UnsupportedError
            if path is None and "$PATH" in text:
                raise self._fail(shape, "the SPARQL constraint uses $PATH, and the shape has no sh:path")
            prefixes = self._prefixes(constraint)
            missing = _undeclared_prefix(prefixes + text)
            if missing is not None:
                raise self._fail(shape, f"prefix {missing}: is not declared; add sh:prefixes")
            try:
                query = _rewrite_select(text, path or "", prefixes, shape)
            except ValueError as err:
                raise self._fail(shape, f"sh:select: {err}") from None
            templates = tuple(str(m) for m in g.objects(constraint, SH.message))
            checks.append(
                _Check(
                    shape,
                    SH.SPARQLConstraintComponent,
                    self._severity(shape),
                    query,
                    _messages(g, shape),
                    templates,
                    _display_path(g, shape) if path else None,
                    property_shape=path is not None,
                    sparql=True,
                )
            )
        return checks

    def _prefixes(self, constraint: Node) -> str:
        g = self.graph
        declared: dict[str, str] = {}
        for holder in g.objects(constraint, SH.prefixes):
            for decl in g.objects(holder, SH.declare):
                prefix, namespace = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
                if prefix is None or namespace is None:
                    raise self._fail(constraint, "every sh:declare needs sh:prefix and sh:namespace")
                declared[str(prefix)] = str(namespace)
        return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in declared.items())


_PREFIX_DECLARATION = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
# A prefixed name: a prefix (or none) and a colon, not inside a variable, a local name or a blank node label.
_PREFIXED_NAME = re.compile(r"(?<![\w.:?$-])([A-Za-z][\w.-]*)?:")


def _undeclared_prefix(query: str) -> str | None:
    """Return the first prefix a query uses without declaring it (``""`` for the empty prefix), or None."""
    masked = _mask(query)
    declared = {m.group(1) or "" for m in _PREFIX_DECLARATION.finditer(masked)}
    for match in _PREFIXED_NAME.finditer(masked):
        if (match.group(1) or "") not in declared:
            return match.group(1) or ""
    return None


class _UnsupportedError(Exception):
    """A shape uses a SHACL feature the compiler does not translate."""


def _deactivated(graph: rdflib.Graph, node: Node) -> bool:
    value = graph.value(node, SH.deactivated)
    return isinstance(value, Literal) and value.toPython() is True


def _supported(graph: rdflib.Graph, shape: Node) -> None:
    for predicate in set(graph.predicates(shape)):
        if str(predicate).startswith(str(SH)) and predicate not in _COMPILED:
            raise _UnsupportedError
    # Nested property shapes of a property shape apply to its values, which the compiler does not follow.
    if graph.value(shape, SH.path) is not None and graph.value(shape, SH.property) is not None:
        raise _UnsupportedError


def _top_shapes(graph: rdflib.Graph) -> list[URIRef | BNode]:
    """Return the shapes with targets: node shapes, and property shapes with targets of their own."""
    shapes = {s for t in _TARGETS for s in graph.subjects(t, None)}
    shapes |= {s for s in graph.subjects(RDF.type, SH.NodeShape) if (s, RDF.type, RDFS.Class) in graph}
    named = [s for s in shapes if isinstance(s, URIRef | BNode)]
    return sorted(named, key=lambda s: (isinstance(s, BNode), str(s)))


def _target_patterns(graph: rdflib.Graph, shape: Node) -> str:
    """Return the SPARQL group that binds ?this to each focus node of a shape, once."""
    parts = [f"?this {_TYPE_OF} {_n3(c)} ." for c in graph.objects(shape, SH.targetClass)]
    if (shape, RDF.type, RDFS.Class) in graph:
        parts.append(f"?this {_TYPE_OF} {_n3(shape)} .")
    parts += [f"VALUES ?this {{ {_n3(n)} }}" for n in graph.objects(shape, SH.targetNode)]
    parts += [f"?this {_n3(p)} ?hrg_target_o ." for p in graph.objects(shape, SH.targetSubjectsOf)]
    parts += [f"?hrg_target_s {_n3(p)} ?this ." for p in graph.objects(shape, SH.targetObjectsOf)]
    if not parts:
        return ""
    union = " UNION ".join(f"{{ {p} }}" for p in parts)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


def _n3(term: Node) -> str:
    if isinstance(term, BNode):
        raise _UnsupportedError
    return str(term.n3())


def _messages(graph: rdflib.Graph, shape: Node) -> tuple[str, ...]:
    return tuple(sorted(str(m) for m in graph.objects(shape, SH.message)))


def _datatype_condition(datatype: Node) -> str:
    """SPARQL for 'this value is not a well-formed literal of the datatype', as pySHACL decides it."""
    iri = str(datatype)
    if iri == str(RDFS.Literal):
        return "!isLiteral(?value)"
    if iri == str(RDF.langString):
        return "!isLiteral(?value) || LANG(?value) = ''"
    condition = f"!isLiteral(?value) || !sameTerm(DATATYPE(?value), <{iri}>)"
    if iri in _CHECKED_DATATYPES:
        condition += f" || sameTerm(COALESCE(<{iri}>(STR(?value)), '!'), '!')"
    return condition


def _sparql_path(graph: rdflib.Graph, node: Node | None) -> str:
    """Write a SHACL path as a SPARQL property path with full IRIs."""
    return _path_text(graph, node, lambda iri: f"<{iri}>")


def _display_path(graph: rdflib.Graph, shape: Node) -> str:
    """Write a shape's path as a SPARQL property path with hrgraph's prefixes."""
    return _path_text(graph, graph.value(shape, SH.path), _short)


def _short(iri: str) -> str:
    text = compact(iri)
    return f"<{iri}>" if text == iri else text


def _path_text(graph: rdflib.Graph, node: Node | None, name: Any, top: bool = True) -> str:
    if isinstance(node, URIRef):
        return str(name(str(node)))
    if node is None or isinstance(node, Literal):
        raise ValueError("a path is an IRI or a blank node")
    if graph.value(node, RDF.first) is not None:
        steps = [_path_text(graph, n, name, False) for n in Collection(graph, node)]
        text = "/".join(steps)
        return text if top else f"({text})"
    for predicate, form in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(node, predicate)
        if inner is not None:
            text = _path_text(graph, inner, name, False)
            return form.format(text if isinstance(inner, URIRef) else f"({text})")
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(graph, n, name, False) for n in Collection(graph, alternatives)) + ")"
    raise ValueError(f"cannot read the path {node}")


def _rewrite_select(text: str, path: str, prefixes: str, shape: Node) -> str:
    """Turn a SHACL-SPARQL SELECT into one query for all focus nodes.

    ``$this`` becomes ``?this``, bound by the target pattern put first in the WHERE group (the same as
    pre-binding for the queries SHACL allows); ``?this`` is added to the projection.
    """
    out: list[str] = []
    i = 0
    where_at = brace_at = select_end = -1
    depth = 0
    while i < len(text):
        skipped = _skip_token(text, i)
        if skipped != i:
            out.append(text[i:skipped])
            i = skipped
            continue
        for var, value in (("$this", "?this"), ("$PATH", path), ("$currentShape", _n3(shape))):
            if text.startswith(var, i) and not (text[i + len(var) : i + len(var) + 1].isalnum()):
                out.append(value)
                i += len(var)
                break
        else:
            char = text[i]
            position = sum(len(o) for o in out)
            word = re.match(r"[A-Za-z]+", text[i:]) if (i == 0 or not text[i - 1].isalnum()) else None
            if word and word.group().upper() == "SELECT" and depth == 0 and select_end < 0:
                select_end = position + 6
            elif word and word.group().upper() == "WHERE" and depth == 0 and where_at < 0:
                where_at = position
            if char == "{":
                if depth == 0 and brace_at < 0:
                    brace_at = position
                depth += 1
            elif char == "}":
                depth -= 1
            out.append(char)
            i += 1
    query = "".join(out)
    if select_end < 0 or brace_at < 0:
        raise ValueError("not a SELECT query")
    projection = query[select_end : where_at if where_at >= 0 else brace_at]
    if "*" not in projection and not re.search(r"\?this\b", projection):
        modifier = re.match(r"\s*(DISTINCT|REDUCED)\b", projection, re.IGNORECASE)
        cut = select_end + (modifier.end() if modifier else 0)
        query = f"{query[:cut]} ?this{query[cut:]}"
        shift = len(" ?this")
        brace_at += shift
        where_at = where_at + shift if where_at >= 0 else -1
    tail = query[brace_at:]
    if re.search(r"\bGROUP\s+BY\b", tail[tail.rfind("}") :], re.IGNORECASE) and not re.search(
        r"\?this\b", tail[tail.rfind("}") :]
    ):
        raise _UnsupportedError
    query = _anti_joins(query, brace_at)
    insert_dataset = where_at if where_at >= 0 else brace_at
    query = (
        f"{query[:insert_dataset]}{_DATASET} {query[insert_dataset : brace_at + 1]} {_TARGET} {query[brace_at + 1 :]}"
    )
    return prefixes + query


_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
_KEYWORD = re.compile(r"[A-Za-z]+")


def _mask(text: str) -> str:
    """Blank out the strings, IRIs and comments of a query, so that braces and keywords can be found."""
    out = []
    i = 0
    while i < len(text):
        j = _skip_token(text, i)
        if j != i:
            out.append(" " * (j - i) if text[i] != "<" else "<" + "i" * (j - i - 2) + ">")
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _closing(masked: str, i: int) -> int:
    """Return the index of the bracket that closes the one at ``i``."""
    pair = {"{": "}", "(": ")"}[masked[i]]
    depth = 0
    for j in range(i, len(masked)):
        if masked[j] == masked[i]:
            depth += 1
        elif masked[j] == pair:
            depth -= 1
            if depth == 0:
                return j
    raise ValueError("unbalanced brackets")


def _expression_end(masked: str, i: int) -> int:
    """Return the end of the FILTER or BIND expression whose keyword ends at ``i``."""
    while masked[i].isspace():
        i += 1
    word = _KEYWORD.match(masked, i)
    if word and word.group().upper() == "NOT":
        i = word.end()
        while masked[i].isspace():
            i += 1
        word = _KEYWORD.match(masked, i)
    if word and word.group().upper() == "EXISTS":
        i = masked.index("{", word.end())
    elif word:
        i = masked.index("(", word.end())
    return _closing(masked, i) + 1


def _patterns_only(masked: str) -> str:
    """Blank out every nested group and every FILTER and BIND expression: what is left are triple patterns."""
    out = list(masked)
    i = 0
    while i < len(masked):
        word = _KEYWORD.match(masked, i) if (i == 0 or not masked[i - 1].isalnum()) else None
        if word and word.group().upper() in ("FILTER", "BIND"):
            end = _expression_end(masked, word.end())
        elif masked[i] == "{":
            end = _closing(masked, i) + 1
        else:
            i += 1
            continue
        out[i:end] = " " * (end - i)
        i = end
    return "".join(out)


def _anti_joins(query: str, open_at: int) -> str:
    """Turn FILTER [NOT] EXISTS at the top of the WHERE group (opening at ``open_at``) into MINUS and joins.

    Oxigraph evaluates a FILTER NOT EXISTS once per solution; MINUS (and a join with a DISTINCT
    sub-select for FILTER EXISTS) evaluates the pattern once. The two mean the same when every
    variable the pattern shares with the rest of the query is bound by a triple pattern inside it,
    one of them is always bound outside, and the pattern holds no OPTIONAL, UNION or sub-query;
    only such filters are rewritten, and moved to the end of the group, where a filter applies.
    """
    masked = _mask(query)
    close_at = _closing(masked, open_at)
    body = masked[open_at + 1 : close_at]
    certain = set(_VARIABLE.findall(_patterns_only(body))) | {"this"}
    removed: list[tuple[int, int]] = []
    appended: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char in "{(":
            i = _closing(body, i) + 1
            continue
        word = _KEYWORD.match(body, i) if (i == 0 or not body[i - 1].isalnum()) else None
        if not word:
            i += 1
            continue
        if word.group().upper() not in ("FILTER", "BIND"):
            i = word.end()
            continue
        end = _expression_end(body, word.end())
        head = " ".join(body[word.end() : end].split()[:2]).upper()
        negated = head.startswith("NOT EXISTS")
        if word.group().upper() == "FILTER" and (negated or head.startswith("EXISTS")):
            inner_open = body.index("{", word.end())
            inner = body[inner_open + 1 : end - 1]
            outside = masked[: open_at + 1 + i] + masked[open_at + 1 + end :]
            shared = set(_VARIABLE.findall(inner)) & set(_VARIABLE.findall(outside))
            top = _patterns_only(inner)
            bound_inside = set(_VARIABLE.findall(top))
            safe = (
                shared <= bound_inside
                and bool(bound_inside & certain & shared)
                and not re.search(r"\b(OPTIONAL|UNION|MINUS|GRAPH|SERVICE|SELECT|VALUES|BIND)\b", top, re.I)
                and (negated or shared == {"this"})
            )
            if safe:
                text = query[open_at + 1 + inner_open + 1 : open_at + 1 + end - 1]
                removed.append((i, end))
                appended.append(f" MINUS {{{text}}}" if negated else f" {{ SELECT DISTINCT ?this WHERE {{{text}}} }}")
        i = end
    if not removed:
        return query
    pieces = []
    last = open_at + 1
    for start, end in removed:
        pieces.append(query[last : open_at + 1 + start])
        last = open_at + 1 + end
    pieces.append(query[last:close_at])
    return query[: open_at + 1] + "".join(pieces) + "".join(appended) + " " + query[close_at:]


def _check_syntax(shapes: Shapes) -> None:
    """Parse every compiled query once, so that a broken SPARQL constraint is reported at load time."""
    empty = ox.Store()
    for check in shapes.checks:
        query = _final_query(check, "")
        try:
            empty.query(query)
        except SyntaxError as err:
            raise shapes._fail(check.shape, f"sh:select is not valid SPARQL: {err}") from None


def _final_query(check: _Check, dataset: str) -> str:
    query = check.query.replace(_DATASET, dataset, 1)
    # A shape without targets selects nothing.
    return query.replace(_TARGET, "FILTER (false)", 1)


def _rdf_format(path: str | Path) -> RdfFormat:
    """Return the RDF format a file's extension names; validation has no option to name it otherwise."""
    try:
        return RdfFormat.for_path(path)
    except BadInputError:
        known = [suffix for fmt in RdfFormat for suffix in fmt.suffixes]
        raise BadInputError(
            f"{path}: cannot tell the RDF format from the file name: use the extension "
            f"{', '.join(known[:-1])} or {known[-1]}"
        ) from None


def _read_rdf(source: str | Path | bytes, name: str) -> rdflib.Graph:
    """Parse an RDF file into an rdflib Graph, with the line and column of a syntax error."""
    data = source if isinstance(source, bytes) else read_file(Path(source))
    data = data.removeprefix(codecs.BOM_UTF8)  # editors on Windows start UTF-8 files with one; parsers refuse it
    fmt = RdfFormat.TURTLE if isinstance(source, bytes) else _rdf_format(source)
    try:
        triples = list(ox.parse(data, format=fmt.oxigraph))
    except SyntaxError as err:
        reason = re.sub(r"^Parser error at line \d+ between columns \d+ and \d+: ", "", str(err.msg or err))
        raise MalformedRDFError(name, err.lineno, err.offset, reason) from err
    except (ValueError, OSError) as err:
        raise BadInputError(f"{name}: cannot read as {fmt.label}: {err}") from err
    graph = rdflib.Graph()
    payload = ox.serialize([t.triple if isinstance(t, ox.Quad) else t for t in triples], format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=payload or b"", format="nt")
    return graph


def load_shapes(*files: str | Path, packaged: Sequence[str] = ("completeness",)) -> Shapes:
    """Read the packaged shapes files named in ``packaged`` and the user's own shapes ``files``.

    Packaged files are ``completeness``, ``scorecard`` and ``corpus``. A file that does not parse, or
    a shape that is malformed, is a :class:`~hrgraph.errors.BadInputError` naming the file.

    >>> load_shapes(packaged=("scorecard",)).graph.value(HRGSC.Commitment, SH.name)
    rdflib.term.Literal('Formal commitment to named instruments')
    """
    graph = rdflib.Graph()
    origins: dict[Node, str] = {}
    available = {f.name.removesuffix(".ttl"): f for f in shape_files()}
    sources: list[tuple[str, str | Path | bytes]] = []
    for name in packaged:
        if name not in available:
            raise UnknownNameError(f"no packaged shapes file {name!r}: use one of {', '.join(sorted(available))}")
        sources.append((f"shapes/{name}.ttl", available[name].read_bytes()))
    for file in files:
        if not Path(file).is_file():
            raise BadInputError(f"{file}: no such shapes file")
        sources.append((str(file), Path(file)))
    for name, source in sources:
        part = _read_rdf(source, name)
        for subject in part.subjects():
            origins.setdefault(subject, name)
        graph += part
    return Shapes(graph, origins)


# --- running the checks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    """Where the checks run: the union of a store's graphs, or FROM a list of graphs.

    ``allowed`` keeps the results whose focus node is described in the scope's own graphs (a city's
    graphs); filtering afterwards gives the same results as restricting the targets, since the
    results for one focus node never depend on the others, and costs nothing in the queries.
    """

    store: Store
    graphs: tuple[str, ...] = ()
    allowed: frozenset[str] | None = None

    @property
    def union(self) -> bool:
        return not self.graphs

    def dataset(self) -> str:
        return "".join(f"FROM <{g}> " for g in self.graphs)

    def select(self, query: str) -> Table:
        if self.union and isinstance(self.store, EmbeddedStore):
            return _union_select(self.store, query)
        return self.store.select(query)

    def texts(self, query: str) -> list[tuple[str | None, ...]]:
        """Run a SELECT; return its cells as plain text (IRIs, lexical forms), cheaper than RDF terms."""
        if isinstance(self.store, EmbeddedStore):
            solutions = _solutions(self.store, query, union=self.union)
            return [tuple(None if cell is None else cell.value for cell in row) for row in solutions]
        return [tuple(None if cell is None else str(cell) for cell in row) for row in self.store.select(query).rows]

    def keeps(self, node: Term | None) -> bool:
        return self.allowed is None or str(node) in self.allowed


def _subjects(store: Store, graphs: Sequence[str]) -> frozenset[str]:
    """Every subject of the given graphs."""
    subjects: set[str] = set()
    for graph in graphs:
        table = store.select(f"SELECT DISTINCT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        subjects |= {str(row[0]) for row in table.rows}
    return frozenset(subjects)


def _solutions(store: EmbeddedStore, query: str, *, union: bool) -> ox.QuerySolutions:
    """Run a SELECT on the embedded store, with the default graph as the union of every graph if asked.

    store.py has no public switch for the union (pyoxigraph's own) yet; the union is what makes one
    query per constraint fast.
    """
    try:
        result = store._store.query(query, use_default_graph_as_union=union)
    except SyntaxError as err:
        raise BadInputError(f"malformed SPARQL query: {err}") from err
    except OSError as err:
        raise BadInputError(f"query failed: {err}") from err
    if not isinstance(result, ox.QuerySolutions):
        raise BadInputError("expected a SELECT query")
    return result


def _union_select(store: EmbeddedStore, query: str) -> Table:
    """Run a SELECT over the union of every graph of an embedded store."""
    result = _solutions(store, query, union=True)
    columns = tuple(v.value for v in result.variables)
    rows = tuple(tuple(None if cell is None else _from_ox(cell) for cell in solution) for solution in result)
    return Table(columns, rows)


def _format(message: str, bound: Mapping[str, Term]) -> str:
    """Fill ``{?var}`` and ``{$var}`` in a message, as pySHACL does."""
    for var, value in bound.items():
        message = re.sub(f"{{[?$]{var}}}", str(value), message)
    return message


def _run_check(check: _Check, scope: _Scope) -> list[ValidationResult]:
    table = scope.select(_final_query(check, scope.dataset()))
    results = []
    seen: set[tuple[Term | None, ...]] = set()
    for row in table.rows:
        if row in seen:
            continue
        seen.add(row)
        bound = {c: v for c, v in zip(table.columns, row, strict=True) if v is not None}
        focus = bound.pop("this", None)
        if focus is None or not scope.keeps(focus):
            continue
        path_value = bound.pop("path", None)
        value = bound.pop("value", None)
        path = check.path
        if check.sparql:
            if value is None and not check.property_shape:
                value = focus
            if isinstance(path_value, URIRef):
                path = _short(str(path_value))
            names = {
                **bound,
                "this": focus,
                **({"path": path_value} if path_value is not None else {}),
                **({"value": value} if value is not None else {}),
            }
            texts = list(check.messages) + [t for t in check.templates if t not in check.messages]
            messages = [_format(t, names) for t in texts] or [f"{compact(str(check.component))} failed"]
        else:
            messages = list(check.messages)
        results.append(
            ValidationResult(
                focus, path, check.severity, " / ".join(sorted(set(messages))), check.shape, value, str(check.component)
            )
        )
    return results


def _evaluate(shapes: Shapes, scope: _Scope) -> list[ValidationResult]:
    results: list[ValidationResult] = []
    for check in shapes.checks:
        results.extend(_run_check(check, scope))
    if shapes.fallback:
        results.extend(_run_fallback(shapes, scope))
    return results


def _run_fallback(shapes: Shapes, scope: _Scope) -> list[ValidationResult]:
    """Run the shapes the compiler does not translate with pySHACL, on an rdflib copy of the data."""
    sub = rdflib.Graph()
    todo = list(shapes.fallback)
    done: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in done:
            continue
        done.add(node)
        for p, o in shapes.graph.predicate_objects(node):
            sub.add((node, p, o))
            if p not in (RDF.type, SH.targetClass) and isinstance(o, URIRef | BNode):
                todo.append(o)
    query = f"CONSTRUCT {{ ?s ?p ?o }} {scope.dataset()} WHERE {{ ?s ?p ?o }}"
    if scope.union and isinstance(scope.store, EmbeddedStore):
        data = rdflib.Graph()
        for subject, predicate, obj in _union_select(scope.store, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows:
            if subject is not None and predicate is not None and obj is not None:
                data.add((subject, predicate, obj))
    else:
        data = scope.store.construct(query)
    return [r for r in pyshacl_results(data, Shapes(sub)) if scope.keeps(r.focus)]


def pyshacl_results(data: rdflib.Graph, shapes: Shapes) -> tuple[ValidationResult, ...]:
    """Validate an rdflib Graph with pySHACL, plainly, and return its results as ValidationResults.

    This is the reference the compiled queries are measured against (tests and benchmark).

    >>> data = rdflib.Graph().parse(data="<urn:x:i> a <https://w3id.org/hrgraph/ontology#ActionItem> .",
    ...                             format="turtle")
    >>> any(r.path == "hrg:actionText" for r in pyshacl_results(data, load_shapes()))
    True
    """
    import pyshacl

    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes.graph, inference="none", advanced=False, allow_warnings=True
    )
    if not isinstance(report, rdflib.Graph):
        raise BadInputError("pySHACL gave no report graph")
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        shape = report.value(node, SH.sourceShape)
        path = report.value(node, SH.resultPath)
        value = report.value(node, SH.value)
        messages = sorted({str(m) for m in report.objects(node, SH.resultMessage)})
        if not isinstance(focus, URIRef | BNode | Literal) or not isinstance(shape, URIRef | BNode | Literal):
            continue
        results.append(
            ValidationResult(
                focus,
                None if path is None else _path_text(report, path, _short),
                Severity.from_iri(report.value(node, SH.resultSeverity)),
                " / ".join(messages),
                shape,
                value if isinstance(value, URIRef | BNode | Literal) else None,
                str(report.value(node, SH.sourceConstraintComponent) or ""),
            )
        )
    return tuple(results)


# --- validate ----------------------------------------------------------------------------------------


def _city_graphs(store: Store, city: str | None) -> list[tuple[str, ...]]:
    """Return the city graphs of the store, per city: (city/…, proposed/…, curated/…) that exist."""
    names = list(store.graphs())
    slugs = sorted({n.split("/")[-1] for n in names if n.startswith(GRAPH_BASE + "city/")})
    if city is not None:
        slug = city_slug(city)
        if slug not in slugs:
            known = ", ".join(slugs) or "none"
            raise UnknownNameError(f"no city {city!r} in the store (cities: {known})")
        slugs = [slug]
    return [
        tuple(graph_iri(f"{k}/{s}") for k in ("city", "proposed", "curated") if graph_iri(f"{k}/{s}") in names)
        for s in slugs
    ]


def _scopes(store: Store, city: str | None) -> list[_Scope]:
    """Where to run: the union of an embedded store's graphs, or one scope per city (and one for the rest).

    A city's scope is its graphs, with the ontology, the standards and the inferred graph; the focus
    nodes are those its own graphs describe.
    """
    per_city = _city_graphs(store, city)
    if isinstance(store, EmbeddedStore) and city is None:
        return [_Scope(store)]
    names = list(store.graphs())
    shared = tuple(graph_iri(g) for g in ("ontology", "standards", "inferred") if graph_iri(g) in names)
    scopes = [_Scope(store, graphs=(*shared, *graphs), allowed=_subjects(store, graphs)) for graphs in per_city]
    if city is None:
        in_city = {g for graphs in per_city for g in graphs}
        rest = tuple(n for n in names if n not in in_city and n not in shared)
        if rest:
            scopes.append(_Scope(store, graphs=(*shared, *rest), allowed=_subjects(store, rest)))
    return scopes


def validate(store: Store, *, city: str | None = None, shapes: Shapes | None = None) -> ValidationReport:
    """Check the store (or one city of it) against the completeness shapes, or the given ``shapes``.

    >>> from hrgraph.store import open_store
    >>> city = b"<https://w3id.org/hrgraph/city/x/> a <https://w3id.org/hrgraph/ontology#LocalGovernment> ."
    >>> with open_store(memory=True) as store:
    ...     _ = store.load(city, format=RdfFormat.TURTLE, graph="city/x")
    ...     print(validate(store, city="x").results[0].message)
    Name the city (skos:prefLabel).
    """
    shapes = shapes or load_shapes()
    scopes = _scopes(store, city)
    results: list[ValidationResult] = []
    for scope in scopes:
        results.extend(_evaluate(shapes, scope))
    return _with_context(results, scopes)


_CONTEXT = f"""
    PREFIX hrg: <{_HRG}>
    PREFIX eli: <http://data.europa.eu/eli/ontology#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?kind ?node ?other %%DATASET%% WHERE {{
        VALUES ?node {{ %%NODES%% }}
        {{ ?node eli:is_part_of ?other . BIND ("parent" AS ?kind) }}
        UNION {{ ?node a ?other . BIND ("type" AS ?kind) }}
        UNION {{ ?other hrg:indicator|hrg:baseline|hrg:observation|hrg:sourceFile ?node . BIND ("owner" AS ?kind) }}
        UNION {{ ?node hrg:linkSubject ?other . BIND ("owner" AS ?kind) }}
        UNION {{ ?node dcterms:title ?other . BIND ("title" AS ?kind) }}
        UNION {{ ?node hrg:number ?other . BIND ("number" AS ?kind) }}
        UNION {{ ?node skos:prefLabel ?other . BIND ("name" AS ?kind) }}
    }} ORDER BY ?kind ?node ?other"""
_COUNT_ITEMS = f"SELECT (COUNT(DISTINCT ?item) AS ?items) %%DATASET%% WHERE {{ ?item a <{_HRG}ActionItem> }}"
_INSTRUMENT_KINDS = f"""SELECT ?kind %%DATASET%% WHERE {{
    ?kind <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{_HRG}LocalInstrument> }}"""


def _context_facts(nodes: set[str], scopes: Sequence[_Scope]) -> dict[str, dict[str, str]]:
    """Read what places the nodes of the results: parents, owners, kinds and names, up to the instruments."""
    facts: dict[str, dict[str, str]] = defaultdict(dict)
    kinds = {
        str(row[0])
        for scope in scopes
        for row in scope.select(_INSTRUMENT_KINDS.replace("%%DATASET%%", scope.dataset())).rows
    }
    kinds.add(_HRG + "LocalInstrument")
    seen: set[str] = set()
    todo = {n for n in nodes if n.startswith(("http:", "https:", "urn:"))}
    while todo:
        batch = sorted(todo)
        seen |= todo
        todo = set()
        for start in range(0, len(batch), 2000):
            values = " ".join(f"<{n}>" for n in batch[start : start + 2000])
            for scope in scopes:
                query = _CONTEXT.replace("%%DATASET%%", scope.dataset()).replace("%%NODES%%", values)
                for kind, node, other in scope.texts(query):
                    if kind is None or node is None or other is None:
                        continue
                    if kind == "type":
                        if other == _HRG + "ActionItem":
                            facts["item"][node] = node
                        if other in kinds:
                            facts["instrument"][node] = node
                        continue
                    facts[kind].setdefault(node, other)
                    if kind in ("parent", "owner") and other not in seen and other.startswith(("http", "urn:")):
                        todo.add(other)
    return facts


def _with_context(results: list[ValidationResult], scopes: Sequence[_Scope]) -> ValidationReport:
    """Place each result under its item and instrument, count the complete items, and name the nodes."""
    facts = _context_facts({str(r.focus) for r in results}, scopes)
    instruments = facts["instrument"]

    def place(node: str) -> tuple[str | None, str | None]:
        """Return the provision (or item) a node belongs to, and its instrument."""
        if node in instruments:
            return None, node
        seen = set()
        while node in facts["owner"] and node not in seen and node not in facts["parent"]:
            seen.add(node)
            node = facts["owner"][node]
        if node in instruments:
            return None, node
        item = node if node in facts["parent"] or node in facts["item"] else None
        parent = facts["parent"].get(node)
        while parent is not None and parent not in instruments and parent not in seen:
            seen.add(parent)
            parent = facts["parent"].get(parent)
        return item, parent if parent in instruments else None

    placed = [
        replace(r, item=item, instrument=instrument) for r in results for item, instrument in [place(str(r.focus))]
    ]
    # Action items go by their number ("item HE-03"); other provisions and nodes by their own label
    # ("Article 15 — Right to housing"), else the kind and number of the provision.
    labels = {node: f"item {number}" for node, number in facts["number"].items() if node in facts["item"]}
    for source in (facts["title"], facts["name"]):
        labels.update({node: name for node, name in source.items() if node not in labels})
    labels.update({node: f"provision {number}" for node, number in facts["number"].items() if node not in labels})
    checked = 0
    for scope in scopes:
        count = scope.select(_COUNT_ITEMS.replace("%%DATASET%%", scope.dataset())).rows[0][0]
        checked += int(count) if isinstance(count, Literal) else 0
    incomplete = {r.item for r in placed if r.severity is Severity.VIOLATION and r.item in facts["item"]}
    order = {Severity.VIOLATION: 0, Severity.WARNING: 1, Severity.INFO: 2}
    placed.sort(key=lambda r: (r.instrument or "", r.item or "", order[r.severity], str(r.focus), *r.key()[1:]))
    return ValidationReport(tuple(placed), checked, checked - len(incomplete), labels)


def validate_files(files: Sequence[str | Path], *, shapes: Shapes | None = None) -> ValidationReport:
    """Check RDF files (Turtle, N-Triples …) against the shapes, with the packaged ontology and standards.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder, "city.ttl")
    ...     _ = path.write_text("<urn:x:city> a <https://w3id.org/hrgraph/ontology#LocalGovernment> .")
    ...     validate_files([path]).summary.violations
    1
    """
    with EmbeddedStore() as scratch:
        scratch.load(ontology_file().read_bytes(), format=RdfFormat.TURTLE, graph="ontology")
        for corpus in corpus_files():
            scratch.load(corpus.read_bytes(), format=RdfFormat.for_path(corpus.name), graph="standards")
        data_graphs = []
        for number, file in enumerate(files):
            path = Path(file)
            if not path.is_file():
                raise BadInputError(f"{path}: no such file")
            fmt = _rdf_format(path)
            target = None if fmt.holds_graphs else f"urn:hrgraph:file:{number}"
            scratch.load(path, format=fmt, graph=target)
            data_graphs.append(target)
        focus = tuple(g for g in scratch.graphs() if g not in (graph_iri("ontology"), graph_iri("standards")))
        scope = _Scope(scratch, allowed=_subjects(scratch, focus))
        shapes = shapes or load_shapes()
        results = _evaluate(shapes, scope) if focus else []
        return _with_context(results, [scope])


def validate_corpus(store: Store | None = None) -> ValidationReport:
    """Check the standards graph (or, without a store, the packaged corpus) against ``shapes/corpus.ttl``.

    >>> validate_corpus().conforms
    True
    """
    shapes = load_shapes(packaged=("corpus",))
    if store is not None:
        if isinstance(store, EmbeddedStore):
            scope = _Scope(store, allowed=_subjects(store, [graph_iri("standards")]))
        else:
            scope = _Scope(store, graphs=(graph_iri("ontology"), graph_iri("standards")))
        return ValidationReport(tuple(_evaluate(shapes, scope)))
    with EmbeddedStore() as scratch:
        scratch.load(ontology_file().read_bytes(), format=RdfFormat.TURTLE, graph="ontology")
        for corpus in corpus_files():
            scratch.load(corpus.read_bytes(), format=RdfFormat.for_path(corpus.name), graph="standards")
        return ValidationReport(tuple(_evaluate(shapes, _Scope(scratch))))


# --- the scorecard -----------------------------------------------------------------------------------


class ElementStatus(enum.Enum):
    """How far a city meets one element of the human rights city framework."""

    MET = "met"
    PARTLY_MET = "partly met"
    NOT_MET = "not met"


@dataclass(frozen=True)
class Evidence:
    """A node of the graph that shows an element is (partly) met, and what it shows."""

    iri: str
    label: str


@dataclass(frozen=True)
class ScorecardElement:
    """One element of the framework: its status, the evidence found, and what to add."""

    key: str
    name: str
    description: str
    status: ElementStatus
    evidence: tuple[Evidence, ...]
    to_add: tuple[str, ...]


class ScorecardFormat(enum.Enum):
    """How a scorecard is written."""

    TABLE = "table"
    HTML = "html"
    JSON = "json"


@dataclass(frozen=True)
class Scorecard:
    """The human rights city scorecard of one city."""

    city: str
    city_iri: str
    elements: tuple[ScorecardElement, ...]

    def table(self) -> Table:
        """Return the scorecard as rows: element, status, evidence, what to add."""
        rows = tuple(
            (
                Literal(e.name),
                Literal(e.status.value),
                Literal("; ".join(ev.label for ev in e.evidence)),
                Literal(" ".join(e.to_add)),
            )
            for e in self.elements
        )
        return Table(("element", "status", "evidence", "to add"), rows)

    def render(self, fmt: ScorecardFormat) -> bytes:
        """Write the scorecard as JSON or as a standalone HTML page (the table form is :meth:`table`)."""
        if fmt is ScorecardFormat.JSON:
            data = {
                "city": self.city,
                "city_iri": self.city_iri,
                "elements": [
                    {
                        "key": e.key,
                        "name": e.name,
                        "description": e.description,
                        "status": e.status.value,
                        "evidence": [{"iri": ev.iri, "label": ev.label} for ev in e.evidence],
                        "to_add": list(e.to_add),
                    }
                    for e in self.elements
                ],
            }
            return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
        if fmt is ScorecardFormat.HTML:
            return _scorecard_html(self).encode()
        from rich.console import Console
        from rich.table import Table as RichTable

        grid = RichTable("element", "status", "evidence", "to add", show_lines=True, header_style="bold")
        for e in self.elements:
            grid.add_row(
                e.name, e.status.value, "\n".join(ev.label for ev in e.evidence) or "—", "\n".join(e.to_add) or "—"
            )
        buffer = io.StringIO()
        Console(file=buffer, width=160, no_color=True, soft_wrap=False).print(grid)
        return buffer.getvalue().encode()


def _scorecard_html(card: Scorecard) -> str:
    colours = {ElementStatus.MET: "#d4edda", ElementStatus.PARTLY_MET: "#fff3cd", ElementStatus.NOT_MET: "#f8d7da"}
    rows = []
    for e in card.elements:
        evidence = "".join(f'<li><a href="{html.escape(ev.iri)}">{html.escape(ev.label)}</a></li>' for ev in e.evidence)
        to_add = "".join(f"<li>{html.escape(t)}</li>" for t in e.to_add)
        rows.append(
            f'<tr><th scope="row" title="{html.escape(e.description)}">{html.escape(e.name)}</th>'
            f'<td style="background:{colours[e.status]}">{e.status.value}</td>'
            f"<td><ul>{evidence}</ul></td><td><ul>{to_add}</ul></td></tr>"
        )
    title = f"Human rights city scorecard: {html.escape(card.city)}"
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "th,td{border:1px solid #999;padding:.4em;vertical-align:top;text-align:left}ul{margin:0;padding-left:1.2em}"
        f"</style></head><body><h1>{title}</h1>"
        "<table><thead><tr><th>element</th><th>status</th><th>evidence</th><th>what to add</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></body></html>\n"
    )


def _city_node(store: Store, slug: str) -> tuple[str, str | None]:
    """Return the city's IRI and its stored name (skos:prefLabel), if it has one."""
    query = (
        f"SELECT ?city ?name WHERE {{ GRAPH <{graph_iri('city/' + slug)}> {{ ?city a <{_HRG}LocalGovernment> "
        "OPTIONAL { ?city <http://www.w3.org/2004/02/skos/core#prefLabel> ?name } } } ORDER BY ?city ?name LIMIT 1"
    )
    rows = store.select(query).rows
    if not rows or rows[0][0] is None:
        raise BadInputError(f"the graph city/{slug} has no hrg:LocalGovernment: ingest the city first")
    return str(rows[0][0]), None if rows[0][1] is None else str(rows[0][1])


def scorecard(store: Store, city: str) -> Scorecard:
    """Score a city against the elements of a human rights city (``shapes/scorecard.ttl``).

    Each element is met, partly met or not met, with the evidence found and what to add. The
    scorecard names the city as the store does (its skos:prefLabel), however ``city`` was written.

    >>> from hrgraph.store import open_store
    >>> city = b"<https://w3id.org/hrgraph/city/x/> a <https://w3id.org/hrgraph/ontology#LocalGovernment> ."
    >>> with open_store(memory=True) as store:
    ...     _ = store.load(city, format=RdfFormat.TURTLE, graph="city/x")
    ...     card = scorecard(store, "x")
    >>> card.elements[0].name, card.elements[0].status.value
    ('Formal commitment to named instruments', 'not met')
    """
    slug = city_slug(city)
    _city_graphs(store, city)
    shapes = load_shapes(packaged=("scorecard",))
    names = store.graphs()
    graphs = tuple(
        graph_iri(g)
        for g in ("ontology", "standards", "inferred", f"city/{slug}", f"curated/{slug}")
        if graph_iri(g) in names
    )
    city_iri, name = _city_node(store, slug)
    scope = _Scope(store, graphs=graphs, allowed=frozenset({city_iri}))
    results = _evaluate(shapes, scope)
    return _assemble(shapes.graph, results, name or city, city_iri)


def _assemble(graph: rdflib.Graph, results: Sequence[ValidationResult], city: str, city_iri: str) -> Scorecard:
    elements = sorted(graph.subjects(RDF.type, HRGSC.Element), key=lambda e: float(graph.value(e, SH.order) or 0))  # type: ignore[arg-type]
    by_element: dict[Node, list[ValidationResult]] = defaultdict(list)
    for r in results:
        by_element[graph.value(r.shape, HRGSC.element) or r.shape].append(r)
    cards = []
    for element in elements:
        found = by_element.get(element, [])
        severities = {r.severity for r in found}
        status = (
            ElementStatus.NOT_MET
            if Severity.VIOLATION in severities
            else ElementStatus.PARTLY_MET
            if Severity.WARNING in severities
            else ElementStatus.MET
        )
        evidence = sorted(
            {Evidence(str(r.value or ""), r.message) for r in found if r.severity is Severity.INFO},
            key=lambda e: e.label,
        )
        # Only what is missing at the level reached: a not-met element lists what makes it met at all.
        wanted = Severity.VIOLATION if status is ElementStatus.NOT_MET else Severity.WARNING
        to_add = sorted({r.message for r in found if r.severity is wanted})
        cards.append(
            ScorecardElement(
                key=str(element).rsplit("#", 1)[-1].rsplit("/", 1)[-1],
                name=str(graph.value(element, SH.name) or element),
                description=str(graph.value(element, SH.description) or ""),
                status=status,
                evidence=tuple(evidence),
                to_add=tuple(to_add),
            )
        )
    return Scorecard(city, city_iri, tuple(cards))
