"""The scoring: signals found in a passage, combined into one confidence per standard.

A text is cut into passages (:func:`hrgraph.link.text.split_passages`); in each passage the signals
are, each an :class:`Evidence` with a strength in [0, 1]:

==============  ==========================================================  =====================
method          signal                                                       strength
==============  ==========================================================  =====================
citation        an explicit citation ("ICESCR art. 11(1)", "SDG target 11.1")  0.97
terminology     a label or synonym of the standard (normalised words)       0.5–0.7 by length;
                                                                            less when shared by
                                                                            several standards or
                                                                            generic ("policy");
                                                                            × 0.8 with one more
                                                                            content word inside a
                                                                            term of three or more
                                                                            ("violence against
                                                                            indigenous women")
query           a line of the Aurora query of an SDG target                  0.45
similarity      TF-IDF cosine between the passage and the standard's text,  up to 0.35–0.8 by
                the best three per level; the best one counts fully only    level (:data:`SIMILARITY`)
                when it stands clear of the second
inference       another link, through the graph (chain recorded)            its score × a factor
                                                                            per relation, shared
                                                                            out by ``1/√n``
==============  ==========================================================  =====================

The strengths of the direct evidence for one standard are combined as independent signals
(``1 − Π(1 − s)``), with the strongest inference counted once (inferences share their source). An
SDG goal that the classifier does not back (:data:`GOAL_BACKING`) and no citation names keeps
:data:`UNBACKED_GOAL` of its other evidence: a goal's words, targets and themes turn up in text about
other goals, and the classifier, weighing every word of the passage, judges which goal it is about.
Inference runs after direct evidence, in a fixed order: targets propose the articles of their
crosswalk and articles their targets, paragraphs their article; targets imply their goal; covenant
articles propose their Universal Declaration counterparts; instruments, articles and targets
propose their themes, and so do the groups a measure is for (:data:`GROUP_THEMES`); themes their
goals, their targets and the articles stating them (articles of a group's convention only when the
passage names such a group). :data:`CALIBRATION` then maps the
combined score per level onto the precision observed on the labelled sets (a monotone,
piecewise-linear curve fitted by ``benchmarks/calibrate_link.py``); an explicit citation keeps 0.97,
and the goal of a cited target (the article of a cited paragraph) 0.92. An article is never less sure
than its surest paragraph; a goal keeps its own confidence, to which its targets add at a discount (a
wrong target among 169 is found more often than a wrong goal among 17).
Links below :func:`min_confidence_of` their level are not proposed, nor is an SDG goal less than
half as sure as the passage's surest goal, or a target of such a goal (:data:`GOAL_SHARE`: goals far
behind the main ones are side remarks; a long report section may still serve several goals).

>>> from hrgraph.link.knowledge import load_knowledge
>>> linker = Linker(load_knowledge())
>>> links = {x.object_id: x for x in linker.link("Expand the homeless shelters of the city.")}
>>> target = links["http://metadata.un.org/sdg/11.1"]
>>> target.evidence, target.method
('homeless shelters', 'terminology')
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import NamedTuple

from hrgraph.errors import BadInputError, UnknownNameError
from hrgraph.link.aurora import Passage, Prefixes, evaluate, required_keys
from hrgraph.link.citations import Citation, CitationFinder
from hrgraph.link.classifier import MODEL_LEVELS, Classifier, load_classifier, word_features
from hrgraph.link.knowledge import LEVELS, Knowledge, Similarity, TermEntry
from hrgraph.link.text import STOPWORDS, Token, is_english, similarity_features, split_passages, tokenise, trapped

__all__ = [
    "CALIBRATION",
    "DEFAULT_MIN_CONFIDENCE",
    "GOAL_BACKING",
    "GOAL_SHARE",
    "LEVEL_MIN_CONFIDENCE",
    "UNBACKED_GOAL",
    "Evidence",
    "Link",
    "Linker",
    "check_levels",
    "check_max_passage_words",
    "check_min_confidence",
    "min_confidence_of",
]

SEMAPV = "https://w3id.org/semapv/vocab/"
JUSTIFICATIONS = {
    "citation": SEMAPV + "LexicalMatching",
    "terminology": SEMAPV + "LexicalMatching",
    "query": SEMAPV + "LexicalMatching",
    "similarity": SEMAPV + "SemanticSimilarityThresholdMatching",
    "classifier": SEMAPV + "SemanticSimilarityThresholdMatching",
    "inference": SEMAPV + "MappingChaining",
}
# Words every local policy document uses: alone they say nothing about which right is served.
GENERIC_TERMS = (
    "human rights",
    "implementation",
    "policy",
    "strategy",
    "action plan",
    "budget",
    "municipality",
    "city council",
    "local government",
    "legislation",
    "regulation",
    "ordinance",
    "resolution",
    "proclamation",
    "by-law",
    "municipal code",
    "charter",
    "convention",
    "training",
    "monitoring",
    "indicators",
    "baseline",
    "follow-up",
    "coordination",
    "survey",
    "statistics",
    "signature",
    "development",
    "protection",
    "participation",
    "recommendations",
    "work",
    "fundamental freedoms",
    "fundamental rights",
    "human rights obligations",
)
# The International Bill of Human Rights: its articles are inferred from a theme without a group named.
GENERAL_INSTRUMENTS = ("udhr", "iccpr", "icescr")
DEFAULT_MIN_CONFIDENCE = 0.3
"""Links below this confidence are not proposed. Confidences are calibrated, so about one in three
proposals or more is right; on the labelled sets the F1 of every level is at or near its best here."""
LEVEL_MIN_CONFIDENCE = {"article": 0.2, "paragraph": 0.2, "sdg-goal": 0.4}
"""Levels proposed from another confidence than :data:`DEFAULT_MIN_CONFIDENCE` when no minimum is given.

