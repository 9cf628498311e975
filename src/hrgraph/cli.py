"""The ``hrgraph`` command line: thin commands over the importable functions of each stage.

Exit codes: 0 success, 1 violations found (validation), 2 bad input or usage. Results go to stdout or
``-o FILE``; diagnostics and progress go to stderr, progress only when stderr is a terminal.
"""

from __future__ import annotations

import csv
import functools
import importlib
import io
import json
import logging
import math
import os
import shlex
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import rdflib
from click.core import ParameterSource
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from hrgraph import __version__
from hrgraph.errors import BadInputError, HrgraphError, UnknownNameError
from hrgraph.queries import catalogue, find_query, run_query
from hrgraph.store import RdfFormat, Store, Table, Term, WriteInterrupted, graph_iri, open_store

DEFAULT_STORE = "hrgraph-store"
TABLE_FORMATS = ("table", "csv", "tsv", "json")
WRITERS = ("init", "load", "ingest", "example")
"""The commands that may create a store where there is none; the others need one to be there."""
RDF_SUFFIXES = {suffix: f.label for f in RdfFormat for suffix in f.suffixes}
QUERY_SUFFIXES = {**RDF_SUFFIXES, ".csv": "csv", ".tsv": "tsv", ".json": "json", ".txt": "table"}
log = logging.getLogger("hrgraph")


def _stderr() -> Console:
    return Console(stderr=True, no_color="NO_COLOR" in os.environ, highlight=False)


def _progress() -> Progress:
    """Return a progress bar on stderr, shown only when stderr is a terminal."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_stderr(),
        disable=not sys.stderr.isatty(),
        transient=True,
    )


class OutputFile(click.Path):
    """A file a command writes to; ``-`` (like no ``-o`` at all) means stdout."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path, allow_dash=True)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Return the path, or None for ``-``."""
        return None if value in ("-", b"-") else super().convert(value, param, ctx)


def write_output(data: bytes, output: Path | None) -> None:
    """Write to stdout, or to a file atomically: a reader never sees a half-written file."""
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    output = output.expanduser()
    if output.parent and not output.parent.exists():
        raise BadInputError(f"{output}: the folder {output.parent} does not exist")
    from hrgraph.report import write_atomic

    write_atomic(output, data)


def output_format(fmt: str | None, output: Path | None, suffixes: Mapping[str, str], default: str) -> str:
    """Return the format -O names, else the one -o's extension names, else ``default``.

    An extension the command does not write is an error, rather than a file in another format.

    >>> output_format(None, Path("vlr.xlsx"), {".xlsx": "xlsx", ".md": "md"}, "md")
    'xlsx'
    >>> output_format("xlsx", Path("vlr.md"), {".xlsx": "xlsx", ".md": "md"}, "md")
    Traceback (most recent call last):
    hrgraph.errors.BadInputError: -O xlsx does not match vlr.md, which names md: change one of them
    >>> output_format(None, Path("vlr.pdf"), {".xlsx": "xlsx", ".md": "md"}, "md")
    Traceback (most recent call last):
    hrgraph.errors.BadInputError: vlr.pdf: cannot write a .pdf file: use .md or .xlsx, or give -O md or -O xlsx
    """
    named = None
    if output is not None:
        name = output.name.lower()
        named = next((label for suffix, label in suffixes.items() if name.endswith(suffix)), None)
    if fmt is not None and named is not None and named != fmt:
        raise BadInputError(f"-O {fmt} does not match {output}, which names {named}: change one of them")
    if fmt is None and named is None and output is not None and output.suffix:
        known, labels = sorted(suffixes), sorted(set(suffixes.values()))
        use = f"{', '.join(known[:-1])} or {known[-1]}" if len(known) > 1 else known[0]
        give = " or ".join(f"-O {label}" for label in labels)
        raise BadInputError(f"{output}: cannot write a {output.suffix} file: use {use}, or give {give}")
    return fmt or named or default


