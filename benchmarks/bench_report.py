"""Time every report on a generated network of cities, on the embedded store and on a plain rdflib Graph.

The network is N cities × M action items, each city with its departments, an action plan, indicators
with observations and links (stated, proposed, curated, rejected) to real articles, SDG targets,
themes and UPR recommendations of the packaged standards corpus, drawn with a fixed seed: the same
N, M and seed always give the same triples.

    python benchmarks/bench_report.py                      # 1,000 cities × 200 items
    python benchmarks/bench_report.py --cities 50 --items 50 --baseline-cities 10

The embedded store is built once in --store (kept between runs; --rebuild builds it again). The rdflib
baseline runs the same queries with the same bindings on an rdflib Dataset holding the standards and
the first --baseline-cities cities (rdflib is too slow to load the whole network in minutes); the
ratio printed compares the time of one city's report on each.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import rdflib

from hrgraph.queries import Query, find_query
from hrgraph.report import REPORTS, Report, ReportParams, build_report
from hrgraph.resources import corpus_files
from hrgraph.store import EmbeddedStore, Table, _inject_values, graph_iri

HRG = "https://w3id.org/hrgraph/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
SSSOM = "https://w3id.org/sssom/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
STATUSES = ("Planned", "InProgress", "Completed", "Delayed", "Discontinued")
DEPARTMENTS = ("housing", "social-affairs", "education", "health", "human-rights-office")


def _standards(path: Path) -> dict[str, list[str]]:
    """Pick the link targets from the standards corpus: articles, paragraphs, targets, themes, recommendations."""
    store = ox.Store()
    for file in corpus_files():
        store.load(file.read_bytes(), format=ox.RdfFormat.N_TRIPLES)
    kinds = {
        "article": f"<{HRG}Article>",
        "paragraph": f"<{HRG}Paragraph>",
        "target": f"<{HRG}SDGTarget>",
        "theme": f"<{HRG}RightsTheme>",
        "recommendation": f"<{HRG}Recommendation>",
    }
    picked: dict[str, list[str]] = {}
    for kind, cls in kinds.items():
        rows = store.query(f"SELECT ?s WHERE {{ ?s a {cls} }} ORDER BY ?s")
        picked[kind] = [row[0].value for row in rows]  # type: ignore[union-attr]
    core = ("icescr", "iccpr", "cedaw", "crc", "crpd", "udhr")
    for kind in ("article", "paragraph"):
        picked[kind] = [iri for iri in picked[kind] if iri.split("/id/")[1].split("/")[0] in core]
    del path
    return picked


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def network(cities: int, items: int, standards: dict[str, list[str]], seed: int = 7) -> Iterator[str]:
    """Yield the N-Quads lines of a network of cities, deterministically."""
    rng = random.Random(seed)
    predicates = {
        "article": "realises",
        "paragraph": "realises",
        "target": "contributesTo",
        "theme": "addresses",
        "recommendation": "respondsTo",
    }
    kinds = list(predicates)
    weights = (3, 2, 4, 2, 1)
    for c in range(cities):
        slug = f"city-{c:04d}"
        base = f"https://w3id.org/hrgraph/city/{slug}/"
        g_city = f"<{graph_iri('city/' + slug)}>"
        g_prop = f"<{graph_iri('proposed/' + slug)}>"
        g_cur = f"<{graph_iri('curated/' + slug)}>"
        city = f"<{base}>"

        def q(s: str, p: str, o: str, g: str = g_city) -> str:
            return f"{s} <{p}> {o} {g} .\n"

        yield q(city, RDF_TYPE, f"<{HRG}LocalGovernment>")
        yield q(city, SKOS + "prefLabel", _lit(f"City {c:04d}"))
        yield q(city, HRG + "country", "<https://w3id.org/hrgraph/id/state/slovenia>")
        for graph in (g_city, g_prop, g_cur):
            yield q(city, HRG + "namedGraph", graph)
        for instrument in rng.sample(["icescr", "iccpr", "cedaw", "crc", "crpd", "agenda2030"], 3):
            yield q(city, HRG + "commitsTo", f"<https://w3id.org/hrgraph/id/{instrument}>")
        for dept in DEPARTMENTS:
            d = f"<{base}org/{dept}>"
            yield q(city, ORG + "hasUnit", d)
            yield q(d, RDF_TYPE, f"<{HRG}Department>")
            yield q(d, SKOS + "prefLabel", _lit(dept.replace("-", " ").capitalize()))
            yield q(d, ORG + "unitOf", city)
        plan = f"<{base}doc/action-plan>"
        yield q(plan, RDF_TYPE, f"<{HRG}ActionPlan>")
        yield q(plan, DCT + "title", _lit(f"Action plan of city {c:04d}"))
        yield q(plan, HRG + "issuedBy", city)
        for i in range(items):
            number = f"A-{i + 1:03d}"
            item_iri = f"{base}doc/action-plan/item_{number}"
            item = f"<{item_iri}>"
            yield q(item, RDF_TYPE, f"<{HRG}ActionItem>")
            yield q(item, ELI + "is_part_of", plan)
            yield q(item, HRG + "number", _lit(number))
            yield q(item, HRG + "order", _typed(str(i + 1), "integer"))
            yield q(item, HRG + "actionText", _lit(f"Measure {number} of city {c:04d}"))
            yield q(item, HRG + "responsibleBody", f"<{base}org/{rng.choice(DEPARTMENTS)}>")
            yield q(item, HRG + "status", f"<{HRG}{rng.choice(STATUSES)}>")
            yield q(item, HRG + "deadline", _typed(f"{rng.randint(2023, 2030)}-12-31", "date"))
            if i % 2 == 0:
                ind = f"<{base}indicator/{number}-1>"
                yield q(item, HRG + "indicator", ind)
                yield q(ind, RDF_TYPE, f"<{HRG}LocalIndicator>")
                yield q(ind, SKOS + "prefLabel", _lit(f"Indicator of {number}"))
                yield q(ind, HRG + "unit", _lit("percent"))
                for n, year in enumerate((2020, 2023)):
                    obs = f"<{base}indicator/{number}-1/obs/{year}>"
                    yield q(ind, HRG + ("baseline" if n == 0 else "observation"), obs)
                    if n == 0:
                        yield q(ind, HRG + "observation", obs)
                    yield q(obs, HRG + "year", _typed(str(year), "gYear"))
                    yield q(obs, HRG + "value", _typed(f"{rng.uniform(0, 100):.1f}", "decimal"))
            for n in range(rng.choice((0, 1, 2, 3, 3, 4))):
                kind = rng.choices(kinds, weights)[0]
                target_iri = rng.choice(standards[kind])
                target = f"<{target_iri}>"
                link_iri = f"<{base}link/{hashlib.sha256(f'{item_iri} {target_iri}'.encode()).hexdigest()[:16]}>"
                roll = rng.random()
                if n == 0 and roll < 0.3:
                    cls, graph = "StatedLink", g_city
                else:
                    cls, graph = "ProposedLink", g_prop
                confidence = "1.0" if cls == "StatedLink" else f"{rng.uniform(0.5, 0.99):.2f}"
                for s, p, o in (
                    (link_iri, RDF_TYPE, f"<{HRG}{cls}>"),
                    (link_iri, HRG + "linkSubject", item),
                    (link_iri, HRG + "linkPredicate", f"<{HRG}{predicates[kind]}>"),
                    (link_iri, HRG + "linkObject", target),
                    (link_iri, HRG + "method", _lit("lexical")),
                    (link_iri, SSSOM + "confidence", _typed(confidence, "double")),
                ):
                    yield q(s, p, o, graph)
                if cls == "ProposedLink" and roll > 0.6:
                    review = "CuratedLink" if roll > 0.7 else "RejectedLink"
                    review_iri = (
                        f"<{base}link/{hashlib.sha256(f'{item_iri} {target_iri} review'.encode()).hexdigest()[:16]}>"
                    )
                    yield q(review_iri, RDF_TYPE, f"<{HRG}{review}>", g_cur)
                    yield q(review_iri, HRG + "linkSubject", item, g_cur)
                    yield q(review_iri, HRG + "linkPredicate", f"<{HRG}{predicates[kind]}>", g_cur)
                    yield q(review_iri, HRG + "linkObject", target, g_cur)
                    yield q(review_iri, SSSOM + "confidence", _typed(confidence, "double"), g_cur)
                    yield q(review_iri, HRG + "reviewDate", _typed("2025-01-15", "date"), g_cur)
                    yield q(review_iri, HRG + "reviewOf", link_iri, g_cur)
                if cls == "StatedLink":
                    yield q(item, HRG + predicates[kind], target)


def build_store(folder: Path, cities: int, items: int, seed: int) -> None:
    """Write the network as N-Quads and bulk-load it, with the standards, into an embedded store."""
    standards = _standards(folder)
    data = folder.with_suffix(".nq.gz")
    started = time.perf_counter()
    count = 0
    with gzip.open(data, "wt", encoding="utf-8", compresslevel=1) as out:
        for line in network(cities, items, standards, seed):
            out.write(line)
            count += 1
    print(f"generated {count:,} quads in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    started = time.perf_counter()
    store = ox.Store(str(folder))
    store.bulk_load(gzip.decompress(data.read_bytes()), format=ox.RdfFormat.N_QUADS)
    for file in corpus_files():
        store.bulk_load(file.read_bytes(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph_iri("standards")))
    store.optimize()
    store.flush()
    del store
    print(f"bulk-loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def _time(run: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def report_queries(city: str) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """The queries each report runs for one city, with their parameters (as the report binds them)."""
    graph = graph_iri(f"city/{city}")
    state = "https://w3id.org/hrgraph/id/state/slovenia"
    city_only = {"city_graph": graph}
    upr = [("upr-recommendations", {"state": state}), ("upr-matrix", {**city_only, "state": state, "cycle": "3"})]
    return {
        "upr": [("cities", {}), *upr],
        "vlr": [
            ("cities", {}),
            ("vlr-table", {**city_only, "state": state}),
            ("local-indicators", city_only),
            ("sdg-targets", {}),
            ("coverage", city_only),
            ("departments", city_only),
        ],
        "treaty-linkage": [("cities", {}), ("treaty-linkage", city_only)],
        "gaps": [("cities", {}), ("gaps-commitments", city_only), ("gaps-items", city_only), *upr],
        "coverage": [("cities", {}), ("coverage", city_only), ("departments", city_only), ("sdg-targets", {})],
    }


def main() -> None:
    """Build the network if needed, then time each report on both stores."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cities", type=int, default=1000)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--store", type=Path, default=Path(tempfile.gettempdir()) / "hrgraph-bench-report")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-cities", type=int, default=2, help="cities in the rdflib baseline (0: none)")
    parser.add_argument("--baseline-limit", type=int, default=300, help="seconds allowed per report on rdflib")
    parser.add_argument("--network", action="store_true", help="also time coverage over every city of the network")
    args = parser.parse_args()
    folder: Path = args.store / f"n{args.cities}-m{args.items}-s{args.seed}"
    if args.rebuild and folder.exists():
        shutil.rmtree(folder)
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        build_store(folder, args.cities, args.items, args.seed)
    city = "city-0001"
    params = ReportParams(city=city)
    embedded: dict[str, float] = {}
    per_query: dict[str, float] = {}
    with EmbeddedStore(folder) as store:
        triples = sum(store.graphs().values())
        print(f"network: {args.cities:,} cities × {args.items} items, {triples:,} triples (embedded store on disk)")
        for name in REPORTS:

            def build(name: str = name) -> Report:
                return build_report(store, name, params)

            embedded[name] = _time(build, args.repeat)
            print(f"  report {name:16s} {embedded[name] * 1000:8.0f} ms")
        for name, queries in report_queries(city).items():
            bound = [(find_query(q), p) for q, p in queries]

            def select(b: list[tuple[Query, dict[str, str]]] = bound) -> list[Table]:
                return [store.select(q.text, q.bind(p)) for q, p in b]

            per_query[name] = _time(select, args.repeat)
        if args.network:
            seconds = _time(lambda: build_report(store, "coverage", ReportParams(city=None)), args.repeat)
            print(f"  report {'coverage (all)':16s} {seconds * 1000:8.0f} ms  (every city of the network)")
    if args.baseline_cities <= 0:
        return
    dataset = rdflib.Dataset()
    for file in corpus_files():
        dataset.graph(rdflib.URIRef(graph_iri("standards"))).parse(data=file.read_bytes(), format="nt")
    standards = _standards(folder)
    lines = "".join(network(args.baseline_cities, args.items, standards, args.seed))
    dataset.parse(data=lines, format="nquads")
    print(
        f"rdflib baseline: the same queries with the same bindings on an in-memory rdflib Dataset of "
        f"{args.baseline_cities} cities × {args.items} items ({len(dataset):,} triples)"
    )
    for name, queries in report_queries(city).items():
        bound = [(find_query(q), p) for q, p in queries]

        def run(b: list[tuple[Query, dict[str, str]]] = bound) -> None:
            for query, values in b:
                list(dataset.query(_inject_values(query.text, query.bind(values))))

        signal.alarm(args.baseline_limit)
        try:
            seconds = _time(run, 1)
            note = ""
        except TimeoutError:
            seconds, note = float(args.baseline_limit), "  (stopped: rdflib took longer)"
        except Exception as err:  # a query rdflib's engine cannot evaluate
            print(f"  {name:16s} rdflib cannot run these queries: {type(err).__name__}: {str(err)[:80]}")
            continue
        finally:
            signal.alarm(0)
        ratio = seconds / per_query[name] if per_query[name] else float("inf")
        print(
            f"  {name:16s} rdflib {seconds * 1000:10.0f} ms   embedded store (all {args.cities:,} cities) "
            f"{per_query[name] * 1000:6.0f} ms   ratio {ratio:8.1f}×{note}"
        )


def _timeout(signum: int, frame: object) -> None:
    raise TimeoutError


if __name__ == "__main__":
    signal.signal(signal.SIGALRM, _timeout)
    main()
