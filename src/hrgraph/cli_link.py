"""The linking commands: ``annotate``, ``link``, ``review export`` / ``review import`` and ``evaluate``.

Exit codes: 0 done, 2 bad input (a file that cannot be read, a broken JSON line, an unknown level).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from hrgraph.cli import OutputFile, StoreChoice, _progress, _rich_text, output_format, store_options, write_output
from hrgraph.errors import BadInputError
from hrgraph.store import city_slug, read_file

__all__ = ["annotate", "evaluate", "link", "review"]

ANNOTATE_FORMATS = ("jsonl", "sssom", "ttl")
MIN_CONFIDENCE_HELP = "Propose links from this confidence on [default: 0.3; treaty articles 0.2, SDG goals 0.4]."


def _levels(value: str | None) -> list[str] | None:
    """Return the levels of ``--levels`` (None when it is not given); an empty list or an unknown name is an error.

    An empty list must not pass: ``link`` would propose nothing and replace the proposed graph with it.
    """
    if value is None:
        return None
    from hrgraph.link.linker import check_levels

    chosen = [v.strip() for v in value.split(",") if v.strip()]
    check_levels(chosen)
    return chosen


_READ_AS_DOCUMENTS = (".pdf", ".docx", ".html", ".htm", ".xhtml", ".xml")
"""Files annotated by their text as ``hrgraph ingest`` reads it, not by their bytes."""


def read_documents(path: Path) -> list[tuple[str | int, str]]:
    """Read a text file (one document) or JSON Lines of ``{"id": …, "text": …}``, all before any output.

    A file is JSON Lines when its name ends in ``.jsonl`` or ``.ndjson``, or when its first line is a
    JSON object with a "text" string; a PDF, DOCX, HTML or D.C. Code XML file is one document, its text
    as ``hrgraph ingest`` reads it; any other file is one text. Lines end at "\\n" only. An id is a
    non-empty string or an integer, kept as it is; two lines with one id (1 and "1" count as one:
    they name one IRI) are an error.
    """
    data = read_file(path)
    if path.suffix.lower() in _READ_AS_DOCUMENTS:
        from hrgraph.ingest.read import read_document

        text = read_document(path, data).text
        _check_length(len(text), str(path))
        return [(path.stem, text)]
    if b"\x00" in data:
        raise BadInputError(f"{path}: a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise BadInputError(f"{path}: not UTF-8 text (byte {err.start})") from err
    # not str.splitlines(): it also breaks at U+2028, U+0085 … which JSON strings may hold as they are
    lines = text.split("\n")
    first = next((line for line in lines if line.strip()), "")
    if path.suffix.lower() not in (".jsonl", ".ndjson") and not _is_record(first):
        _check_length(len(text), str(path))
        return [(path.stem, text)]
    documents: list[tuple[str | int, str]] = []
    seen: dict[str, tuple[str | int, int]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise BadInputError(f"{path}:{number}: not valid JSON: {err.msg}") from err
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise BadInputError(f'{path}:{number}: expected an object with a "text" string')
        ident = record.get("id", number)
        if not isinstance(ident, str | int) or isinstance(ident, bool) or ident == "":
            raise BadInputError(f'{path}:{number}: "id" must be a non-empty string or an integer')
        if str(ident) in seen:
            earlier, line_number = seen[str(ident)]
            if earlier == ident:
                raise BadInputError(f"{path}:{number}: id {ident!r} is also the id of line {line_number}")
            raise BadInputError(
                f"{path}:{number}: id {ident!r} is also the id of line {line_number} ({earlier!r} there: ids name "
                "IRIs, so they are compared as text)"
            )
        seen[str(ident)] = (ident, number)
        _check_length(len(record["text"]), f"{path}:{number}")
        documents.append((ident, record["text"]))
    return documents


def _is_record(line: str) -> bool:
    """Whether a line is a JSON object with a "text" string: the first line of JSON Lines."""
    try:
        record = json.loads(line)
    except ValueError:
        return False
    return isinstance(record, dict) and isinstance(record.get("text"), str)


def _check_length(length: int, place: str) -> None:
    from hrgraph.link import MAX_CHARS

    if length > MAX_CHARS:
        raise BadInputError(f"{place}: {length:,} characters is more than the {MAX_CHARS:,} linked at once; split it")


@click.command()
@click.option("-i", "--input", "source", required=True, type=click.Path(path_type=Path), help="Text, or JSON Lines.")
@click.option(
    "-O",
    "--output-format",
    "fmt",
    type=click.Choice(ANNOTATE_FORMATS),
    help="[default: from -o's extension, else jsonl]",
)
@click.option("-o", "--output", type=OutputFile(), help="Write to FILE, not stdout.")
@click.option("--levels", help="Comma-separated: sdg-goal, sdg-target, article, paragraph, theme, instrument.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), help=MIN_CONFIDENCE_HELP)
@click.option(
    "--subject-base",
    help="IRI the document ids are appended to, for sssom and ttl (a / is added unless it ends with / or #) "
    "[default: https://w3id.org/hrgraph/text/FILE/].",
)
def annotate(
    source: Path,
    fmt: str | None,
    output: Path | None,
    levels: str | None,
    min_confidence: float | None,
    subject_base: str | None,
) -> None:
    """Propose the standards a text serves: SDG goals and targets, treaty articles, rights themes.

    INPUT is a text file (one document), a PDF, DOCX or HTML document (its text as ingest reads it), or
    JSON Lines of {"id": ..., "text": ...}: one output line per input line, {"id": ..., "links": [...]}.

    \b
    Examples:
      hrgraph annotate -i action-plan.txt
      hrgraph annotate -i ordinance.pdf -O sssom -o ordinance.sssom.tsv
      hrgraph annotate -i passages.jsonl -O sssom -o links.sssom.tsv
    """
    from hrgraph.link import annotate_texts
    from hrgraph.link.mappings import mappings_graph, sssom_tsv, text_mappings

    fmt = output_format(fmt, output, {".jsonl": "jsonl", ".ndjson": "jsonl", ".tsv": "sssom", ".ttl": "ttl"}, "jsonl")
    chosen = _levels(levels)
    if subject_base is not None:
        subject_base = _subject_base(subject_base)
    documents = read_documents(source)
    results = []
    with _progress() as progress:
        task = progress.add_task("annotating", total=len(documents))
        for (ident, _), links in zip(
            documents,
            annotate_texts((t for _, t in documents), levels=chosen, min_confidence=min_confidence),
            strict=True,
        ):
            results.append((ident, links))
            progress.advance(task)
    if fmt == "jsonl":
        lines = [
            json.dumps({"id": ident, "links": [_link_json(x) for x in links]}, ensure_ascii=False)
            for ident, links in results
        ]
        write_output(("\n".join(lines) + "\n").encode(), output)
        return
    stem = city_slug(source.stem) if re.search(r"[a-z0-9]", source.stem.lower()) else "text"
    base = subject_base or f"https://w3id.org/hrgraph/text/{stem}/"
    mappings = [
        m for ident, links in results for m in text_mappings(base + _iri_part(str(ident)), str(ident), links, base=base)
    ]
    if fmt == "sssom":
        try:
            table = sssom_tsv(mappings, mapping_set_id=base + "mappings", local_prefixes={"text": base})
        except BadInputError as err:
            raise BadInputError(f"{source}: {err}") from err
        write_output(table, output)
    else:
        write_output(mappings_graph(mappings).serialize(format="turtle", encoding="utf-8"), output)


def _subject_base(value: str) -> str:
    """Check a ``--subject-base`` (an absolute IRI) and end it with "/" unless it ends with "/" or "#".

    >>> _subject_base("http://example.org/x")
    'http://example.org/x/'
    """
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+", value):
        raise BadInputError(f"--subject-base: {value!r} is not an absolute IRI (such as https://example.org/texts/)")
    return value if value.endswith(("/", "#")) else value + "/"


def _iri_part(ident: str) -> str:
    """Return a document id as an IRI segment: distinct ids give distinct segments ("a b" → "a%20b")."""
    return quote(ident, safe="-._~") or "text"


def _link_json(link: Any) -> dict[str, Any]:
    return {
        "object_id": link.object_id,
        "object_label": link.object_label,
        "level": link.level,
        "confidence": link.confidence,
        "start": link.start,
        "end": link.end,
        "evidence": link.evidence,
        "justification": link.justification,
        "method": link.method,
        "derived_from": list(link.derived_from),
    }


@click.command()
@click.option("--city", required=True, help="The city whose provisions and action items to link.")
@click.option("--levels", help="Comma-separated levels [default: all].")
@click.option("--min-confidence", type=click.FloatRange(0, 1), help=MIN_CONFIDENCE_HELP)
@click.option(
    "-O",
    "--output-format",
    "fmt",
    type=click.Choice(("sssom", "ttl")),
    help="Also write the links out [default: from -o's extension, .tsv or .ttl].",
)
@click.option("-o", "--output", type=OutputFile(), help="Where the links are written [stdout, with -O].")
@store_options
def link(
    city: str,
    levels: str | None,
    min_confidence: float | None,
    fmt: str | None,
    output: Path | None,
    store_choice: StoreChoice,
) -> None:
    """Link every provision and action item of a city; write the proposals to graph proposed/NAME.

    Links a reviewer already accepted or rejected are not proposed again; the proposed graph is
    replaced as a whole, in one transaction.

    \b
    Example:
      hrgraph link --city "Example City" -O sssom -o proposed.sssom.tsv
    """
    from hrgraph.link.knowledge import load_knowledge
    from hrgraph.link.linker import Linker
    from hrgraph.link.mappings import link_city, mappings_graph, sssom_tsv

    fmt = output_format(fmt, output, {".tsv": "sssom", ".ttl": "ttl"}, "")  # "": no mappings written
    if output is not None and not fmt:
        raise BadInputError(f"{output}: cannot tell the format from the extension; give -O sssom or -O ttl")
    chosen = _levels(levels)
    with store_choice.open() as store, _progress() as progress:
        task = progress.add_task("loading the linker", total=None)
        linker = Linker(load_knowledge(), levels=chosen, min_confidence=min_confidence)
        progress.update(task, description="linking")

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        run = link_city(store, city, linker=linker, on_item=advance)
        base = _base(store, city)
    click.echo(
        f"{city}: {len(run.mappings)} links proposed for {run.provisions} provisions into {run.graph}"
        f" ({run.skipped} already decided or stated)",
        err=True,
    )
    if fmt == "sssom":
        write_output(sssom_tsv(list(run.mappings), mapping_set_id=run.graph, local_prefixes={"city": base}), output)
    elif fmt == "ttl":
        write_output(mappings_graph(run.mappings).serialize(format="turtle", encoding="utf-8"), output)


def _base(store: Any, city: str) -> str:
    from hrgraph.link.mappings import city_base

    return city_base(store, city)


@click.group()
def review() -> None:
    """Review proposed links in a spreadsheet: export, decide, import.

    \b
    Examples:
      hrgraph link --city "Example City"
      hrgraph review export --city "Example City" -o review.xlsx
      hrgraph review import review.xlsx --reviewer "J. Officer"

    Fill in the decision column of the sheet (accept or reject) between export and import.
    """


@review.command(name="export")
@click.option("--city", required=True, help="The city whose proposed links to export.")
@click.option(
    "-o", "-O", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The .xlsx to write."
)
@click.option("--levels", help="Comma-separated levels to review now [default: all].")
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=0.0,
    help="Review links from this confidence on [default: all].",
)
@store_options
def review_export(
    city: str,
    output: Path,
    levels: str | None,
    min_confidence: float,
    store_choice: StoreChoice,
) -> None:
    """Write one row per proposed link (passage with its evidence, standard, confidence, decision).

    Links that nobody decided yet are written; with --levels or --min-confidence only those, and the
    others wait for a later export.

    \b
    Examples:
      hrgraph review export --city "Example City" -o review.xlsx
      hrgraph review export --city "Example City" -o articles.xlsx --levels article,paragraph --min-confidence 0.5
      hrgraph review export --city "Example City" -o review.xlsx --endpoint http://127.0.0.1:7878/query
    """
    from hrgraph.link.review import export_review

    chosen = _levels(levels)
    with store_choice.open() as store:
        rows = export_review(store, city, output, levels=chosen, min_confidence=min_confidence)
    click.echo(f"{output}: {rows} proposed links to review", err=True)


@review.command(name="import")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--reviewer", envvar="HRGRAPH_REVIEWER", help="Who decided, when the sheet's column is empty.")
@store_options
def review_import(
    workbook: Path,
    reviewer: str | None,
    store_choice: StoreChoice,
) -> None:
    """Read the decisions of a review workbook: accepted links become curated, rejected ones are kept.

    \b
    Examples:
      hrgraph review import review.xlsx --reviewer "A. Curator"
      HRGRAPH_REVIEWER="A. Curator" hrgraph review import review.xlsx
    """
    from hrgraph.link.review import import_review

    with store_choice.open() as store:
        result = import_review(store, workbook, reviewer=reviewer)
    click.echo(
        f"{workbook}: {result.accepted} accepted, {result.rejected} rejected, {result.undecided} undecided"
        f" into {result.graph}",
        err=True,
    )


@click.command()
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    help="The shared data folder [default: $HRGRAPH_SHARED/data, else ../shared/data].",
)
@click.option("--limit", type=click.IntRange(min=1), help="At most N documents per data set (an even sample).")
@click.option("--dataset", "datasets", multiple=True, help="Only these data sets (repeatable).")
@click.option("--min-confidence", type=click.FloatRange(0, 1), help=MIN_CONFIDENCE_HELP)
@click.option("-O", "--output-format", "fmt", default="table", show_default=True, type=click.Choice(("table", "json")))
def evaluate(
    data: Path | None, limit: int | None, datasets: tuple[str, ...], min_confidence: float | None, fmt: str
) -> None:
    """Measure the links against the labelled sets: precision, recall and F1 per level, reliability.

    \b
    Example:
      hrgraph evaluate --data ../shared/data --limit 2000
    """
    from hrgraph.link.evaluate import evaluate as run

    if data is None:
        shared = os.environ.get("HRGRAPH_SHARED")
        data = Path(shared) / "data" if shared else Path("../shared/data")
    result = run(data, datasets=datasets or None, limit=limit, min_confidence=min_confidence)
    if fmt == "json":
        write_output((json.dumps(result.to_json(), indent=2) + "\n").encode(), None)
        return
    out = _rich_text(*result.score_table()) + b"\n" + _rich_text(*result.band_table())
    out += f"\n{result.words:,} words linked in {result.seconds:.1f} s\n".encode()
    if not datasets or "ohchr-slovenia" in datasets:
        out += (
            b"ohchr-slovenia: the shipped classifier learns from these recommendations, so its rows here are "
            b"optimistic; python scripts/crossval_link_model.py scores each one with a model that never saw it.\n"
        )
    write_output(out, None)