def _json_value(term: Term | None) -> Any:
    """Return a cell for JSON: numbers and booleans as themselves, other terms as text."""
    if isinstance(term, rdflib.Literal):
        value = term.toPython()
        if isinstance(value, bool | int) or (isinstance(value, float | Decimal) and math.isfinite(value)):
            return float(value) if isinstance(value, Decimal) else value
    return None if term is None else str(term)


def render_table(table: Table, fmt: str) -> bytes:
    """Render query rows as an aligned text table, CSV, TSV or JSON (with numbers and booleans typed)."""
    records = table.records()
    if fmt == "json":
        typed = [{c: _json_value(v) for c, v in zip(table.columns, row, strict=True)} for row in table.rows]
        return (json.dumps(typed, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows([["" if r[c] is None else r[c] for c in table.columns] for r in records])
        return buffer.getvalue().encode()
    return _rich_text(table.columns, [[r[c] or "" for c in table.columns] for r in records])


def _rich_text(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    grid = RichTable(*columns, show_edge=False, header_style="bold")
    for row in rows:
        grid.add_row(*row)
    width = None if sys.stdout.isatty() else 200
    buffer = io.StringIO()
    # cells are data: "[b]" or ":x:" in an IRI or a label must be printed as they are
    Console(file=buffer, width=width, no_color=True, soft_wrap=False, markup=False, emoji=False).print(grid)
    return buffer.getvalue().encode()


@dataclass(frozen=True)
class StoreChoice:
    """The store a command works on: the embedded store in ``path``, or a SPARQL endpoint if one is given."""

    path: Path
    endpoint: str | None = None
    update_endpoint: str | None = None
    gsp_endpoint: str | None = None
    create: bool = False

    @property
    def name(self) -> str:
        """Name the store in messages: the endpoint, or the folder."""
        return self.endpoint or str(self.path)

    def open(self) -> Store:
        """Open the store; an embedded one is created only for a command that may create it."""
        return open_store(
            self.path,
            endpoint=self.endpoint,
            update_endpoint=self.update_endpoint,
            store_endpoint=self.gsp_endpoint,
            create=self.create,
        )


def store_options(command: Callable[..., None]) -> Callable[..., None]:
    """Add the options that say which store a command works on; the command gets them as ``store_choice``.

    Only the commands named in :data:`WRITERS` create an embedded store that is not there yet.
    """

    @functools.wraps(command)
    def run(
        *args: Any,
        store_path: Path,
        endpoint: str | None,
        update_endpoint: str | None,
        gsp_endpoint: str | None,
        **kwargs: Any,
    ) -> None:
        context = click.get_current_context(silent=True)
        create = context is not None and context.command.name in WRITERS
        if endpoint and context is not None:
            # what is typed beats what the environment says; typing or setting both is a mistake
            store_from = context.get_parameter_source("store_path")
            endpoint_from = context.get_parameter_source("endpoint")
            if store_from == endpoint_from and store_from in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT):
                where = (
                    "--store and --endpoint"
                    if store_from == ParameterSource.COMMANDLINE
                    else "HRGRAPH_STORE and HRGRAPH_ENDPOINT"
                )
                raise BadInputError(f"{where} both name a store: give one")
            if store_from == ParameterSource.COMMANDLINE:
                endpoint = None
        choice = StoreChoice(store_path, endpoint, update_endpoint, gsp_endpoint, create)
        command(*args, store_choice=choice, **kwargs)

    options = [
        click.option(
            "--store",
            "store_path",
            type=click.Path(path_type=Path),
            envvar="HRGRAPH_STORE",
            default=DEFAULT_STORE,
            show_default=True,
            help="Folder of the embedded store (env HRGRAPH_STORE).",
        ),
        click.option(
            "--endpoint",
            envvar="HRGRAPH_ENDPOINT",
            help="Work on a remote SPARQL 1.1 query endpoint instead (env HRGRAPH_ENDPOINT).",
        ),
        click.option("--update-endpoint", help="SPARQL update URL, if not the endpoint's /update."),
        click.option("--gsp-endpoint", help="Graph Store Protocol URL, if not the endpoint's /store."),
    ]
    for option in reversed(options):
        run = option(run)
    return run


class StageGroup(click.Group):
    """The command group; commands of the later stages load from their own modules when used."""

    stages: dict[str, str] = {
        "ingest": "hrgraph.cli_ingest:ingest_command",
        "annotate": "hrgraph.cli_link:annotate",
        "link": "hrgraph.cli_link:link",
        "review": "hrgraph.cli_link:review",
        "evaluate": "hrgraph.cli_link:evaluate",
        "validate": "hrgraph.cli_validate:validate_command",
        "scorecard": "hrgraph.cli_validate:scorecard_command",
        "reason": "hrgraph.cli_validate:reason_command",
        "report": "hrgraph.cli_report:report",
        "push": "hrgraph.cli_report:push",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Name every command, loaded or not."""
        return sorted([*super().list_commands(ctx), *self.stages])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return a command, importing a stage's module the first time it is asked for."""
        if cmd_name in self.stages:
            module, _, name = self.stages[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), name)
            return command if isinstance(command, click.Command) else None
        return super().get_command(ctx, cmd_name)


@click.group(cls=StageGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="hrgraph")
@click.option("-v", "--verbose", count=True, help="Say more (repeat for debug output).")
@click.option("-q", "--quiet", is_flag=True, help="Say nothing but errors.")
def cli(verbose: int, quiet: bool) -> None:
    """Link local human rights policy to international standards, in a knowledge graph.

    \b
    Examples:
      hrgraph init                          load the ontology and the standards corpus
      hrgraph stats                         what the store holds
      hrgraph load plan.ttl --graph "city/Example City"
      hrgraph query provisions -p instrument=https://w3id.org/hrgraph/id/icescr -O csv
      hrgraph export --graph standards -O turtle -o standards.ttl

    The store is the folder ./hrgraph-store unless --store or --endpoint says otherwise.
    """
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="hrgraph: %(message)s", stream=sys.stderr)


@cli.command()
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path),
    help="Load the corpus `hrgraph corpus build` wrote to this folder, not the packaged one.",
)
@store_options
def init(store_choice: StoreChoice, corpus_dir: Path | None) -> None:
    """Load the ontology and the packaged standards corpus into the store, replacing older copies.

    Every file is read first; then the ontology and standards graphs are replaced together, so an init
    that fails or is interrupted leaves the store as it was.

    \b
    Examples:
      hrgraph init --store ./hrgraph-store
      hrgraph corpus build -o /tmp/corpus-build && hrgraph init --corpus /tmp/corpus-build
    """
    from hrgraph.corpus import install

    with store_choice.open() as store, _progress() as progress:
        task = progress.add_task("loading", total=None)
        loaded = install(store, corpus=corpus_dir, on_file=lambda name, count: progress.advance(task))
    for name, count in loaded.items():
        log.info("%s: %d triples", name, count)
    total = sum(loaded.values())
    click.echo(f"loaded {total} triples from {len(loaded)} files into {store_choice.name}", err=True)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-g", "--graph", help="Graph for triples: standards, city/NAME, a full IRI … [default: from file name]")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice([f.label for f in RdfFormat]),
    help="RDF format [default: from extension]",
)
@click.option("--replace", is_flag=True, help="Empty the graph(s) first, in the same transaction, once for all FILES.")
@store_options
def load(
    files: tuple[Path, ...],
    graph: str | None,
    fmt: str | None,
    replace: bool,
    store_choice: StoreChoice,
) -> None:
    """Load RDF files into the store, all of them or nothing.

    Triples go to the graph given with --graph, or to a graph named after the file; a file that names
    its graphs (N-Quads, TriG, JSON-LD) keeps them, and --graph is then only for its triples in no
    graph. Several files are read in full first: if one fails, the store is left as it was; with
    --replace, the graphs they write hold all of them after.

    \b
    Examples:
      hrgraph load extra-articles.ttl --graph standards
      hrgraph load city.nq --replace
    """
    paths = [p for f in files for p in (sorted(f.rglob("*")) if f.is_dir() else [f]) if not p.is_dir()]
    if not paths:
        raise BadInputError(f"{files[0]}: no files to load")
    for path in paths:
        if not path.is_file():
            raise BadInputError(f"{path}: no such file")
    formats = [RdfFormat.parse(fmt) if fmt else RdfFormat.for_path(path) for path in paths]
    targets = [
        graph
        if graph is not None or rdf_format.holds_graphs
        else graph_iri(f"https://w3id.org/hrgraph/graph/file/{path.name.split('.')[0]}")
        for path, rdf_format in zip(paths, formats, strict=True)
    ]
    if len(paths) == 1:
        with store_choice.open() as store:
            counts = [store.load(paths[0], format=formats[0], graph=targets[0], replace=replace)]
    else:
        # Read every file into memory first, so that one that fails changes nothing; then load them
        # together, so that --replace empties each graph once.
        with open_store(memory=True) as staged, _progress() as progress:
            task = progress.add_task("reading", total=len(paths))
            counts = []
            for path, rdf_format, target in zip(paths, formats, targets, strict=True):
                counts.append(staged.load(path, format=rdf_format, graph=target))
                progress.advance(task)
            data = staged.export(RdfFormat.NQUADS)
            empty = {graph_iri(t) for t in targets if t is not None} - set(staged.graphs())
        with store_choice.open() as store:
            store.load(data, format=RdfFormat.NQUADS, graph=graph, replace=replace, trusted=True)
            if replace and graph is None:
                for name in sorted(empty):
                    store.drop(name)
    for path, count, target in zip(paths, counts, targets, strict=True):
        click.echo(f"{path}: {count} triples into {target or 'the graphs it names'}", err=True)


