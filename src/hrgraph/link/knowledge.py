"""What the linker knows about the standards, compiled from the built corpus and cached.

The standards corpus (``corpora/build/*.nt``, read through :func:`hrgraph.resources.corpus_files`)
gives the concepts a passage can be linked to (SDG goals and targets, treaty articles and
paragraphs, rights themes, instruments), their labels and synonyms, their texts, the SDG ↔ article
crosswalk and the themes' articles; the Aurora queries (``corpora/standards/aurora``) give a search
query per SDG target. :func:`load_knowledge` compiles all of it once into plain tables (term index,
TF-IDF postings, parsed queries) and keeps them as JSON in the user's cache directory, keyed by a
hash of the source files and of this module, so later loads take a fraction of a second. Nothing
is ever written inside the installed package.

>>> knowledge = load_knowledge()
>>> knowledge.concepts["http://metadata.un.org/sdg/11.1"].notation
'11.1'
>>> knowledge.concepts["https://w3id.org/hrgraph/id/icescr/art_11"].level
'article'
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import platformdirs
import pyoxigraph as ox

from hrgraph.errors import BadInputError
from hrgraph.link.aurora import QueryLine, node_from_json, node_to_json, read_queries, trigger_keys
from hrgraph.link.text import STOPWORDS, similarity_features, tokenise
from hrgraph.resources import Resource, corpus_files, resource_dir

__all__ = [
    "LEVELS",
    "Concept",
    "Knowledge",
    "Similarity",
    "TermEntry",
    "article_iri",
    "aurora_files",
    "compile_knowledge",
    "concept_texts",
    "load_knowledge",
]

LEVELS = ("sdg-goal", "sdg-target", "article", "paragraph", "theme", "instrument")
"""The levels a link can point at, from the coarsest SDG level to the instruments themselves."""

_FORMAT = 1  # bump when the compiled layout changes
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_HRG = "https://w3id.org/hrgraph/ontology#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_ELI_PART = "http://data.europa.eu/eli/ontology#is_part_of"
_DC_TITLE = "http://purl.org/dc/terms/title"
_ID = "https://w3id.org/hrgraph/id/"
_INSTRUMENT_TYPES = {_HRG + t for t in ("Treaty", "OptionalProtocol", "Declaration", "CityCharter")}
_LEVEL_OF_TYPE = {
    _HRG + "SDGGoal": "sdg-goal",
    _HRG + "SDGTarget": "sdg-target",
    _HRG + "Article": "article",
    _HRG + "Principle": "article",
    _HRG + "Paragraph": "paragraph",
    _HRG + "RightsTheme": "theme",
    _HRG + "AffectedGroup": "group",
    _HRG + "SDGIndicator": "indicator",
    **dict.fromkeys(_INSTRUMENT_TYPES, "instrument"),
}

# The Universal Declaration counterparts of covenant articles, as lawyers cite them next to each
# other (the convention of corpora/standards/crosswalk/README.md): ICESCR 11 → UDHR 25 and so on.
UDHR_COUNTERPARTS = {
    "icescr": {"2": "2", "6": "23", "7": "23", "8": "23", "9": "22", "11": "25", "12": "25", "13": "26", "15": "27"},
    "iccpr": {
        "2": "8",
        "6": "3",
        "7": "5",
        "8": "4",
        "9": "9",
        "12": "13",
        "14": "10",
        "16": "6",
        "17": "12",
        "19": "19",
        "21": "20",
        "22": "20",
        "23": "16",
        "25": "21",
        "26": "7",
    },
}


@dataclass(frozen=True)
class Concept:
    """A standard a passage can be linked to."""

    iri: str
    level: str
    notation: str
    label: str
    parent: str | None = None
    instrument: str | None = None


@dataclass(frozen=True)
class TermEntry:
    """A term (label or synonym) of a concept: as written, how many content words, how shared.

    ``shared`` counts the concepts of the same level that have the same normalised term.
    """

    concept: str
    term: str
    words: int
    shared: int
    kind: str


@dataclass
class Similarity:
    """TF-IDF postings of the concepts of one level: word → [(concept index, weight)]."""

    concepts: list[str]
    idf: dict[str, float]
    postings: dict[str, list[tuple[int, float]]]


@dataclass
class Knowledge:
    """Everything the linker needs, as plain tables (JSON-serialisable)."""

    digest: str
    concepts: dict[str, Concept]
    terms: dict[tuple[str, ...], list[TermEntry]]
    acronyms: frozenset[str]
    crosswalk: dict[str, list[str]]
    enshrined: dict[str, list[str]]
    theme_targets: dict[str, list[str]]
    counterparts: dict[str, str]
    instruments: dict[str, list[str]]
    numbering: dict[str, str]
    similarity: dict[str, Similarity]
    queries: list[QueryLine]
    query_index: dict[str, list[int]]
    issue_themes: dict[str, list[str]]
    uhri_themes: dict[str, list[str]]
    instrument_themes: dict[str, list[str]] = field(default_factory=dict)
    max_term_words: int = 1
    reverse: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.max_term_words = max((len(k) for k in self.terms), default=1)
        self.reverse = {
            "crosswalk": _invert(self.crosswalk),
            "enshrined": _invert(self.enshrined),
            "theme_targets": _invert(self.theme_targets),
        }

    def label(self, iri: str) -> str:
        """Return the display label of a concept (its IRI when unknown)."""
        concept = self.concepts.get(iri)
        return concept.label if concept else iri

    def to_json(self) -> dict[str, Any]:
        """Write the tables as JSON-compatible values."""
        return {
            "format": _FORMAT,
            "digest": self.digest,
            "concepts": [asdict(c) for c in self.concepts.values()],
            "terms": [[" ".join(k), [asdict(e) for e in v]] for k, v in self.terms.items()],
            "acronyms": sorted(self.acronyms),
            "crosswalk": self.crosswalk,
            "enshrined": self.enshrined,
            "theme_targets": self.theme_targets,
            "counterparts": self.counterparts,
            "instruments": self.instruments,
            "numbering": self.numbering,
            "similarity": {k: asdict(v) for k, v in self.similarity.items()},
            "queries": [[q.target, q.source, node_to_json(q.node)] for q in self.queries],
            "query_index": self.query_index,
            "issue_themes": self.issue_themes,
            "uhri_themes": self.uhri_themes,
            "instrument_themes": self.instrument_themes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Knowledge:
        """Read tables written by :meth:`to_json`."""
        if data.get("format") != _FORMAT:
            raise BadInputError("the compiled linker knowledge has another format; recompile it")
        return cls(
            digest=data["digest"],
            concepts={c["iri"]: Concept(**c) for c in data["concepts"]},
            terms={tuple(k.split(" ")): [TermEntry(**e) for e in v] for k, v in data["terms"]},
            acronyms=frozenset(data["acronyms"]),
            crosswalk=data["crosswalk"],
            enshrined=data["enshrined"],
            theme_targets=data["theme_targets"],
            counterparts=data["counterparts"],
            instruments=data["instruments"],
            numbering=data["numbering"],
            similarity={
                k: Similarity(v["concepts"], v["idf"], {w: [(i, x) for i, x in p] for w, p in v["postings"].items()})
                for k, v in data["similarity"].items()
            },
            queries=[QueryLine(t, s, node_from_json(n)) for t, s, n in data["queries"]],
            query_index=data["query_index"],
            issue_themes=data["issue_themes"],
            uhri_themes=data["uhri_themes"],
            instrument_themes=data["instrument_themes"],
        )


def article_iri(code: str) -> str:
    """Return the IRI of an article written ``INSTRUMENT:N``, as labelled sets write it.

    >>> article_iri("ICESCR:11")
    'https://w3id.org/hrgraph/id/icescr/art_11'
    """
    instrument, _, number = code.partition(":")
    return f"{_ID}{instrument.lower()}/art_{number}"


def _invert(mapping: dict[str, list[str]]) -> dict[str, list[str]]:
    inverted: dict[str, list[str]] = defaultdict(list)
    for key, values in mapping.items():
        for value in values:
            inverted[value].append(key)
    return dict(inverted)


# --- reading the corpus ------------------------------------------------------------------------------


def aurora_files() -> list[Traversable]:
    """Return the Aurora SDG query files: packaged under ``_data/aurora``, or in a checkout's corpora."""
    packaged = resources.files("hrgraph") / "_data" / "aurora"
    folder: Traversable | None = packaged if packaged.is_dir() else None
    if folder is None:
        corpus = resource_dir(Resource.CORPUS)
        if isinstance(corpus, Path) and (corpus.parent / "standards" / "aurora").is_dir():
            folder = corpus.parent / "standards" / "aurora"
    if folder is None:
        return []
    return sorted((f for f in folder.iterdir() if re.fullmatch(r"query_SDG\d+\.xml", f.name)), key=lambda f: f.name)


