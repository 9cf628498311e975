"""Validate a generated network of cities; compare time and results with pySHACL run plainly.

Each city follows docs/local-graph.md: the city and its departments, a proclamation committing it to
instruments, an action plan of N items (action text, body, target, deadline, status, indicator with a
baseline and observations), stated, curated and proposed links with their evidence. A seeded share of the
items is left incomplete in the ways real plans are (no indicator, no deadline, a target without figures …).

The store is the embedded on-disk store, loaded with the ontology and the built standards corpus.
hrgraph's time is ``validate(store)`` over the whole store. The baseline is pySHACL on an rdflib Graph
holding the same triples (ontology, standards, cities), with the same shapes, ``inference="none"``; it is
slow (pySHACL parses each SPARQL constraint again for every focus node), so by default it runs on the first
``--baseline-cities`` cities, whose results are compared one for one with hrgraph's for those cities.

    python benchmarks/bench_validate.py --cities 100 --items 200
    python benchmarks/bench_validate.py --cities 1000 --items 200 --baseline-cities 0
    python benchmarks/bench_validate.py --cities 100 --items 200 --baseline-cities 100   # the full baseline
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import rdflib

from hrgraph.resources import corpus_files, ontology_file
from hrgraph.store import EmbeddedStore, RdfFormat, graph_iri
from hrgraph.validate import load_shapes, pyshacl_results, validate

HRG = "https://w3id.org/hrgraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
ELI = "http://data.europa.eu/eli/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
TIME = "http://www.w3.org/2006/time#"
SSSOM = "https://w3id.org/sssom/"
A = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
ID = "https://w3id.org/hrgraph/id/"
STATUSES = ("Planned", "InProgress", "Completed", "Delayed", "Discontinued")
STANDARDS = (
    f"{ID}icescr/art_11__para_1",
    f"{ID}icescr/art_12",
    f"{ID}crc/art_3",
    f"{ID}cedaw/art_2",
    f"{ID}iccpr/art_26",
    f"{ID}udhr/art_25",
    "http://metadata.un.org/sdg/11.1",
    "http://metadata.un.org/sdg/4.5",
)


def _iri(value: str) -> str:
    return f"<{value}>"


def _lit(value: object, datatype: str | None = None) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"^^<{XSD}{datatype}>' if datatype else f'"{text}"'


def generate_city(index: int, items: int, rng: random.Random) -> dict[str, str]:
    """Return the N-Triples of one city's graphs: ``city``, ``curated`` and ``proposed``."""
    slug = f"city-{index:04d}"
    base = f"https://w3id.org/hrgraph/city/{slug}/"
    graphs: dict[str, list[str]] = {"city": [], "curated": [], "proposed": []}

    def add(graph: str, s: str, p: str, o: str) -> None:
        graphs[graph].append(f"{s} {p} {o} .\n")

    city, plan = _iri(base), _iri(base + "doc/action-plan")
    add("city", city, A, _iri(HRG + "LocalGovernment"))
    add("city", city, _iri(SKOS + "prefLabel"), _lit(f"City {index}"))
    departments = [base + f"org/department-{d}" for d in range(6)]
    for d, dept in enumerate(departments):
        add("city", _iri(dept), A, _iri(HRG + ("HumanRightsOffice" if d == 0 else "Department")))
        add("city", _iri(dept), _iri(SKOS + "prefLabel"), _lit(f"Department {d}"))
        add("city", _iri(dept), _iri(ORG + "unitOf"), city)
    for instrument in ("icescr", "crc", "cedaw"):
        add("city", city, _iri(HRG + "commitsTo"), _iri(ID + instrument))
    sha = hashlib.sha256(slug.encode()).hexdigest()
    source = _iri(base + "file/" + sha)
    add("city", source, A, _iri(HRG + "SourceFile"))
    add("city", source, _iri(HRG + "filePath"), _lit("action-plan.xlsx"))
    add("city", source, _iri(HRG + "sha256"), _lit(sha))
    for p, o in (
        (A, _iri(HRG + "ActionPlan")),
        (_iri(DCT + "title"), _lit(f"Human Rights Action Plan of City {index}")),
        (_iri(DCT + "date"), _lit("2024-03-15", "date")),
        (_iri(HRG + "issuedBy"), city),
        (_iri(HRG + "owner"), _iri(departments[0])),
        (_iri(HRG + "sourceFile"), source),
        (_iri(HRG + "period"), _iri(base + "doc/action-plan/period")),
    ):
        add("city", plan, p, o)
    period = _iri(base + "doc/action-plan/period")
    for edge, day in (("hasBeginning", "2024-01-01"), ("hasEnd", "2027-12-31")):
        node = _iri(base + f"doc/action-plan/period/{edge}")
        add("city", period, _iri(TIME + edge), node)
        add("city", node, _iri(TIME + "inXSDDate"), _lit(day, "date"))
    offset = 0
    for n in range(items):
        number = f"A-{n + 1:03d}"
        item = _iri(base + f"doc/action-plan/item_{number}")
        text = f"Provide {rng.randint(10, 900)} places of social housing for families in district {n % 17}."
        add("city", item, A, _iri(HRG + "ActionItem"))
        add("city", item, _iri(ELI + "is_part_of"), plan)
        add("city", item, _iri(HRG + "number"), _lit(number))
        add("city", item, _iri(HRG + "eId"), _lit(f"item_{number}"))
        add("city", item, _iri(HRG + "order"), _lit(n + 1, "integer"))
        add("city", item, _iri(HRG + "text"), _lit(text))
        add("city", item, _iri(HRG + "actionText"), _lit(text))
        add("city", item, _iri(HRG + "startOffset"), _lit(offset, "integer"))
        add("city", item, _iri(HRG + "endOffset"), _lit(offset + len(text), "integer"))
        offset += len(text) + 1
        if rng.random() > 0.03:
            add("city", item, _iri(HRG + "responsibleBody"), _iri(rng.choice(departments)))
        target = rng.choice(("500 units by 2027", "all districts covered", "30 percent fewer evictions"))
        add("city", item, _iri(HRG + "targetStatement"), _lit(target))
        if rng.random() > 0.04:
            add(
                "city",
                item,
                _iri(HRG + "deadline"),
                _lit(rng.choice(("2023-12-31", "2027-12-31", "2029-06-30")), "date"),
            )
        add("city", item, _iri(HRG + "status"), _iri(HRG + rng.choice(STATUSES)))
        if rng.random() > 0.05:
            indicator = base + f"indicator/{number}-1"
            add("city", item, _iri(HRG + "indicator"), _iri(indicator))
            add("city", _iri(indicator), A, _iri(HRG + "LocalIndicator"))
            add("city", _iri(indicator), _iri(SKOS + "prefLabel"), _lit(f"Households housed ({number})"))
            add("city", _iri(indicator), _iri(HRG + "unit"), _lit("households"))
            years = (2022, 2024) if rng.random() > 0.2 else (2022,)
            for k, year in enumerate(years):
                obs = _iri(f"{indicator}/obs/{year}")
                add("city", _iri(indicator), _iri(HRG + ("baseline" if k == 0 else "observation")), obs)
                add("city", obs, A, _iri(HRG + "Observation"))
                add("city", obs, _iri(HRG + "value"), _lit(f"{rng.randint(0, 500)}.0", "decimal"))
                add("city", obs, _iri(HRG + "year"), _lit(year, "gYear"))
        standard = rng.choice(STANDARDS)
        predicate = "contributesTo" if "sdg" in standard else "realises"
        for kind, graph in (("StatedLink", "city"), ("CuratedLink", "curated"), ("ProposedLink", "proposed")):
            if kind != "ProposedLink" and rng.random() < 0.3:
                continue
            link = _iri(base + "link/" + hashlib.sha256(f"{item}{standard}{kind}".encode()).hexdigest()[:16])
            add(graph, link, A, _iri(HRG + kind))
            add(graph, link, _iri(HRG + "linkSubject"), item)
            add(graph, link, _iri(HRG + "linkObject"), _iri(standard))
            add(graph, link, _iri(HRG + "linkPredicate"), _iri(HRG + predicate))
            add(graph, link, _iri(SSSOM + "confidence"), _lit(round(rng.random(), 3), "double"))
            add(
                graph,
                link,
                _iri(SSSOM + "mapping_justification"),
                _iri("https://w3id.org/semapv/vocab/LexicalMatching"),
            )
            add(graph, link, _iri(HRG + "evidenceStart"), _lit(0, "integer"))
            add(graph, link, _iri(HRG + "evidenceEnd"), _lit(rng.randint(10, len(text) + 5), "integer"))
            if kind == "CuratedLink":
                add(graph, link, _iri(SSSOM + "reviewer_id"), _lit("orcid:0000-0002-1825-0097"))
            if kind != "ProposedLink":
                add(graph, item, _iri(HRG + predicate), _iri(standard))
    return {k: "".join(v) for k, v in graphs.items()}


