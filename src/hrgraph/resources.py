"""The data that ships with hrgraph: the ontology, SHACL shapes, SPARQL queries and the built corpus.

The folders ``ontology/``, ``shapes/``, ``queries/`` and ``corpora/build/`` of the repository are mapped
into the wheel under ``hrgraph/_data/`` and read only through this module. An editable install
(``pip install -e .``) keeps them in the checkout; its location is read from the install's own
metadata (PEP 610 ``direct_url.json``), never guessed from a source file's path.

>>> ontology_file().name
'hrgraph.ttl'
"""

from __future__ import annotations

import enum
import json
from functools import cache
from importlib import metadata, resources
from importlib.abc import Traversable
from pathlib import Path
from urllib.parse import unquote, urlparse

__all__ = ["Resource", "corpus_files", "ontology_file", "query_files", "resource_dir", "shape_files"]


class Resource(enum.Enum):
    """A folder of packaged data: its name inside the wheel and in the repository."""

    ONTOLOGY = ("ontology", "ontology")
    SHAPES = ("shapes", "shapes")
    QUERIES = ("queries", "queries")
    CORPUS = ("corpus", "corpora/build")
    EXAMPLES = ("examples", "corpora/examples")

    def __init__(self, packaged: str, checkout: str) -> None:
        self.packaged = packaged
        self.checkout = checkout


@cache
def _checkout() -> Path | None:
    """Return the project folder of an editable install, or None for a regular install."""
    try:
        text = metadata.distribution("hrgraph").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    info = json.loads(text)
    if not info.get("dir_info", {}).get("editable"):
        return None
    url = urlparse(info["url"])
    return Path(unquote(url.path)) if url.scheme == "file" else None


def resource_dir(kind: Resource) -> Traversable:
    """Return the folder holding one kind of packaged data."""
    packaged = resources.files("hrgraph") / "_data" / kind.packaged
    if packaged.is_dir():
        return packaged
    checkout = _checkout()
    if checkout is not None and (checkout / kind.checkout).is_dir():
        return checkout / kind.checkout
    return packaged


def _files(kind: Resource, suffixes: tuple[str, ...]) -> list[Traversable]:
    folder = resource_dir(kind)
    if not folder.is_dir():
        return []
    return sorted((f for f in folder.iterdir() if f.is_file() and f.name.endswith(suffixes)), key=lambda f: f.name)


def ontology_file() -> Traversable:
    """Return the OWL ontology ``hrgraph.ttl``."""
    return resource_dir(Resource.ONTOLOGY) / "hrgraph.ttl"


def shape_files() -> list[Traversable]:
    """Return the packaged SHACL shapes files (Turtle), sorted by name."""
    return _files(Resource.SHAPES, (".ttl",))


def query_files() -> list[Traversable]:
    """Return the packaged SPARQL queries (``*.rq``), sorted by name."""
    return _files(Resource.QUERIES, (".rq",))


def corpus_files() -> list[Traversable]:
    """Return the built standards corpus files (N-Triples, Turtle or N-Quads), sorted by name."""
    return _files(Resource.CORPUS, (".nt", ".ttl", ".nq"))
