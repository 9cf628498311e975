"""Reports for reporting staff: the UPR matrix, the VLR table, treaty linkage, gaps and coverage.

Every table of a report comes from a named query of ``queries/`` run with bound parameters, so a
report reads the same from the embedded store and from a remote SPARQL endpoint. A report is a
:class:`Report` of :class:`ReportTable` values; :func:`render` turns it into XLSX (one sheet per
table), DOCX (numbered paragraphs and real Word tables), HTML (tables and charts), CSV, Markdown or
JSON, and :func:`write_report` writes it, atomically, with the charts beside an HTML file.

>>> sorted(REPORTS)
['coverage', 'gaps', 'treaty-linkage', 'upr', 'vlr']
>>> OutputFormat.parse("xlsx").suffix
'.xlsx'
"""

from __future__ import annotations

import csv
import enum
import html
import io
import json
import math
import os
import re
import stat
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib.term import BNode, Literal, URIRef

from hrgraph.errors import BadInputError, UnknownNameError
from hrgraph.queries import find_query, run_query
from hrgraph.store import RdfFormat, Store, Table, check_iri, graph_iri, state_slug

__all__ = [
    "REPORTS",
    "Chart",
    "OutputFormat",
    "Report",
    "ReportParams",
    "ReportTable",
    "build_report",
    "push_graphs",
    "render",
    "write_report",
    "write_atomic",
    "write_reports",
]

Cell = str | int | float | None
STATE_BASE = "https://w3id.org/hrgraph/id/state/"
SDG_BASE = "http://metadata.un.org/sdg/"

# Columns that hold several values joined with "; " by GROUP_CONCAT; their parts are sorted, because
# SPARQL leaves the order of GROUP_CONCAT to the engine.
_LISTS = {
    "recommending_states",
    "themes",
    "affected_persons",
    "sdg_goals",
    "indicators",
    "route",
    "action_items",
    "articles",
    "recommendations",
    "global_indicators",
    "expressed_in",
}
_NUMBERS = {"baseline_value", "latest_value", "confidence"}

HEADERS = {
    "abbreviation": "Instrument",
    "article": "Article",
    "article_label": "Article (label)",
    "measure_kind": "Kind",
    "measure_number": "No.",
    "measure_label": "Local measure",
    "document": "Document",
    "responsible_body": "Responsible body",
    "route": "Route",
    "link_status": "Link status",
    "confidence": "Confidence",
    "review_cycle": "Cycle",
    "paragraph": "Paragraph",
    "recommendation": "Recommendation",
    "recommending_states": "Recommending States",
    "position": "Position",
    "themes": "Themes",
    "affected_persons": "Affected persons",
    "sdg_goals": "SDG goals",
    "item_status": "Status",
    "indicators": "Indicators",
    "assessment": "Implementation assessment (draft)",
    "goal_number": "Goal",
    "goal_label": "Goal (label)",
    "target_number": "Target",
    "target_label": "Target (text)",
    "global_indicators": "Global indicators",
    "local_indicator": "Local indicator",
    "unit": "Unit",
    "baseline_year": "Baseline year",
    "baseline_value": "Baseline value",
    "latest_year": "Latest year",
    "latest_value": "Latest value",
    "trend": "Trend",
    "action_items": "Action items",
    "articles": "Human rights articles",
    "recommendations": "UPR recommendations",
    "instrument": "Instrument",
    "number": "No.",
    "label": "Label",
    "open_proposals": "Open proposals",
    "plan": "Plan",
    "action": "Action",
    "rejected_links": "Rejected links",
    "dimension": "Dimension",
    "key": "Key",
    "measures": "Measures",
    "links": "Links",
    "standards": "Standards reached",
    "department": "Department",
    "linked_items": "Linked items",
    "planned": "Planned",
    "in_progress": "In progress",
    "completed": "Completed",
    "delayed": "Delayed",
    "discontinued": "Discontinued",
    "sdg_indicator": "SDG indicator",
    "metric": "",
    "value": "",
}


class OutputFormat(enum.Enum):
    """A format a report is written in."""

    XLSX = ("xlsx", ".xlsx", True)
    DOCX = ("docx", ".docx", True)
    HTML = ("html", ".html", False)
    CSV = ("csv", ".csv", False)
    MD = ("md", ".md", False)
    JSON = ("json", ".json", False)

    def __init__(self, label: str, suffix: str, binary: bool) -> None:
        self.label = label
        self.suffix = suffix
        self.binary = binary

    @classmethod
    def parse(cls, label: str) -> OutputFormat:
        """Return the format with this label (``xlsx``, ``docx``, ``html``, ``csv``, ``md``, ``json``)."""
        for fmt in cls:
            if fmt.label == label.lower().lstrip("."):
                return fmt
        raise UnknownNameError(f"unknown report format {label!r}: use one of {', '.join(f.label for f in cls)}")


@dataclass(frozen=True)
class ReportParams:
    """What a report is about: a city (None: every city) and the options of the report.

    ``state`` is a State's IRI or name (default: the city's country), ``cycle`` a UPR cycle (default:
    the State's latest), ``instrument`` an instrument's IRI or abbreviation, ``goal`` an SDG goal
    number or IRI; ``via_sdg`` lets measures linked to an SDG target serve the articles of the crosswalk.
    """

    city: str | None
    state: str | None = None
    cycle: int | None = None
    instrument: str | None = None
    goal: str | None = None
    via_sdg: bool = False


@dataclass(frozen=True)
class ReportTable:
    """One table of a report: its rows keep the query's column names; ``display`` the ones shown in documents."""

    name: str
    title: str
    description: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    display: tuple[str, ...] = ()
    query: str = ""

    def records(self) -> list[dict[str, Cell]]:
        """Return the rows as dicts."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def shown(self) -> tuple[str, ...]:
        """Return the columns shown in DOCX, HTML and Markdown (IRIs are left to XLSX, CSV and JSON)."""
        return self.display or tuple(c for c in self.columns if not c.endswith("_iri"))


@dataclass(frozen=True)
class Chart:
    """A chart of a report: a bar chart or a heatmap, drawn from the report's own figures."""

    name: str
    title: str
    kind: str  # "bar", "stacked", "heatmap"
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    columns: tuple[str, ...] = ()  # heatmap column labels; series are its rows
    notes: tuple[tuple[str, ...], ...] = ()  # heatmap cell notes ("" where a cell does not exist)


@dataclass(frozen=True)
class Report:
    """A report: its tables and charts, and the parameters it was made with."""

    name: str
    title: str
    city: str | None
    parameters: tuple[tuple[str, str], ...]
    introduction: tuple[str, ...]
    tables: tuple[ReportTable, ...]
    charts: tuple[Chart, ...] = field(default=())

    def table(self, name: str) -> ReportTable:
        """Return the table with this name."""
        for table in self.tables:
            if table.name == name:
                return table
        raise UnknownNameError(f"report {self.name!r} has no table {name!r}")


# --- running queries -------------------------------------------------------------------------------


def _cell(term: URIRef | BNode | Literal | None) -> Cell:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return value
        if isinstance(value, float | Decimal):
            return float(value)
        return str(term)
    return str(term)


def _number(value: Cell) -> Cell:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(Decimal(str(value)))
    except InvalidOperation:
        return value


def _natural(text: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(part), "") if part.isdigit() else (1 << 30, part) for part in re.split(r"(\d+)", text) if part)


def _tidy(column: str, value: Cell) -> Cell:
    if column in _NUMBERS:
        return _number(value)
    if column in _LISTS and isinstance(value, str):
        parts = sorted({p.strip() for p in value.split("; ") if p.strip()}, key=_natural)
        return "; ".join(parts) if parts else None
    if value == "":
        return None
    return value