@cli.command()
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a query parameter (repeatable).",
)
@click.option(
    "-O",
    "--output-format",
    "fmt",
    type=click.Choice([*TABLE_FORMATS, *(f.label for f in RdfFormat)]),
    help="Table formats for SELECT; RDF formats for CONSTRUCT. [default: from -o's extension, else table]",
)
@click.option("-o", "--output", type=OutputFile(), help="Write to FILE instead of stdout.")
@store_options
def query(
    name: str,
    params: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    store_choice: StoreChoice,
) -> None:
    """Run a packaged query by NAME, or a .rq file, with bound parameters.

    Values are checked against the parameter's type (iri, string, integer, decimal, date, boolean).
    A string is bound as a plain literal, which does not equal a language-tagged label such as
    "Example City"@en: give -p 'city="Example City"@en' for a tagged one, or compare
    STR(?label) = ?city in your query to match a label whatever its language tag.

    \b
    Examples:
      hrgraph query graphs
      hrgraph query provisions -p instrument=https://w3id.org/hrgraph/id/crc -O csv -o crc.csv
      hrgraph query my-question.rq -p 'city="Example City"@en' -O json
    """
    values: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise BadInputError(f"parameter {item!r}: write NAME=VALUE")
        if key.strip() in values:
            raise BadInputError(f"parameter {key.strip()!r} is given more than once: give it once")
        values[key.strip()] = value
    fmt = output_format(fmt, output, QUERY_SUFFIXES, "table")
    chosen = find_query(name)
    with store_choice.open() as store:
        result = run_query(store, chosen, values)
    if isinstance(result, Table):
        if fmt not in TABLE_FORMATS:
            raise BadInputError(f"a SELECT query gives a table: use -O {', '.join(TABLE_FORMATS)}")
        write_output(render_table(result, fmt), output)
    elif isinstance(result, bool):
        write_output((json.dumps(result) + "\n").encode(), output)
    else:
        label = "jsonld" if fmt == "json" else fmt
        write_output(_serialise(result, "turtle" if label in TABLE_FORMATS else label), output)