class _Triples:
    """The corpus triples indexed by subject and predicate (objects as plain strings)."""

    def __init__(self, sources: Iterable[Traversable]) -> None:
        self.by_subject: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.types: dict[str, set[str]] = defaultdict(set)
        for source in sources:
            fmt = ox.RdfFormat.N_TRIPLES if source.name.endswith(".nt") else ox.RdfFormat.TURTLE
            try:
                for quad in ox.parse(source.read_bytes(), format=fmt):
                    s, p, o = quad.subject, quad.predicate, quad.object
                    if not isinstance(s, ox.NamedNode):
                        continue
                    value = o.value if isinstance(o, ox.NamedNode | ox.Literal) else str(o)
                    if p.value == _RDF_TYPE:
                        self.types[s.value].add(value)
                    else:
                        self.by_subject[s.value][p.value].append(value)
            except SyntaxError as err:
                raise BadInputError(f"{source.name}: the corpus does not parse: {err}") from err

    def one(self, subject: str, predicate: str) -> str | None:
        values = self.by_subject.get(subject, {}).get(predicate)
        return values[0] if values else None

    def all(self, subject: str, predicate: str) -> list[str]:
        return list(self.by_subject.get(subject, {}).get(predicate, []))


def _after_dash(label: str) -> str:
    return label.split(" — ", 1)[1] if " — " in label else ""


