"""Build the standards corpus and load it into the embedded store; compare with plain rdflib parsing.

    python benchmarks/bench_corpus.py

Target: build and load together under 5 seconds on a 2-core machine.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import rdflib

from hrgraph.corpus import build
from hrgraph.resources import ontology_file
from hrgraph.store import EmbeddedStore, RdfFormat

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    """Print build, load and baseline times."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "build"
        start = time.perf_counter()
        result = build(ROOT / "corpora", out)
        built = time.perf_counter()
        with EmbeddedStore(Path(tmp) / "store") as store:
            store.load(ontology_file().read_bytes(), format=RdfFormat.TURTLE, graph="ontology")
            for name in result.files:
                store.load(out / name, graph="standards")
        loaded = time.perf_counter()
        baseline = rdflib.Graph()
        for name in result.files:
            baseline.parse(out / name, format="nt")
        parsed = time.perf_counter()
    build_s, load_s, rdflib_s = built - start, loaded - built, parsed - loaded
    print(f"corpus: {result.triples:,} triples in {len(result.files)} files")
    print(
        f"build {build_s:.2f} s + load into the embedded store {load_s:.2f} s = {build_s + load_s:.2f} s (target < 5 s)"
    )
    print(f"baseline rdflib.Graph().parse of the same N-Triples: {rdflib_s:.2f} s; load ratio {rdflib_s / load_s:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
