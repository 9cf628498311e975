"""The ``hrgraph report`` and ``hrgraph push`` commands: thin wrappers over :mod:`hrgraph.report`."""

from __future__ import annotations

from pathlib import Path

import click

from hrgraph.cli import DEFAULT_STORE, OutputFile, StoreChoice, output_format, store_options, write_output
from hrgraph.errors import BadInputError
from hrgraph.report import REPORTS, OutputFormat, ReportParams, build_report, push_graphs, render, write_report
from hrgraph.store import open_store

__all__ = ["push", "report"]


@click.command(name="report")
@click.argument("name", type=click.Choice(sorted(REPORTS)))
@click.option("--city", help="The city, as named in its graph (city/NAME). coverage: omit for every city.")
@click.option("--state", help="upr, vlr, gaps: the State under review (name or IRI) [default: the city's country].")
@click.option("--cycle", type=int, help="upr, gaps: the UPR cycle [default: the latest].")
@click.option("--instrument", help="treaty-linkage: only this instrument (abbreviation or IRI), e.g. ICESCR.")
@click.option("--goal", help="vlr: only this SDG goal (number or IRI).")
@click.option(
    "--via-sdg", is_flag=True, help="treaty-linkage: measures linked to an SDG target serve its articles too."
)
@click.option(
    "-O",
    "--output-format",
    "fmt",
    type=click.Choice([f.label for f in OutputFormat]),
    help="xlsx and docx need -o; csv writes one file per table, html its charts beside it."
    " [default: from -o's extension, else md]",
)
@click.option("-o", "--output", type=OutputFile(), help="Write to FILE instead of stdout.")
@store_options
def report(
    name: str,
    city: str | None,
    state: str | None,
    cycle: int | None,
    instrument: str | None,
    goal: str | None,
    via_sdg: bool,
    fmt: str | None,
    output: Path | None,
    store_choice: StoreChoice,
) -> None:
    """Write a report for reporting staff: upr, vlr, treaty-linkage, gaps or coverage.

    \b
    Examples:
      hrgraph report upr --city "Example City" -O docx -o upr-submission.docx
      hrgraph report vlr --city "Example City" -O xlsx -o vlr.xlsx
      hrgraph report treaty-linkage --city "Example City" --instrument ICESCR -O html -o icescr.html
      hrgraph report gaps --city "Example City" -O csv -o gaps.csv
      hrgraph report coverage -O json              every city of the store
    """
    chosen = OutputFormat.parse(output_format(fmt, output, {f.suffix: f.label for f in OutputFormat}, "md"))
    if output is None and chosen.binary:
        raise BadInputError(f"-O {chosen.label} writes a file: give -o FILE{chosen.suffix}")
    params = ReportParams(city=city, state=state, cycle=cycle, instrument=instrument, goal=goal, via_sdg=via_sdg)
    with store_choice.open() as store:
        built = build_report(store, name, params)
    if output is None:
        files = render(built, chosen)
        if len(files) > 1 and chosen is OutputFormat.CSV:
            click.echo(f"writing the first table only; give -o FILE for all {len(built.tables)} tables", err=True)
        write_output(files[""], None)
        return
    written = write_report(built, chosen, output)
    for path in written:
        click.echo(f"wrote {path}", err=True)
    if chosen is OutputFormat.CSV and len(written) < len(built.tables):
        click.echo(f"{output} is not a regular file: wrote the first table only, of {len(built.tables)}", err=True)


@click.command(name="push")
@click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path),
    envvar="HRGRAPH_STORE",
    default=DEFAULT_STORE,
    show_default=True,
    help="The embedded store to upload (env HRGRAPH_STORE).",
)
@click.option(
    "--endpoint",
    envvar="HRGRAPH_ENDPOINT",
    required=True,
    help="The SPARQL 1.1 query endpoint of the server to upload to (env HRGRAPH_ENDPOINT;"
    " HRGRAPH_TIMEOUT: seconds it has to answer each request, default 60).",
)
@click.option("--update-endpoint", help="SPARQL update URL, if not the endpoint's /update.")
@click.option("--gsp-endpoint", help="Graph Store Protocol URL, if not the endpoint's /store.")
@click.option("-g", "--graph", "graphs", multiple=True, help="Only this graph (repeatable): standards, city/NAME …")
def push(
    store_path: Path, endpoint: str, update_endpoint: str | None, gsp_endpoint: str | None, graphs: tuple[str, ...]
) -> None:
    """Upload the graphs of the embedded store to a SPARQL server, replacing each one there (Graph Store Protocol).

    \b
    Example:
      hrgraph push --endpoint http://127.0.0.1:7878/query
      hrgraph report upr --city "Example City" --endpoint http://127.0.0.1:7878/query -O md
    """
    with (
        open_store(store_path, create=False) as source,
        open_store(endpoint=endpoint, update_endpoint=update_endpoint, store_endpoint=gsp_endpoint) as target,
    ):
        sent = push_graphs(source, target, graphs=graphs or None)
    for graph, count in sent.items():
        click.echo(f"{graph}: {count:,} triples", err=True)
    click.echo(f"pushed {len(sent)} graphs ({sum(sent.values()):,} triples) to {endpoint}", err=True)