def _content_words(term: str) -> list[str]:
    return [t.norm for t in tokenise(term) if t.lower not in STOPWORDS]


@dataclass
class _Read:
    """The concepts of the corpus with their texts and terms, before they are indexed."""

    graph: _Triples
    level_of: dict[str, str]
    abbreviations: dict[str, str]
    concepts: dict[str, Concept]
    numbering: dict[str, str]
    texts: dict[str, list[str]]
    raw_terms: list[tuple[str, str, str]]


def concept_texts(corpus: Sequence[Traversable]) -> tuple[dict[str, Concept], dict[str, list[str]]]:
    """Return the concepts of the corpus files and, per concept, its texts one by one.

    The texts of a target are its wording, its indicators' wording and its synonyms; of an article
    its wording, summary, heading and synonyms (its paragraphs' included); of a theme its label,
    definition, synonyms and the UHRI labels filed under it.
    """
    read = _read_concepts(_Triples(corpus))
    return read.concepts, {iri: [t for t in texts if t] for iri, texts in read.texts.items()}


def _read_concepts(g: _Triples) -> _Read:
    level_of: dict[str, str] = {}
    for iri, types in g.types.items():
        for t in types:
            if t in _LEVEL_OF_TYPE:
                level_of[iri] = _LEVEL_OF_TYPE[t]

    def instrument_of(iri: str) -> str | None:
        seen = 0
        current: str | None = iri
        while current is not None and seen < 8:
            if level_of.get(current) == "instrument":
                return current
            current = g.one(current, _ELI_PART)
            seen += 1
        return None

    abbreviations = {
        iri: g.one(iri, _HRG + "abbreviation") or iri.rsplit("/", 1)[-1].upper()
        for iri, lv in level_of.items()
        if lv == "instrument"
    }
    concepts: dict[str, Concept] = {}
    numbering: dict[str, str] = {}
    texts: dict[str, list[str]] = defaultdict(list)
    raw_terms: list[tuple[str, str, str]] = []  # (term, concept, kind)
    for iri, level in sorted(level_of.items()):
        pref = g.one(iri, _SKOS + "prefLabel") or ""
        alts = g.all(iri, _SKOS + "altLabel")
        text = g.one(iri, _HRG + "text") or ""
        if level in ("sdg-goal", "sdg-target"):
            notation = g.one(iri, _SKOS + "notation") or iri.rsplit("/", 1)[-1]
            parent = g.one(iri, _SKOS + "broader") if level == "sdg-target" else None
            title = _after_dash(pref)
            label = f"SDG {notation} — {title}" if level == "sdg-goal" else pref
            concepts[iri] = Concept(iri, level, notation, label or pref, parent)
            texts[iri] += [text, title, *alts]
            raw_terms += [(a, iri, "altLabel") for a in alts]
            if level == "sdg-goal" and title:
                raw_terms.append((title, iri, "prefLabel"))
        elif level in ("article", "paragraph"):
            instrument = instrument_of(iri)
            if instrument is None:
                continue
            abbr = abbreviations[instrument]
            number = g.one(iri, _HRG + "number") or ""
            parent = g.one(iri, _ELI_PART) if level == "paragraph" else instrument
            if level == "paragraph":
                article_number = g.one(parent or "", _HRG + "number") or ""
                notation = f"{abbr}:{article_number}({number})"
                numbering[f"{instrument}|{article_number}|{number}"] = iri
            else:
                notation = f"{abbr}:{number}"
                numbering[f"{instrument}|{number}"] = iri
            concepts[iri] = Concept(iri, level, notation, pref or notation, parent, instrument)
            target = iri if level == "article" or parent is None else parent
            if alts:  # procedural provisions have no terms and are not linked by their wording
                heading = g.one(iri, _HRG + "heading") or ""
                texts[target] += [text, g.one(iri, _HRG + "summary") or "", heading, _after_dash(pref), *alts]
            kind = "altLabel" if level == "article" else "paragraph"
            raw_terms += [(a, target, kind) for a in alts]
            if level == "article" and alts and _after_dash(pref):
                raw_terms.append((_after_dash(pref), iri, "prefLabel"))
        elif level in ("theme", "group"):
            notation = g.one(iri, _SKOS + "notation") or iri.rsplit("/", 1)[-1]
            concepts[iri] = Concept(iri, level, notation, pref, g.one(iri, _SKOS + "broader"))
            hidden = [re.sub(r"^[A-Z]\d+\s+", "", h) for h in g.all(iri, _SKOS + "hiddenLabel")]
            texts[iri] += [pref, g.one(iri, _SKOS + "definition") or "", *alts, *hidden]
            raw_terms += [(pref, iri, "prefLabel"), *((a, iri, "altLabel") for a in alts)]
            raw_terms += [(h, iri, "hiddenLabel") for h in hidden if len(h) < 60]
        elif level == "instrument":
            abbr = abbreviations[iri]
            title = g.one(iri, _DC_TITLE) or pref
            concepts[iri] = Concept(iri, level, abbr, f"{title} ({abbr})")
        elif level == "indicator":
            indicated = g.one(iri, _SKOS + "broader")
            if indicated:
                texts[indicated].append(text)
    return _Read(g, level_of, abbreviations, concepts, numbering, texts, raw_terms)


