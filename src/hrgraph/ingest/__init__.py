"""Ingest a city's documents into its local graph, provision by provision.

Action plans come from CSV or XLSX (one row per action item); ordinances, resolutions, proclamations and
reports from PDF, DOCX, HTML, text, Markdown or D.C. Code XML, segmented into their provisions. A city
profile (``city.yaml``) names the city, its base IRI, its departments and bodies and its documents, so
that one call ingests the whole city. What is written follows ``docs/local-graph.md``.

Every ingest is one all-or-nothing write into the graph ``city/NAME``: a file that cannot be read
raises :class:`~hrgraph.errors.BadInputError` and the store keeps what it had. Re-ingesting a file
replaces the triples of its document; a changed file gets a new source file node that keeps the old one
as ``prov:wasRevisionOf``.

>>> result = ingest("corpora/examples/example-city/city.yaml")
>>> result.city, len(result.documents), result.items >= 40
('Example City', 5, True)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from hrgraph.errors import BadInputError
from hrgraph.ingest.graph import (
    DERIVED,
    LABEL,
    PART_OF,
    SOURCE,
    A,
    Triples,
    existing_values,
    iri,
    link_iri,
    lit,
    load_standards,
    read_city,
    typed,
    write_city,
)
from hrgraph.ingest.plan import (
    ColumnMapping,
    Columns,
    Item,
    Reference,
    Standards,
    indicator_table,
    load_mapping,
    map_columns,
    parse_period,
    plan_tables,
    read_items,
    read_yaml,
    title_row,
    yaml_list,
    yaml_text,
)
from hrgraph.ingest.read import (
    DOCUMENT_SUFFIXES,
    SAVE_AS,
    SPREADSHEET_SUFFIXES,
    Extracted,
    Provision,
    Sheet,
    read_document,
    read_spreadsheet,
    without_tables,
)
from hrgraph.ingest.segment import citation, segment
from hrgraph.namespace import DCTERMS, HRG, ORG, PROV, SEMAPV, SKOS, SSSOM, TIME, XSD
from hrgraph.store import Store, city_slug, graph_iri, open_store, read_file, state_slug

__all__ = [
    "BODY_KINDS",
    "KINDS",
    "MAX_TRIPLES",
    "Body",
    "CityProfile",
    "DocumentEntry",
    "DocumentResult",
    "IngestResult",
    "IngestWarning",
    "ingest",
    "load_profile",
]

KINDS = {
    "ordinance": HRG.Ordinance,
    "resolution": HRG.Resolution,
    "proclamation": HRG.Proclamation,
    "action-plan": HRG.ActionPlan,
    "budget": HRG.Budget,
    "report": HRG.Report,
}
"""The kinds of local instrument, as written in ``--kind`` and ``city.yaml``, and their classes."""

BODY_KINDS = {
    "department": HRG.Department,
    "human-rights-office": HRG.HumanRightsOffice,
    "participatory-body": HRG.ParticipatoryBody,
    "complaints-mechanism": HRG.ComplaintsMechanism,
}
"""The kinds of body a city profile may list, and their classes."""
MAX_TRIPLES = 2_000_000
"""The most triples one ingest writes: the store holds a write to a city graph in memory until it commits."""
# Bodies outside the administration are sub-organisations of the city, not units of it.
_OUTSIDE = ("participatory-body", "complaints-mechanism")
_STATUS_WORDS = {"Planned", "InProgress", "Completed", "Delayed", "Discontinued"}
_KIND_WORDS = (
    ("proclamation", "proclamation"),
    ("declaration", "proclamation"),
    ("resolution", "resolution"),
    ("budget", "budget"),
    ("report", "report"),
    ("action plan", "action-plan"),
    ("action-plan", "action-plan"),
)
_PROVISION_WORDS = {
    "title": "Title",
    "part": "Part",
    "chapter": "Chapter",
    "section": "Section",
    "article": "Article",
    "recital": "Recital",
    "formula": "Operative part",
    "preamble": "Preamble",
    "preface": "Preface",
    "unit": "Unit",
    "subchapter": "Subchapter",
}


# N-Triples forms of the terms written for every row of a plan, made once.
P = {
    name: iri(HRG[name])
    for name in (
        "ActionItem", "LocalIndicator", "Observation", "StatedLink", "number", "eId", "order", "startOffset",
        "endOffset", "actionText", "responsibleBody", "targetStatement", "startDate", "deadline", "timetable",
        "timetableText", "status", "budgetAmount", "currency", "indicator", "unit", "measures", "baseline",
        "observation", "value", "year", "linkSubject", "linkObject", "linkPredicate", "level", "evidenceText",
        "realises", "contributesTo", "method", *_STATUS_WORDS,
    )
}  # fmt: skip
P["subject"], P["note"] = iri(DCTERMS.subject), iri(SKOS.note)
P["ProperInterval"], P["Instant"], P["inXSDDate"] = iri(TIME.ProperInterval), iri(TIME.Instant), iri(TIME.inXSDDate)
P["hasBeginning"], P["hasEnd"], P["comment"] = iri(TIME.hasBeginning), iri(TIME.hasEnd), iri(SSSOM.comment)
DATE, GYEAR, DECIMAL, INTEGER, NON_NEGATIVE = (
    str(XSD.date),
    str(XSD.gYear),
    str(XSD.decimal),
    str(XSD.integer),
    str(XSD.nonNegativeInteger),
)


# --- results -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestWarning:
    """Something in a file that was read but not fully understood; ``str()`` is one line.

    >>> str(IngestWarning("plan.xlsx", "row 12", "unknown reference 'XYZ 3'"))
    "plan.xlsx: row 12: unknown reference 'XYZ 3'"
    """

    file: str
    place: str | None
    message: str

    def __str__(self) -> str:
        return ": ".join(part for part in (self.file, self.place, self.message) if part)


@dataclass(frozen=True)
class DocumentResult:
    """What one file became."""

    path: Path
    iri: str
    kind: str
    title: str | None
    sha256: str
    state: str
    """``new`` (first ingest), ``unchanged`` (same file again) or ``revised`` (the file changed)."""
    provisions: int = 0
    items: int = 0
    stated_links: int = 0
    observations: int = 0
    commitments: int = 0
    pages: int | None = None
    rows: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    """For a spreadsheet: column header → the field it was read as."""
    unused_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class IngestResult:
    """What an ingest wrote: the city, its graph, each document and the warnings."""

    city: str
    city_iri: str
    graph: str
    documents: tuple[DocumentResult, ...]
    warnings: tuple[IngestWarning, ...]
    triples: int
    """Triples in the city graph after the ingest."""
    store: Store = field(repr=False, compare=False)
    """The store written to (a new in-memory store when none was given)."""

    @property
    def provisions(self) -> int:
        """Provisions of documents (action items not counted)."""
        return sum(d.provisions for d in self.documents)

    @property
    def items(self) -> int:
        """Action items."""
        return sum(d.items for d in self.documents)

    @property
    def stated_links(self) -> int:
        """Links to standards that the documents state themselves."""
        return sum(d.stated_links for d in self.documents)

    @property
    def observations(self) -> int:
        """Indicator observations (baselines and later values)."""
        return sum(d.observations for d in self.documents)


# --- the city profile --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Body:
    """A department or body of a city, as its profile lists it."""

    key: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    includes_civil_society: bool | None = None


@dataclass(frozen=True)
class DocumentEntry:
    """A document a city profile lists, with what the file itself may not say."""

    path: Path
    kind: str | None = None
    id: str | None = None
    title: str | None = None
    date: dt.date | None = None
    status: str | None = None
    commits_to: tuple[str, ...] = ()
    owner: str | None = None
    period: str | None = None
    mapping: Path | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class CityProfile:
    """A city with its base IRI, country, bodies and documents (``city.yaml``)."""

    path: Path
    name: str
    base_iri: str | None = None
    country: str | None = None
    currency: str | None = None
    language: str = "en"
    bodies: tuple[Body, ...] = ()
    documents: tuple[DocumentEntry, ...] = ()


def _kind(value: str, where: str) -> str:
    kind = re.sub(r"[\s_]+", "-", value.strip().lower())
    kind = "action-plan" if kind == "plan" else kind
    if kind not in KINDS:
        raise BadInputError(f"{where}: unknown kind {value!r}: use one of {', '.join(KINDS)}")
    return kind


def _check_base(base: str, where: str) -> str:
    if not re.fullmatch(r"https?://[^\s<>\"{}|^`\\]+", base) or not _valid(ox.NamedNode, base):
        raise BadInputError(f"{where}: not a valid base IRI: {base!r}")
    return base if base.endswith(("/", "#")) else base + "/"


def _valid(make: Callable[..., object], *args: str, **kwargs: str) -> bool:
    """Return whether pyoxigraph accepts the term: the ingest loads its own IRIs and language tags unchecked."""
    try:
        make(*args, **kwargs)
    except ValueError:
        return False
    return True


def _date(value: Any, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as err:
        raise BadInputError(f"{where}: {value!r} is not a date (write YYYY-MM-DD)") from err


def load_profile(path: str | Path) -> CityProfile:
    """Read a city profile (``city.yaml``): every key is checked, so a typo is an error naming the file.

    >>> profile = load_profile("corpora/examples/example-city/city.yaml")
    >>> profile.name, profile.country, [d.kind for d in profile.documents][:2]
    ('Example City', 'SI', ['proclamation', 'resolution'])
    """
    path = Path(path)
    data = read_yaml(path, "city profile")
    if not isinstance(data, dict) or data.get("name") is None:
        raise BadInputError(f"{path}: a city profile is a YAML mapping with at least a 'name'")
    name = _city_name(yaml_text(data["name"], f"{path}: name") or "", f"{path}: name")
    known = {"name", "base_iri", "country", "currency", "language", "bodies", "documents", "note", "source"}
    if set(data) - known:
        raise BadInputError(
            f"{path}: unknown keys {sorted(map(str, set(data) - known))}: use {', '.join(sorted(known))}"
        )
    bodies = []
    for n, entry in enumerate(_entries(data, "bodies", path, "a list of bodies, each with a name"), start=1):
        where = f"{path}: bodies[{n}]"
        body_name = yaml_text(entry.get("name"), f"{where}: name") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not body_name:
            raise BadInputError(f"{where}: a body needs a name")
        extra = set(entry) - {"id", "name", "kind", "aliases", "includes_civil_society"}
        if extra:
            raise BadInputError(f"{where}: unknown keys {sorted(map(str, extra))}")
        kind = yaml_text(entry.get("kind"), f"{where}: kind") or "department"
        if kind not in BODY_KINDS:
            raise BadInputError(f"{where}: unknown kind {kind!r}: use one of {', '.join(BODY_KINDS)}")
        civil = entry.get("includes_civil_society")
        if civil is not None and not isinstance(civil, bool):
            raise BadInputError(f"{where}: includes_civil_society: give true or false, not {civil!r}")
        bodies.append(
            Body(
                _slug(yaml_text(entry.get("id"), f"{where}: id") or body_name),
                body_name,
                kind,
                yaml_list(entry.get("aliases"), f"{where}: aliases"),
                civil,
            )
        )
    documents = []
    for n, entry in enumerate(_entries(data, "documents", path, "a list of documents, each with a file"), start=1):
        where = f"{path}: documents[{n}]"
        file = yaml_text(entry.get("file"), f"{where}: file") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not file:
            raise BadInputError(f"{where}: a document needs a file")
        extra = set(entry) - {
            "file", "kind", "id", "title", "date", "status", "commits_to", "owner", "period", "mapping", "sheet",
        }  # fmt: skip
        if extra:
            raise BadInputError(f"{where}: unknown keys {sorted(map(str, extra))}")
        text = {
            key: yaml_text(entry.get(key), f"{where}: {key}")
            for key in ("kind", "id", "title", "status", "owner", "period", "mapping", "sheet")
        }
        documents.append(
            DocumentEntry(
                path.parent / file,
                None if text["kind"] is None else _kind(text["kind"], where),
                None if text["id"] is None else _slug(text["id"]),
                text["title"],
                _date(entry.get("date"), f"{where}: date"),
                text["status"],
                yaml_list(entry.get("commits_to"), f"{where}: commits_to"),
                text["owner"],
                text["period"],
                None if text["mapping"] is None else path.parent / text["mapping"],
                text["sheet"],
            )
        )
    base = yaml_text(data.get("base_iri"), f"{path}: base_iri")
    country = yaml_text(data.get("country"), f"{path}: country")
    currency = yaml_text(data.get("currency"), f"{path}: currency")
    language = yaml_text(data.get("language"), f"{path}: language") or "en"
    if not _valid(ox.Literal, "", language=language):
        raise BadInputError(f"{path}: language: {language!r} is not a language tag (en, de, sl, fr-CH …)")
    return CityProfile(
        path,
        name,
        None if base is None else _check_base(base, str(path)),
        country,
        None if currency is None else currency.upper(),
        language,
        tuple(bodies),
        tuple(documents),
    )


def _entries(data: dict[Any, Any], key: str, path: Path, what: str) -> list[Any]:
    """Return the list under a key of a city profile (bodies, documents); anything else is an error."""
    entries = data.get(key) or []
    if not isinstance(entries, list):
        raise BadInputError(f"{path}: {key}: give {what}")
    return entries


def _city_name(name: str, where: str) -> str:
    """Return a city's name as given, refusing one that is empty or only spaces."""
    if not name.strip():
        raise BadInputError(f"{where}: the city's name is empty: give its name")
    return name


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