A link is worth proposing, for the F1 of its level, when it is right more often than half that F1
(for calibrated confidences the best cut-off is F1/2). On the calibration data (the local-policy
passages, the OHCHR Slovenia lists by cross-validation) the 0.2–0.3 band of articles is right 36% of
the time, above half their F1 (≈ 0.69 / 2); that of themes 30%, below half theirs (≈ 0.66 / 2). The
0.3–0.4 band of goals is right 41% of the time, barely above half their F1 (≈ 0.77 / 2), and far less
often on other kinds of text (scientific abstracts; administrative clauses, where the goal of
institutions is the usual guess): goals start at 0.4, which leaves their F1 on the OHCHR Slovenia lists
as it was (0.765 against 0.767, by cross-validation) at a higher precision (0.77 against 0.72). The
0.2–0.3 band of SDG targets holds too few links to tell (28); they start at 0.3."""


def min_confidence_of(level: str, min_confidence: float | None = None) -> float:
    """Return the confidence from which links of a level are proposed: ``min_confidence`` if given.

    >>> min_confidence_of("sdg-target"), min_confidence_of("article"), min_confidence_of("sdg-target", 0.1)
    (0.3, 0.2, 0.1)
    """
    if min_confidence is not None:
        return min_confidence
    return LEVEL_MIN_CONFIDENCE.get(level, DEFAULT_MIN_CONFIDENCE)


CITATION = 0.97
QUERY = 0.45
# level → factor applied to the classifier's probability; the best few standards per level only
CLASSIFIER = {"sdg-goal": 0.8, "sdg-target": 1.0, "theme": 1.0, "article": 0.8}
CLASSIFIER_TOP = 3
CLASSIFIER_FLOOR = 0.05
CLASSIFIER_WORDS = 3  # a passage of fewer content words gives the classifier that share of its weight
MIN_SOURCE = 0.1  # weaker links propose nothing through the graph
MIN_INFERRED = 0.05  # nor are weaker inferences kept
INSTRUMENT_THEME = 0.6
GOAL_SHARE = 0.5  # a goal less than half as sure as the passage's surest goal is not proposed
GROUP_GATE = 0.6  # factor for a group convention's article when no group of it is named
GOAL_BACKING = 0.1  # the classifier's probability from which it backs a goal
UNBACKED_GOAL = 0.6  # factor for the other evidence of a goal the classifier does not back (and no citation names)
# level → (cosine giving no strength, cosine giving full strength, full strength)
SIMILARITY = {
    "sdg-goal": (0.05, 0.25, 0.8),
    "sdg-target": (0.10, 0.36, 0.75),
    "article": (0.15, 0.45, 0.35),
    "theme": (0.10, 0.45, 0.8),
}
CITED_PARENT = 0.95  # the goal of a cited target, the article of a cited paragraph: that share of the citation
# relation → factor applied to the source link's confidence. A goal is inferred from its targets at a
# discount and is never lifted to a target's confidence: of 169 targets the wrong one is found more often
# than the wrong one of 17 goals, which have their own terms, similarity and classifier.
INFERENCE = {
    "target-goal": 0.6,
    "paragraph-article": 0.95,
    "target-article": 0.7,
    "article-target": 0.35,
    "counterpart": 1.0,
    "article-theme": 0.55,
    "target-theme": 0.45,
    "theme-article": 0.6,
    "theme-goal": 0.5,
    "theme-target": 0.55,
    "group-theme": 0.8,
}
# level → points (combined score, confidence) of a monotone piecewise-linear calibration curve, fitted
# by benchmarks/calibrate_link.py (isotonic regression on the labelled sets whose licence allows it: the
# local-policy passages and the OHCHR Slovenia lists; less a 0.05 safety margin). Goals and targets are
# capped below 0.8 (its CAP): found from wording alone they are right less often on other kinds of text
# (scientific abstracts, UN recommendations) than on local policy, so only an explicit citation reaches 0.8.
_ARTICLE = (
    (0.0, 0.0),
    (0.2, 0.0),
    (0.3, 0.027),
    (0.4, 0.254),
    (0.5, 0.337),
    (0.6, 0.556),
    (0.7, 0.671),
    (0.8, 0.852),
    (0.85, 0.922),
    (0.9, 0.949),
    (0.95, 0.95),
    (1.0, 0.95),
)
CALIBRATION: dict[str, tuple[tuple[float, float], ...]] = {
    "sdg-goal": (
        (0.0, 0.0),
        (0.2, 0.121),
        (0.3, 0.23),
        (0.4, 0.285),
        (0.5, 0.503),
        (0.6, 0.631),
        (0.7, 0.72),
        (0.8, 0.787),
        (0.85, 0.79),
        (0.9, 0.79),
        (0.95, 0.79),
        (1.0, 0.79),
    ),
    "sdg-target": (
        (0.0, 0.0),
        (0.2, 0.0),
        (0.3, 0.009),
        (0.4, 0.263),
        (0.5, 0.36),
        (0.6, 0.493),
        (0.7, 0.606),
        (0.8, 0.691),
        (0.85, 0.79),
        (0.9, 0.79),
        (0.95, 0.79),
        (1.0, 0.79),
    ),
    "article": _ARTICLE,
    "paragraph": _ARTICLE,
    "theme": (
        (0.0, 0.0),
        (0.2, 0.135),
        (0.3, 0.196),
        (0.4, 0.256),
        (0.5, 0.43),
        (0.6, 0.585),
        (0.7, 0.593),
        (0.8, 0.686),
        (0.85, 0.754),
        (0.9, 0.802),
        (0.95, 0.839),
        (1.0, 0.852),
    ),
    "instrument": ((0.0, 0.0), (1.0, 1.0)),
}


class Evidence(NamedTuple):
    """One signal for one standard in one passage."""

    method: str
    strength: float
    start: int
    end: int
    detail: str
    via: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    """A proposed link from a span of text to a standard.

    ``start``/``end`` are character offsets of the evidence in the text; ``justification`` says in
    words why; ``method`` is the strongest signal; ``derived_from`` records an inference chain.
    """

    object_id: str
    object_label: str
    level: str
    confidence: float
    start: int
    end: int
    evidence: str
    justification: str
    method: str
    derived_from: tuple[str, ...] = ()

    @property
    def mapping_justification(self) -> str:
        """The SEMAPV term of the method (``semapv:LexicalMatching`` …)."""
        return JUSTIFICATIONS.get(self.method, SEMAPV + "UnspecifiedMatching")


def _rank(evidence: Evidence) -> tuple[int, int, str]:
    """Order signals strongest first; of equals (to nine decimals), the shorter chain, then by detail."""
    return (-int(evidence.strength * 1e9 + 0.5), len(evidence.via), evidence.detail)


def _surest(evidence: Evidence) -> tuple[bool, int, int, str]:
    """Order signals as :func:`_rank` does, but those found in the text before those inferred."""
    return (evidence.method == "inference", -int(evidence.strength * 1e9 + 0.5), len(evidence.via), evidence.detail)


def _share(related: Sequence[str]) -> float:
    """Return the part of an inference each of ``n`` related standards gets: ``1/√n``."""
    return 1.0 / math.sqrt(max(1, len(related)))


def check_levels(levels: Iterable[str] | None) -> frozenset[str]:
    """Return the levels asked for (all when None); an unknown name or an empty list is an error.

    >>> sorted(check_levels(["article", "sdg-goal"]))
    ['article', 'sdg-goal']
    """
    if levels is None:
        return frozenset(LEVELS)
    if isinstance(levels, str):
        raise BadInputError(f"levels must be a list of level names, not the string {levels!r}")
    chosen = frozenset(levels)
    if not chosen:
        raise BadInputError(f"no level asked for: use one or more of {', '.join(LEVELS)}")
    unknown = sorted(chosen - set(LEVELS))
    if unknown:
        raise UnknownNameError(f"unknown level {unknown[0]!r}: use one of {', '.join(LEVELS)}")
    return chosen


def check_min_confidence(value: object) -> float | None:
    """Return a minimum confidence as a float (None stays None); anything but a number in [0, 1] is an error.

    >>> check_min_confidence(1), check_min_confidence(None)
    (1.0, None)
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise BadInputError(f"min_confidence must be a number between 0 and 1, not {value!r}")
    return float(value)