def compile_knowledge(corpus: Sequence[Traversable], aurora: Sequence[Traversable], digest: str = "") -> Knowledge:
    """Compile the corpus files and Aurora query files into the linker's tables."""
    g = _Triples(corpus)
    read = _read_concepts(g)
    level_of, abbreviations, concepts = read.level_of, read.abbreviations, read.concepts
    numbering, raw_terms = read.numbering, read.raw_terms
    texts: dict[str, list[str]] = defaultdict(list, {iri: list(t) for iri, t in read.texts.items()})
    # a goal's text for similarity includes its targets' texts
    for iri, concept in concepts.items():
        if concept.level == "sdg-target" and concept.parent in concepts:
            texts[concept.parent] += texts[iri]

    # --- term index
    per_key: dict[tuple[str, ...], dict[str, tuple[str, str]]] = defaultdict(dict)
    acronyms: set[str] = set()
    for term, iri, kind in raw_terms:
        term = term.strip()
        if not term or iri not in concepts:
            continue
        for word in re.findall(r"\b[A-Z][A-Z0-9&]{1,}\b", term):
            if word == term.strip() or len(word) <= 5:
                acronyms.add(word)
        key = tuple(t.norm for t in tokenise(term, acronyms))
        if key and iri not in per_key[key]:
            per_key[key][iri] = (term, kind)
    terms: dict[tuple[str, ...], list[TermEntry]] = {}
    for key, owners in per_key.items():
        shared = Counter(concepts[iri].level for iri in owners)
        words = len([w for w in key if w.lower() not in STOPWORDS]) or 1
        terms[key] = [
            TermEntry(iri, term, words, shared[concepts[iri].level], kind)
            for iri, (term, kind) in sorted(owners.items())
        ]

    # --- relations
    crosswalk: dict[str, list[str]] = defaultdict(list)
    enshrined: dict[str, list[str]] = defaultdict(list)
    theme_targets: dict[str, list[str]] = defaultdict(list)
    issue_themes: dict[str, list[str]] = {}
    uhri_themes: dict[str, list[str]] = defaultdict(list)
    for iri, props in g.by_subject.items():
        for obj in props.get(_HRG + "correspondsTo", []):
            if iri in concepts and obj in concepts:
                crosswalk[iri].append(obj)
        for obj in props.get(_HRG + "enshrinedIn", []):
            if iri in concepts and obj in concepts:
                enshrined[iri].append(obj)
        if level_of.get(iri) == "theme":
            for obj in props.get(_SKOS + "relatedMatch", []):
                if obj in concepts:
                    theme_targets[iri].append(obj)
            for uhri in props.get(_SKOS + "hiddenLabel", []):
                uhri_themes[uhri.lower()].append(iri)
        if _HRG + "IssueTag" in g.types.get(iri, ()):
            issue = g.one(iri, _SKOS + "prefLabel") or ""
            matched = [o for o in props.get(_SKOS + "closeMatch", []) if level_of.get(o) == "theme"]
            issue_themes[issue] = sorted(matched)
    counterparts: dict[str, str] = {}
    for slug, table in UDHR_COUNTERPARTS.items():
        for number, udhr in table.items():
            source, target = f"{_ID}{slug}/art_{number}", f"{_ID}udhr/art_{udhr}"
            if source in concepts and target in concepts:
                counterparts[source] = target
    instruments = {iri: sorted({abbreviations[iri], *g.all(iri, _SKOS + "altLabel")}) for iri in abbreviations}
    for iri in instruments:
        official = g.one(iri, _DC_TITLE)
        if official:
            instruments[iri].append(official)

    # --- similarity
    similarity = {
        level: _tfidf({iri: texts[iri] for iri, c in concepts.items() if c.level == level and texts.get(iri)})
        for level in ("sdg-goal", "sdg-target", "article", "theme")
    }

    # --- queries
    queries = [q for q in read_queries(aurora) if q.target in concepts]
    query_index: dict[str, list[int]] = defaultdict(list)
    for i, q in enumerate(queries):
        for trigger in trigger_keys(q.node):
            query_index[trigger].append(i)
    return Knowledge(
        instrument_themes=_instrument_themes(concepts, enshrined),
        digest=digest,
        concepts=concepts,
        terms=terms,
        acronyms=frozenset(acronyms),
        crosswalk={k: sorted(set(v)) for k, v in crosswalk.items()},
        enshrined={k: sorted(set(v)) for k, v in enshrined.items()},
        theme_targets={k: sorted(set(v)) for k, v in theme_targets.items()},
        counterparts=counterparts,
        instruments=instruments,
        numbering=numbering,
        similarity=similarity,
        queries=queries,
        query_index=dict(query_index),
        issue_themes=issue_themes,
        uhri_themes=dict(uhri_themes),
    )