# --- the sources of one ingest -------------------------------------------------------------------------


@dataclass
class _Source:
    path: Path
    entry: DocumentEntry


def _collect(paths: Iterable[str | Path]) -> tuple[CityProfile | None, list[_Source], list[Path]]:
    """Return the city profile given, the files to ingest, and the files of a folder in formats not read."""
    profile: CityProfile | None = None
    files: list[Path] = []
    unread: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir() and (path / "city.yaml").is_file():
            path = path / "city.yaml"
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and not p.name.startswith("~$")  # the lock file of a document open in Word or Excel
            )
            found = [p for p in inside if p.suffix.lower() in DOCUMENT_SUFFIXES + SPREADSHEET_SUFFIXES]
            unread += [p for p in inside if p.suffix.lower() in SAVE_AS]
            if not found:
                raise BadInputError(
                    f"{path}: no files to ingest in this folder (CSV, TSV, XLSX, PDF, DOCX, HTML, TXT, MD or XML)"
                    + (f"; save {unread[0].name} as {SAVE_AS[unread[0].suffix.lower()]}" if unread else "")
                )
            files += found
        elif path.suffix.lower() in (".yaml", ".yml"):
            if profile is not None:
                raise BadInputError(f"{path}: one city profile at a time ({profile.path} was given already)")
            profile = load_profile(path)
        elif path.is_file():
            files.append(path)
        else:
            raise BadInputError(f"{path}: no such file or folder")
    sources = [_Source(e.path, e) for e in profile.documents] if profile else []
    listed = {s.path.resolve() for s in sources}
    for path in files:
        if path.resolve() not in listed:
            listed.add(path.resolve())
            sources.append(_Source(path, DocumentEntry(path)))
    for source in sources:
        if not source.path.is_file():
            raise BadInputError(f"{source.path}: no such file")
    if not sources and profile is None:
        raise BadInputError("nothing to ingest: give files, folders or a city.yaml")

    def order(source: _Source) -> int:
        # Plans first, so that a report in the same ingest finds their indicators; XML indexes before
        # the sections they include, so that those are not read twice.
        if source.path.suffix.lower() in SPREADSHEET_SUFFIXES:
            return 0
        if source.path.suffix.lower() == ".xml" and b"XInclude" in read_file(source.path, 4096):
            return 1
        return 2

    sources.sort(key=order)
    return profile, sources, unread