def check_max_passage_words(value: object) -> int:
    """Return the longest passage in words; anything but a whole number from 1 on is an error.

    >>> check_max_passage_words(200)
    200
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadInputError(f"max_passage_words must be a whole number of at least 1, not {value!r}")
    return value


def calibrate(level: str, score: float) -> float:
    """Map a combined score onto a confidence with the level's calibration curve."""
    points = CALIBRATION.get(level, ((0.0, 0.0), (1.0, 1.0)))
    i = max(1, bisect_left(points, (score,)))  # the first point at or right of the score
    if i == len(points):
        return points[-1][1]
    (x0, y0), (x1, y1) = points[i - 1], points[i]
    return y0 + (y1 - y0) * (score - x0) / (x1 - x0 or 1.0)


def combine(strengths: Iterable[float]) -> float:
    """Combine independent signals: ``1 − Π(1 − s)``.

    >>> round(combine([0.5, 0.5]), 2)
    0.75
    """
    rest = 1.0
    for s in strengths:
        if s > 0.0:  # a signal is at most certain: strengths above 1 count as 1
            rest *= 1.0 - (s if s < 1.0 else 1.0)
    return 1.0 - rest


def term_strength(entry: TermEntry, generic: bool = False) -> float:
    """How much a term match says: longer terms more, terms shared by several standards less."""
    base = {1: 0.50, 2: 0.60}.get(entry.words, 0.70)
    if entry.kind == "hiddenLabel":
        base = min(base, 0.5)
    if generic:
        base *= 0.3
    return base / (1.0 + 0.35 * (entry.shared - 1))