def _instrument_themes(concepts: dict[str, Concept], enshrined: dict[str, list[str]]) -> dict[str, list[str]]:
    """Return the themes an instrument is about ("the CRC" → rights of the child).

    Those with at least 40 % (and three) of their articles in it, without the narrower ones of a theme
    already chosen.
    """
    chosen: dict[str, set[str]] = defaultdict(set)
    for theme, articles in enshrined.items():
        if concepts[theme].level != "theme":
            continue
        counts = Counter(concepts[a].instrument for a in articles if concepts[a].level == "article")
        total = sum(counts.values())
        for instrument, n in counts.items():
            if instrument and n >= 3 and n / total >= 0.4:
                chosen[instrument].add(theme)
    return {
        instrument: sorted(t for t in themes if concepts[t].parent not in themes)
        for instrument, themes in sorted(chosen.items())
    }


def _tfidf(documents: dict[str, list[str]]) -> Similarity:
    """Unit-length TF-IDF vectors (sublinear tf) of the concepts' texts, as postings."""
    names = sorted(documents)
    bags = []
    for name in names:
        words = [w for t in documents[name] if t for w in similarity_features(tokenise(t))]
        bags.append(Counter(words))
    df = Counter(w for bag in bags for w in bag)
    n = len(bags)
    idf = {w: math.log((1 + n) / (1 + d)) + 1.0 for w, d in df.items()}
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for index, bag in enumerate(bags):
        weights = {w: (1 + math.log(c)) * idf[w] for w, c in bag.items()}
        norm = math.sqrt(sum(x * x for x in weights.values())) or 1.0
        for w, x in weights.items():
            postings[w].append((index, round(x / norm, 5)))
    return Similarity(names, {w: round(x, 5) for w, x in idf.items()}, dict(postings))