def _serialise(graph: rdflib.Graph, label: str) -> bytes:
    """Serialise the triples of a CONSTRUCT or DESCRIBE query, byte for byte the same on every run.

    rdflib names blank nodes anew on each run and orders triples by hash: here blank nodes get their
    canonical names (RDFC-1.0) and the triples are sorted, then written with the prefixes they use.
    """
    import pyoxigraph as ox

    from hrgraph.namespace import PREFIXES

    dataset = ox.Dataset(ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = (ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b"").splitlines(keepends=True)
    ntriples = b"".join(sorted(lines))
    rdf_format = RdfFormat.parse(label)
    if rdf_format in (RdfFormat.NTRIPLES, RdfFormat.NQUADS):
        return ntriples
    quads = list(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))  # keeps the names and the order
    prefixes = {prefix: ns for prefix, ns in PREFIXES.items() if f"<{ns}".encode() in ntriples}
    items = quads if rdf_format.holds_graphs else [quad.triple for quad in quads]
    return ox.serialize(items, format=rdf_format.oxigraph, prefixes=prefixes) or b""


@cli.command(name="queries")
@click.option("--store", "store_path", hidden=True, help="Ignored: the packaged queries do not depend on a store.")
@click.option("--endpoint", hidden=True, help="Ignored, like --store.")
def list_queries(store_path: str | None, endpoint: str | None) -> None:
    """List the packaged queries with their parameters and columns (--store and --endpoint are ignored).

    \b
    Examples:
      hrgraph queries
      hrgraph queries | grep -A 3 "^provision-measures:"
      hrgraph query provision-measures -p provision=https://w3id.org/hrgraph/id/icescr/art_11
    """
    for q in catalogue():
        click.echo(f"{q.name}: {q.title}")
        if q.description:
            click.echo(f"    {q.description}")
        for p in q.parameters:
            click.echo(f"    -p {p.name}=<{p.kind}>{' (optional)' if p.optional else ''}  {p.description}")
        if q.columns:
            click.echo(f"    columns: {', '.join(q.columns)}")


