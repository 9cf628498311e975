"""The built standards corpus conforms to its own SHACL shapes (shapes/corpus.ttl)."""

from __future__ import annotations

import pyshacl
import pytest
import rdflib

from hrgraph.resources import corpus_files, ontology_file, shape_files


@pytest.mark.slow
def test_the_built_corpus_conforms_to_its_shapes() -> None:
    (shapes,) = [f for f in shape_files() if f.name == "corpus.ttl"]
    data = rdflib.Graph()
    for file in corpus_files():
        data.parse(data=file.read_bytes(), format="nt")
    ontology = rdflib.Graph().parse(data=ontology_file().read_bytes(), format="turtle")
    conforms, _, text = pyshacl.validate(
        data,
        shacl_graph=rdflib.Graph().parse(data=shapes.read_bytes(), format="turtle"),
        ont_graph=ontology,
        inference="none",
    )
    assert conforms, text[:3000]


def test_the_corpus_shapes_catch_a_provision_without_text() -> None:
    (shapes,) = [f for f in shape_files() if f.name == "corpus.ttl"]
    data = rdflib.Graph().parse(
        data="""
        @prefix hrg: <https://w3id.org/hrgraph/ontology#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix eli: <http://data.europa.eu/eli/ontology#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        <https://w3id.org/hrgraph/id/x/art_1> a hrg:Article ; skos:prefLabel "X art. 1" ;
            eli:is_part_of <https://w3id.org/hrgraph/id/x> ; dcterms:source <https://example.org/x> .
        """,
        format="turtle",
    )
    ontology = rdflib.Graph().parse(data=ontology_file().read_bytes(), format="turtle")
    conforms, _, text = pyshacl.validate(
        data, shacl_graph=rdflib.Graph().parse(data=shapes.read_bytes(), format="turtle"), ont_graph=ontology
    )
    assert not conforms
    assert "official text (hrg:text) or a summary" in text
