"""Build the standards corpus: readable sources in ``corpora/`` become the RDF that hrgraph ships.

Sources (YAML and CSV, each with its provenance and licence) live in ``corpora/standards`` and
``corpora/reviews``; :func:`build` turns them into sorted N-Triples files, byte for byte the same on
every run, that ``hrgraph init`` loads into the ``standards`` graph.

IRIs: instruments ``https://w3id.org/hrgraph/id/{slug}``, articles ``…/{slug}/art_{n}``, paragraphs
``…/{slug}/art_{n}__para_{m}``, principles ``…/{slug}/principle_{n}``; SDGs under the UN's own IRIs
(``http://metadata.un.org/sdg/11.1``); themes ``…/id/theme/{id}``, groups ``…/id/group/{id}``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import rdflib
import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from hrgraph.errors import BadInputError, malformed
from hrgraph.namespace import ELI, HRG, ID, SDG, SEMAPV, SSSOM
from hrgraph.report import write_atomic
from hrgraph.resources import corpus_files, ontology_file
from hrgraph.store import EmbeddedStore, RdfFormat, Store, read_file, state_slug

__all__ = ["BuildResult", "article_iri", "build", "install", "parse_reference"]

KINDS = {
    "treaty": HRG.Treaty,
    "optional-protocol": HRG.OptionalProtocol,
    "declaration": HRG.Declaration,
    "city-charter": HRG.CityCharter,
}
PROVISION_KINDS = {"article": HRG.Article, "principle": HRG.Principle}
POSITIONS = {"supported": HRG.Supported, "noted": HRG.Noted}
AGENDA = ID.agenda2030
PROJECT = ID["source/hrgraph"]
UN_SDG = ID["source/un-sdg-framework"]
OHCHR_UPR = ID["source/ohchr-upr-thematic-lists"]
RATIFICATION = ID["source/un-treaty-ratification"]
# Protocols that appear in the ratification data but whose text is not in the corpus.
OTHER_INSTRUMENTS = {
    "ICCPR-OP2": (
        "op2-iccpr",
        "Second Optional Protocol to the ICCPR, aiming at the abolition of the death penalty",
    ),
    "OP-CRC-AC": (
        "op-crc-ac",
        "Optional Protocol to the CRC on the involvement of children in armed conflict",
    ),
    "OP-CRC-SC": (
        "op-crc-sc",
        "Optional Protocol to the CRC on the sale of children, child prostitution and child pornography",
    ),
    "OP-CRC-IC": ("op-crc-ic", "Optional Protocol to the CRC on a communications procedure"),
    "OP-CRPD": ("op-crpd", "Optional Protocol to the Convention on the Rights of Persons with Disabilities"),
}


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote: file name → number of triples."""

    files: dict[str, int]

    @property
    def triples(self) -> int:
        """Total number of triples written."""
        return sum(self.files.values())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def article_iri(slug: str, number: str, paragraph: str | None = None) -> URIRef:
    """Return the IRI of an article, principle or paragraph.

    >>> article_iri("icescr", "11", "1")
    rdflib.term.URIRef('https://w3id.org/hrgraph/id/icescr/art_11__para_1')
    """
    iri = f"{slug}/art_{number}"
    return ID[iri if paragraph is None else f"{iri}__para_{paragraph}"]


_REFERENCE = re.compile(r"^(?P<code>[A-Z][A-Z0-9-]*):(?P<number>[A-Za-z0-9-]+)(?:\((?P<para>[0-9a-z]+)\))?$")


def parse_reference(reference: str, codes: dict[str, str]) -> URIRef:
    """Resolve ``CODE:N`` or ``CODE:N(M)`` (e.g. ``ICESCR:11(1)``) to an IRI, given code → slug."""
    match = _REFERENCE.match(reference.strip())
    if not match or match["code"] not in codes:
        raise BadInputError(f"not an article reference: {reference!r}")
    return article_iri(codes[match["code"]], match["number"], match["para"])