def _select(store: Store, name: str, params: Mapping[str, str | None]) -> tuple[tuple[str, ...], list[list[Cell]]]:
    query = find_query(name)
    bound = {k: v for k, v in params.items() if v is not None}
    result = run_query(store, query, bound)
    if not isinstance(result, Table):
        raise BadInputError(f"the packaged query {name!r} must be a SELECT query")
    rows = [[_tidy(c, _cell(v)) for c, v in zip(result.columns, row, strict=True)] for row in result.rows]
    return result.columns, rows


def _select_many(
    store: Store, *requests: tuple[str, Mapping[str, str | None]]
) -> list[tuple[tuple[str, ...], list[list[Cell]]]]:
    """Run independent queries side by side (the store evaluates each outside Python's lock)."""
    with ThreadPoolExecutor(max_workers=min(len(requests), os.cpu_count() or 1)) as pool:
        return list(pool.map(lambda request: _select(store, *request), requests))


def _table(
    name: str,
    title: str,
    description: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    drop: Sequence[str] = (),
    display: Sequence[str] = (),
    query: str = "",
) -> ReportTable:
    keep = [i for i, c in enumerate(columns) if c not in drop]
    return ReportTable(
        name=name,
        title=title,
        description=description,
        columns=tuple(columns[i] for i in keep),
        rows=tuple(tuple(row[i] for i in keep) for row in rows),
        display=tuple(display),
        query=query,
    )


@dataclass(frozen=True)
class _Context:
    """The parameters of a report, resolved against the store."""

    city: str | None
    city_graph: str | None
    state: str | None
    state_name: str | None
    cycle: int | None
    instrument: str | None
    goal: str | None
    via_sdg: bool

    def bindings(self) -> dict[str, str | None]:
        return {"city_graph": self.city_graph}


def _resolve(store: Store, params: ReportParams, *, need_state: bool = False) -> _Context:
    columns, rows = _select(store, "cities", {})
    cities = [dict(zip(columns, row, strict=True)) for row in rows]
    city_name: str | None = None
    city_graph: str | None = None
    country: str | None = None
    if params.city is not None:
        target = graph_iri(f"city/{params.city}")
        found = [c for c in cities if c["city_graph"] == target]
        if not found:
            known = ", ".join(sorted(str(c["city"] or c["city_graph"]) for c in cities)) or "none (load a city first)"
            raise UnknownNameError(f"no city {params.city!r} in the store (graph {target}); cities: {known}")
        city_name = str(found[0]["city"] or params.city)
        city_graph = target
        country = None if found[0]["country_iri"] is None else str(found[0]["country_iri"])
    state = country
    if params.state:
        state = params.state if ":" in params.state else STATE_BASE + state_slug(params.state)
        check_iri(state)
    state_name: str | None = None
    if state is not None:
        labels = store.select(
            "SELECT ?name WHERE { GRAPH ?g { ?state <http://www.w3.org/2004/02/skos/core#prefLabel> ?name } }",
            {"state": URIRef(state)},
        ).column("name")
        state_name = str(labels[0]) if labels else state.rsplit("/", 1)[-1].replace("-", " ").title()
    if need_state and state is None:
        raise BadInputError("say which State's UPR recommendations to use: give --state (the city has no hrg:country)")
    instrument = params.instrument
    if instrument:
        columns, rows = _select(store, "instruments", {})
        if ":" in instrument:
            found_iri = [r[0] for r in rows if str(r[0]) == instrument]
        else:
            found_iri = [r[0] for r in rows if str(r[1]).lower() == instrument.lower()]
        if not found_iri:
            what = "" if ":" in instrument else "abbreviated "
            raise UnknownNameError(f"no instrument {what}{instrument!r} in the store")
        instrument = str(found_iri[0])
    goal = params.goal
    if goal:
        if ":" not in goal:
            if not re.fullmatch(r"\d{1,2}", goal):
                raise BadInputError(f"not an SDG goal number: {goal!r}")
            goal = SDG_BASE + str(int(goal))
        _, targets = _select(store, "sdg-targets", {})
        goals = sorted({int(str(t[0])) for t in targets})
        if goal not in {SDG_BASE + str(g) for g in goals}:
            held = f" (it holds goals {goals[0]} to {goals[-1]})" if goals else ": run `hrgraph init`"
            raise UnknownNameError(f"no SDG goal {params.goal} in the store{held}")
    return _Context(
        city=city_name,
        city_graph=city_graph,
        state=state,
        state_name=state_name,
        cycle=params.cycle,
        instrument=instrument,
        goal=goal,
        via_sdg=params.via_sdg,
    )


def _parameters(context: _Context, *names: str) -> tuple[tuple[str, str], ...]:
    values = {
        "city": context.city or "every city",
        "state": context.state_name or "",
        "cycle": "" if context.cycle is None else str(context.cycle),
        "instrument": context.instrument or "every instrument",
        "goal": context.goal or "every goal",
        "via SDG targets": "yes" if context.via_sdg else "no",
    }
    return tuple((n, values[n]) for n in names)


# --- the reports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Review:
    """The recommendations of one UPR cycle and the city's responses to them."""

    cycle: int
    columns: tuple[str, ...]
    recommendations: list[list[Cell]]
    response_columns: tuple[str, ...]
    responses: list[list[Cell]]

    def answered(self) -> dict[str, list[list[Cell]]]:
        found: dict[str, list[list[Cell]]] = defaultdict(list)
        index = self.response_columns.index("recommendation_iri")
        for row in self.responses:
            found[str(row[index])].append(row)
        return found


def _review(store: Store, context: _Context, cycle: int | None) -> _Review | None:
    """Read the recommendations to the State (the given cycle, or the latest) and the local responses."""
    columns, recommendations = _select(
        store, "upr-recommendations", {"state": context.state, "cycle": None if cycle is None else str(cycle)}
    )
    index = columns.index("review_cycle")
    cycles = sorted({int(str(r[index])) for r in recommendations})
    if not cycles:
        return None
    chosen = cycle if cycle is not None else cycles[-1]
    m_columns, responses = _select(
        store, "upr-matrix", {**context.bindings(), "state": context.state, "cycle": str(chosen)}
    )
    kept = [r for r in recommendations if int(str(r[index])) == chosen]
    return _Review(chosen, columns, kept, m_columns, responses)


_HELD_REVIEWS = """
PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?state ?name ?cycle WHERE {
  GRAPH <https://w3id.org/hrgraph/graph/standards> {
    ?cycleIri hrg:stateUnderReview ?state ; hrg:cycleNumber ?cycle .
    FILTER EXISTS { ?recommendation hrg:inCycle ?cycleIri }
    OPTIONAL { ?state skos:prefLabel ?name }
  }
}
"""


def _no_review(store: Store, context: _Context, cycle: int | None) -> BadInputError:
    """Say that the store holds no recommendations to the State (in the cycle), and which it does hold."""
    held: dict[str, tuple[str, set[int]]] = {}
    for state, name, number in store.select(_HELD_REVIEWS).rows:
        label = str(name) if name is not None else str(state).rsplit("/", 1)[-1]
        held.setdefault(str(state), (label, set()))[1].add(int(str(number)))
    asked = f"{context.state_name or context.state}" + ("" if cycle is None else f" in cycle {cycle}")
    if context.state in held:
        cycles = ", ".join(str(c) for c in sorted(held[str(context.state)][1]))
        return BadInputError(f"the store holds no UPR recommendations to {asked}: it holds cycles {cycles}")
    if held:
        states = "; ".join(
            f"{label} (cycles {', '.join(str(c) for c in sorted(cycles))})" for label, cycles in sorted(held.values())
        )
        return BadInputError(f"the store holds no UPR recommendations to {asked}: it holds those to {states}")
    return BadInputError("the store holds no UPR recommendations: run `hrgraph init` to load them")