def build(folder: Path, cities: int, items: int, seed: int) -> EmbeddedStore:
    """Write the network as N-Quads and bulk-load it with pyoxigraph (fast), then open it as hrgraph does."""
    raw = ox.Store(str(folder))
    raw.bulk_load(
        ontology_file().read_bytes(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph_iri("ontology"))
    )
    standards = b"".join(f.read_bytes() for f in corpus_files())
    raw.bulk_load(standards, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph_iri("standards")))
    rng = random.Random(seed)
    quads = folder.parent / "network.nq"
    with quads.open("w", encoding="utf-8") as out:
        for index in range(cities):
            for kind, text in generate_city(index, items, rng).items():
                graph = f" <{graph_iri(f'{kind}/city-{index:04d}')}> .\n"
                out.write("".join(line[:-3] + graph for line in text.splitlines(keepends=True)))
    raw.bulk_load(path=str(quads), format=ox.RdfFormat.N_QUADS)
    quads.unlink()
    raw.flush()
    del raw
    return EmbeddedStore(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cities", type=int, default=100)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument(
        "--baseline-cities",
        type=int,
        default=5,
        help="cities the pySHACL baseline runs on (0: none; --cities: the whole network)",
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hrgraph-bench-") as tmp:
        started = time.perf_counter()
        store = build(Path(tmp, "store"), args.cities, args.items, args.seed)
        triples = sum(store.graphs().values())
        print(
            f"network: {args.cities} cities x {args.items} items, {triples:,} triples "
            f"(generated and loaded in {time.perf_counter() - started:.1f} s)"
        )
        shapes = load_shapes()
        started = time.perf_counter()
        report = validate(store, shapes=shapes)
        took = time.perf_counter() - started
        print(f"hrgraph validate: {took:.2f} s  ({report.summary})")
        sample = min(args.baseline_cities, args.cities)
        if sample:
            data = rdflib.Graph()
            graphs = [graph_iri("ontology"), graph_iri("standards")] + [
                graph_iri(f"{kind}/city-{i:04d}") for i in range(sample) for kind in ("city", "curated", "proposed")
            ]
            for graph in graphs:
                data.parse(data=store.export(RdfFormat.NTRIPLES, graph=graph), format="nt")
            mine = [
                r
                for r in report.results
                if any(str(r.focus).startswith(f"https://w3id.org/hrgraph/city/city-{i:04d}/") for i in range(sample))
            ]
            started = time.perf_counter()
            reference = pyshacl_results(data, shapes)
            base = time.perf_counter() - started
            same = Counter(r.key() for r in mine) == Counter(r.key() for r in reference)
            print(
                f"pySHACL baseline on {sample} cities ({len(data):,} triples): {base:.1f} s, "
                f"{len(reference)} results; hrgraph's results for those cities "
                f"{'are identical' if same else 'DIFFER'}"
            )
            print(
                f"per action item: pySHACL {1000 * base / (sample * args.items):.1f} ms, "
                f"hrgraph {1000 * took / (args.cities * args.items):.3f} ms"
            )
            if not same:
                sys.exit(1)
        store.close()
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