class _Builder:
    """Accumulates the triples of one output file, with checks that references resolve."""

    def __init__(self) -> None:
        self.graph = rdflib.Graph()

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal | None) -> None:
        if o is not None and str(o) != "":
            self.graph.add((s, p, o))

    def text(self, s: URIRef, p: URIRef, value: Any, lang: str | None = "en") -> None:
        if value is not None and str(value).strip():
            self.add(
                s,
                p,
                Literal(" ".join(str(value).split()) if p != HRG.text else str(value).strip(), lang=lang),
            )

    def ntriples(self) -> bytes:
        lines = self.graph.serialize(format="nt", encoding="utf-8").decode().splitlines()
        return ("\n".join(sorted(set(line for line in lines if line.strip()))) + "\n").encode()


def _text(path: Path) -> str:
    """Return a source file's text; a UTF-8 byte-order mark, as spreadsheet programs write, is dropped."""
    try:
        return read_file(path).decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise BadInputError(f"{path}: not UTF-8 text: {err.reason} at byte {err.start}") from err


def _yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(_text(path))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        reason = " ".join(str(getattr(err, "problem", None) or err).split())  # the place is given apart
        raise BadInputError(f"{path}{where}: not valid YAML: {reason}") from err


def _csv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Read a CSV source that must have ``columns``; a row with too few or too many fields names its line."""
    reader = csv.DictReader(io.StringIO(_text(path), newline=""), strict=True)
    try:
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise BadInputError(f"{path}:1: missing column(s) {', '.join(missing)}")
        rows = []
        for row in reader:
            if None in row or None in row.values():  # DictReader's marks of extra and of missing fields
                more = "more" if None in row else "fewer"
                raise BadInputError(f"{path}:{reader.line_num}: the row has {more} fields than the header")
            rows.append(row)
    except csv.Error as err:  # raised before the line it is found on is counted
        raise BadInputError(f"{path}:{reader.line_num + 1}: not valid CSV: {err}") from err
    return rows


def _sources(b: _Builder) -> None:
    for node, title, licence in (
        (PROJECT, "Written by the hrgraph project", "CC BY 4.0"),
        (
            UN_SDG,
            "Global indicator framework for the SDGs (A/RES/71/313 annex, as revised in 2025) and the 2030 Agenda",
            "United Nations; reproduced with attribution",
        ),
        (
            OHCHR_UPR,
            "OHCHR thematic lists of UPR recommendations (Universal Human Rights Index tags)",
            "United Nations documents; reproduced with attribution",
        ),
        (
            RATIFICATION,
            "Status of ratification of the core human rights treaties (OHCHR)",
            "United Nations; facts",
        ),
    ):
        b.add(node, RDF.type, DCTERMS.BibliographicResource)
        b.text(node, DCTERMS.title, title)
        b.text(node, DCTERMS.license, licence)


def _instruments(b: _Builder, folder: Path, labels_folder: Path) -> dict[str, str]:
    """Add every instrument and its provisions; return code → slug."""
    codes: dict[str, str] = {}
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise BadInputError(f"{folder}: no instrument files")
    for path in files:
        with malformed(str(path)):
            codes.update(_instrument(b, path, labels_folder))
    return codes


def _instrument(b: _Builder, path: Path, labels_folder: Path) -> dict[str, str]:
    """Add one instrument and its provisions; return its code → slug."""
    data = _yaml(path)
    slug, code = data["slug"], data["code"]
    labels = {str(k): v for k, v in (_yaml(labels_folder / f"{slug}.yaml") or {}).items()}
    node = ID[slug]
    kind = data["kind"]
    if kind not in KINDS:
        raise BadInputError(f"{path}: unknown kind {kind!r}")
    b.add(node, RDF.type, KINDS[kind])
    b.text(node, DCTERMS.title, data["title"])
    b.text(node, SKOS.prefLabel, data["title"])
    b.text(node, SKOS.altLabel, data.get("short_title"))
    b.add(node, HRG.abbreviation, Literal(code))
    b.add(node, DCTERMS.identifier, Literal(slug))
    if data.get("adopted"):
        b.add(node, DCTERMS.date, Literal(str(data["adopted"]), datatype=XSD.date))
    b.text(node, DCTERMS.description, data.get("adopted_by"))
    b.add(node, HRG.officialSource, Literal(data["official_source"], datatype=XSD.anyURI))
    b.add(node, DCTERMS.source, URIRef(data["official_source"]))
    b.text(node, DCTERMS.license, data["licence"])
    b.text(node, DCTERMS.bibliographicCitation, data.get("attribution"))
    b.text(node, SKOS.note, data.get("note"))
    if data.get("supplements"):
        b.add(node, HRG.supplements, ID[data["supplements"]])
    summary_only = data["text_status"] == "summary"
    parts = {}
    for order, part in enumerate(data.get("parts") or []):
        part_node = ID[f"{slug}/part_{part['number']}"]
        parts[str(part["number"])] = part_node
        b.add(part_node, RDF.type, HRG.Part)
        b.add(part_node, ELI.is_part_of, node)
        b.add(part_node, HRG.number, Literal(str(part["number"])))
        b.add(part_node, HRG.order, Literal(order))
        b.text(part_node, HRG.heading, part.get("heading"))
        name = part.get("heading") or part.get("label")
        b.text(part_node, SKOS.prefLabel, f"{code} part {part['number']}" + (f" — {name}" if name else ""))
        b.add(part_node, HRG.eId, Literal(f"part_{part['number']}"))
        b.add(part_node, DCTERMS.source, URIRef(data["official_source"]))
    order = 0
    for provision in data["provisions"]:
        number = str(provision["number"])
        kind_class = PROVISION_KINDS[provision["kind"]]
        prov = ID[f"{slug}/principle_{number}"] if provision["kind"] == "principle" else article_iri(slug, number)
        entry = labels.get(number, {})
        short = entry.get("label") or provision.get("heading") or ""
        word = "principle" if provision["kind"] == "principle" else "art."
        display = f"{data.get('short_title') or code} {word} {number}" + (f" — {short}" if short else "")
        order += 1
        b.add(prov, RDF.type, kind_class)
        b.add(prov, ELI.is_part_of, parts.get(str(provision.get("part")), node))
        b.add(prov, HRG.number, Literal(number))
        b.add(prov, HRG.order, Literal(order))
        b.add(prov, HRG.eId, Literal(str(prov).rsplit("/", 1)[1]))
        b.text(prov, SKOS.prefLabel, display)
        b.text(prov, HRG.heading, provision.get("heading"))
        b.add(prov, DCTERMS.source, URIRef(data["official_source"]))
        if summary_only:
            b.text(prov, HRG.summary, provision.get("summary"))
            b.add(prov, DCTERMS.creator, PROJECT)
        else:
            b.text(prov, HRG.text, provision.get("text"))
        for term in entry.get("terms") or []:
            b.text(prov, SKOS.altLabel, term)
        # a provision on the working of the instrument itself; by default one whose terms are left empty
        procedural = entry.get("procedural", "terms" in entry and not entry["terms"])
        if not isinstance(procedural, bool):
            raise BadInputError(f"{labels_folder / (slug + '.yaml')}: {number}: procedural must be true or false")
        if procedural:
            b.add(prov, RDF.type, HRG.ProceduralProvision)
        for paragraph in provision.get("paragraphs") or []:
            para_number = str(paragraph["number"])
            para = article_iri(slug, number, para_number)
            para_entry = labels.get(f"{number}({para_number})", {})
            order += 1
            b.add(para, RDF.type, HRG.Paragraph)
            b.add(para, ELI.is_part_of, prov)
            b.add(para, HRG.number, Literal(para_number))
            b.add(para, HRG.order, Literal(order))
            b.add(para, HRG.eId, Literal(str(para).rsplit("/", 1)[1]))
            para_label = para_entry.get("label") or short
            b.text(
                para,
                SKOS.prefLabel,
                f"{data.get('short_title') or code} {word} {number}({para_number})"
                + (f" — {para_label}" if para_label else ""),
            )
            b.text(para, HRG.text, paragraph.get("text"))
            b.add(para, DCTERMS.source, URIRef(data["official_source"]))
            for term in para_entry.get("terms") or []:
                b.text(para, SKOS.altLabel, term)
    unknown = (
        set(labels)
        - {str(p["number"]) for p in data["provisions"]}
        - {f"{p['number']}({q['number']})" for p in data["provisions"] for q in p.get("paragraphs") or []}
    )
    if unknown:
        raise BadInputError(f"{labels_folder / (slug + '.yaml')}: labels for unknown provisions {sorted(unknown)}")
    return {code: slug}


def _sdgs(b: _Builder, folder: Path) -> None:
    terms = (
        {str(k): v for k, v in (_yaml(folder / "terms.yaml") or {}).items()} if (folder / "terms.yaml").exists() else {}
    )
    b.add(AGENDA, RDF.type, HRG.DevelopmentAgenda)
    b.add(AGENDA, RDF.type, SKOS.ConceptScheme)
    b.text(AGENDA, DCTERMS.title, "Transforming our world: the 2030 Agenda for Sustainable Development")
    b.text(AGENDA, SKOS.prefLabel, "2030 Agenda for Sustainable Development")
    b.add(AGENDA, HRG.abbreviation, Literal("SDG"))
    b.add(AGENDA, DCTERMS.date, Literal("2015-09-25", datatype=XSD.date))
    b.text(AGENDA, DCTERMS.description, "United Nations General Assembly resolution 70/1")
    b.add(AGENDA, HRG.officialSource, Literal("https://sdgs.un.org/2030agenda", datatype=XSD.anyURI))
    b.add(AGENDA, DCTERMS.source, UN_SDG)
    for row in _csv(folder / "goals.csv", ("goal", "short_title", "title")):
        goal = SDG[row["goal"]]
        b.add(goal, RDF.type, HRG.SDGGoal)
        b.add(goal, SKOS.inScheme, AGENDA)
        b.add(goal, SKOS.notation, Literal(row["goal"]))
        b.text(goal, SKOS.prefLabel, f"SDG {row['goal']} — {row['short_title']}")
        b.text(goal, HRG.text, row["title"])
        b.add(goal, DCTERMS.source, UN_SDG)
        for term in (terms.get(row["goal"]) or {}).get("terms") or []:
            b.text(goal, SKOS.altLabel, term)
    for row in _csv(folder / "targets.csv", ("target", "goal", "text")):
        target = SDG[row["target"]]
        entry = terms.get(row["target"]) or {}
        b.add(target, RDF.type, HRG.SDGTarget)
        b.add(target, SKOS.inScheme, AGENDA)
        b.add(target, SKOS.notation, Literal(row["target"]))
        b.add(target, SKOS.broader, SDG[row["goal"]])
        label = entry.get("label")
        b.text(target, SKOS.prefLabel, f"SDG target {row['target']}" + (f" — {label}" if label else ""))
        b.text(target, HRG.text, row["text"])
        b.add(target, DCTERMS.source, UN_SDG)
        for term in entry.get("terms") or []:
            b.text(target, SKOS.altLabel, term)
    for row in _csv(folder / "indicators.csv", ("indicator", "unsd_code", "target", "text")):
        indicator = SDG[row["unsd_code"]] if row["unsd_code"] else ID[f"sdg-indicator/{row['indicator']}"]
        b.add(indicator, RDF.type, HRG.SDGIndicator)
        b.add(indicator, SKOS.inScheme, AGENDA)
        b.add(indicator, SKOS.notation, Literal(row["indicator"]))
        b.add(indicator, SKOS.broader, SDG[row["target"]])
        b.add(indicator, HRG.unsdCode, Literal(row["unsd_code"]) if row["unsd_code"] else None)
        b.text(indicator, SKOS.prefLabel, f"SDG indicator {row['indicator']}")
        b.text(indicator, HRG.text, row["text"])
        b.add(indicator, DCTERMS.source, UN_SDG)


def _mapping(b: _Builder, subject: URIRef, obj: URIRef, justification: str) -> None:
    key = hashlib.sha256(f"{subject} {obj}".encode()).hexdigest()[:16]
    link = ID[f"mapping/{key}"]
    b.add(link, RDF.type, HRG.StandardsMapping)
    b.add(link, HRG.linkSubject, subject)
    b.add(link, HRG.linkPredicate, HRG.correspondsTo)
    b.add(link, HRG.linkObject, obj)
    b.add(link, SSSOM.mapping_justification, SEMAPV.ManualMappingCuration)
    b.add(link, SSSOM.author_id, PROJECT)
    b.text(link, SSSOM.comment, justification)
    b.add(link, SSSOM.confidence, Literal(1.0, datatype=XSD.double))
    b.add(link, HRG.method, Literal("manual"))
    b.add(subject, HRG.correspondsTo, obj)


def _crosswalk(b: _Builder, path: Path, codes: dict[str, str], provisions: set[URIRef]) -> None:
    for line, row in enumerate(_csv(path, ("target", "article", "justification")), start=2):
        target = SDG[row["target"].strip()]
        try:
            article = parse_reference(row["article"], codes)
        except BadInputError as err:
            raise BadInputError(f"{path}:{line}: {err}") from err
        if article not in provisions:
            raise BadInputError(f"{path}:{line}: {row['article']} is not a provision in the corpus")
        _mapping(b, target, article, row["justification"])


def _themes(b: _Builder, path: Path, issues: Path, codes: dict[str, str], provisions: set[URIRef]) -> dict[str, URIRef]:
    """Add the theme and group schemes and the UPR Info issue mapping; return UHRI label → concept."""
    data = _yaml(path)
    uhri: dict[str, URIRef] = {}
    for key, scheme_name, label in (
        ("themes", "theme", "Rights themes"),
        ("groups", "group", "Affected groups"),
    ):
        scheme = ID[scheme_name]
        b.add(scheme, RDF.type, SKOS.ConceptScheme)
        b.text(scheme, SKOS.prefLabel, label)
        b.add(scheme, DCTERMS.source, PROJECT)
        b.text(scheme, DCTERMS.license, data["licence"])
        for entry in data[key]:
            node = ID[f"{scheme_name}/{entry['id']}"]
            b.add(node, RDF.type, HRG.RightsTheme if key == "themes" else HRG.AffectedGroup)
            b.add(node, SKOS.inScheme, scheme)
            b.add(node, SKOS.notation, Literal(entry["id"]))
            b.text(node, SKOS.prefLabel, entry["label"])
            b.text(node, SKOS.definition, entry["definition"])
            b.add(node, DCTERMS.source, PROJECT)
            if entry.get("broader"):
                b.add(node, SKOS.broader, ID[f"{scheme_name}/{entry['broader']}"])
            for term in entry.get("terms") or []:
                b.text(node, SKOS.altLabel, term)
            for name in entry.get("uhri") or []:
                b.text(node, SKOS.hiddenLabel, name)
                uhri[name] = node
            for ref in entry.get("articles") or []:
                article = parse_reference(ref, codes)
                if article not in provisions:
                    raise BadInputError(f"{path}: theme {entry['id']}: {ref} is not a provision in the corpus")
                b.add(node, HRG.enshrinedIn, article)
            for target in entry.get("sdg_targets") or []:
                b.add(node, SKOS.relatedMatch, SDG[str(target)])
    scheme = ID["upr-info-issue"]
    b.add(scheme, RDF.type, SKOS.ConceptScheme)
    b.text(scheme, SKOS.prefLabel, "UPR Info issue categories, mapped to hrgraph themes")
    b.add(scheme, DCTERMS.source, PROJECT)
    for row in _csv(issues, ("issue", "themes", "groups")):
        tag = ID[f"upr-info-issue/{_slug(row['issue'])}"]
        b.add(tag, RDF.type, HRG.IssueTag)
        b.add(tag, SKOS.inScheme, scheme)
        b.text(tag, SKOS.prefLabel, row["issue"])
        b.add(tag, DCTERMS.source, PROJECT)
        for theme in filter(None, row["themes"].split(";")):
            b.add(tag, SKOS.closeMatch, ID[f"theme/{theme}"])
        for group in filter(None, row["groups"].split(";")):
            b.add(tag, SKOS.closeMatch, ID[f"group/{group}"])
    return uhri


def _state(b: _Builder, name: str, states: dict[str, set[str]]) -> URIRef:
    """Return the node of a State; its first name is its label, the others (the UN's, say) alternatives."""
    key, name = state_slug(name), " ".join(name.split())
    node = ID[f"state/{key}"]
    names = states.get(key)
    if names is None:
        states[key] = {name.casefold()}
        b.add(node, RDF.type, HRG.State)
        b.text(node, SKOS.prefLabel, name)
    elif name.casefold() not in names:
        names.add(name.casefold())
        b.text(node, SKOS.altLabel, name)
    return node


UPR_COLUMNS = (
    "state_under_review",
    "cycle",
    "session",
    "paragraph",
    "recommendation",
    "recommending_states",
    "position",
    "themes",
    "affected_persons",
    "sdg_targets",
    "sdg_goals",
    "source_document",
)


def _reviews(b: _Builder, folder: Path, codes: dict[str, str], uhri: dict[str, URIRef]) -> None:
    states: dict[str, set[str]] = {}
    upr = _csv(folder / "upr-slovenia.csv", UPR_COLUMNS)
    # the names of the latest UN documents label their States; other names are alternatives
    for row in sorted(upr, key=lambda row: -int(row["cycle"])):
        for name in [row["state_under_review"], *filter(None, row["recommending_states"].split(";"))]:
            _state(b, name, states)
    for row in _csv(folder / "ratification.csv", ("state", "iso2", "instrument", "status", "year")):
        state = _state(b, row["state"], states)
        b.add(state, HRG.isoCode, Literal(row["iso2"]))
        code = row["instrument"]
        if code in codes:
            slug = codes[code]
        elif code in OTHER_INSTRUMENTS:
            slug, title = OTHER_INSTRUMENTS[code]
            b.add(ID[slug], RDF.type, HRG.OptionalProtocol)
            b.text(ID[slug], SKOS.prefLabel, title)
            b.text(ID[slug], DCTERMS.title, title)
            b.add(ID[slug], HRG.abbreviation, Literal(code))
            b.add(ID[slug], DCTERMS.source, RATIFICATION)
        else:
            raise BadInputError(f"{folder / 'ratification.csv'}: unknown instrument {code!r}")
        node = ID[f"ratification/{row['iso2'].lower()}/{slug}"]
        b.add(node, RDF.type, HRG.Ratification)
        b.add(node, HRG.party, state)
        b.add(node, HRG.ratifiedInstrument, ID[slug])
        b.add(node, HRG.ratificationStatus, Literal(row["status"]))
        if row["year"]:
            b.add(node, HRG.ratificationDate, Literal(row["year"], datatype=XSD.gYear))
        b.add(node, DCTERMS.source, RATIFICATION)
    for row in upr:
        state = _state(b, row["state_under_review"], states)
        cycle = ID[f"upr/{_slug(row['state_under_review'])}/cycle_{row['cycle']}"]
        b.add(cycle, RDF.type, HRG.ReviewCycle)
        b.add(cycle, HRG.mechanism, HRG.UPR)
        b.add(cycle, HRG.stateUnderReview, state)
        b.add(cycle, HRG.cycleNumber, Literal(int(row["cycle"])))
        b.add(cycle, HRG.session, Literal(row["session"]))
        b.text(
            cycle,
            SKOS.prefLabel,
            f"UPR cycle {row['cycle']}, {row['state_under_review']} (session {row['session']})",
        )
        rec = ID[f"upr/{_slug(row['state_under_review'])}/cycle_{row['cycle']}/rec_{row['paragraph']}"]
        b.add(rec, RDF.type, HRG.Recommendation)
        b.add(rec, HRG.inCycle, cycle)
        b.add(rec, HRG.paragraphSymbol, Literal(row["paragraph"]))
        b.text(rec, HRG.text, row["recommendation"])
        b.text(rec, SKOS.prefLabel, f"{row['source_document']} para. {row['paragraph']}")
        b.add(rec, HRG.position, POSITIONS.get(row["position"].strip().lower()))
        b.text(rec, DCTERMS.bibliographicCitation, row["source_document"], lang=None)
        b.add(rec, DCTERMS.source, OHCHR_UPR)
        for name in filter(None, row["recommending_states"].split(";")):
            b.add(rec, HRG.recommendingState, _state(b, name, states))
        for label in filter(None, (t.strip() for t in row["themes"].split(";"))):
            concept = uhri.get(label)
            b.add(rec, HRG.theme if concept is not None and "/theme/" in concept else HRG.affectedGroup, concept)
        for label in filter(None, (t.strip() for t in row["affected_persons"].split(";"))):
            concept = uhri.get(label)
            b.add(rec, HRG.affectedGroup if concept is not None and "/group/" in concept else HRG.theme, concept)
        for goal in filter(None, row["sdg_goals"].split(";")):
            b.add(rec, HRG.sdgTag, SDG[goal.strip()])
        for target in filter(None, row["sdg_targets"].split(";")):
            b.add(rec, HRG.sdgTag, SDG[target.strip()])


def _provisions(graph: rdflib.Graph) -> set[URIRef]:
    kinds = (HRG.Article, HRG.Paragraph, HRG.Principle)
    return {s for k in kinds for s in graph.subjects(RDF.type, k) if isinstance(s, URIRef)}


def build(source: Path, output: Path) -> BuildResult:
    """Build the corpus from ``source`` (the ``corpora`` folder) into ``output``; return what was written.

    Output files are sorted N-Triples, so two builds of the same sources are byte-identical.
    """
    standards = source / "standards"
    if not standards.is_dir():
        raise BadInputError(f"{source}: not a corpus folder (no standards/ inside)")
    b = _Builder()
    _sources(b)
    codes = _instruments(b, standards / "instruments", standards / "labels")
    with malformed(str(standards / "sdg")):
        _sdgs(b, standards / "sdg")
    provisions = _provisions(b.graph)
    crosswalk = standards / "crosswalk" / "sdg-articles.csv"
    if crosswalk.exists():
        with malformed(str(crosswalk)):
            _crosswalk(b, crosswalk, codes, provisions)
    with malformed(str(standards / "themes.yaml")):
        uhri = _themes(b, standards / "themes.yaml", standards / "upr-info-issues.csv", codes, provisions)
    reviews = _Builder()
    with malformed(str(source / "reviews")):
        _reviews(reviews, source / "reviews", codes, uhri)
    output.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, builder in (("standards.nt", b), ("reviews.nt", reviews)):
        data = builder.ntriples()
        write_atomic(output / name, data)
        written[name] = data.count(b"\n")
    return BuildResult(written)


def install(
    store: Store, *, corpus: Path | None = None, on_file: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Load the ontology and the built corpus into ``store``, replacing older copies; return file → triples.

    The corpus is the packaged one, or the files a build wrote into the folder ``corpus``. Every file is
    read first, then one load replaces the ontology and standards graphs together: a file that does not
    parse, or an install that is interrupted, leaves the store as it was.

    >>> from hrgraph.store import open_store
    >>> with open_store(memory=True) as store:
    ...     loaded = install(store)
    >>> loaded["hrgraph.ttl"] > 500 and loaded["standards.nt"] > 30000
    True
    """
    files: list[Traversable] = list(corpus_files()) if corpus is None else _built_files(corpus)
    if not files:
        raise BadInputError("no built standards corpus is packaged: run `hrgraph corpus build` in a checkout")
    loaded: dict[str, int] = {}
    ontology = ontology_file()
    with EmbeddedStore() as staged:
        for file, graph in [(ontology, "ontology"), *((f, "standards") for f in files)]:
            source: str | bytes = str(file) if isinstance(file, Path) else file.read_bytes()
            loaded[file.name] = staged.load(source, format=RdfFormat.for_path(file.name), graph=graph)
            if on_file is not None:
                on_file(file.name, loaded[file.name])
        data = staged.export(RdfFormat.NQUADS)
    store.load(data, format=RdfFormat.NQUADS, replace=True, trusted=True)
    return loaded


def _built_files(folder: Path) -> list[Traversable]:
    """Return the files of a corpus build in ``folder`` (as ``hrgraph corpus build -o`` writes them)."""
    if not folder.is_dir():
        raise BadInputError(f"{folder}: no such folder (give the folder `hrgraph corpus build` wrote to)")
    files = sorted(f for f in folder.iterdir() if f.is_file() and f.name.endswith((".nt", ".ttl", ".nq")))
    if not files:
        raise BadInputError(f"{folder}: no built corpus files (.nt) in it: run `hrgraph corpus build -o {folder}`")
    return list(files)