# --- building the triples ------------------------------------------------------------------------------


class _Builder:
    """Writes the triples of one ingest for one city."""

    def __init__(
        self,
        name: str,
        base: str,
        lang: str,
        standards: Standards,
        profile: CityProfile | None,
        store: Store,
        graph: str,
    ) -> None:
        self.name, self.base, self.lang, self.graph = name, base, lang, graph
        self.city = iri(base)
        self.standards = standards
        self.profile = profile
        self.store = store
        self.t = Triples()
        self.warnings: list[IngestWarning] = []
        self.bodies: dict[str, str] = {}
        self.written_bodies: set[str] = set()
        self.indicators: dict[str, str] = {}
        self.observations: dict[str, tuple[str, str | None]] = {}
        """Observation IRI → (value, document IRI), as written in this ingest."""
        self.known: tuple[dict[str, set[str]], dict[str, tuple[str, str | None]]] | None = None
        self.filtered: dict[frozenset[str], tuple[dict[str, set[str]], dict[str, tuple[str, str | None]]]] = {}
        try:
            self.version = metadata.version("hrgraph")
        except metadata.PackageNotFoundError:
            self.version = "0.0.0"

    def warn(self, file: Path, place: str | None, message: str) -> None:
        self.warnings.append(IngestWarning(str(file), place, message))

    def existing(self, replacing: set[str]) -> tuple[dict[str, set[str]], dict[str, tuple[str, str | None]]]:
        """Return the indicators and observations stored already, without those of documents being replaced."""
        if self.known is None:
            self.known = existing_values(self.store, self.graph)
        key = frozenset(replacing)
        if key not in self.filtered:
            indicators, values = self.known
            self.filtered[key] = (
                {k: docs - replacing for k, docs in indicators.items() if not docs or docs - replacing},
                {k: v for k, v in values.items() if v[1] not in replacing},
            )
        return self.filtered[key]

    # -- the city and its bodies

    def write_city(self) -> None:
        t = self.t
        t.add(self.city, A, iri(HRG.LocalGovernment))
        t.add(self.city, LABEL, lit(self.name, self.lang))
        t.add(self.city, iri(HRG.baseIRI), typed(self.base, XSD.anyURI))
        for kind in ("city", "proposed", "curated"):
            t.add(self.city, iri(HRG.namedGraph), iri(graph_iri(kind + self.graph.removeprefix("city"))))
        if self.profile is None:
            return
        if self.profile.country:
            country = self.profile.country
            state = self.standards.states.get(country.upper()) or self.standards.states.get(state_slug(country))
            if state is None:
                self.warn(self.profile.path, "country", f"{self.profile.country!r} is not a State in the corpus")
            else:
                t.add(self.city, iri(HRG.country), iri(state))
        for body in self.profile.bodies:
            node = self.body_node(body.key, body.name, body.kind, body.includes_civil_society)
            for alias in body.aliases:
                t.add(iri(node), iri(SKOS.altLabel), lit(alias, self.lang))
            for name in (body.name, body.key, *body.aliases):
                self.bodies[_norm(name)] = node

    def body_node(self, key: str, name: str, kind: str, civil: bool | None = None) -> str:
        node = f"{self.base}org/{key}"
        if node in self.written_bodies:
            return node
        self.written_bodies.add(node)
        ref = iri(node)
        self.t.add(ref, A, iri(BODY_KINDS[kind]))
        self.t.add(ref, LABEL, lit(name, self.lang))
        if kind in _OUTSIDE:
            self.t.add(ref, iri(ORG.subOrganizationOf), self.city)
        else:
            self.t.add(ref, iri(ORG.unitOf), self.city)
            self.t.add(self.city, iri(ORG.hasUnit), ref)
        if civil is not None:
            self.t.add(ref, iri(HRG.includesCivilSociety), typed(str(civil).lower(), XSD.boolean))
        return node

    def body(self, name: str, file: Path, place: str) -> str:
        key = _norm(name)
        if key not in self.bodies:
            if self.profile is not None and self.profile.bodies:
                self.warn(file, place, f"responsible body {name!r} is not in the city profile: added as a department")
            self.bodies[key] = self.body_node(_slug(name), name, "department")
        return self.bodies[key]

    # -- documents

    def document(
        self, doc: str, kind: str, entry: DocumentEntry, title: str | None, file_iri: str, sha: str, file_path: str
    ) -> None:
        t, d, f = self.t, iri(doc), iri(file_iri)
        t.add(d, A, iri(KINDS[kind]))
        if title:
            t.add(d, iri(DCTERMS.title), lit(title, self.lang))
        if entry.date:
            t.add(d, iri(DCTERMS.date), typed(entry.date.isoformat(), XSD.date))
        if entry.status:
            t.add(d, iri(HRG.legalStatus), lit(entry.status))
        t.add(d, iri(HRG.issuedBy), self.city)
        t.add(d, SOURCE, f)
        t.add(f, A, iri(HRG.SourceFile))
        t.add(f, iri(HRG.filePath), lit(file_path))
        t.add(f, iri(HRG.sha256), lit(sha))
        if kind == "action-plan":
            if entry.owner:
                t.add(d, iri(HRG.owner), iri(self.body(entry.owner, entry.path, "owner")))
            if entry.period:
                try:
                    period = parse_period(entry.period)
                except ValueError as err:
                    raise BadInputError(f"{entry.path}: period: {err}") from err
                if period is not None:
                    self.interval(d, iri(HRG.period), period.begin, period.end, f"{sha[:16]}p")

    def interval(self, subject: str, predicate: str, begin: dt.date | None, end: dt.date | None, key: str) -> None:
        node = f"_:i{key}"
        lines = [f"{subject} {predicate} {node} .\n{node} {A} {P['ProperInterval']} .\n"]
        for name, day in (("b", begin), ("e", end)):
            if day is not None:
                instant = f"{node}{name}"
                lines.append(
                    f"{node} {P['hasBeginning' if name == 'b' else 'hasEnd']} {instant} .\n"
                    f'{instant} {A} {P["Instant"]} .\n{instant} {P["inXSDDate"]} "{day.isoformat()}"^^<{DATE}> .\n'
                )
        self.t.blank += lines

    def provisions(self, doc: str, provisions: Sequence[Provision]) -> None:
        t, lang = self.t, self.lang
        labels: dict[str, str] = {}
        for order, p in enumerate(provisions, start=1):
            node = iri(f"{doc}/{p.eid}")
            parent = iri(f"{doc}/{p.parent}") if p.parent else iri(doc)
            t.add(node, A, iri(HRG.LocalProvision))
            t.add(node, PART_OF, parent)
            t.add(node, iri(HRG.eId), lit(p.eid))
            t.add(node, iri(HRG.order), typed(order, XSD.integer))
            t.add(node, iri(HRG.startOffset), typed(p.start, XSD.nonNegativeInteger))
            t.add(node, iri(HRG.endOffset), typed(p.end, XSD.nonNegativeInteger))
            if p.number:
                t.add(node, iri(HRG.number), lit(p.number))
                t.add(node, iri(HRG.citation), lit(citation(p.eid)))
            if p.heading:
                t.add(node, iri(HRG.heading), lit(p.heading, lang))
            if p.text:
                t.add(node, iri(HRG.text), lit(p.text, lang))
            if p.page is not None:
                t.add(node, iri(HRG.page), typed(p.page, XSD.positiveInteger))
            word = _PROVISION_WORDS.get(p.kind)
            if p.kind == "paragraph" and p.parent is not None and p.parent.startswith("formula_"):
                label = f"Operative paragraph {p.number}"  # as resolutions and proclamations cite them
            elif p.kind in ("paragraph", "item") and p.parent in labels:
                label = f"{labels[p.parent]} ({p.number})"
            elif p.kind == "formula" and p.number == "1":
                label = "Operative part"
            elif word and p.number:
                label = f"{word} {p.number}"
            else:
                label = p.heading or word or p.kind
            labels[p.eid] = label
            shown = p.heading and p.heading.casefold() != label.casefold()
            heading = f" — {p.heading}" if shown and p.kind not in ("paragraph", "item", "hcontainer") else ""
            t.add(node, LABEL, lit(label + heading, lang))

    def items(
        self, doc: str, items: Sequence[Item], file_iri: str, entry: DocumentEntry, path: Path, replacing: set[str]
    ) -> tuple[int, int]:
        """Write action items, their indicators and stated links; return (links, observations)."""
        lines, lang, doc_ref = self.t.lines, self.lang, iri(doc)
        date = typed(entry.date.isoformat(), XSD.date) if entry.date else None
        links = observations = 0
        offset = 0
        common = [
            (A, P["StatedLink"]),
            (iri(SSSOM.mapping_justification), iri(SEMAPV.ManualMappingCuration)),
            (iri(SSSOM.confidence), typed("1.0", XSD.double)),
            (P["method"], lit("stated")),
            (iri(SSSOM.author_id), self.city),
            (iri(SSSOM.mapping_tool), lit("hrgraph")),
            (iri(SSSOM.mapping_tool_version), lit(self.version)),
            (DERIVED, doc_ref),
        ]
        if date:
            common.append((iri(SSSOM.mapping_date), date))
        # The lines every link has, with \0 standing for the link (IRIs and these literals never hold one).
        link_lines = "".join(f"\0 {predicate} {obj} .\n" for predicate, obj in common)
        # The N-Triples terms of each cited reference, made once: references repeat from row to row.
        cited: dict[Reference, tuple[str, str, str, str]] = {}
        bodies: dict[str, str] = {}
        for order, item in enumerate(items, start=1):
            subject = f"{doc}/item_{item.id}"
            node = f"<{subject}>"
            start, offset = offset, offset + len(item.line) + 1
            lines.append(
                f"{node} {A} {P['ActionItem']} .\n{node} {PART_OF} {doc_ref} .\n"
                f"{node} {P['number']} {lit(item.id)} .\n{node} {P['eId']} {lit(f'item_{item.id}')} .\n"
                f'{node} {P["order"]} "{order}"^^<{INTEGER}> .\n'
                f'{node} {P["startOffset"]} "{start}"^^<{NON_NEGATIVE}> .\n'
                f'{node} {P["endOffset"]} "{start + len(item.line)}"^^<{NON_NEGATIVE}> .\n'
                f"{node} {P['actionText']} {lit(item.action, lang)} .\n"
            )
            if item.area:
                lines.append(f"{node} {P['subject']} {lit(item.area, lang)} .\n")
            for name in item.responsible:
                if name not in bodies:
                    bodies[name] = iri(self.body(name, path, f"row {item.row}"))
                lines.append(f"{node} {P['responsibleBody']} {bodies[name]} .\n")
            if item.target:
                lines.append(f"{node} {P['targetStatement']} {lit(item.target, lang)} .\n")
            if item.start:
                lines.append(f'{node} {P["startDate"]} "{item.start.isoformat()}"^^<{DATE}> .\n')
            if item.deadline:
                lines.append(f'{node} {P["deadline"]} "{item.deadline.isoformat()}"^^<{DATE}> .\n')
            if item.start or item.deadline:
                self.interval(node, P["timetable"], item.start, item.deadline, f"{file_iri[-12:]}x{order}")
            if item.timetable_text:
                lines.append(f"{node} {P['timetableText']} {lit(item.timetable_text)} .\n")
            if item.status in _STATUS_WORDS:
                lines.append(f"{node} {P['status']} {P[item.status]} .\n")
            if item.budget is not None:
                lines.append(f'{node} {P["budgetAmount"]} "{format(item.budget, "f")}"^^<{DECIMAL}> .\n')
                if item.currency:
                    lines.append(f"{node} {P['currency']} {lit(item.currency)} .\n")
            if item.notes:
                lines.append(f"{node} {P['note']} {lit(item.notes, lang)} .\n")
            for n, label in enumerate(item.indicators, start=1):
                indicator = f"{doc}/indicator/{item.id}-{n}"
                ind = f"<{indicator}>"
                self.indicators[indicator] = label
                lines.append(
                    f"{node} {P['indicator']} {ind} .\n{ind} {A} {P['LocalIndicator']} .\n"
                    f"{ind} {LABEL} {lit(label, lang)} .\n{ind} {DERIVED} {doc_ref} .\n"
                )
                if item.unit:
                    lines.append(f"{ind} {P['unit']} {lit(item.unit)} .\n")
                if len(item.indicators) == 1:
                    for ref in item.references:
                        if ref.sdg_indicator:
                            lines.append(f"{ind} {P['measures']} {iri(ref.sdg_indicator)} .\n")
                if n == 1:
                    for year, value, baseline in item.observations:
                        self.observation(indicator, year, value, doc, baseline)
                        observations += 1
            if len(item.indicators) > 1 and item.observations:
                self.warn(path, f"row {item.row}", "several indicators: the values are recorded for the first")
            seen: set[str] = set()
            for ref in item.references:
                if ref.target in seen:
                    continue
                seen.add(ref.target)
                if ref not in cited:
                    cited[ref] = (iri(ref.target), P[ref.predicate], lit(ref.level), lit(ref.text))
                target, predicate, level, evidence = cited[ref]
                link = f"<{link_iri(self.base, subject, ref.target)}>"
                comment = lit(f"Cited in the action plan, row {item.row}: {ref.text}")
                lines.append(
                    link_lines.replace("\0", link)
                    + f"{link} {P['linkSubject']} {node} .\n{link} {P['linkObject']} {target} .\n"
                    f"{link} {P['linkPredicate']} {predicate} .\n{link} {P['level']} {level} .\n"
                    f"{link} {P['evidenceText']} {evidence} .\n{link} {P['comment']} {comment} .\n"
                    f"{node} {predicate} {target} .\n"
                )
                links += 1
        return links, observations

    def observation(self, indicator: str, year: int, value: Decimal, doc: str, baseline: bool) -> str:
        obs = f"{indicator}/obs/{year}"
        node, ind, number = f"<{obs}>", f"<{indicator}>", format(value, "f")
        self.t.lines.append(
            f'{node} {A} {P["Observation"]} .\n{node} {P["value"]} "{number}"^^<{DECIMAL}> .\n'
            f'{node} {P["year"]} "{year}"^^<{GYEAR}> .\n{node} {DERIVED} <{doc}> .\n'
            f"{ind} {P['observation']} {node} .\n" + (f"{ind} {P['baseline']} {node} .\n" if baseline else "")
        )
        self.observations[obs] = (number, doc)
        return obs

    def commitments(self, doc: str, slug: str, entry: DocumentEntry, text: str, path: Path) -> int:
        count = 0
        folded = text.casefold()
        for code in entry.commits_to:
            instrument = self.standards.codes.get(code) or self.standards.instruments.get(code.casefold())
            if instrument is None:
                self.warn(path, "commits_to", f"{code!r} is not an instrument of the standards corpus")
                continue
            names = self.standards.names.get(instrument, (code,))
            if not any(name.casefold() in folded for name in names):
                self.warn(path, "commits_to", f"the text does not name {code}")
            node = iri(f"{self.base}commitment/{slug}/{instrument.rstrip('/').rsplit('/', 1)[-1]}")
            self.t.add(node, A, iri(HRG.Commitment))
            self.t.add(node, iri(HRG.committedBy), self.city)
            self.t.add(node, iri(HRG.committedTo), iri(instrument))
            self.t.add(node, iri(HRG.expressedIn), iri(doc))
            self.t.add(node, DERIVED, iri(doc))
            self.t.add(self.city, iri(HRG.commitsTo), iri(instrument))
            count += 1
        return count

    def report_tables(self, doc: str, tables: list[list[list[str]]], path: Path, replacing: set[str]) -> int:
        """Record the observations of the indicator tables of a report; return how many."""
        count = 0
        for number, table in enumerate(tables, start=1):
            found = indicator_table(table)
            if found is None:
                continue
            known_indicators, known_values = self.existing(replacing)
            # An item's first indicator is DOC/indicator/ID-1, a plan's own: find it by the item id.
            firsts: dict[str, list[str]] = {}
            for indicator in (*self.indicators, *known_indicators):
                item_id, _, n = indicator.rpartition("/indicator/")[2].rpartition("-")
                if n == "1" and indicator not in firsts.get(item_id, []):
                    firsts.setdefault(item_id, []).append(indicator)
            rows, problems = found
            for place, message in problems:
                self.warn(path, f"table {number}, {place}", message)
            for row in rows:
                candidates = firsts.get(row.item_id, [])
                if len(candidates) != 1:
                    plans = ", ".join(sorted(c.rpartition("/indicator/")[0].rsplit("/", 1)[-1] for c in candidates))
                    self.warn(
                        path,
                        f"table {number}, row {row.row}",
                        f"item {row.item_id} has an indicator in several action plans ({plans}): values not recorded"
                        if candidates
                        else f"item {row.item_id} has no indicator in the city's action plans: values not recorded",
                    )
                    continue
                indicator = candidates[0]
                for year, value, _ in row.values:
                    obs = f"{indicator}/obs/{year}"
                    before = self.observations.get(obs) or known_values.get(obs)
                    if before is not None:
                        if Decimal(before[0]) != value:
                            self.warn(
                                path,
                                f"table {number}, row {row.row}",
                                f"{row.item_id} {year}: {format(value, 'f')} differs from {before[0]} "
                                "recorded already: kept the recorded value",
                            )
                        continue
                    self.observation(indicator, year, value, doc, False)
                    count += 1
        return count


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.casefold()).split())


