"""``hrgraph ingest``: a city's plans and documents into its local graph."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click
from rdflib import Literal

from hrgraph.cli import StoreChoice, _progress, render_table, store_options, write_output
from hrgraph.ingest import KINDS, IngestResult, ingest
from hrgraph.store import Table

__all__ = ["ingest_command"]

log = logging.getLogger("hrgraph")


def _summary(result: IngestResult, fmt: str) -> bytes:
    if fmt == "json":
        data = {
            "city": result.city,
            "city_iri": result.city_iri,
            "graph": result.graph,
            "triples": result.triples,
            "provisions": result.provisions,
            "items": result.items,
            "stated_links": result.stated_links,
            "observations": result.observations,
            "documents": [
                {
                    "file": str(d.path),
                    "iri": d.iri,
                    "kind": d.kind,
                    "title": d.title,
                    "state": d.state,
                    "provisions": d.provisions,
                    "items": d.items,
                    "stated_links": d.stated_links,
                    "observations": d.observations,
                    "commitments": d.commitments,
                    "pages": d.pages,
                    "columns": d.columns,
                }
                for d in result.documents
            ],
            "warnings": [str(w) for w in result.warnings],
        }
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
    columns = ("document", "kind", "state", "provisions", "items", "stated links", "observations")
    rows = tuple(
        tuple(
            Literal(str(v))
            for v in (d.path.name, d.kind, d.state, d.provisions, d.items, d.stated_links, d.observations)
        )
        for d in result.documents
    )
    table = render_table(Table(columns, rows), "table")
    total = (
        f"{result.city}: {len(result.documents)} documents, {result.provisions} provisions, "
        f"{result.items} action items, {result.stated_links} stated links, {result.observations} observations, "
        f"{len(result.warnings)} warnings; graph {result.graph} now holds {result.triples:,} triples\n"
    )
    return table + total.encode()


@click.command(name="ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--city", help="The city the files belong to (not needed with a city.yaml).")
@click.option("--kind", type=click.Choice(list(KINDS)), help="What the documents are, where the profile does not say.")
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A YAML file saying which spreadsheet column holds which field.",
)
@click.option("--base-iri", help="Base IRI of a new city [default: https://w3id.org/hrgraph/city/SLUG/].")
@click.option(
    "--id",
    "doc_id",
    help="The document id of the one file given [default: from the file name]; the id of a document in the "
    "store makes the file a revision of it.",
)
@click.option("-O", "--output-format", "fmt", default="table", show_default=True, type=click.Choice(["table", "json"]))
@store_options
def ingest_command(
    paths: tuple[Path, ...],
    city: str | None,
    kind: str | None,
    mapping: Path | None,
    base_iri: str | None,
    doc_id: str | None,
    fmt: str,
    store_choice: StoreChoice,
) -> None:
    """Ingest action plans (CSV, XLSX) and documents (PDF, DOCX, HTML, TXT, MD, D.C. Code XML) of a city.

    PATHS are files, folders, or a city profile (city.yaml) that lists a city's documents. Everything is
    written in one go into the graph city/NAME; a file that cannot be read stops the ingest and the
    store keeps what it had. Warnings (one line each, naming file and row or page) go to stderr. A
    document given as an action plan gives its items from the rows of its tables with an action column.

    \b
    Examples:
      hrgraph ingest corpora/examples/example-city/city.yaml
      hrgraph ingest plan.xlsx --city "Example City"
      hrgraph ingest ordinances/ --city Lakeside --kind ordinance
      hrgraph ingest plan-2025.docx --city Lakeside --kind action-plan
      hrgraph ingest plan-de.xlsx --city Lakeside --mapping columns.yaml
      hrgraph ingest 2025/plan.xlsx --city Lakeside --id plan-2025
    """
    with store_choice.open() as store, _progress() as progress:
        task = progress.add_task("ingesting", total=None)

        def advance(path: Path, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=path.name)

        result = ingest(
            list(paths),
            city=city,
            store=store,
            kind=kind,
            mapping=mapping,
            base_iri=base_iri,
            doc_id=doc_id,
            on_file=advance,
        )
    if log.isEnabledFor(logging.WARNING):
        for document in result.documents:
            if document.columns:
                mapped = ", ".join(f"{header!r} → {name}" for header, name in document.columns.items())
                unused = (
                    f"; not used: {', '.join(map(repr, document.unused_columns))}" if document.unused_columns else ""
                )
                click.echo(f"hrgraph: {document.path}: columns {mapped}{unused}", err=True)
        for warning in result.warnings:
            click.echo(f"hrgraph: warning: {warning}", err=True)
    write_output(_summary(result, fmt), None)
