"""The ``validate``, ``scorecard`` and ``reason`` commands.

Exit codes: 0 the data conforms (or is consistent), 1 violations (or an inconsistency) found, 2 bad
input, such as a shapes file that does not parse. Exit code 1 is raised as ``SystemExit`` so that it
passes through ``hrgraph.cli.main`` (which returns 0 for a command that merely returns).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hrgraph.cli import OutputFile, StoreChoice, output_format, render_table, store_options, write_output
from hrgraph.errors import BadInputError
from hrgraph.store import Store, graph_iri
from hrgraph.validate import (
    ReportFormat,
    ScorecardFormat,
    load_shapes,
    scorecard,
    validate,
    validate_corpus,
    validate_files,
)

__all__ = ["reason_command", "scorecard_command", "validate_command"]

VALIDATE_SUFFIXES = {".txt": "text", ".ttl": "turtle", ".json": "json", ".csv": "csv"}
SCORECARD_SUFFIXES = {".txt": "table", ".html": "html", ".htm": "html", ".json": "json"}
REASON_SUFFIXES = {".txt": "text", ".json": "json"}


def _require_standards(store: Store) -> None:
    """Refuse a store without the ontology and the standards: every check would fail or pass for want of them."""
    names = store.graphs()
    for graph in ("standards", "ontology"):
        if graph_iri(graph) not in names:
            raise BadInputError(f"the store holds no {graph}: run `hrgraph init`")


@click.command(name="validate")
@click.option("-c", "--city", help="Validate one city of the store [default: the whole store].")
@click.option(
    "-i",
    "--input",
    "inputs",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Validate RDF files instead of the store (repeatable); the ontology and standards are added.",
)
@click.option(
    "-s",
    "--shapes",
    "shape_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A shapes file of your own, added to the packaged ones (repeatable).",
)
@click.option("--only-my-shapes", is_flag=True, help="Use only the shapes given with --shapes.")
@click.option("--corpus", is_flag=True, help="Check the standards graph against shapes/corpus.ttl instead.")
@click.option(
    "-O",
    "--output-format",
    "fmt",
    type=click.Choice([f.value for f in ReportFormat]),
    help="[default: from -o's extension, else text]",
)
@click.option("-o", "--output", type=OutputFile(), help="Write to FILE.")
@store_options
def validate_command(
    city: str | None,
    inputs: tuple[Path, ...],
    shape_files: tuple[Path, ...],
    only_my_shapes: bool,
    corpus: bool,
    fmt: str | None,
    output: Path | None,
    store_choice: StoreChoice,
) -> None:
    """Check action plans, items, links and local instruments against the completeness shapes.

    Prints the results grouped by instrument, plan and item, with what to add, and a summary line.
    Exit code 0 when there is no violation (warnings allowed), 1 when there are violations.

    \b
    Examples:
      hrgraph validate --city "Example City"
      hrgraph validate -i plan.ttl -O csv -o results.csv
      hrgraph validate --shapes our-rules.ttl -O turtle
    """
    given = [
        name
        for name, value in (
            ("--city", city),
            ("--input", inputs),
            ("--shapes", shape_files),
            ("--only-my-shapes", only_my_shapes),
        )
        if value
    ]
    if corpus and given:
        raise BadInputError(f"{given[0]} does not apply to --corpus, which checks the standards graph: leave it out")
    if inputs and city is not None:
        raise BadInputError("--city does not apply to --input, which checks the files given: leave it out")
    if only_my_shapes and not shape_files:
        raise click.UsageError("--only-my-shapes needs at least one --shapes FILE")
    fmt = output_format(fmt, output, VALIDATE_SUFFIXES, ReportFormat.TEXT.value)
    shapes = load_shapes(*shape_files, packaged=() if only_my_shapes else ("completeness",))
    if corpus:
        with store_choice.open() as store:
            _require_standards(store)
            report = validate_corpus(store)
    elif inputs:
        report = validate_files(inputs, shapes=shapes)
    else:
        with store_choice.open() as store:
            _require_standards(store)
            report = validate(store, city=city, shapes=shapes)
    write_output(report.render(ReportFormat(fmt)), output)
    if fmt != "text":
        click.echo(f"summary: {report.summary}", err=True)
    if not report.conforms:
        sys.exit(1)


@click.command(name="scorecard")
@click.option("-c", "--city", required=True, help="The city to score.")
@click.option(
    "-O",
    "--output-format",
    "fmt",
    type=click.Choice([f.value for f in ScorecardFormat]),
    help="[default: from -o's extension, else table]",
)
@click.option("-o", "--output", type=OutputFile(), help="Write to FILE.")
@store_options
def scorecard_command(
    city: str,
    fmt: str | None,
    output: Path | None,
    store_choice: StoreChoice,
) -> None:
    """Score a city against the elements of a human rights city: met, partly met or not met.

    Each element comes with the evidence found in the graph and what to add.

    \b
    Examples:
      hrgraph scorecard --city "Example City"
      hrgraph scorecard --city "Example City" -O html -o scorecard.html
    """
    fmt = output_format(fmt, output, SCORECARD_SUFFIXES, ScorecardFormat.TABLE.value)
    with store_choice.open() as store:
        _require_standards(store)
        card = scorecard(store, city)
    if fmt == ScorecardFormat.TABLE.value:
        write_output(render_table(card.table(), "table"), output)
    else:
        write_output(card.render(ScorecardFormat(fmt)), output)


@click.command(name="reason")
@click.option("-c", "--city", help="Reason over one city [default: every city, one at a time].")
@click.option("--no-owl", is_flag=True, help="Only the SPARQL inferences: no consistency check, no Java.")
@click.option("--dry-run", is_flag=True, help="Do not write the inferred graph.")
@click.option(
    "-O",
    "--output-format",
    "fmt",
    type=click.Choice(["text", "json"]),
    help="[default: from -o's extension, else text]",
)
@click.option("-o", "--output", type=OutputFile(), help="Write to FILE.")
@store_options
def reason_command(
    city: str | None,
    no_owl: bool,
    dry_run: bool,
    fmt: str | None,
    output: Path | None,
    store_choice: StoreChoice,
) -> None:
    """Check a city's data against the ontology with HermiT, and write what follows to the inferred graph.

    Reports unsatisfiable classes and inconsistent individuals by name; infers that an item serves the
    article and instrument of the paragraph it realises, and which items are complete. Exit code 1
    when the data is inconsistent or a class is unsatisfiable. HermiT needs a Java runtime.

    \b
    Examples:
      hrgraph reason --city "Example City"
      hrgraph reason --no-owl
    """
    from hrgraph.reason import reason

    fmt = output_format(fmt, output, REASON_SUFFIXES, "text")
    with store_choice.open() as store:
        report = reason(store, city=city, owl=not no_owl, write=not dry_run)
    text = report.render_json() if fmt == "json" else report.render_text()
    write_output(text.encode(), output)
    if not report.ok:
        sys.exit(1)