def _guess_kind(path: Path, title: str | None) -> str | None:
    text = f"{path.stem.replace('_', ' ').replace('-', ' ')} {title or ''}".lower()
    return next((kind for word, kind in _KIND_WORDS if word in text), None)


def _file_path(path: Path, profile: CityProfile | None) -> str:
    """Return the path to record for a file: relative to the profile or working folder, else folder and name."""
    resolved = path.resolve()
    for root in ([profile.path.parent] if profile else []) + [Path.cwd()]:
        try:
            return resolved.relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
    return f"{resolved.parent.name}/{resolved.name}" if resolved.parent.name else resolved.name


# --- the stage ---------------------------------------------------------------------------------------


def ingest(
    paths: str | Path | Sequence[str | Path],
    *,
    city: str | None = None,
    store: Store | None = None,
    kind: str | None = None,
    mapping: str | Path | None = None,
    base_iri: str | None = None,
    doc_id: str | None = None,
    on_file: Callable[[Path, int, int], None] | None = None,
) -> IngestResult:
    """Ingest files, folders or a city profile into the graph ``city/NAME`` of ``store``, all or nothing.

    ``city`` names the city when no profile (``city.yaml``) is given; ``kind`` says what the documents
    are (ordinance, resolution, proclamation, action-plan, budget, report) where neither the profile nor
    the file name says it; ``mapping`` is a mapping file for spreadsheets that the usual column names do not
    describe; ``doc_id`` names the document of a single file (default: from the file name). Without a
    ``store``, an in-memory store is used and returned in the result. ``on_file`` is called after each file
    with its path, the files done and the files in all.

    A changed file at the path it was ingested from is a revision of its document; a file from another path
    whose name gives the same document id is refused, unless ``doc_id`` (or ``id`` in ``city.yaml``) names
    that document.

    >>> result = ingest("corpora/examples/example-city/sources/action-plan.csv", city="Example City")
    >>> result.items, result.documents[0].columns["Action"], result.graph
    (44, 'action', 'https://w3id.org/hrgraph/graph/city/example-city')
    """
    if city is not None:
        _city_name(city, "--city")
    given = [paths] if isinstance(paths, str | Path) else list(paths)
    profile, sources, unread = _collect(given)
    if doc_id is not None:
        if profile is not None or len(sources) != 1:
            raise BadInputError("--id names the document of one file: give one file (city.yaml has an id per document)")
        sources[0].entry = replace(sources[0].entry, id=_slug(doc_id))
    name = profile.name if profile is not None else city
    if name is None:
        raise BadInputError("say which city the files belong to: --city NAME, or give a city.yaml")
    if city is not None and profile is not None and city_slug(city) != city_slug(profile.name):
        raise BadInputError(f"{profile.path}: the profile is for {profile.name!r}, not {city!r}")
    slug = city_slug(name)
    graph = f"city/{name}"
    default_kind = None if kind is None else _kind(kind, "--kind")
    column_mapping = None if mapping is None else load_mapping(Path(mapping))
    if store is None:
        store = open_store(memory=True)
    state = read_city(store, graph)
    if state.name is not None and state.name != name:
        if " ".join(state.name.casefold().split()) != " ".join(name.casefold().split()):
            where = profile.path if profile else "--city"
            raise BadInputError(f"{where}: the store holds this city as {state.name!r}, not {name!r}: use that name")
        name = state.name  # the same city written in another case: keep its name
    base = (profile.base_iri if profile else None) or (
        None if base_iri is None else _check_base(base_iri, "--base-iri")
    )
    if base and state.base and base != state.base:
        raise BadInputError(f"the store holds {name!r} with base IRI {state.base}, not {base}")
    base = _check_base(base or state.base or f"https://w3id.org/hrgraph/city/{slug}/", "base IRI")
    standards = load_standards(store)
    builder = _Builder(name, base, profile.language if profile else "en", standards, profile, store, graph)
    for path in unread:
        builder.warn(
            path, None, f"{path.suffix} files are not read: save it as {SAVE_AS[path.suffix.lower()]} to ingest it"
        )
    builder.bodies.update({_norm(label): body for label, body in state.bodies.items()})
    builder.write_city()
    documents: list[DocumentResult] = []
    replaced: dict[str, set[str]] = {}
    same_files: set[str] = set()
    seen_docs: dict[str, Path] = {}
    included: set[Path] = set()
    for source in sources:
        path, entry = source.path, source.entry
        if path.resolve() in included:
            continue
        data = read_file(path)
        sha = hashlib.sha256(data).hexdigest()
        doc_slug = entry.id or _slug(path.stem)
        doc = f"{base}doc/{doc_slug}"
        if doc in seen_docs:
            raise BadInputError(
                f"{path}: {seen_docs[doc]} makes the same document {doc}: rename one, or give ids in city.yaml"
            )
        seen_docs[doc] = path
        file_iri = f"{base}file/{sha}"
        old = state.files.get(doc, {})
        status = "new" if not old else ("unchanged" if file_iri in old else "revised")
        file_path = _file_path(path, profile)
        known = sorted(state.paths.get(doc, set()))
        if status == "revised" and entry.id is None and known and file_path not in known:
            own, same = (
                ("with --id NAME", f"--id {doc_slug}") if profile is None else ("in city.yaml", f"id: {doc_slug}")
            )
            raise BadInputError(
                f"{path}: the document id {doc_slug!r} is taken by another file, {known[0]}: give this file an id "
                f"of its own {own}, or use {same} to ingest it as a revision of that document"
            )
        if old:
            replaced[doc] = set(old)
            if file_iri in old:
                same_files.add(file_iri)
            if doc in state.described and not (entry.date or entry.status or entry.owner or entry.period):
                builder.warn(
                    path,
                    None,
                    f"replaces document {doc_slug!r} without its date, status, owner or period: ingest the city's "
                    "profile (city.yaml) to keep them",
                )
        suffix = path.suffix.lower()
        if suffix in SPREADSHEET_SUFFIXES:
            result = _ingest_plan(builder, path, data, entry, default_kind, column_mapping, doc, file_iri, replaced)
        else:
            result = _ingest_document(
                builder, path, data, entry, default_kind, column_mapping, doc, doc_slug, file_iri, replaced, included
            )
        builder.document(doc, result.kind, entry, result.title, file_iri, sha, file_path)
        written = len(builder.t)
        if written > MAX_TRIPLES:  # the store writes one ingest in one transaction, held in memory
            raise BadInputError(
                f"{path}: this ingest would write {written:,} triples, more than the {MAX_TRIPLES:,} written at "
                "once (about 20,000 action items or 200,000 provisions): split the file, or ingest the files apart"
            )
        for old_file in sorted(set(old) - {file_iri}):
            builder.t.add(iri(file_iri), iri(PROV.wasRevisionOf), iri(old_file))
        documents.append(DocumentResult(path, doc, sha256=sha, state=status, **vars(result)))
        if on_file is not None:
            on_file(path, len(documents), len(sources))
    triples = write_city(
        store, graph, builder.t, city=base, replaced=replaced, same_files=same_files, empty=state.empty
    )
    if replaced:  # values a report gave for an indicator that no plan defines any more
        for (indicator,) in store.select(_ORPHANS, {"g": URIRef(graph_iri(graph))}):
            builder.warn(
                sources[-1].path,
                None,
                f"indicator {str(indicator).removeprefix(base)} has values from a report but no plan defines it any "
                "more: restore it in the plan, or remove its values from the report",
            )
    return IngestResult(name, base, graph_iri(graph), tuple(documents), tuple(builder.warnings), triples, store)


