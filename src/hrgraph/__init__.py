"""hrgraph: a knowledge graph linking local human rights policy to international standards.

>>> import hrgraph
>>> with hrgraph.open_store(memory=True) as store:
...     store.graphs()
{}
"""

from importlib.metadata import PackageNotFoundError, version

from hrgraph.errors import (
    BadInputError,
    EndpointError,
    HrgraphError,
    MalformedRDFError,
    StoreLockedError,
    UnknownNameError,
)
from hrgraph.ingest import IngestResult, ingest
from hrgraph.link import Link, annotate, annotate_texts
from hrgraph.queries import Parameter, Query, catalogue, find_query, run_query
from hrgraph.store import (
    EmbeddedStore,
    RdfFormat,
    RemoteStore,
    Store,
    Table,
    city_slug,
    graph_iri,
    open_store,
)

try:
    __version__ = version("hrgraph")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "BadInputError",
    "EmbeddedStore",
    "EndpointError",
    "HrgraphError",
    "IngestResult",
    "Link",
    "MalformedRDFError",
    "Parameter",
    "Query",
    "RdfFormat",
    "RemoteStore",
    "Store",
    "StoreLockedError",
    "Table",
    "UnknownNameError",
    "__version__",
    "annotate",
    "annotate_texts",
    "catalogue",
    "city_slug",
    "find_query",
    "ingest",
    "graph_iri",
    "open_store",
    "run_query",
]