GROUP_THEMES = {
    "https://w3id.org/hrgraph/id/group/women-and-girls": ("https://w3id.org/hrgraph/id/theme/gender-equality",)
}
"""Themes a measure serves by being for a group: one for women and girls serves gender equality (CEDAW)."""
GAPPED = 0.8
"""A term matched with one more word inside it says a little less."""


def _backed(evidence: Iterable[Evidence]) -> bool:
    """Say whether a goal's evidence includes a citation or the classifier's probability of at least GOAL_BACKING.

    A goal's words, its targets and its themes turn up in text on other goals (the schools that new water
    mains reach); the classifier, which weighs all the words of the passage, is the surer judge of which
    goal a text is about.
    """
    floor = CLASSIFIER["sdg-goal"] * GOAL_BACKING
    return any(e.method == "citation" or (e.method == "classifier" and e.strength >= floor) for e in evidence)


@dataclass
class _Scores:
    evidence: dict[str, dict[tuple[str, str], Evidence]] = field(default_factory=lambda: defaultdict(dict))
    """Of each standard, the strongest evidence of each signal (method and detail), the first of equals."""
    changed: set[str] = field(default_factory=set)
    """Standards with stronger evidence since their confidence was last settled."""
    surest: dict[str, Evidence] = field(default_factory=dict)
    """Of each standard, its first evidence by :func:`_surest`: the justification of what it infers."""

    def add(self, iri: str, evidence: Evidence) -> None:
        signals = self.evidence[iri]
        key = (evidence.method, evidence.detail)
        known = signals.get(key)
        if known is None or evidence.strength > known.strength:
            signals[key] = evidence
            self.changed.add(iri)
            surest = self.surest.get(iri)
            if surest is None or _surest(evidence) < _surest(surest):
                self.surest[iri] = evidence
            elif surest is known:  # replaced by a stronger one that ranks no better (a longer chain, to rounding)
                self.surest[iri] = min(signals.values(), key=_surest)


