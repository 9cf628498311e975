"""Write ``src/hrgraph/namespace.py``: closed rdflib namespaces generated from ``ontology/hrgraph.ttl``.

Run it after changing the ontology: ``python scripts/generate_namespace.py``. A test checks that the
module in the repository is what this script writes, so the two never drift apart.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "hrgraph.ttl"
TARGET = ROOT / "src" / "hrgraph" / "namespace.py"

CLOSED = {
    "HRG": ("https://w3id.org/hrgraph/ontology#", "The hrgraph ontology."),
    "ELI": ("http://data.europa.eu/eli/ontology#", "The European Legislation Identifier terms hrgraph uses."),
    "SSSOM": ("https://w3id.org/sssom/", "The SSSOM mapping terms hrgraph uses."),
    "SEMAPV": ("https://w3id.org/semapv/vocab/", "The semantic mapping vocabulary terms hrgraph uses."),
}
DECLARED = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)

HEADER = '''"""Closed rdflib namespaces for the hrgraph ontology and the vocabularies it reuses.

Generated from ``ontology/hrgraph.ttl`` by ``scripts/generate_namespace.py``; do not edit by hand.
A misspelt term is an error, not a silent new IRI:

>>> HRG.ActionItem
rdflib.term.URIRef('https://w3id.org/hrgraph/ontology#ActionItem')
>>> compact("http://metadata.un.org/sdg/11.1")
'sdg:11.1'
"""

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, QB, RDF, RDFS, SKOS, TIME, XSD, DefinedNamespace

__all__ = [
    "DCTERMS",
    "ELI",
    "GRAPH",
    "HRG",
    "ID",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "SDG",
    "SEMAPV",
    "SKOS",
    "SSSOM",
    "TIME",
    "XSD",
    "compact",
]
'''

FOOTER = '''

SDG = Namespace("http://metadata.un.org/sdg/")
"""The UN's own IRIs for goals (``SDG["11"]``), targets (``SDG["11.1"]``) and indicators (``SDG.C110101``)."""

ID = Namespace("https://w3id.org/hrgraph/id/")
"""Instruments and their provisions, themes and groups: ``ID["icescr/art_11"]``."""

GRAPH = Namespace("https://w3id.org/hrgraph/graph/")
"""Named graphs: ``GRAPH.standards``, ``GRAPH["city/example-city"]``."""

PREFIXES: dict[str, str] = {
    "hrg": str(HRG),
    "id": str(ID),
    "sdg": str(SDG),
    "eli": str(ELI),
    "sssom": str(SSSOM),
    "semapv": str(SEMAPV),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "time": str(TIME),
    "org": str(ORG),
    "qb": str(QB),
    "owl": str(OWL),
    "rdfs": str(RDFS),
    "rdf": str(RDF),
    "xsd": str(XSD),
}


def compact(iri: str) -> str:
    """Write an IRI with the shortest known prefix, or whole if none fits."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default="")
    if not best:
        return iri
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"
'''


def render(ontology: rdflib.Graph) -> str:
    """Return the text of the namespace module for an ontology graph."""
    parts = [HEADER]
    for name, (base, doc) in CLOSED.items():
        terms = sorted(
            {
                str(s)[len(base) :]
                for t in DECLARED
                for s in ontology.subjects(RDF.type, t)
                if isinstance(s, rdflib.URIRef) and str(s).startswith(base)
            }
        )
        lines = [f"\n\nclass {name}(DefinedNamespace):", f'    """{doc}"""', ""]
        for term in terms:
            label = ontology.value(rdflib.URIRef(base + term), SKOS.definition) or ontology.value(
                rdflib.URIRef(base + term), RDFS.label
            )
            comment = " ".join(str(label or "").split())
            line = f"    {term}: URIRef"
            if comment:
                room = 110 - len(line) - 4
                line += "  # " + textwrap.shorten(comment, width=max(room, 20), placeholder=" …")
            lines.append(line)
        lines += ["", "    _NS = Namespace(" + repr(base).replace("'", '"') + ")", "    _fail = True"]
        parts.append("\n".join(lines))
    parts.append(FOOTER)
    return "".join(parts)


def main() -> int:
    """Regenerate the module; with ``--check``, only say whether it is up to date."""
    text = render(rdflib.Graph().parse(ONTOLOGY, format="turtle"))
    if "--check" in sys.argv[1:]:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date: run python scripts/generate_namespace.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