# --- the cache -----------------------------------------------------------------------------------------


def _digest(files: Iterable[Traversable]) -> str:
    h = hashlib.sha256(f"format {_FORMAT}".encode())
    h.update(Path(__file__).read_bytes())
    h.update(Path(__file__).with_name("aurora.py").read_bytes())
    h.update(Path(__file__).with_name("text.py").read_bytes())
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:20]


def cache_dir() -> Path:
    """Return the folder of compiled linker tables: the user cache dir (``HRGRAPH_CACHE`` overrides it)."""
    return Path(os.environ.get("HRGRAPH_CACHE") or platformdirs.user_cache_dir("hrgraph"))


@cache
def load_knowledge() -> Knowledge:
    """Return the compiled tables for the packaged corpus, from the cache when it is current."""
    corpus = corpus_files()
    if not corpus:
        raise BadInputError("no built standards corpus is packaged: run `hrgraph corpus build`")
    aurora = aurora_files()
    digest = _digest([*corpus, *aurora])
    path = cache_dir() / f"link-knowledge-{digest}.json"
    if path.is_file():
        try:
            return Knowledge.from_json(json.loads(path.read_bytes()))
        except (ValueError, KeyError, TypeError, BadInputError):
            pass  # a damaged or stale cache file is rebuilt below
    knowledge = compile_knowledge(corpus, aurora, digest)
    _write_cache(path, knowledge)
    return knowledge


def _write_cache(path: Path, knowledge: Knowledge) -> None:
    """Write atomically; a cache that cannot be written only costs time on the next load."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".link-knowledge.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(knowledge.to_json(), handle, separators=(",", ":"))
        os.replace(tmp, path)
        for old in path.parent.glob("link-knowledge-*.json"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        return
