"""Load a generated graph into each store and run one aggregate query; print times and peak memory.

The baseline is plain in-memory rdflib (``rdflib.Graph().parse`` + ``Graph.query``). Each variant runs in
its own process so that its peak memory is its own.

    python benchmarks/bench_store.py --triples 1000000
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HRG = "https://w3id.org/hrgraph/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
STATUSES = ("Planned", "InProgress", "Completed", "Delayed", "Discontinued")
QUERY_BODY = f"""
  ?item a <{HRG}ActionItem> ;
        <{HRG}status> ?status ;
        <{ELI}is_part_of> ?plan .
  ?plan <{HRG}issuedBy> ?city ."""
SELECT = "SELECT ?status (COUNT(DISTINCT ?city) AS ?cities) (COUNT(?item) AS ?items)"
QUERY_STORE = f"{SELECT} WHERE {{ GRAPH ?g {{{QUERY_BODY} }} }} GROUP BY ?status ORDER BY ?status"
QUERY_RDFLIB = f"{SELECT} WHERE {{{QUERY_BODY} }} GROUP BY ?status ORDER BY ?status"


def generate(path: Path, triples: int, seed: int = 7) -> int:
    """Write a network of cities, plans and action items with links, as N-Triples; return the count."""
    rng = random.Random(seed)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        city = 0
        while written < triples:
            base = f"https://example.org/city{city}/"
            plan = f"<{base}plan>"
            out.write(f"{plan} <{RDF_TYPE}> <{HRG}ActionPlan> .\n{plan} <{HRG}issuedBy> <{base}> .\n")
            written += 2
            for i in range(200):
                item = f"<{base}item{i}>"
                status = rng.choice(STATUSES)
                target = f"http://metadata.un.org/sdg/{rng.randint(1, 17)}.{rng.randint(1, 9)}"
                out.write(
                    f"{item} <{RDF_TYPE}> <{HRG}ActionItem> .\n"
                    f"{item} <{ELI}is_part_of> {plan} .\n"
                    f"{item} <{HRG}status> <{HRG}{status}> .\n"
                    f'{item} <{HRG}actionText> "Action {i} of city {city}: {rng.random():.6f}" .\n'
                    f"{item} <{HRG}contributesTo> <{target}> .\n"
                )
                written += 5
            city += 1
    return written


def run_variant(variant: str, data: Path) -> dict[str, float]:
    """Load and query in this process; return seconds and peak memory."""
    start = time.perf_counter()
    if variant == "rdflib":
        import rdflib

        graph = rdflib.Graph().parse(data, format="nt")
        loaded = time.perf_counter()
        rows = len(list(graph.query(QUERY_RDFLIB)))
    else:
        from hrgraph.store import EmbeddedStore, RdfFormat

        # the store's folder goes with the temporary folder, however the run ends
        with tempfile.TemporaryDirectory(prefix="hrgraph-bench-") as folder:
            with EmbeddedStore(folder if variant == "embedded" else None) as store:
                store.load(data, format=RdfFormat.NTRIPLES, graph="standards")
                loaded = time.perf_counter()
                rows = len(store.select(QUERY_STORE))
    done = time.perf_counter()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"load_s": loaded - start, "query_s": done - loaded, "rows": rows, "peak_mib": peak_mib}


def main() -> int:
    """Generate the data, run every variant in its own process, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--run", choices=("embedded", "memory", "rdflib"), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_variant(args.run, args.data)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "network.nt"
        count = generate(data, args.triples)
        print(f"generated {count:,} triples ({data.stat().st_size / 2**20:.0f} MiB of N-Triples)")
        results = {}
        for variant in ("embedded", "memory", "rdflib"):
            out = subprocess.run(  # noqa: S603 - this very script
                [sys.executable, __file__, "--run", variant, "--data", str(data)],
                capture_output=True,
                text=True,
                check=True,
            )
            results[variant] = json.loads(out.stdout)
        base = results["rdflib"]
        print(f"{'store':<10} {'load s':>8} {'query s':>8} {'peak MiB':>9} {'load ×':>8} {'query ×':>8}")
        for variant, r in results.items():
            print(
                f"{variant:<10} {r['load_s']:8.2f} {r['query_s']:8.3f} {r['peak_mib']:9.0f}"
                f" {base['load_s'] / r['load_s']:8.1f} {base['query_s'] / r['query_s']:8.1f}"
            )
        assert results["embedded"]["rows"] == base["rows"]
    return 0


if __name__ == "__main__":
    sys.exit(main())