def _upr(store: Store, params: ReportParams) -> Report:
    context = _resolve(store, params, need_state=True)
    review = _review(store, context, params.cycle)
    if review is None:
        raise _no_review(store, context, params.cycle)
    cycle = review.cycle
    context = replace(context, cycle=cycle)
    rec = {c: i for i, c in enumerate(review.columns)}
    recommendations = review.recommendations
    m_columns = review.response_columns
    responses = review.responses
    answered = review.answered()
    measure_columns = [
        "measure_kind",
        "measure_number",
        "measure_label",
        "document",
        "responsible_body",
        "item_status",
        "indicators",
        "route",
        "link_status",
        "confidence",
        "assessment",
    ]
    out_columns = [
        "review_cycle",
        "paragraph",
        "recommendation",
        "recommending_states",
        "position",
        "themes",
        "affected_persons",
        *measure_columns,
        "recommendation_iri",
        "measure_iri",
    ]
    rows: list[list[Cell]] = []
    for r in recommendations:
        base = [r[rec[c]] for c in out_columns[:7]]
        found = answered.get(str(r[rec["recommendation_iri"]]), [])
        if not found:
            rows.append(
                [*base, *([None] * (len(measure_columns) - 1)), "no local response", r[rec["recommendation_iri"]], None]
            )
        for m in found:
            rows.append(
                [
                    *base,
                    *(m[m_columns.index(c)] for c in measure_columns),
                    r[rec["recommendation_iri"]],
                    m[m_columns.index("measure_iri")],
                ]
            )
    matrix = _table(
        "UPR matrix",
        f"UPR recommendations to {context.state_name} (cycle {cycle}) and the local measures that respond to them",
        "Each recommendation with the local instruments, provisions and action items that respond to it, "
        "directly or through its rights themes and the articles that enshrine them.",
        out_columns,
        rows,
        display=(
            "paragraph",
            "recommendation",
            "recommending_states",
            "position",
            "themes",
            "affected_persons",
            "measure_number",
            "measure_label",
            "responsible_body",
            "item_status",
            "indicators",
            "route",
            "link_status",
            "assessment",
        ),
        query="upr-recommendations, upr-matrix",
    )
    total = len(recommendations)
    with_response = sum(1 for r in recommendations if answered.get(str(r[rec["recommendation_iri"]])))
    direct = sum(
        1
        for r in recommendations
        if any(
            "direct" in str(m[m_columns.index("route")] or "")
            for m in answered.get(str(r[rec["recommendation_iri"]]), [])
        )
    )
    proposed_only = 0
    for r in recommendations:
        found = answered.get(str(r[rec["recommendation_iri"]]), [])
        if found and all(m[m_columns.index("link_status")] == "proposed" for m in found):
            proposed_only += 1
    positions = Counter(str(r[rec["position"]] or "no position") for r in recommendations)
    measures = {str(m[m_columns.index("measure_iri")]) for m in responses}
    by_position: list[list[Cell]] = [[f"  {p}", n] for p, n in sorted(positions.items())]
    summary_rows: list[list[Cell]] = [
        ["recommendations", total],
        *by_position,
        ["with a local response", with_response],
        ["  answered directly by a measure", direct],
        ["  answered only through proposed links not yet reviewed", proposed_only],
        ["without a local response", total - with_response],
        ["local measures that respond", len(measures)],
    ]
    summary = _table(
        "Summary",
        "Summary",
        "The recommendations of the cycle and the local responses.",
        ["metric", "value"],
        summary_rows,
    )
    place = context.city or "the cities of the network"
    introduction = (
        f"This draft stakeholder submission sets out how {place} responds, through its local instruments, "
        f"provisions and action items, to the recommendations made to {context.state_name} in cycle {cycle} "
        "of the Universal Periodic Review.",
        f"Of the {total} recommendations of the cycle, {with_response} have at least one local response "
        f"({direct} of them a measure linked to the recommendation itself; {proposed_only} only through links "
        f"proposed by hrgraph and not yet reviewed) and {total - with_response} have none.",
        "A measure responds to a recommendation when a link ties it to the recommendation, to one of its rights "
        "themes, or to an article or paragraph in which one of those themes is enshrined (where the article "
        "enshrines several rights, the measure must also be linked to the recommendation's theme, and the weaker "
        "of the two links counts); the route column says which, each route with its own link status. Links stated "
        "in the city's own documents and links a curator accepted are shown as such; links proposed by hrgraph "
        "and not yet reviewed are marked 'proposed' and should be checked before submission.",
        "The implementation assessment is a draft derived from the status of the action items that respond through "
        "a stated or curated link; responses that rest only on proposed links are not assessed until they are "
        "reviewed. Reporting staff should confirm or correct it.",
    )
    charts = (
        Chart(
            "responses",
            "Recommendations with and without a local response",
            "bar",
            ("with a local response", "without"),
            (("recommendations", (float(with_response), float(total - with_response))),),
        ),
    )
    return Report(
        "upr",
        f"UPR stakeholder submission draft — {place}",
        context.city,
        _parameters(context, "city", "state", "cycle"),
        introduction,
        (matrix, summary),
        charts,
    )


def _firmest(items: Cell) -> Cell:
    """Name each measure of a VLR row once, with its firmest link to the target.

    A proposal beside a stated or curated link of the same measure to the same target adds nothing
    (the query lists both: keeping the firmest there would cost a lookup per link on a large network).

    >>> _firmest("H-01 (in progress); H-01 (in progress, link proposed); H-02 (planned, link proposed)")
    'H-01 (in progress); H-02 (planned, link proposed)'
    """
    if not isinstance(items, str):
        return items
    parts = items.split("; ")
    firm = {p for p in parts if not p.endswith("link proposed)")}

    def without_proposal(part: str) -> str:
        return (
            part.replace(", link proposed)", ")")
            if part.endswith(", link proposed)")
            else part[: -len(" (link proposed)")]
        )

    return "; ".join(p for p in parts if p in firm or without_proposal(p) not in firm)


