"""The shapes as data: one Turtle case per rule, with the results it must give.

Each ``tests/data/shapes/*.test.ttl`` holds test data and one ``case:TestCase`` node that names the
rules under test (``case:rule``, shape IRIs) and the results expected from them (``case:expect``:
focus node, severity, and optionally path, value, constraint component and a fragment of the
message). Results of other shapes are not compared, unless the case says ``case:exact true``.

Every case also runs through pySHACL, plainly, on the same data: the compiled queries must give
exactly the results pySHACL gives.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF
from rdflib.term import Literal, Node

from hrgraph.resources import ontology_file
from hrgraph.store import open_store
from hrgraph.validate import Severity, Shapes, ValidationResult, load_shapes, pyshacl_results, validate
from tests.conftest import ROOT

CASE = rdflib.Namespace("https://w3id.org/hrgraph/test/case#")
CASES = sorted((ROOT / "tests" / "data" / "shapes").glob("*.test.ttl"))


@dataclass(frozen=True)
class Expected:
    focus: Node
    severity: Severity
    path: str | None
    value: Node | None
    message: str | None
    component: str | None

    def matches(self, result: ValidationResult) -> bool:
        return (
            result.focus == self.focus
            and result.severity is self.severity
            and (self.path is None or result.path == self.path)
            and (self.value is None or result.value == self.value)
            and (self.message is None or self.message in result.message)
            and (self.component is None or result.component == self.component)
        )


@dataclass(frozen=True)
class Case:
    data: rdflib.Graph
    shapes: str
    rules: frozenset[Node]
    expected: tuple[Expected, ...]
    exact: bool


def read_case(path: Path) -> Case:
    graph = rdflib.Graph().parse(path, format="turtle")
    node = graph.value(None, RDF.type, CASE.TestCase)
    assert node is not None, f"{path.name}: no case:TestCase"
    case_triples = {(node, p, o) for p, o in graph.predicate_objects(node)}
    expected = []
    for spec in graph.objects(node, CASE.expect):
        case_triples |= {(spec, p, o) for p, o in graph.predicate_objects(spec)}
        focus = graph.value(spec, CASE.focus)
        assert focus is not None, f"{path.name}: an expectation has no case:focus"
        message = graph.value(spec, CASE.message)
        path_text = graph.value(spec, CASE.path)
        component = graph.value(spec, CASE.component)
        expected.append(
            Expected(
                focus,
                Severity.from_iri(graph.value(spec, CASE.severity)),
                None if path_text is None else str(path_text),
                graph.value(spec, CASE.value),
                None if message is None else str(message),
                None if component is None else str(component),
            )
        )
    data = rdflib.Graph()
    for triple in graph:
        if triple not in case_triples:
            data.add(triple)
    exact = graph.value(node, CASE.exact)
    return Case(
        data=data,
        shapes=str(graph.value(node, CASE.shapes) or "completeness"),
        rules=frozenset(graph.objects(node, CASE.rule)),
        expected=tuple(
            sorted(expected, key=lambda e: -sum(x is not None for x in (e.path, e.value, e.message, e.component)))
        ),
        exact=isinstance(exact, Literal) and bool(exact.toPython()),
    )


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(data=ontology_file().read_bytes(), format="turtle")


_SHAPES: dict[str, Shapes] = {}


def shapes_named(name: str) -> Shapes:
    if name not in _SHAPES:
        _SHAPES[name] = load_shapes(packaged=(name,))
    return _SHAPES[name]


def test_there_is_a_case_for_every_rule() -> None:
    """Every packaged completeness and scorecard shape with a constraint is the rule of some case."""
    tested = {rule for path in CASES for rule in read_case(path).rules}
    for name in ("completeness", "scorecard"):
        constrained = {c.shape for c in shapes_named(name).checks}
        assert not sorted(str(s) for s in constrained - tested), f"{name}: shapes with no case"


@pytest.mark.parametrize("path", CASES, ids=[p.name.removesuffix(".test.ttl") for p in CASES])
def test_shape_case(path: Path, ontology: rdflib.Graph) -> None:
    check_case(path, ontology)


def check_case(path: Path, ontology: rdflib.Graph) -> None:
    """Run a case: the results it expects, and the same results as pySHACL's."""
    case = read_case(path)
    shapes = shapes_named(case.shapes)
    with open_store(memory=True) as store:
        store.add_graph(ontology, graph="ontology")
        store.add_graph(case.data, graph="city/case")
        report = validate(store, shapes=shapes)
    reference = pyshacl_results(case.data + ontology, shapes)
    assert Counter(r.key() for r in report.results) == Counter(r.key() for r in reference), (
        "the compiled queries and pySHACL disagree"
    )
    relevant = [r for r in report.results if case.exact or r.shape in case.rules]
    unmatched = list(relevant)
    for expected in case.expected:
        found = next((r for r in unmatched if expected.matches(r)), None)
        assert found is not None, f"expected {expected} among {unmatched}"
        unmatched.remove(found)
    assert not unmatched, "unexpected results:\n" + "\n".join(
        f"{r.severity.value} {r.focus} {r.path} {r.value} {r.message}" for r in unmatched
    )