_ORPHANS = """PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
SELECT DISTINCT ?indicator WHERE { GRAPH ?g { ?indicator hrg:observation ?o FILTER NOT EXISTS { ?indicator a ?type } } }
ORDER BY ?indicator"""


@dataclass
class _Read:
    """What a reader found in one file: the fields of :class:`DocumentResult` that it knows."""

    kind: str
    title: str | None
    provisions: int = 0
    items: int = 0
    stated_links: int = 0
    observations: int = 0
    commitments: int = 0
    pages: int | None = None
    rows: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    unused_columns: tuple[str, ...] = ()


def _ingest_plan(
    builder: _Builder,
    path: Path,
    data: bytes,
    entry: DocumentEntry,
    default_kind: str | None,
    column_mapping: ColumnMapping | None,
    doc: str,
    file_iri: str,
    replaced: dict[str, set[str]],
) -> _Read:
    kind = entry.kind or default_kind or "action-plan"
    if kind != "action-plan":
        raise BadInputError(f"{path}: a spreadsheet is read as an action plan, not as {kind}")
    mapping = load_mapping(entry.mapping) if entry.mapping else column_mapping
    sheet_name = entry.sheet or (mapping.sheet if mapping else None)
    sheets = read_spreadsheet(path, data, sheet=sheet_name)

    def fits(sheet: Sheet) -> bool:
        try:
            return map_columns(sheet.rows, mapping) is not None
        except BadInputError:  # not this sheet: reading the first says what is wrong
            return False

    chosen = next((s for s in sheets if fits(s)), sheets[0])
    for place, message in chosen.warnings:
        builder.warn(path, place, message)
    columns, read = _plan_items(builder, path, chosen.rows, mapping, entry, doc, file_iri, replaced, chosen.merged)
    title = entry.title or title_row(chosen.rows, columns.header_row)
    title = title or (chosen.name if chosen.name and not re.fullmatch(r"Sheet\d*", chosen.name) else None)
    title = title or path.stem.replace("-", " ").replace("_", " ").strip().capitalize()
    return replace(read, title=title)