def _vlr(store: Store, params: ReportParams) -> Report:
    context = _resolve(store, params)
    bindings = {**context.bindings(), "state": context.state, "goal": context.goal}
    columns, rows = _select(store, "vlr-table", bindings)
    col = {c: i for i, c in enumerate(columns)}
    for found in rows:
        found[col["action_items"]] = _firmest(found[col["action_items"]])
    seen = {(r[col["city"]], r[col["target_iri"]], r[col["indicator_iri"]]) for r in rows}
    i_columns, indicators = _select(store, "local-indicators", context.bindings())
    icol = {c: i for i, c in enumerate(i_columns)}
    t_columns, targets = _select(store, "sdg-targets", {})
    tcol = {c: i for i, c in enumerate(t_columns)}
    target_info = {str(t[tcol["target_iri"]]): t for t in targets}
    extra: list[list[Cell]] = []
    for ind in indicators:
        target = ind[icol["target_iri"]]
        if target is None or (ind[icol["city"]], target, ind[icol["indicator_iri"]]) in seen:
            continue
        info = target_info.get(str(target))
        if info is None or (context.goal and not str(context.goal).endswith("/" + str(info[tcol["goal_number"]]))):
            continue
        same_target = next((r for r in rows if r[col["target_iri"]] == target), None)
        row: list[Cell] = [None] * len(columns)
        row[col["city"]] = ind[icol["city"]]
        row[col["goal_number"]] = info[tcol["goal_number"]]
        row[col["goal_label"]] = info[tcol["goal_label"]]
        row[col["target_number"]] = info[tcol["target_number"]]
        row[col["target_label"]] = info[tcol["text"]]
        for c in ("global_indicators", "articles", "recommendations"):
            row[col[c]] = None if same_target is None else same_target[col[c]]
        if same_target is None:
            row[col["global_indicators"]] = ind[icol["sdg_indicator"]]
        for c in (
            "local_indicator",
            "unit",
            "baseline_year",
            "baseline_value",
            "latest_year",
            "latest_value",
            "trend",
            "action_items",
        ):
            row[col[c]] = ind[icol[c]]
        row[col["target_iri"]] = target
        row[col["indicator_iri"]] = ind[icol["indicator_iri"]]
        extra.append(row)
    all_rows = sorted(
        [*rows, *extra],
        key=lambda r: (
            str(r[col["city"]]),
            int(str(r[col["goal_number"]])),
            _natural(str(r[col["target_number"]])),
            str(r[col["local_indicator"]] or ""),
        ),
    )
    drop = ["city"] if context.city is not None else []
    vlr = _table(
        "VLR",
        "SDG targets, local indicators and action items",
        "Per SDG goal and target the city contributes to: the global and local indicators with their baseline, "
        "latest value and trend, the local action items and their status, and the human rights obligations the "
        "target is linked to.",
        columns,
        all_rows,
        drop=drop,
        query="vlr-table, local-indicators",
    )
    local = _table(
        "Local indicators",
        "Local indicators",
        "Every local indicator with its data and the SDG indicator it measures, if any.",
        i_columns,
        indicators,
        drop=drop,
        query="local-indicators",
    )
    coverage = _coverage_rows(store, context)
    departments = _select(store, "departments", context.bindings())
    charts = (_heatmap(coverage, targets), _status_chart(departments))
    place = context.city or "the network"
    goals = sorted({int(str(r[col["goal_number"]])) for r in all_rows})
    # a measure linked to a goal as a whole has a row of its own ("11 (the goal)"): it is not a target
    reached = {r[col["target_iri"]] for r in all_rows if not str(r[col["target_number"]]).endswith("(the goal)")}
    if context.state_name:
        recommendations = f"the UPR recommendations to {context.state_name}"
    else:
        recommendations = "the UPR recommendations to the State (none here: the city has no country; give --state)"
    introduction = (
        f"This table supports the Voluntary Local Review of {place}: for each SDG target its measures contribute to, "
        "it sets the global indicators beside the local ones, with their baseline, latest value and trend, and lists "
        "the local action items and their status. An item marked 'link proposed' reaches the target only through a "
        "link hrgraph proposed and nobody has reviewed yet: check it before submission.",
        f"The measures of {place} contribute to {len(reached)} {'target' if len(reached) == 1 else 'targets'} of "
        f"{len(goals)} {'goal' if len(goals) == 1 else 'goals'} ({', '.join(str(g) for g in goals) or 'none'}).",
        "Each target is also tied to the human rights obligations it corresponds to: the articles of the crosswalk "
        f"between the SDG targets and the human rights instruments, and {recommendations} tagged with the goal "
        "whose themes are enshrined in those articles.",
    )
    return Report(
        "vlr",
        f"Voluntary Local Review — {place}",
        context.city,
        _parameters(context, "city", "state", "goal"),
        introduction,
        (vlr, local),
        charts,
    )


def _treaty_linkage(store: Store, params: ReportParams) -> Report:
    context = _resolve(store, params)
    bindings = {
        **context.bindings(),
        "instrument": context.instrument,
        "via_sdg": "true" if context.via_sdg else None,
    }
    columns, rows = _select(store, "treaty-linkage", bindings)
    col = {c: i for i, c in enumerate(columns)}
    drop = ["city"] if context.city is not None else []
    linkage = _table(
        "Treaty linkage",
        "Articles and the local measures that serve them",
        "Each article of an international instrument with the local instruments, provisions and action items "
        "that serve it, the route, the link status and confidence.",
        columns,
        rows,
        drop=drop,
        query="treaty-linkage",
    )
    per_instrument: dict[str, set[Cell]] = defaultdict(set)
    measures: dict[str, set[Cell]] = defaultdict(set)
    for r in rows:
        per_instrument[str(r[col["abbreviation"]])].add(r[col["article_iri"]])
        measures[str(r[col["abbreviation"]])].add(r[col["measure_iri"]])
    summary_rows: list[list[Cell]] = [
        [k, len(per_instrument[k]), len(measures[k])] for k in sorted(per_instrument, key=_natural)
    ]
    summary = _table(
        "Articles per instrument",
        "Articles served per instrument",
        "How many articles of each instrument at least one local measure serves, and by how many measures.",
        ["instrument", "articles_served", "measures"],
        summary_rows,
    )
    chart = Chart(
        "articles-per-instrument",
        "Articles served per instrument",
        "bar",
        tuple(str(r[0]) for r in summary_rows),
        (("articles served", tuple(float(str(r[1])) for r in summary_rows)),),
    )
    place = context.city or "the cities of the network"
    pairs = len({(r[col["article_iri"]], r[col["measure_iri"]]) for r in rows})
    introduction = (
        f"This table links the articles of the international human rights instruments to the local instruments, "
        f"provisions and action items of {place} that serve them.",
        f"{pairs} {'pair' if pairs == 1 else 'pairs'} of an article and a local measure that serves it (a measure "
        "may serve an article by several routes), over "
        f"{sum(len(v) for v in per_instrument.values())} articles of {len(per_instrument)} "
        f"{'instrument' if len(per_instrument) == 1 else 'instruments'}.",
        "A measure serves an article when a link ties it to the article or to one of its paragraphs"
        + (
            ", or to an SDG target whose crosswalk names the article (marked 'via SDG target')."
            if context.via_sdg
            else "."
        )
        + " Links proposed by hrgraph and not yet reviewed are marked 'proposed'.",
    )
    return Report(
        "treaty-linkage",
        f"Treaty linkage — {place}",
        context.city,
        _parameters(context, "city", "instrument", "via SDG targets"),
        introduction,
        (linkage, summary),
        (chart,),
    )