@cli.command()
@click.option("-O", "--output-format", "fmt", default="table", show_default=True, type=click.Choice(["table", "json"]))
@store_options
def stats(store_choice: StoreChoice, fmt: str) -> None:
    """Show the triples in each graph and the instances of each class.

    \b
    Example:
      hrgraph stats -O json
    """
    from hrgraph.namespace import compact

    with store_choice.open() as store:
        graphs = store.graphs()
        classes = store.class_counts()
        table = run_query(store, find_query("instruments"))
    if not isinstance(table, Table):
        raise BadInputError("the packaged query 'instruments' must be a SELECT query")
    instruments = {
        r["abbreviation"] or "": {
            "kind": r["kind"],
            "articles": int(r["articles"] or 0),
            "paragraphs": int(r["paragraphs"] or 0),
        }
        for r in table.records()
    }
    if fmt == "json":
        summary = {"graphs": graphs, "classes": classes, "instruments": instruments}
        write_output((json.dumps(summary, indent=2) + "\n").encode(), None)
        return
    if not graphs:
        click.echo("the store is empty: run `hrgraph init` to load the ontology and the standards", err=True)
        return
    out = _rich_text(("graph", "triples"), [(g, f"{n:,}") for g, n in graphs.items()])
    out += b"\n" + _rich_text(("class", "instances"), [(compact(c), f"{n:,}") for c, n in classes.items()])
    if instruments:
        rows = [(a, str(i["kind"]), str(i["articles"]), str(i["paragraphs"])) for a, i in instruments.items()]
        out += b"\n" + _rich_text(("instrument", "kind", "articles or principles", "paragraphs"), rows)
    write_output(out, None)


@cli.command()
@click.option("-g", "--graph", help="The graph to export: standards, city/NAME, an IRI … [default: all]")
@click.option(
    "-O",
    "--output-format",
    "fmt",
    type=click.Choice([f.label for f in RdfFormat]),
    help="[default: from -o's extension, else nquads]",
)
@click.option("-o", "--output", type=OutputFile(), help="Write to FILE instead of stdout.")
@store_options
def export(
    graph: str | None,
    fmt: str | None,
    output: Path | None,
    store_choice: StoreChoice,
) -> None:
    """Export one graph or all of them as Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML.

    \b
    Examples:
      hrgraph export -o everything.nq
      hrgraph export --graph standards -O turtle -o standards.ttl
    """
    rdf_format = RdfFormat.parse(output_format(fmt, output, RDF_SUFFIXES, "nquads"))
    iri = None if graph is None else graph_iri(graph)
    if iri is None and not rdf_format.holds_graphs:
        raise BadInputError(f"{rdf_format.label} holds one graph: name the graph, or export as nquads or trig")
    with store_choice.open() as store:
        if iri is not None and not store.ask("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": rdflib.URIRef(iri)}):
            known = ", ".join(store.graphs()) or "none"
            raise UnknownNameError(f"no graph {iri} in {store_choice.name}; graphs: {known}")
        data = store.export(rdf_format, graph=iri)
    write_output(data, output)


