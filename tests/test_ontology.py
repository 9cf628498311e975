"""The ontology file and the closed namespaces generated from it."""

from __future__ import annotations

import subprocess
import sys

import pytest
import rdflib
import rdflib.collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from hrgraph import namespace
from hrgraph.ingest import ingest
from hrgraph.namespace import ELI, HRG, SEMAPV, SSSOM
from hrgraph.resources import corpus_files, ontology_file
from tests.conftest import ROOT

DECLARED = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(data=ontology_file().read_bytes(), format="turtle")


def hrg_terms(ontology: rdflib.Graph) -> set[str]:
    return {str(s) for t in DECLARED for s in ontology.subjects(RDF.type, t) if str(s).startswith(str(HRG._NS))}


def test_every_term_has_a_label_and_a_definition(ontology: rdflib.Graph) -> None:
    terms = hrg_terms(ontology)
    assert len(terms) > 120
    for term in terms:
        iri = rdflib.URIRef(term)
        assert ontology.value(iri, RDFS.label), f"{term} has no rdfs:label"
        assert ontology.value(iri, SKOS.definition), f"{term} has no skos:definition"


def test_the_model_the_other_stages_rely_on(ontology: rdflib.Graph) -> None:
    subclass = {(str(s), str(o)) for s, o in ontology.subject_objects(RDFS.subClassOf)}
    expected = {
        (HRG.Treaty, HRG.InternationalInstrument),
        (HRG.OptionalProtocol, HRG.Treaty),
        (HRG.CityCharter, HRG.InternationalInstrument),
        (HRG.Article, HRG.InternationalProvision),
        (HRG.Paragraph, HRG.InternationalProvision),
        (HRG.ActionItem, HRG.LocalProvision),
        (HRG.Ordinance, HRG.LocalInstrument),
        (HRG.ProposedLink, HRG.Link),
        (HRG.CuratedLink, HRG.Link),
        (HRG.SDGTarget, SKOS.Concept),
        (HRG.Department, rdflib.URIRef("http://www.w3.org/ns/org#OrganizationalUnit")),
        (HRG.InternationalInstrument, ELI.LegalResource),
    }
    assert {(str(a), str(b)) for a, b in expected} <= subclass
    for prop in (HRG.realises, HRG.contributesTo, HRG.addresses, HRG.respondsTo):
        assert (prop, RDFS.subPropertyOf, HRG.serves) in ontology
    assert (HRG.Supported, RDF.type, HRG.Position) in ontology


def test_namespace_module_is_generated_from_the_ontology() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_namespace.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_namespaces_are_closed(ontology: rdflib.Graph) -> None:
    generated = {str(getattr(HRG, name)) for name in HRG.__annotations__}
    assert generated == hrg_terms(ontology)
    with pytest.raises(AttributeError):
        HRG.ActionIten  # noqa: B018 - the typo is the point
    assert str(SSSOM.mapping_justification) == "https://w3id.org/sssom/mapping_justification"
    assert str(SEMAPV.ManualMappingCuration) == "https://w3id.org/semapv/vocab/ManualMappingCuration"
    assert str(ELI.is_part_of) == "http://data.europa.eu/eli/ontology#is_part_of"
    assert namespace.compact(str(HRG.ActionItem)) == "hrg:ActionItem"


def _ranges(ontology: rdflib.Graph, prop: rdflib.term.Node) -> set[rdflib.URIRef | None]:
    """The datatypes a datatype property's range allows (a datatype or a union of datatypes)."""
    allowed: set[rdflib.URIRef | None] = set()
    for value in ontology.objects(prop, RDFS.range):
        members = ontology.value(value, OWL.unionOf)
        for item in rdflib.collection.Collection(ontology, members) if members is not None else [value]:
            if isinstance(item, rdflib.URIRef):
                allowed.add(item)
    if RDF.PlainLiteral in allowed:
        allowed |= {None, XSD.string}
    if allowed & {XSD.nonNegativeInteger, XSD.positiveInteger}:
        allowed.add(XSD.integer)  # Oxigraph stores integers of the derived types as xsd:integer
    return allowed


def test_the_data_uses_only_declared_terms_within_their_ranges(ontology: rdflib.Graph) -> None:
    """The built corpus and an ingested action plan use only terms the ontology declares, as it declares them."""
    data = rdflib.Graph()
    for file in corpus_files():
        data.parse(data=file.read_bytes(), format="nt")
    plan = ROOT / "corpora" / "examples" / "example-city" / "sources" / "action-plan.csv"
    data += ingest(plan, city="Example").store.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    declared = {str(term) for term in ontology.subjects(RDF.type, None)}
    used = {str(p) for p in data.predicates()} - {str(RDF.type)}
    assert str(DCTERMS.subject) in used
    assert used <= declared, sorted(used - declared)
    classes = {str(c) for c in data.objects(None, RDF.type)}
    assert classes <= declared, sorted(classes - declared)
    for prop in set(ontology.subjects(RDF.type, OWL.DatatypeProperty)):
        allowed = _ranges(ontology, prop)
        found = {o.datatype for o in data.objects(None, prop) if isinstance(o, rdflib.Literal)}
        assert not allowed or found <= allowed, (prop, found - allowed)
    years = {o.datatype for o in data.objects(None, HRG.ratificationDate) if isinstance(o, rdflib.Literal)}
    assert years == {XSD.gYear}
    for prop in ontology.subjects(RDFS.domain, HRG.Recommendation):
        assert (None, prop, None) in data, f"{prop} is declared for recommendations but no recommendation uses it"