def _gaps(store: Store, params: ReportParams) -> Report:
    context = _resolve(store, params, need_state=params.cycle is not None)
    drop = ["city"] if context.city is not None else []
    c_columns, commitments = _select(store, "gaps-commitments", context.bindings())
    i_columns, items = _select(store, "gaps-items", context.bindings())
    tables = [
        _table(
            "Commitments",
            "Commitments without a local measure",
            "Articles of the instruments the city commits to, and SDG targets if it commits to the 2030 Agenda, "
            "that no stated or curated link ties to a local measure; open proposals may close the gap once reviewed. "
            "Procedural and final clauses are not listed.",
            c_columns,
            commitments,
            drop=drop,
            query="gaps-commitments",
        ),
        _table(
            "Action items",
            "Action items without a link",
            "Action items no stated, curated or pending proposed link ties to any standard.",
            i_columns,
            items,
            drop=drop,
            query="gaps-items",
        ),
    ]
    unanswered: list[list[Cell]] = []
    review = None if context.state is None else _review(store, context, params.cycle)
    if review is None and context.state is not None and (params.state or params.cycle is not None):
        raise _no_review(store, context, params.cycle)
    cycle = None if review is None else review.cycle
    if review is not None:
        rec = {c: i for i, c in enumerate(review.columns)}
        answered = review.answered()
        keep = [
            "review_cycle",
            "paragraph",
            "recommendation",
            "recommending_states",
            "position",
            "themes",
            "recommendation_iri",
        ]
        unanswered = [
            [r[rec[c]] for c in keep]
            for r in review.recommendations
            if str(r[rec["recommendation_iri"]]) not in answered
        ]
        tables.append(
            _table(
                "UPR recommendations",
                f"UPR recommendations to {context.state_name} (cycle {cycle}) without a local response",
                "Recommendations no local measure responds to, directly or through their themes and articles.",
                keep,
                unanswered,
                query="upr-recommendations, upr-matrix",
            )
        )
    context = replace(context, cycle=cycle)
    place = context.city or "the cities of the network"
    if review is not None:
        upr = f"; UPR recommendations without a local response: {len(unanswered)}."
    elif context.state is not None:
        upr = f". The store holds no UPR recommendations to {context.state_name}, so none are compared."
    else:
        upr = ". UPR recommendations are not compared: the city has no country in the store (give --state)."
    introduction = (
        f"Where the commitments and the plans of {place} are not yet matched: standards it committed to with no "
        "local measure, action items tied to no standard, and UPR recommendations with no local response.",
        f"Committed articles or targets without a measure: {len(commitments)}; action items without a link: "
        f"{len(items)}{upr}",
        "The procedural and final clauses of an instrument (its treaty body and reporting by States, signature, "
        "ratification, entry into force, reservations, amendment, denunciation, the depositary) are not listed as "
        "gaps: they bind the States parties and no local measure can serve them.",
    )
    return Report(
        "gaps",
        f"Gaps — {place}",
        context.city,
        _parameters(context, "city", "state", "cycle"),
        introduction,
        tuple(tables),
    )


_DIMENSIONS = {
    "goal": ("SDG goals", "By SDG goal"),
    "target": ("SDG targets", "By SDG target"),
    "instrument": ("Instruments", "By instrument"),
    "theme": ("Rights themes", "By rights theme"),
}


def _coverage_rows(store: Store, context: _Context) -> tuple[tuple[str, ...], list[list[Cell]]]:
    return _select(store, "coverage", context.bindings())


def _coverage(store: Store, params: ReportParams) -> Report:
    context = _resolve(store, params)
    if context.city is None:
        return _network_coverage(store, context)
    drop = ["city"]
    coverage = _coverage_rows(store, context)
    columns, rows = coverage
    col = {c: i for i, c in enumerate(columns)}
    tables = []
    for dimension, (title, heading) in _DIMENSIONS.items():
        subset = [r for r in rows if r[col["dimension"]] == dimension]
        subset.sort(key=lambda r: (str(r[col["city"]]), _natural(str(r[col["key"]]))))
        tables.append(
            _table(
                title,
                heading,
                f"Measures, action items and links that serve each {dimension}, and the standards they reach.",
                columns,
                subset,
                drop=[*drop, "dimension"],
                query="coverage",
            )
        )
    departments = _select(store, "departments", context.bindings())
    tables.append(
        _table(
            "Departments",
            "By department",
            "Action items of each responsible body, how many are linked to a standard, and their status.",
            departments[0],
            departments[1],
            drop=drop,
            query="departments",
        )
    )
    # an item of several responsible bodies is a row of each department: count the city's items once
    i_columns, items = _select(store, "city-items", context.bindings())
    i_col = {c: i for i, c in enumerate(i_columns)}
    # a city without action items has no row in city-items, and a row of zeros here
    per_city: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0], {str(context.city): [0] * 6})
    for r in items:
        totals = per_city[str(r[i_col["city"]])]
        totals[0] = int(str(r[i_col["action_items"]]))
        totals[1] = int(str(r[i_col["linked_items"]]))
    for r in rows:
        totals = per_city[str(r[col["city"]])]
        index = {"goal": 2, "target": 3, "instrument": 4, "theme": 5}[str(r[col["dimension"]])]
        totals[index] += 1
    city_rows: list[list[Cell]] = [[city, *values] for city, values in sorted(per_city.items())]
    tables.append(
        _table(
            "Cities",
            "By city",
            "For each city: its action items, how many are linked, and how many goals, targets, instruments and "
            "themes its measures reach.",
            ["city", "action_items", "linked_items", "goals", "targets", "instruments", "themes"],
            city_rows,
        )
    )
    t_columns, targets = _select(store, "sdg-targets", {})
    instrument_rows = [r for r in rows if r[col["dimension"]] == "instrument"]
    per_instrument: dict[str, float] = defaultdict(float)
    for r in instrument_rows:
        per_instrument[str(r[col["key"]])] += float(str(r[col["standards"]]))
    instruments = sorted(per_instrument, key=_natural)
    charts = (
        _heatmap(coverage, targets),
        Chart(
            "standards-per-instrument",
            "Articles and paragraphs served per instrument",
            "bar",
            tuple(instruments),
            (("articles and paragraphs", tuple(per_instrument[k] for k in instruments)),),
        ),
        _status_chart(departments),
    )
    items_of_city, linked, *reach = per_city[str(context.city)]
    introduction = (
        f"How the measures of {context.city} cover the SDG goals and targets, the international instruments, the "
        "rights themes and the departments of the administration.",
        f"{context.city} has {items_of_city} action {'item' if items_of_city == 1 else 'items'}, {linked} of them "
        f"linked to a standard. What its measures reach: SDG goals {reach[0]}, targets {reach[1]}, instruments "
        f"{reach[2]}, rights themes {reach[3]}.",
    )
    return Report(
        "coverage",
        f"Coverage — {context.city}",
        context.city,
        _parameters(context, "city"),
        introduction,
        tuple(tables),
        charts,
    )


def _network_coverage(store: Store, context: _Context) -> Report:
    """Coverage across every city of the store: per goal, target, instrument and theme, then per city."""
    (columns, rows), (c_columns, cities), (_, targets) = _select_many(
        store, ("coverage-network", {}), ("coverage-cities", {}), ("sdg-targets", {})
    )
    if not cities:
        raise BadInputError("the store holds no city: ingest one first (hrgraph ingest FILE --city NAME)")
    col = {c: i for i, c in enumerate(columns)}
    tables = []
    for dimension, (title, heading) in _DIMENSIONS.items():
        subset = sorted(
            (r for r in rows if r[col["dimension"]] == dimension), key=lambda r: _natural(str(r[col["key"]]))
        )
        tables.append(
            _table(
                title,
                heading,
                f"How many cities serve each {dimension}, through how many links, reaching how many standards.",
                columns,
                subset,
                drop=["dimension"],
                query="coverage-network",
            )
        )
    tables.append(
        _table(
            "Cities",
            "By city",
            "For each city: its action items and its links (stated, curated and not yet reviewed proposals). "
            "The report of one city (--city) adds its departments and what its measures reach.",
            c_columns,
            cities,
            query="coverage-cities",
        )
    )
    reached = [r for r in rows if r[col["dimension"]] == "target"]
    heatmap = _heatmap((columns, reached), targets, count="cities")
    heatmap = replace(heatmap, title="Cities with a measure per SDG target")
    goals = sum(1 for r in rows if r[col["dimension"]] == "goal")
    introduction = (
        f"How the {len(cities)} cities of the network cover the SDG goals and targets, the international "
        "instruments and the rights themes: for each, how many cities serve it and through how many links.",
        f"Their measures reach {goals} of the 17 goals and {len(reached)} of the 169 targets.",
    )
    return Report(
        "coverage",
        "Coverage — the network",
        None,
        _parameters(context, "city"),
        introduction,
        tuple(tables),
        (heatmap,),
    )