class Linker:
    """Finds the standards a text serves; one instance per knowledge, reused for every text."""

    def __init__(
        self,
        knowledge: Knowledge,
        *,
        levels: Iterable[str] | None = None,
        min_confidence: float | None = None,
        max_passage_words: int = 200,
        classifier: Classifier | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.classifier = classifier if classifier is not None else load_classifier()
        self.levels = check_levels(levels)
        min_confidence = check_min_confidence(min_confidence)
        self.min_confidence = min_confidence  # None: each level's default (min_confidence_of)
        self._cutoffs = {level: min_confidence_of(level, min_confidence) for level in LEVELS}
        self.max_passage_words = check_max_passage_words(max_passage_words)
        self.citations = CitationFinder(knowledge)
        # the lengths of the terms, longest first, by first word; and of terms of three words or more found
        # with one word more inside
        lengths: dict[str, set[int]] = defaultdict(set)
        gapped: dict[str, set[int]] = defaultdict(set)
        self._ends: set[tuple[str, str]] = set()
        for key in knowledge.terms:
            lengths[key[0]].add(len(key))
            if len(key) >= 3:
                gapped[key[0]].add(len(key) + 1)
                self._ends.add((key[0], key[-1]))
        self._lengths = {first: sorted(found, reverse=True) for first, found in lengths.items()}
        self._gapped = {first: sorted(found, reverse=True) for first, found in gapped.items()}
        self._generic = {tuple(t.norm for t in tokenise(term)) for term in GENERIC_TERMS}
        general = tuple(f"https://w3id.org/hrgraph/id/{slug}" for slug in GENERAL_INSTRUMENTS)
        self._general = frozenset(general)
        self._group_instruments = (
            frozenset(
                knowledge.concepts[a].instrument
                for g, articles in knowledge.enshrined.items()
                if knowledge.concepts[g].level == "group"
                for a in articles
            )
            - self._general
        )
        self._required = [required_keys(line.node) for line in knowledge.queries]
        self._prefixes = Prefixes(
            key[2:] for keys in self._required for key in chain.from_iterable(keys) if key.startswith("p:")
        )
        self._levels = {iri: concept.level for iri, concept in knowledge.concepts.items()}
        self._vectors = _Vectors(knowledge.similarity)

    # --- public -----------------------------------------------------------------------------------

    def link(self, text: str) -> list[Link]:
        """Return the links of a text at or above the minimum confidence, in text order."""
        tokens = tokenise(text, self.knowledge.acronyms)
        citations = self.citations.find(text)
        links: list[Link] = []
        for first, last in split_passages(text, tokens, max_words=self.max_passage_words):
            window = tokens[first:last]
            if not is_english(window):  # the corpus is English: other languages would be linked by chance
                continue
            start, end = window[0].start, window[-1].end
            cited = [c for c in citations if c.start < end and c.end > start]
            links += self._link_passage(text, window, cited)
        return sorted(links, key=lambda x: (x.start, -x.confidence, x.object_id))

    # --- one passage --------------------------------------------------------------------------------

    def _link_passage(self, text: str, tokens: Sequence[Token], cited: Sequence[Citation]) -> list[Link]:
        k = self.knowledge
        scores = _Scores()
        for c in cited:
            scores.add(c.iri, Evidence("citation", CITATION, c.start, c.end, f'cited as "{c.text}"'))
        if cited:  # the words of a citation ("Cultural Rights" in a covenant's title) are not terms
            tokens = [t for t in tokens if not any(c.start <= t.start < c.end for c in cited)]
        self._terms(tokens, scores)
        self._queries(tokens, scores)
        words = similarity_features(tokens)
        self._similarity(tokens, words, scores)
        self._classify(tokens, words, scores)
        confidence: dict[str, float] = {}
        best: dict[str, Evidence] = {}
        gated: dict[str, float] = {}

        levels = self._levels

        sources: dict[str, list[str]] = defaultdict(list)  # by level, the standards sure enough to infer from

        def settle() -> None:
            """Work out the confidence of each standard whose evidence (or gate) changed."""
            iris = sorted(scores.changed)  # in a fixed order, so that every run gives the same output
            scores.changed.clear()
            for iri in iris:
                kept = scores.evidence.get(iri)
                if not kept:
                    continue
                gate = gated.get(iri, 1.0)
                backing = 1.0 if levels[iri] != "sdg-goal" or _backed(kept.values()) else UNBACKED_GOAL
                direct, inferred = [], 0.0  # every signal from the text, and the strongest inference only
                for e in kept.values():
                    if e.method == "inference":
                        if e.strength > inferred:
                            inferred = e.strength
                    else:
                        direct.append(e.strength * gate * (1.0 if e.method == "classifier" else backing))
                confidence[iri] = combine([*direct, backing * inferred])
                best[iri] = scores.surest[iri]
            sources.clear()
            for iri, c in confidence.items():
                if c >= MIN_SOURCE:
                    sources[levels[iri]].append(iri)

        def infer(pairs: Iterable[tuple[str, str]], relation: str, what: str, share: float = 1.0) -> set[str]:
            factor = INFERENCE[relation] * share
            touched = set()
            for source, target in list(pairs):
                origin = best.get(source)
                if origin is None:
                    continue
                strength = confidence[source] * factor
                if strength < MIN_INFERRED or target not in k.concepts or target in origin.via or target == source:
                    continue
                chain = (*origin.via, source)
                detail = f"{what} {k.concepts[source].notation}"
                scores.add(target, Evidence("inference", strength, origin.start, origin.end, detail, chain))
                touched.add(target)
            return touched

        def at(level: str) -> list[str]:
            return list(sources[level])

        def found(level: str) -> list[str]:
            """Return the standards of a level found mostly from the text itself, not by inference.

            Only these suggest a theme: a guess from a guess is not worth proposing.
            """
            return [i for i in at(level) if min(scores.evidence[i].values(), key=_rank).method != "inference"]

        settle()
        gated.update(self._gate_group_articles(confidence, at))
        scores.changed.update(gated)
        settle()
        targets, articles, paragraphs = at("sdg-target"), at("article"), at("paragraph")
        declaration = set(k.counterparts.values())  # the UDHR counterparts of covenant articles
        for target in targets:  # a target served by few articles says more about each of them
            served = k.crosswalk.get(target, ())
            share = _share([a for a in served if a not in declaration])
            infer(((target, a) for a in served), "target-article", "crosswalk of", share)
        infer(((a, t) for a in articles for t in k.reverse["crosswalk"].get(a, ())), "article-target", "crosswalk of")
        infer(((p, k.concepts[p].parent or "") for p in paragraphs), "paragraph-article", "its paragraph")
        settle()
        infer(((t, k.concepts[t].parent or "") for t in at("sdg-target")), "target-goal", "its target")
        infer(((a, k.counterparts[a]) for a in at("article") if a in k.counterparts), "counterpart", "counterpart of")
        settle()
        for instrument in at("instrument"):
            for theme in k.instrument_themes.get(instrument, ()):
                origin = best[instrument]
                detail = f"theme of {k.concepts[instrument].notation}"
                strength = confidence[instrument] * INSTRUMENT_THEME
                scores.add(theme, Evidence("inference", strength, origin.start, origin.end, detail, (instrument,)))
        for article in found("article"):  # an article stating few themes says more about each of them
            themes = [t for t in k.reverse["enshrined"].get(article, ()) if k.concepts[t].level == "theme"]
            infer(((article, t) for t in themes), "article-theme", "enshrined in", _share(themes))
        for target in found("sdg-target"):
            themes = k.reverse["theme_targets"].get(target, [])
            infer(((target, t) for t in themes), "target-theme", "related to", _share(themes))
        infer(((g, t) for g in at("group") for t in GROUP_THEMES.get(g, ())), "group-theme", "for group")
        settle()
        direct_themes = [t for t in at("theme") if best[t].method != "inference"]
        for theme in direct_themes:
            goals = sorted({g for g in (k.concepts[x].parent for x in k.theme_targets.get(theme, ())) if g})
            infer(((theme, g) for g in goals), "theme-goal", "goal of theme", _share(goals))
        for theme in direct_themes:  # a theme related to few targets says more about each of them
            related = k.theme_targets.get(theme, ())
            infer(((theme, x) for x in related), "theme-target", "related to theme", _share(related))
        settle()
        groups = {i for i in at("group") if confidence[i] >= 0.4}
        named = self._general | {k.concepts[a].instrument for g in groups for a in k.enshrined.get(g, ())}
        themes = [t for t in at("theme") if best[t].method != "inference"]
        touched = set()
        for theme in themes:
            stated = [a for a in k.enshrined.get(theme, ()) if k.concepts[a].instrument in named]
            touched |= infer(((theme, a) for a in stated), "theme-article", "states the right of theme", _share(stated))
        settle()
        infer(((a, k.counterparts[a]) for a in touched if a in k.counterparts), "counterpart", "counterpart of")
        settle()

        final = {iri: calibrate(k.concepts[iri].level, score) for iri, score in confidence.items()}
        lifted: dict[str, str] = {}
        cited_iris = set()
        for iri, evidence in scores.evidence.items() if cited else ():
            if iri in final and any(method == "citation" for method, _ in evidence):
                cited_iris.add(iri)
                final[iri] = max(final[iri], CITATION)  # an explicit citation is as sure as its wording
                parent = k.concepts[iri].parent  # and so is the goal of a cited target, the article of a paragraph
                implied = CITATION * CITED_PARENT
                if k.concepts[iri].level in ("sdg-target", "paragraph") and parent in final:
                    final[parent] = max(final[parent], implied)
                    lifted[parent] = iri  # the cited child is the surest justification
        for iri, conf in list(final.items()):  # an article is right whenever one of its paragraphs is
            concept = k.concepts[iri]
            parent = concept.parent
            if concept.level == "paragraph" and iri not in cited_iris and parent in final and conf > final[parent]:
                final[parent] = conf
                lifted[parent] = iri
        goal_confidence = {i: c for i, c in final.items() if k.concepts[i].level == "sdg-goal"}
        minor_goals = {i for i, c in goal_confidence.items() if c < GOAL_SHARE * max(goal_confidence.values())}
        links = []
        for iri, conf in final.items():
            concept = k.concepts[iri]
            if concept.level not in self.levels or conf < self._cutoffs.get(concept.level, 0.0):
                continue
            if iri in minor_goals or (concept.level == "sdg-target" and concept.parent in minor_goals):
                continue
            ranked = sorted(scores.evidence[iri].values(), key=_rank)
            top = ranked[0]  # the strongest signal
            method, chain = top.method, top.via
            if iri in lifted:
                top = best[lifted[iri]]
                method, chain = "inference", (*top.via, lifted[iri])
            reasons = "; ".join(e.detail for e in ranked[:4])
            links.append(
                Link(
                    object_id=iri,
                    object_label=concept.label,
                    level=concept.level,
                    confidence=round(conf, 4),
                    start=top.start,
                    end=top.end,
                    evidence=text[top.start : top.end],
                    justification=reasons,
                    method=method,
                    derived_from=chain,
                )
            )
        return links

    def _gate_group_articles(self, confidence: dict[str, float], at: Callable[[str], list[str]]) -> dict[str, float]:
        """Lower the articles of a group's convention (CRC, CEDAW, CRPD …) when the passage names no such group.

        Their words ("health services", "education") are shared with the general covenants; lawyers cite
        the group-specific article only when the group is there.
        """
        k = self.knowledge
        named: set[str | None] = set(self._general)
        for group in at("group"):
            if confidence[group] >= 0.4:
                named |= {k.concepts[a].instrument for a in k.enshrined.get(group, ())}
        for theme in at("theme"):
            named |= {i for i, themes in k.instrument_themes.items() if theme in themes and confidence[theme] >= 0.4}
        named |= set(at("instrument"))
        return {
            article: GROUP_GATE
            for article in at("article")
            if k.concepts[article].instrument in self._group_instruments and k.concepts[article].instrument not in named
        }

    # --- signals ------------------------------------------------------------------------------------

    def _terms(self, tokens: Sequence[Token], scores: _Scores) -> None:
        norms = [t.norm for t in tokens]
        # "Art. 3" cites an article: it is not "the arts"
        blocked = {
            i for i, t in enumerate(tokens[:-1]) if t.lower in ("art", "arts") and tokens[i + 1].lower[0].isdigit()
        }
        blocked |= trapped(tokens)
        spans: dict[str, list[tuple[int, int, TermEntry, float]]] = defaultdict(list)  # and the match's strength
        terms = self.knowledge.terms
        for i, norm in enumerate(norms):
            lengths = self._lengths.get(norm)
            if lengths is None:
                continue
            for length in lengths:
                if i + length > len(norms):
                    continue
                entries = terms.get(tuple(norms[i : i + length]))
                if entries is None or any(j in blocked for j in range(i, i + length)):
                    continue
                if (
                    length > 1
                    and all(len(norms[j]) == 1 for j in range(i, i + length))
                    and any(tokens[j + 1].start - tokens[j].end > 1 for j in range(i, i + length - 1))
                ):
                    continue  # "R&D" is not "R. D." Patel
                generic = tuple(norms[i : i + length]) in self._generic
                for entry in entries:
                    spans[entry.concept].append((i, i + length, entry, term_strength(entry, generic)))
            # one content word more inside a term of three or more ("violence against indigenous women")
            for length in self._gapped.get(norm, ()):
                if (
                    i + length > len(norms)
                    or (norm, norms[i + length - 1]) not in self._ends
                    or any(j in blocked for j in range(i, i + length))
                ):
                    continue
                for skip in range(i + 1, i + length - 1):
                    if tokens[skip].lower in STOPWORDS or not tokens[skip].lower.isalpha():
                        continue  # "work and the employment" is no "work and employment"
                    key = tuple(norms[j] for j in range(i, i + length) if j != skip)
                    entries = terms.get(key)
                    if entries is None or key in self._generic:
                        continue
                    for entry in entries:
                        if entry.words >= 2:
                            spans[entry.concept].append((i, i + length, entry, GAPPED * term_strength(entry)))
        for iri, found in spans.items():
            found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
            outer: list[tuple[int, int, TermEntry, float]] = []
            for item in found:
                if not any(o[0] <= item[0] and item[1] <= o[1] for o in outer):
                    outer.append(item)
            for i, j, entry, strength in outer:
                detail = f'term "{entry.term}"'
                scores.add(iri, Evidence("terminology", strength, tokens[i].start, tokens[j - 1].end, detail))

    def _queries(self, tokens: Sequence[Token], scores: _Scores) -> None:
        k = self.knowledge
        passage = Passage(tokens)
        keys = passage.keys(self._prefixes)
        candidates: set[int] = set()
        for key in keys:
            candidates.update(k.query_index.get(key, ()))
        for index in sorted(candidates):
            if any(required.isdisjoint(keys) for required in self._required[index]):
                continue  # a word the query needs is not in the passage
            line = k.queries[index]
            spans = evaluate(line.node, passage)
            if spans:
                start = min(s for s, _ in spans)
                end = max(e for _, e in spans)
                detail = f"Aurora query {line.source[:120]}"
                scores.add(line.target, Evidence("query", QUERY, tokens[start].start, tokens[end - 1].end, detail))

    def _classify(self, tokens: Sequence[Token], words: Sequence[str], scores: _Scores) -> None:
        feats = word_features(words)
        if not tokens or not feats:
            return
        start, end = tokens[0].start, tokens[-1].end
        share = min(1.0, len(words) / CLASSIFIER_WORDS)  # one word names a topic; it says little of what is done
        ranked = self.classifier.rank_levels(feats, CLASSIFIER_FLOOR, CLASSIFIER_TOP)
        for level in MODEL_LEVELS:
            for iri, p in ranked.get(level, ()):
                if iri in self.knowledge.concepts:
                    detail = f"classifier {p:.2f}"
                    scores.add(iri, Evidence("classifier", CLASSIFIER[level] * share * p, start, end, detail))

    def _similarity(self, tokens: Sequence[Token], words: Sequence[str], scores: _Scores) -> None:
        if len(words) < 4:
            return
        counts: dict[str, int] = defaultdict(int)
        for w in words:
            counts[w] += 1
        start, end = tokens[0].start, tokens[-1].end
        for level, ranked in self._vectors.nearest(counts).items():
            if not ranked:
                continue
            low, high, full = SIMILARITY[level]
            first = ranked[0][1]
            second = ranked[1][1] if len(ranked) > 1 else 0.0
            for rank, (concept, cosine) in enumerate(ranked):
                strength = full * min(max((cosine - low) / (high - low), 0.0), 1.0)
                if rank == 0:  # a clear winner says more than one of several close candidates
                    strength *= min(1.0, 0.5 + (first / second - 1.0) if second > 0 else 1.0)
                else:
                    strength *= 0.5 * cosine / first
                if strength > 0.02:
                    detail = f"text similarity {cosine:.2f} (rank {rank + 1})"
                    scores.add(concept, Evidence("similarity", strength, start, end, detail))


class _Vectors:
    """The TF-IDF vectors of the standards of every level as one matrix with a row per word, for cosines in one product.

    Each level weighs words by its own inverse document frequencies, which the matrix holds already multiplied in.
    """

    def __init__(self, tables: Mapping[str, Similarity]) -> None:
        import numpy as np

        words = sorted({w for table in tables.values() for w in table.idf})
        self.rows = {word: row for row, word in enumerate(words)}
        self.concepts = [c for table in tables.values() for c in table.concepts]
        self.spans: dict[str, tuple[int, int]] = {}
        self.idf = np.zeros((len(words), len(tables)), dtype=np.float64)  # word × level
        self.matrix = np.zeros((len(words), len(self.concepts)), dtype=np.float64)
        first = 0
        for index, (level, table) in enumerate(tables.items()):
            self.spans[level] = (first, first + len(table.concepts))
            for word, idf in table.idf.items():
                self.idf[self.rows[word], index] = idf
            for word, posting in table.postings.items():
                for column, weight in posting:
                    self.matrix[self.rows[word], first + column] = weight * table.idf[word]
            first += len(table.concepts)

    def nearest(self, counts: Mapping[str, int], top: int = 3) -> dict[str, list[tuple[str, float]]]:
        """Return, per level, the ``top`` standards nearest to a passage's word counts, with their cosines.

        One word in common is a coincidence ("definitions" and the child's definition), not similarity:
        a standard must share two words with the passage.
        """
        import numpy as np

        present = [(row, count) for row, count in ((self.rows.get(w), c) for w, c in counts.items()) if row is not None]
        if not present:
            return {}
        rows = np.fromiter((row for row, _ in present), dtype=np.intp, count=len(present))
        tf = 1.0 + np.log(np.fromiter((count for _, count in present), dtype=np.float64, count=len(present)))
        idf = self.idf[rows]
        norms = np.sqrt((tf * tf) @ (idf * idf))  # of the passage's vector in each level's weighting
        block = self.matrix[rows]
        dots = tf @ block
        dots[np.count_nonzero(block, axis=0) < 2] = 0.0
        found = {}
        for (level, (first, last)), norm in zip(self.spans.items(), norms, strict=True):
            among = dots[first:last]
            best = np.argsort(-among, kind="stable")[:top]
            found[level] = [(self.concepts[first + i], float(among[i]) / norm) for i in best if among[i] > 0.0]
        return found