PREFIXES = """
@prefix hrg: <https://w3id.org/hrgraph/ontology#> .
@prefix hrgsh: <https://w3id.org/hrgraph/shapes#> .
@prefix case: <https://w3id.org/hrgraph/test/case#> .
@prefix ex: <https://w3id.org/hrgraph/city/test/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix sssom: <https://w3id.org/sssom/> .
@prefix semapv: <https://w3id.org/semapv/vocab/> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix id: <https://w3id.org/hrgraph/id/> .
"""
INLINE_CASES = {
    # A deadline alone gives a timetable with an end only, a start date alone one with a beginning only.
    "timetable-open-at-one-end": """
        ex:item_1 a hrg:ActionItem ; hrg:timetable ex:t1 .
        ex:t1 a time:ProperInterval ; time:hasEnd [ time:inXSDDate "2026-12-31"^^xsd:date ] .
        ex:item_2 a hrg:ActionItem ; hrg:timetable ex:t2 .
        ex:t2 a time:ProperInterval ; time:hasBeginning [ time:inXSDDate "2025-01-01"^^xsd:date ] .
        ex:item_3 a hrg:ActionItem ; hrg:timetable ex:t3 .
        ex:t3 a time:ProperInterval .
        ex:item_4 a hrg:ActionItem ; hrg:timetable ex:t4 .
        ex:t4 time:hasBeginning [ time:inXSDDate "2026-01-01"^^xsd:date ] ;
            time:hasEnd [ time:inXSDDate "2025-01-01"^^xsd:date ] .
        case:this a case:TestCase ; case:rule hrgsh:ActionItem-timetableDates ;
            case:expect [ case:focus ex:item_3 ; case:severity sh:Violation ; case:value ex:t3 ;
                          case:message "needs a beginning or an end date" ] ,
                        [ case:focus ex:item_4 ; case:severity sh:Violation ; case:value ex:t4 ] .
    """,
    # A link to a whole instrument ("in line with the CRPD") has the predicate hrg:serves.
    "link-to-an-instrument": """
        ex:link_1 a hrg:StatedLink ; hrg:linkSubject ex:item_1 ; hrg:linkObject id:crpd ;
            hrg:linkPredicate hrg:serves ; sssom:mapping_justification semapv:ManualMappingCuration .
        ex:link_2 a hrg:StatedLink ; hrg:linkSubject ex:item_1 ; hrg:linkObject id:crpd ;
            hrg:linkPredicate hrg:correspondsTo ; sssom:mapping_justification semapv:ManualMappingCuration .
        case:this a case:TestCase ; case:rule hrgsh:Link-predicate ;
            case:expect [ case:focus ex:link_2 ; case:severity sh:Violation ; case:value hrg:correspondsTo ;
                          case:message "or hrg:serves for a whole instrument" ] .
    """,
}


@pytest.mark.parametrize("name", sorted(INLINE_CASES))
def test_inline_shape_case(name: str, tmp_path: Path, ontology: rdflib.Graph) -> None:
    path = tmp_path / f"{name}.test.ttl"
    path.write_text(PREFIXES + INLINE_CASES[name])
    check_case(path, ontology)


def test_one_defect_of_a_plan_gives_one_result(ontology: rdflib.Graph) -> None:
    """A plan with no date and no period: one result for the date, one for the period, none for its dates."""
    data = rdflib.Graph().parse(
        data=PREFIXES
        + """
        @prefix eli: <http://data.europa.eu/eli/ontology#> .
        ex:plan a hrg:ActionPlan ; hrg:owner ex:office .
        ex:item a hrg:ActionItem ; eli:is_part_of ex:plan .
        """,
        format="turtle",
    )
    with open_store(memory=True) as store:
        store.add_graph(ontology, graph="ontology")
        store.add_graph(data, graph="city/case")
        report = validate(store)
    plan = rdflib.URIRef("https://w3id.org/hrgraph/city/test/plan")
    found = Counter(r.path for r in report.results if r.focus == plan)
    assert found["dcterms:date"] == 1
    assert found["hrg:period"] == 1
    assert not [p for p in found if p and p.startswith("hrg:period/")]