def _heatmap(
    coverage: tuple[tuple[str, ...], list[list[Cell]]], targets: list[list[Cell]], count: str = "measures"
) -> Chart:
    """Measures (or another count) per SDG target, goals as rows and the targets of each goal as columns."""
    columns, rows = coverage
    col = {c: i for i, c in enumerate(columns)}
    counts: dict[str, float] = defaultdict(float)
    for r in rows:
        if r[col["dimension"]] == "target":
            counts[str(r[col["key"]])] += float(str(r[col[count]]))
    per_goal: dict[int, list[str]] = defaultdict(list)
    for t in targets:
        per_goal[int(str(t[0]))].append(str(t[2]))
    width = max((len(v) for v in per_goal.values()), default=1)
    goals = sorted(per_goal)
    series = []
    notes = []
    for goal in goals:
        numbers = per_goal[goal]
        series.append(
            (
                str(goal),
                tuple(
                    counts.get(n, 0.0) if i < len(numbers) else math.nan
                    for i, n in enumerate([*numbers, *[""] * (width - len(numbers))])
                ),
            )
        )
        notes.append(tuple([n.split(".", 1)[1] for n in numbers] + [""] * (width - len(numbers))))
    return Chart(
        "sdg-heatmap",
        "Local measures per SDG target",
        "heatmap",
        tuple(str(g) for g in goals),
        tuple(series),
        columns=tuple(str(i + 1) for i in range(width)),
        notes=tuple(notes),
    )


def _status_chart(departments: tuple[tuple[str, ...], list[list[Cell]]]) -> Chart:
    columns, rows = departments
    col = {c: i for i, c in enumerate(columns)}
    statuses = ("planned", "in_progress", "completed", "delayed", "discontinued")
    labels = tuple(str(r[col["department"]]) for r in rows)
    series = tuple((s.replace("_", " "), tuple(float(str(r[col[s]])) for r in rows)) for s in statuses)
    return Chart("item-status", "Status of the action items per department", "stacked", labels, series)


@dataclass(frozen=True)
class _Spec:
    title: str
    build: Callable[[Store, ReportParams], Report]
    city_required: bool = True


REPORTS: dict[str, _Spec] = {
    "upr": _Spec("UPR stakeholder submission draft: recommendations × local measures", _upr),
    "vlr": _Spec("Voluntary Local Review table: SDG targets, indicators and action items", _vlr),
    "treaty-linkage": _Spec("Treaty linkage: articles × local measures", _treaty_linkage),
    "gaps": _Spec("Gaps: commitments, action items and UPR recommendations with no match", _gaps),
    "coverage": _Spec("Coverage by goal, target, instrument, theme, department and city", _coverage, False),
}


def build_report(store: Store, name: str, params: ReportParams) -> Report:
    """Run the queries of a report and assemble its tables and charts.

    >>> from hrgraph.store import open_store
    >>> with open_store(memory=True) as store:
    ...     build_report(store, "gaps", ReportParams(city="Nowhere"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    hrgraph.errors.UnknownNameError: no city 'Nowhere' in the store (graph ...); cities: none (load a city first)
    """
    spec = REPORTS.get(name)
    if spec is None:
        raise UnknownNameError(f"unknown report {name!r}: use one of {', '.join(REPORTS)}")
    if params.city is None and spec.city_required:
        raise BadInputError(f"the {name} report is about one city: give --city NAME")
    return spec.build(store, params)


# --- rendering -------------------------------------------------------------------------------------


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Return a text that XML (a spreadsheet or document cell) can hold: control characters become spaces.

    The length stays the same, so character offsets into the text still hold.

    >>> xml_safe("page one\fpage two")
    'page one page two'
    """
    return _CONTROL.sub(" ", text)


def _text(value: Cell) -> str:
    """Return a cell as text, numbers in full (as stored, without an exponent).

    >>> _text(0.315), _text(88.0), _text(1e-05)
    ('0.315', '88', '0.00001')
    """
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return xml_safe(str(value))


def _shown(column: str, value: Cell) -> str:
    """Return a cell as a document (DOCX, HTML, Markdown) shows it: a link's confidence with two decimals."""
    if column == "confidence" and isinstance(value, float):
        return f"{value:.2f}"
    return _text(value)