def _plan_items(
    builder: _Builder,
    path: Path,
    rows: Sequence[tuple[int, Sequence[Any]]],
    mapping: ColumnMapping | None,
    entry: DocumentEntry,
    doc: str,
    file_iri: str,
    replaced: dict[str, set[str]],
    merged: Sequence[tuple[int, int, int, int]] = (),
    *,
    place: str = "",
) -> tuple[Columns, _Read]:
    """Read the action items of a plan's rows and write them; return the columns found and what was read.

    ``place`` goes before the row of a warning: "table " where the rows are a document's tables.
    """
    currency = builder.profile.currency if builder.profile else None
    items, columns, warnings = read_items(path, rows, builder.standards, mapping, currency=currency, merged=merged)
    for where, message in warnings:
        builder.warn(path, f"{place}{where}" if where else None, message)
    links, observations = builder.items(doc, items, file_iri, entry, path, set(replaced))
    read = _Read("action-plan", None, items=len(items), stated_links=links, observations=observations,
                 rows=len(rows), columns=columns.described(), unused_columns=tuple(columns.unused))  # fmt: skip
    return columns, read


def _ingest_document(
    builder: _Builder,
    path: Path,
    data: bytes,
    entry: DocumentEntry,
    default_kind: str | None,
    column_mapping: ColumnMapping | None,
    doc: str,
    doc_slug: str,
    file_iri: str,
    replaced: dict[str, set[str]],
    included: set[Path],
) -> _Read:
    extracted: Extracted = read_document(path, data)
    included.update(p.resolve() for p in extracted.included)
    for place, message in extracted.warnings:
        builder.warn(path, place, message)
    title = entry.title or extracted.title
    kind = entry.kind or default_kind or _guess_kind(path, title)
    if kind is None:
        kind = "ordinance"
        builder.warn(path, None, "kind not given: read as an ordinance (use --kind or city.yaml)")
    plan = _Read(kind, title)
    if kind == "action-plan":
        # The action items of a plan written as a document are the rows of its tables; its text is provisions.
        mapping = load_mapping(entry.mapping) if entry.mapping else column_mapping
        pdf = path.suffix.lower() == ".pdf"
        if pdf:  # a PDF has no tables: they are found in the layout of its pages, from their headers

            def action_column(cells: list[str]) -> int | None:
                try:
                    columns = map_columns([(1, cells)], mapping)
                except BadInputError:  # a column the mapping names is not in this line
                    return None
                return columns.fields["action"] if columns is not None else None

            try:
                laid_out = read_document(path, data, header=action_column)
            except BadInputError:  # a page whose layout cannot be read: the text as read before, without items
                laid_out = None
            if laid_out is not None and laid_out.tables:  # else the text as read before
                extracted = laid_out
        found = plan_tables(extracted.tables, mapping)
        if found is None:
            builder.warn(
                path,
                None,
                "no table with an action column in the layout of this PDF: its text is read as provisions, without "
                "action items (give the plan as XLSX, CSV or DOCX)"
                if pdf
                else "no table of this action plan has an action column: its text is read as provisions, without "
                "action items (head a table's column 'Action', or give the plan as XLSX or CSV)",
            )
        else:
            if pdf:
                builder.warn(
                    path,
                    None,
                    "action items read from the layout of the PDF's tables: check that each item has the right "
                    "cells, or give the plan as XLSX, CSV or DOCX",
                )
            rows, used = found
            _, read = _plan_items(builder, path, rows, mapping, entry, doc, file_iri, replaced, place="table ")
            plan = replace(read, title=title)
            extracted = without_tables(extracted, used)
    provisions = segment(extracted)
    builder.provisions(doc, provisions)
    observations = builder.report_tables(doc, extracted.tables, path, set(replaced))
    commitments = builder.commitments(doc, doc_slug, entry, extracted.text, path)
    return replace(
        plan,
        provisions=len(provisions),
        observations=plan.observations + observations,
        commitments=commitments,
        pages=extracted.pages,
    )