@cli.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("hrgraph-example"),
    show_default=True,
    help="The folder the outputs go to.",
)
@store_options
def example(output: Path, store_choice: StoreChoice) -> None:
    """Run the whole pipeline on the bundled Example City and write what it produces to one folder.

    Loads the standards, ingests the city's proclamation, action plan, ordinance and annual report, links
    them to the standards, checks completeness and scores the city against the human rights city framework.

    \b
    Example:
      hrgraph example -o out/
    """
    from hrgraph.pipeline import EXAMPLE_STEPS, run_example

    with store_choice.open() as store, _progress() as progress:
        task = progress.add_task("starting", total=len(EXAMPLE_STEPS))
        started: list[str] = []

        def step(text: str) -> None:
            # on_step announces a stage as it starts, so the ones announced before it are done.
            log.info("%s", text)
            progress.update(task, completed=len(started), description=text)
            started.append(text)

        run = run_example(store, output, on_step=step)
        progress.update(task, completed=len(started))
    lines = [
        f"Example City in {store_choice.name}: {run.provisions} provisions and {run.items} action items "
        f"ingested, {run.links} links proposed",
        f"completeness: {run.violations} violations, {run.warnings} warnings",
        "scorecard: " + ", ".join(f"{name}: {status}" for name, status in run.scorecard.items()),
        f"wrote {len(run.files)} files to {run.output} in {run.seconds:.1f} s:",
        *(f"  {path}" for path in run.files),
    ]
    click.echo("\n".join(lines))


@cli.group()
def corpus() -> None:
    """Build the standards corpus from its readable sources.

    \b
    Examples (from a checkout):
      hrgraph corpus build && hrgraph init --corpus corpora/build
      hrgraph corpus build -o /tmp/corpus-build
    """


@corpus.command(name="build")
@click.option(
    "-i",
    "--input",
    "source",
    type=click.Path(path_type=Path),
    default=Path("corpora"),
    show_default=True,
    help="The corpus sources folder (with standards/ and reviews/).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Where to write the built N-Triples [default: INPUT/build].",
)
def corpus_build(source: Path, output: Path | None) -> None:
    """Turn the YAML and CSV sources into the RDF hrgraph ships, deterministically.

    `hrgraph init` loads the corpus packaged with hrgraph (in an editable install, the checkout's
    corpora/build); `hrgraph init --corpus FOLDER` loads the one just built.

    \b
    Examples (from a checkout):
      hrgraph corpus build && hrgraph init --corpus corpora/build
      hrgraph corpus build -i corpora -o /tmp/corpus-build
    """
    from hrgraph.corpus import build

    folder = output or source / "build"
    result = build(source, folder)
    for name, count in result.files.items():
        click.echo(f"{folder / name}: {count:,} triples", err=True)
    click.echo(f"load it into a store with: hrgraph init --corpus {shlex.quote(str(folder))}", err=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code instead of raising for user mistakes."""
    try:
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="hrgraph", standalone_mode=False)
    except HrgraphError as err:
        _stderr().print(f"hrgraph: error: {err}", markup=False, soft_wrap=True)
        return err.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt) as err:
        # click turns KeyboardInterrupt into Abort. Every load and update is all or nothing: one that had
        # not completed left the store as it was, and one being committed was let finish.
        if isinstance(err, WriteInterrupted) or isinstance(err.__cause__, WriteInterrupted):
            _stderr().print(
                "hrgraph: interrupted once the write under way had completed: the store holds it", markup=False
            )
        else:
            _stderr().print("hrgraph: interrupted", markup=False)
        return 130
    except click.ClickException as err:
        err.show()
        return 2
    except click.exceptions.Exit as err:
        return int(err.exit_code)
    except BrokenPipeError:
        return 0
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