def _header(column: str) -> str:
    return HEADERS.get(column, column.replace("_", " ").capitalize())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _json(report: Report) -> bytes:
    data = {
        "report": report.name,
        "title": report.title,
        "city": report.city,
        "parameters": dict(report.parameters),
        "introduction": list(report.introduction),
        "tables": [
            {
                "name": t.name,
                "title": t.title,
                "description": t.description,
                "queries": [q.strip() for q in t.query.split(",") if q.strip()],
                "columns": list(t.columns),
                "rows": t.records(),
            }
            for t in report.tables
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def _csv(table: ReportTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows([[_text(v) for v in row] for row in table.rows])
    return buffer.getvalue().encode()


def _markdown(report: Report) -> bytes:
    lines = [f"# {report.title}", ""]
    lines += [f"- {k}: {v}" for k, v in report.parameters if v]
    lines.append("")
    for n, paragraph in enumerate(report.introduction, 1):
        lines += [f"{n}. {paragraph}"]
    lines.append("")
    for table in report.tables:
        lines += [f"## {table.title}", "", table.description, ""]
        if not table.rows:
            lines += ["(none)", ""]
            continue
        headers, body = _grid(report, table)
        lines.append("| " + " | ".join(headers) + " |")
        lines.append("|" + "|".join("---" for _ in headers) + "|")
        for cells in body:
            lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", "<br>") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines).encode()


def _xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    for blank in list(book.worksheets):
        book.remove(blank)
    used: set[str] = set()
    for table in report.tables:
        name = re.sub(r"[\[\]:*?/\\]", " ", table.name)[:31] or "Table"
        while name in used:
            name = name[:28] + f" {len(used)}"
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append([_header(c) or c for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F4E79")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            sheet.append([v if isinstance(v, int | float) else _text(v) for v in row])
        for i, column in enumerate(table.columns, 1):
            values = [_header(column)] + [_text(r[i - 1]) for r in table.rows]
            longest = max((len(v) for v in values), default=8)
            sheet.column_dimensions[get_column_letter(i)].width = max(8, min(60, longest + 2))
            if longest > 60:
                for cell in sheet[get_column_letter(i)][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
        if table.rows:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    about = book.create_sheet("About", 0)
    about.append([report.title])
    about["A1"].font = Font(bold=True, size=14)
    for key, value in report.parameters:
        about.append([key, value])
    about.append([])
    for paragraph in report.introduction:
        about.append([paragraph])
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 60
    # openpyxl reads a text that starts with "=" as a formula: plan text is data, never a formula
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                if cell.data_type == "f":
                    cell.data_type = "s"
    book.properties.creator = "hrgraph"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _docx(report: Report) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.core_properties.author = "hrgraph"
    document.core_properties.title = report.title
    document.add_heading(report.title, level=0)
    details = ", ".join(f"{k}: {v}" for k, v in report.parameters if v)
    if details:
        document.add_paragraph(details)
    document.add_heading("Introduction", level=1)
    for paragraph in report.introduction:
        document.add_paragraph(paragraph, style="List Number")
    tables = sorted(report.tables, key=lambda t: t.name != "Summary")
    for table in tables:
        document.add_heading(table.title, level=1)
        document.add_paragraph(table.description)
        if not table.rows:
            document.add_paragraph("None.")
            continue
        headers, body = _grid(report, table, word=True)
        grid = document.add_table(rows=1, cols=len(headers))
        grid.style = "Table Grid"
        for cell, header in zip(grid.rows[0].cells, headers, strict=True):
            cell.text = header
            for run in cell.paragraphs[0].runs:
                run.font.bold = True
        for values in body:
            for cell, value in zip(grid.add_row().cells, values, strict=True):
                cell.text = value
        for row in grid.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(8)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_SHOWN_RESPONSES = 6  # responses listed per recommendation in DOCX, HTML and Markdown


def _route_rank(r: Mapping[str, Cell]) -> tuple[int, int, float, str]:
    """Order the routes of a response: the closest route (direct, article, theme), then the firmest link."""
    route = str(r["route"] or "")
    closeness = 0 if route == "direct" else 1 if route.startswith("article") else 2
    status = {"stated by the city": 0, "curated": 1}.get(str(r["link_status"]), 2)
    return closeness, status, -float(str(r["confidence"] or 0)), route


def _response_rank(routes: Sequence[Mapping[str, Cell]]) -> tuple[int, int, int, float, str]:
    """Order the measures that respond to a recommendation: by their best route, action items first."""
    closeness, status, confidence, _ = min(_route_rank(r) for r in routes)
    kind = {"action item": 0, "provision": 1}.get(str(routes[0]["measure_kind"]), 2)
    return closeness, kind, status, confidence, _text(routes[0]["measure_number"])


def _response(routes: Sequence[Mapping[str, Cell]]) -> str:
    """Describe a measure that responds to a recommendation, with each route and the status of its link."""
    r = routes[0]
    number = _text(r["measure_number"])
    if r["measure_kind"] != "action item" and r["document"]:
        number = f"{_text(r['document'])}, {number}" if number else _text(r["document"])
    paths = []
    for route in sorted(routes, key=_route_rank):
        status = _text(route["link_status"])
        if status == "proposed" and route["confidence"] is not None:
            status += f", confidence {_shown('confidence', route['confidence'])}"
        paths.append(f"{_text(route['route'])} ({status})")
    parts = (
        " ".join(p for p in (number, _text(r["measure_label"])) if p),
        _text(r["responsible_body"]),
        _text(r["item_status"]),
        "; ".join(paths),
    )
    return " — ".join(p for p in parts if p)


def _assessment(responses: Sequence[Mapping[str, Cell]]) -> str:
    """Draft an assessment of a recommendation from the action items that respond through a firm link.

    Only stated and curated links count; a measure that responds only through proposals nobody has
    reviewed is named, not assessed.

    >>> item = {"measure_kind": "action item", "link_status": "stated by the city"}
    >>> _assessment([{**item, "measure_iri": s, "item_status": s} for s in ("completed", "planned")])
    'partially implemented: 1 completed, 1 planned'
    >>> _assessment([{**item, "measure_iri": "x", "item_status": "completed", "link_status": "proposed"}])
    'not assessed: only proposed links, not yet reviewed (1 action item)'
    """
    firm: dict[str, Mapping[str, Cell]] = {}
    proposed: dict[str, Mapping[str, Cell]] = {}
    for r in responses:
        (proposed if r["link_status"] == "proposed" else firm)[str(r["measure_iri"])] = r
    pending = Counter(str(r["measure_kind"]) for k, r in proposed.items() if k not in firm)
    unreviewed = ", ".join(f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in sorted(pending.items()))
    if not firm:
        return f"not assessed: only proposed links, not yet reviewed ({unreviewed})"
    note = f"; not counted: {unreviewed} through proposed links only" if pending else ""
    statuses = Counter(
        _text(r["item_status"]) or "no status" for r in firm.values() if r["measure_kind"] == "action item"
    )
    if not statuses:
        return "addressed by local instruments and provisions, no action item" + note
    if set(statuses) == {"completed"}:
        verdict = "implemented"
    elif statuses.keys() & {"completed", "in progress", "delayed"}:
        verdict = "partially implemented"
    elif set(statuses) <= {"planned", "no status"}:
        verdict = "not yet implemented"
    else:
        verdict = "not implemented"
    order = ("completed", "in progress", "delayed", "planned", "discontinued", "no status")
    counts = ", ".join(f"{statuses[s]} {s}" for s in order if statuses[s])
    return f"{verdict}: {counts}{note}"


def _grid(report: Report, table: ReportTable, *, word: bool = False) -> tuple[list[str], list[list[str]]]:
    """Return the header and rows of a table in a document (DOCX, HTML, Markdown).

    The UPR matrix gets one row per recommendation, with its closest and firmest responses first and at
    most ``_SHOWN_RESPONSES`` of them (XLSX, CSV and JSON keep every response). In Word, the VLR table
    keeps the columns a landscape page has room for.
    """
    records = table.records()
    if report.name == "upr" and table.name == "UPR matrix":
        headers = [
            "Paragraph",
            "Recommendation",
            "Position",
            "Local measures that respond",
            "Implementation assessment (draft)",
        ]
        grouped: dict[str, list[dict[str, Cell]]] = {}
        for r in records:
            grouped.setdefault(str(r["recommendation_iri"]), []).append(r)
        body = []
        for rows in grouped.values():
            first = rows[0]
            states = _text(first["recommending_states"])
            routes = [r for r in rows if r["measure_iri"]]
            per_measure: dict[str, list[dict[str, Cell]]] = {}
            for r in routes:
                per_measure.setdefault(str(r["measure_iri"]), []).append(r)
            responses = sorted(per_measure.values(), key=_response_rank)
            measures = [_response(r) for r in responses[:_SHOWN_RESPONSES]]
            if len(responses) > _SHOWN_RESPONSES:
                measures.append(
                    f"… and {len(responses) - _SHOWN_RESPONSES} more (all of them in the XLSX, CSV or JSON)"
                )
            body.append(
                [
                    _text(first["paragraph"]),
                    _text(first["recommendation"]) + (f" ({states})" if states else ""),
                    _text(first["position"]),
                    "\n".join(measures),
                    _assessment(routes) if routes else _text(first["assessment"]),
                ]
            )
        return headers, body
    shown = table.shown()
    if word and report.name == "vlr" and table.name == "VLR":
        shown = tuple(
            c
            for c in (
                "target_number",
                "global_indicators",
                "local_indicator",
                "unit",
                "baseline_year",
                "baseline_value",
                "latest_year",
                "latest_value",
                "trend",
                "action_items",
                "articles",
            )
            if c in table.columns
        )
    return [_header(c) or c for c in shown], [[_shown(c, r[c]) for c in shown] for r in records]


def _svg(chart: Chart) -> bytes:
    return _draw(chart, "svg")


def _png(chart: Chart) -> bytes:
    return _draw(chart, "png")


def _draw(chart: Chart, fmt: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "hrgraph"
    plt.rcParams["svg.fonttype"] = "none"
    plt.rcParams["font.family"] = "DejaVu Sans"
    if chart.kind == "heatmap":
        figure, axes = plt.subplots(figsize=(9, 6.5))
        import numpy as np

        data = np.array([values for _, values in chart.series], dtype=float)
        masked = np.ma.masked_invalid(data)
        cmap = matplotlib.colormaps["Blues"].with_extremes(bad="#f2f2f2")
        image = axes.imshow(
            masked, cmap=cmap, aspect="auto", vmin=0, vmax=max(1.0, float(np.nanmax(data)) if data.size else 1.0)
        )
        axes.set_yticks(range(len(chart.labels)), [f"Goal {g}" for g in chart.labels])
        axes.set_xticks(range(len(chart.columns)), chart.columns)
        axes.set_xlabel("target (in the order of the Agenda)")
        for y, notes in enumerate(chart.notes):
            for x, note in enumerate(notes):
                if note:
                    value = data[y][x]
                    axes.text(
                        x, y, note, ha="center", va="center", fontsize=6, color="white" if value > 0 else "#555555"
                    )
        from matplotlib.ticker import MaxNLocator

        bar = figure.colorbar(image, ax=axes, label="local measures")
        bar.locator = MaxNLocator(integer=True)
        bar.update_ticks()
    else:
        height = max(3.0, 0.4 * len(chart.labels) + 1.8)
        figure, axes = plt.subplots(figsize=(8, height))
        positions = list(range(len(chart.labels)))
        left = [0.0] * len(chart.labels)
        palette = ["#9ecae1", "#3182bd", "#31a354", "#fd8d3c", "#969696"]
        for n, (name, values) in enumerate(chart.series):
            axes.barh(
                positions,
                values,
                left=left if chart.kind == "stacked" else None,
                label=name,
                color=palette[n % len(palette)],
            )
            if chart.kind == "stacked":
                left = [a + b for a, b in zip(left, values, strict=True)]
        from matplotlib.ticker import MaxNLocator

        axes.set_yticks(positions, chart.labels)
        axes.invert_yaxis()
        axes.set_xlabel("count")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        if len(chart.series) > 1:
            axes.legend(
                loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=len(chart.series), fontsize=8, frameon=False
            )
    axes.set_title(chart.title)
    figure.tight_layout()
    buffer = io.BytesIO()
    metadata: dict[str, str | None] = {"Date": None} if fmt == "svg" else {"Software": None}
    figure.savefig(buffer, format=fmt, metadata=metadata, dpi=100)
    plt.close(figure)
    data_out = buffer.getvalue()
    if fmt == "svg":
        data_out = re.sub(rb"<\?xml[^>]*>\s*<!DOCTYPE[^>]*>\s*", b"", data_out)
    return data_out


_CSS = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; margin: 2em; color: #222; }
h1 { color: #1f4e79; } h2 { color: #1f4e79; margin-top: 1.6em; }
table { border-collapse: collapse; font-size: 0.8em; margin: 0.6em 0; }
th, td { border: 1px solid #bbb; padding: 3px 6px; vertical-align: top; text-align: left; }
th { background: #1f4e79; color: white; position: sticky; top: 0; }
tr:nth-child(even) td { background: #f4f7fb; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
.params { color: #555; }
"""


def _html(report: Report) -> bytes:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(report.title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(report.title)}</h1>",
    ]
    details = "; ".join(f"{k}: {v}" for k, v in report.parameters if v)
    if details:
        out.append(f'<p class="params">{html.escape(details)}</p>')
    out.append("<ol>" + "".join(f"<li>{html.escape(p)}</li>" for p in report.introduction) + "</ol>")
    for chart in report.charts:
        svg = _svg(chart).decode()
        out.append(
            f'<figure class="chart" id="chart-{chart.name}" aria-label="{html.escape(chart.title)}">{svg}</figure>'
        )
    for table in report.tables:
        out.append(f'<h2 id="{_slug(table.name)}">{html.escape(table.title)}</h2>')
        out.append(f"<p>{html.escape(table.description)}</p>")
        if not table.rows:
            out.append("<p>None.</p>")
            continue
        headers, body = _grid(report, table)
        out.append(
            "<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in headers) + "</tr></thead><tbody>"
        )
        for cells in body:
            out.append("<tr>" + "".join(f"<td>{html.escape(c).replace(chr(10), '<br>')}</td>" for c in cells) + "</tr>")
        out.append("</tbody></table>")
    out.append("</body></html>\n")
    return "\n".join(out).encode()


def render(report: Report, fmt: OutputFormat) -> dict[str, bytes]:
    """Render a report; return the file contents keyed by the suffix to add to the output name.

    The main file has the key ``""``. CSV gives one file per table (the first table is the main file,
    the others ``-<table>.csv``); HTML also gives each chart as ``-<chart>.svg`` and ``-<chart>.png``.
    """
    if fmt is OutputFormat.JSON:
        return {"": _json(report)}
    if fmt is OutputFormat.MD:
        return {"": _markdown(report)}
    if fmt is OutputFormat.XLSX:
        return {"": _xlsx(report)}
    if fmt is OutputFormat.DOCX:
        return {"": _docx(report)}
    if fmt is OutputFormat.CSV:
        files = {"": _csv(report.tables[0])} if report.tables else {"": b""}
        for table in report.tables[1:]:
            files[f"-{_slug(table.name)}.csv"] = _csv(table)
        return files
    files = {"": _html(report)}
    for chart in report.charts:
        files[f"-{chart.name}.svg"] = _svg(chart)
        files[f"-{chart.name}.png"] = _png(chart)
    return files


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that a reader never sees it half-written, even if the process is interrupted.

    A symbolic link is followed: its target is written. Anything that exists and is not a regular file
    (a FIFO, ``/dev/stdout``) is written directly. A new file gets the permissions the umask allows, an
    existing one keeps its own. A write that fails is a one-line error naming the path.
    """
    try:
        if path.exists() and not path.is_file():
            with path.open("wb") as handle:
                handle.write(data)
            return
        path = Path(os.path.realpath(path))
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as err:
        raise BadInputError(f"{path}: cannot write: {err.strerror or err}") from err
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise BadInputError(f"{path}: cannot write: {err.strerror or err}") from err
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_report(report: Report, fmt: OutputFormat, output: Path) -> list[Path]:
    """Write a report to ``output`` (and, for CSV and HTML, files beside it); return the paths written.

    The files beside it are written only next to a regular file: an output that is a device or a FIFO
    (``/dev/null``, ``/dev/stdout``) gets the main file alone, and nothing is written into its folder.
    """
    output = output.expanduser()
    if not output.parent.is_dir():
        raise BadInputError(f"{output}: the folder {output.parent} does not exist")
    stem = output.name.removesuffix(fmt.suffix) if output.name.endswith(fmt.suffix) else output.stem
    beside = not output.exists() or output.is_file()
    written = []
    for suffix, data in render(report, fmt).items():
        if suffix and not beside:
            continue
        path = output if not suffix else output.with_name(stem + suffix)
        write_atomic(path, data)
        written.append(path)
    return written


def write_reports(
    store: Store,
    city: str,
    folder: Path,
    formats: Sequence[OutputFormat | str] = ("xlsx", "docx", "html", "csv", "md", "json"),
    *,
    reports: Sequence[str] = ("upr", "vlr", "treaty-linkage", "gaps"),
    params: ReportParams | None = None,
) -> list[Path]:
    """Write the reports of a city in every format into one folder (created if needed); return the files.

    Files are named ``REPORT.SUFFIX`` (``upr.docx``, ``vlr.xlsx`` …), with the extra CSV tables and
    HTML charts beside them.
    """
    folder = folder.expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    chosen = [f if isinstance(f, OutputFormat) else OutputFormat.parse(f) for f in formats]
    base = params if params is not None else ReportParams(city=city)
    base = replace(base, city=city)
    written: list[Path] = []
    for name in reports:
        report = build_report(store, name, base)
        for fmt in chosen:
            written += write_report(report, fmt, folder / f"{name}{fmt.suffix}")
    return written


def push_graphs(source: Store, target: Store, *, graphs: Sequence[str] | None = None) -> dict[str, int]:
    """Upload the named graphs of ``source`` (all, or those named) to ``target``, replacing each one there.

    On a remote store this is one Graph Store Protocol PUT per graph. Returns the triples sent per graph.
    """
    held = source.graphs()
    chosen = list(held) if graphs is None else [graph_iri(g) for g in graphs]
    missing = [g for g in chosen if g not in held]
    if missing:
        raise UnknownNameError(f"the store has no graph {missing[0]}")
    sent: dict[str, int] = {}
    for graph in chosen:
        data = source.export(RdfFormat.NTRIPLES, graph=graph)
        sent[graph] = target.load(data, format=RdfFormat.NTRIPLES, graph=graph, replace=True)
    return sent
