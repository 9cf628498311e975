"""Reasoning tests for the hrgraph OWL ontology (``ontology/hrgraph.ttl``, read as package data).

The ontology is converted with rdflib to N-Triples, loaded into a fresh
owlready2 world and classified with HermiT. HermiT supports only the OWL 2
datatype map, so it is run with its option to ignore unsupported datatypes
(the ontology types dates as ``xsd:date`` and years as ``xsd:gYear``).

The tests are skipped when no Java runtime is available.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import owlready2
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib import namespace as rdf_ns

from hrgraph.resources import ontology_file

HRG = Namespace("https://w3id.org/hrgraph/ontology#")
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
ORG = Namespace("http://www.w3.org/ns/org#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
EX = Namespace("https://w3id.org/hrgraph/id/test/")
XSD_NS = "http://www.w3.org/2001/XMLSchema#"

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime")


def _ontology_graph() -> Graph:
    """Parse the ontology Turtle file into a new rdflib graph."""
    graph = Graph()
    graph.parse(data=ontology_file().read_bytes(), format="turtle")
    return graph


def _reason(graph: Graph, tmp_path: Path, name: str) -> list[object]:
    """Classify ``graph`` with HermiT in a fresh world.

    Returns the unsatisfiable named classes other than ``owl:Nothing``.
    Raises ``owlready2.OwlReadyInconsistentOntologyError`` when the graph is
    inconsistent.
    """
    nt_path = tmp_path / f"{name}.nt"
    nt_path.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    world = owlready2.World()
    world.get_ontology(nt_path.as_uri()).load()
    owlready2.sync_reasoner_hermit(
        world,
        infer_property_values=False,
        debug=0,
        ignore_unsupported_datatypes=True,
    )
    return [c for c in world.inconsistent_classes() if c is not owlready2.Nothing]


def _add_individual(graph: Graph, iri: URIRef, *classes: URIRef) -> None:
    """Declare ``iri`` as a named individual of each of ``classes``."""
    graph.add((iri, rdf_ns.RDF.type, rdf_ns.OWL.NamedIndividual))
    for cls in classes:
        graph.add((iri, rdf_ns.RDF.type, cls))


def _sample_graph() -> Graph:
    """Return the ontology plus a small set of typical individuals."""
    graph = _ontology_graph()
    _add_individual(graph, EX.city, HRG.LocalGovernment)
    _add_individual(graph, EX.office, HRG.HumanRightsOffice)
    _add_individual(graph, EX.plan, HRG.ActionPlan)
    _add_individual(graph, EX.item, HRG.ActionItem)
    _add_individual(graph, EX.article, HRG.Article)
    _add_individual(graph, EX.treaty, HRG.Treaty)
    graph.add((EX.office, ORG.unitOf, EX.city))
    graph.add((EX.plan, HRG.issuedBy, EX.city))
    graph.add((EX.plan, HRG.owner, EX.city))
    graph.add((EX.item, HRG.responsibleBody, EX.office))
    graph.add((EX.item, HRG.status, HRG.InProgress))
    graph.add((EX.item, HRG.deadline, Literal("2026-12-31", datatype=URIRef(XSD_NS + "date"))))
    graph.add((EX.item, HRG.realises, EX.article))
    graph.add((EX.article, ELI.is_part_of, EX.treaty))
    _add_individual(graph, EX.link, HRG.CuratedLink)
    graph.add((EX.link, HRG.linkSubject, EX.item))
    graph.add((EX.link, HRG.linkObject, EX.article))
    graph.add((EX.link, HRG.linkPredicate, HRG.realises))
    graph.add((EX.link, SSSOM.confidence, Literal(0.9, datatype=URIRef(XSD_NS + "double"))))
    graph.add((EX.link, SSSOM.mapping_justification, SEMAPV.ManualMappingCuration))
    graph.add((EX.link, HRG.method, Literal("citation", datatype=URIRef(XSD_NS + "string"))))
    return graph


def test_ontology_is_consistent_and_satisfiable(tmp_path: Path) -> None:
    """The ontology alone is consistent and has no unsatisfiable class."""
    assert _reason(_ontology_graph(), tmp_path, "ontology") == []


def test_sample_individuals_are_consistent(tmp_path: Path) -> None:
    """An action item with a responsible body and a curated link are consistent."""
    assert _reason(_sample_graph(), tmp_path, "samples") == []


def test_disjoint_link_kinds_are_detected(tmp_path: Path) -> None:
    """A link that is both curated and rejected makes the graph inconsistent."""
    graph = _sample_graph()
    graph.add((EX.link, rdf_ns.RDF.type, HRG.RejectedLink))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _reason(graph, tmp_path, "conflict")
