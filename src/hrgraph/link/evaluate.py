"""Measure the links against labelled sets: precision, recall and F1 per level, and reliability.

The labelled sets are read from the shared data folder (never copied into the package):

================  ==============================================  ===============================
data set          text                                            levels scored
================  ==============================================  ===============================
local-policy      ``local-policy-links-dev`` passages (written     SDG targets, treaty articles,
                  and labelled for the project)                    SDG goals (of the gold targets)
swisstext-goals   SwissText 2024 task 1 abstracts (train + test)   SDG goal (accuracy, "none" kept)
swisstext-targets SwissText 2024 task 2 abstracts with targets     SDG targets, SDG goals
ohchr-slovenia    OHCHR thematic lists of UPR recommendations      SDG goals, rights themes (UHRI
                  (Slovenia, cycles 2–3)                            labels → themes)
upr-info          UPR Info recommendations (sessions 1–17)         rights themes (issue → theme)
================  ==============================================  ===============================

Articles are scored at article level (a paragraph link counts for its article), on the instruments
the set labels; themes are scored at the granularity of the set's mapping (a narrower theme counts
for its broader theme when only that one is mapped, but never for the head of a family of rights,
which the sets use for statements about the family in general, such as "CP rights - general"; a theme
the mapping cannot express at all, such as "equality and non-discrimination" for the UPR Info issues,
is left out of the score). A UPR Info issue mapped to two themes ("Women's rights": gender equality and
gender-based violence; "Labour": the right to work and just conditions of work) names an area, not both
themes: it is found when either theme is proposed, and missed once when neither is. A link is
right when its standard is in the document's gold set for that level. The reliability table gives
the precision of the links in each confidence band, so that "confidence ≥ 0.8" can be read as a
promise.
"""

from __future__ import annotations

import csv
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hrgraph.errors import BadInputError, UnknownNameError, malformed
from hrgraph.link.classifier import jsonl_rows
from hrgraph.link.knowledge import Knowledge, article_iri, load_knowledge
from hrgraph.link.linker import Linker, min_confidence_of

__all__ = ["DATASETS", "Band", "Evaluation", "Example", "Score", "crossval_predictions", "evaluate", "read_dataset"]

DATASETS = ("local-policy", "swisstext-goals", "swisstext-targets", "ohchr-slovenia", "upr-info")
SINGLE_LABEL = 0.5  # a single-label task takes the top goal only when it is more likely right than not
BANDS = ((0.2, 0.3), (0.3, 0.4), (0.4, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01))
_SDG = "http://metadata.un.org/sdg/"
_ID = "https://w3id.org/hrgraph/id/"
_GENERAL_THEMES = frozenset(
    f"{_ID}theme/{slug}"
    for slug in ("human-rights-framework", "civil-and-political-rights", "economic-social-cultural-rights")
)
_UN_INSTRUMENTS = ("udhr", "iccpr", "icescr", "icerd", "cedaw", "cat", "crc", "crpd", "cped", "icmw")


@dataclass(frozen=True)
class Example:
    """One labelled document: its text and its gold standards per level."""

    ident: str
    text: str
    gold: dict[str, frozenset[str]]
    single_goal: str | None = None  # SwissText task 1: one goal number or "0" (none)
    any_of: dict[str, tuple[frozenset[str], ...]] = field(default_factory=dict)
    """Per level, the gold as labels each met by any one of its standards (UPR Info issues)."""

    def expected(self, level: str, chosen: frozenset[str] | set[str]) -> frozenset[str]:
        """Return the gold standards a prediction must find.

        Of a label met by any of several standards, these are the ones chosen, or its first when none is.

        >>> ex = Example("1", "", {"theme": frozenset("abc")}, any_of={"theme": (frozenset("ab"), frozenset("c"))})
        >>> sorted(ex.expected("theme", {"b"})), sorted(ex.expected("theme", set()))
        (['b', 'c'], ['a', 'c'])
        """
        groups = self.any_of.get(level)
        if not groups:
            return self.gold[level]
        return frozenset().union(*((group & chosen) or {min(group)} for group in groups))


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 of one level on one data set (micro and macro)."""

    dataset: str
    level: str
    documents: int
    precision: float
    recall: float
    f1: float
    macro_precision: float
    macro_recall: float
    macro_f1: float
    gold: int
    predicted: int
    accuracy: float | None = None


@dataclass(frozen=True)
class Band:
    """The links of one level whose confidence falls in ``[low, high)``, and how many are right."""

    level: str
    low: float
    high: float
    links: int
    correct: int

    @property
    def precision(self) -> float | None:
        """The share of right links; None when the band is empty (no link, nothing to promise).

        >>> Band("article", 0.8, 1.01, 4, 3).precision, Band("article", 0.8, 1.01, 0, 0).precision
        (0.75, None)
        """
        return self.correct / self.links if self.links else None


@dataclass
class Evaluation:
    """All the figures of one evaluation run."""

    min_confidence: float | None  # None: each level's default
    scores: list[Score] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    words: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """Return the figures as JSON-compatible values."""
        return {
            "min_confidence": self.min_confidence,
            "scores": [asdict(s) for s in self.scores],
            "bands": [
                {**asdict(b), "precision": None if b.precision is None else round(b.precision, 4)} for b in self.bands
            ],
            "words": self.words,
            "seconds": round(self.seconds, 2),
        }

    def score_table(self) -> tuple[tuple[str, ...], list[list[str]]]:
        """Columns and rows of the precision / recall table."""
        columns = ("data set", "level", "docs", "P", "R", "F1", "macro P", "macro R", "macro F1", "accuracy")
        rows = [
            [
                s.dataset,
                s.level,
                str(s.documents),
                f"{s.precision:.3f}",
                f"{s.recall:.3f}",
                f"{s.f1:.3f}",
                f"{s.macro_precision:.3f}",
                f"{s.macro_recall:.3f}",
                f"{s.macro_f1:.3f}",
                "" if s.accuracy is None else f"{s.accuracy:.3f}",
            ]
            for s in self.scores
        ]
        return columns, rows

    def band_table(self) -> tuple[tuple[str, ...], list[list[str]]]:
        """Columns and rows of the reliability table (precision per confidence band)."""
        columns = ("level", "confidence", "links", "right", "precision")
        rows = [
            [
                b.level,
                f"≥ {b.low:.1f}" if (b.low, b.high) == (0.8, 1.01) else f"{b.low:.1f}–{min(b.high, 1.0):.1f}",
                str(b.links),
                str(b.correct),
                "—" if b.precision is None else f"{b.precision:.3f}",
            ]
            for b in self.bands
        ]
        return columns, rows


# --- reading the data sets ---------------------------------------------------------------------------


def _jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) of each line of a JSON Lines file; a line that is no object is an error."""
    if not path.is_file():
        raise BadInputError(f"{path}: no such file (is --data the shared data folder?)")
    try:
        for number, row in jsonl_rows(path):
            if not isinstance(row, dict):
                raise BadInputError(f"{path}:{number}: not a JSON object")
            yield number, row
    except UnicodeDecodeError as err:
        raise BadInputError(f"{path}: not UTF-8 text (byte {err.start})") from err


def _csv(path: Path, encoding: str) -> list[tuple[int, dict[str, str]]]:
    """Return (line number, row) of each row of a CSV file with a header line."""
    if not path.is_file():
        raise BadInputError(f"{path}: no such file (is --data the shared data folder?)")
    try:
        with path.open(encoding=encoding, newline="") as handle:
            reader = csv.DictReader(handle)
            return [(reader.line_num, row) for row in reader]
    except UnicodeDecodeError as err:
        raise BadInputError(f"{path}: not {encoding} text (byte {err.start})") from err
    except csv.Error as err:
        raise BadInputError(f"{path}: not a CSV file: {err}") from err


def _text(row: Mapping[str, Any], *keys: str) -> str:
    """Return the fields of a row joined by a blank line; each must be a string."""
    for key in keys:
        if not isinstance(row[key], str):
            raise TypeError(f"{key} must be a string")
    return "\n\n".join(row[key] for key in keys)


def _strings(row: Mapping[str, Any], key: str) -> list[str]:
    """Return a field that lists strings."""
    value = row[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{key} must be a list of strings")
    return value


def _goals_of(targets: Iterable[str]) -> frozenset[str]:
    return frozenset(t.rsplit(".", 1)[0] for t in targets)


def read_dataset(name: str, data: Path, knowledge: Knowledge) -> list[Example]:
    """Read one labelled set from the shared data folder; a malformed row is an error naming its file and line."""
    examples: list[Example] = []
    if name == "local-policy":
        path = data / "local-policy-links-dev" / "local_links_dev.jsonl"
        for line, row in _jsonl(path):
            with malformed(f"{path}:{line}"):
                targets = _strings(row, "sdg_targets")
                examples.append(
                    Example(
                        str(row["id"]),
                        _text(row, "text"),
                        {
                            "sdg-target": frozenset(_SDG + t for t in targets),
                            "sdg-goal": frozenset(_SDG + g for g in _goals_of(targets)),
                            "article": frozenset(article_iri(a) for a in _strings(row, "articles")),
                        },
                    )
                )
        return examples
    folder = data / "swisstext2024-sdg"
    if name == "swisstext-goals":
        for path in (folder / "task1_train.jsonl", folder / "testdata_results.jsonl"):
            for line, r in _jsonl(path):
                with malformed(f"{path}:{line}"):
                    goal = int(r["SDG"])
                    examples.append(
                        Example(
                            str(r["ID"]),
                            _text(r, "TITLE", "ABSTRACT"),
                            {"sdg-goal": frozenset({_SDG + str(goal)} if goal else set())},
                            single_goal=str(goal),
                        )
                    )
        return examples
    if name == "swisstext-targets":
        for path in (folder / "task2_train.jsonl", folder / "testdata_results.jsonl"):
            for line, r in _jsonl(path):
                with malformed(f"{path}:{line}"):
                    raw = r.get("TARGETS")
                    cited: list[str] = (
                        [t.strip(" '\"") for t in raw.strip("[]").split(",") if t.strip()]
                        if isinstance(raw, str)
                        else _strings(r, "TARGETS")
                        if raw
                        else []
                    )
                    cited = [t for t in cited if not t.startswith("0")]  # "0.0": not SDG-relevant, no target
                    if not cited:
                        continue
                    examples.append(
                        Example(
                            str(r["ID"]),
                            _text(r, "TITLE", "ABSTRACT"),
                            {
                                "sdg-target": frozenset(_SDG + t for t in cited),
                                "sdg-goal": frozenset(_SDG + g for g in _goals_of(cited)),
                            },
                        )
                    )
        return examples
    if name == "ohchr-slovenia":
        path = data / "upr-ohchr-thematic-lists-slovenia" / "upr_slovenia_recommendations_uhri_tags.csv"
        for line, row in _csv(path, "utf-8"):
            with malformed(f"{path}:{line}"):
                gold: dict[str, frozenset[str]] = {}
                goals = [g.strip() for g in (row.get("sdg_numbers") or "").split(";") if g.strip()]
                if goals:
                    gold["sdg-goal"] = frozenset(_SDG + str(int(g)) for g in goals)
                themes = {
                    t
                    for label in (row.get("themes") or "").split(";")
                    for t in knowledge.uhri_themes.get(label.strip().lower(), ())
                }
                if themes:
                    gold["theme"] = frozenset(themes)
                if gold:
                    text = _text(row, "recommendation")
                    examples.append(Example(f"{row['upr_cycle']}/{row['paragraph']}", text, gold))
        return examples
    if name == "upr-info":
        folder = data / "upr-info-recommendations-2008-2014"
        if not folder.is_dir():
            raise BadInputError(f"{folder}: no such folder (is --data the shared data folder?)")
        issues = {label.lower(): themes for label, themes in knowledge.issue_themes.items()}
        for path in sorted(folder.glob("upr-info_sessions_*.csv")):
            for number, (line, row) in enumerate(_csv(path, "mac_roman"), start=1):
                with malformed(f"{path}:{line}"):
                    tags = {
                        frozenset(issues.get(tag.strip().lower(), ())) for tag in (row.get("Issue") or "").split(",")
                    } - {frozenset()}
                    if tags and (row.get("Text") or "").strip():
                        examples.append(
                            Example(
                                f"{path.stem}:{number}",
                                row["Text"],
                                {"theme": frozenset().union(*tags)},
                                any_of={"theme": tuple(sorted(tags, key=sorted))},
                            )
                        )
        return examples
    raise UnknownNameError(f"unknown data set {name!r}: use one of {', '.join(DATASETS)}")


def _sample(examples: Sequence[Example], limit: int | None) -> list[Example]:
    if limit is None or len(examples) <= limit:
        return list(examples)
    step = len(examples) / limit
    return [examples[int(i * step)] for i in range(limit)]


# --- scoring -------------------------------------------------------------------------------------------


def _predictions(linker: Linker, example: Example, scope: dict[str, frozenset[str]]) -> dict[str, dict[str, float]]:
    """Return the predictions per level (standard → best confidence), rolled up to the gold's scope."""
    k = linker.knowledge
    found: dict[str, dict[str, float]] = defaultdict(dict)
    for link in linker.link(example.text):
        level, iri = link.level, link.object_id
        if level == "paragraph":
            level, iri = "article", k.concepts[iri].parent or iri
        if level == "article" and not iri.startswith(tuple(f"{_ID}{s}/" for s in _UN_INSTRUMENTS)):
            continue
        if level == "theme" and "theme" in scope:
            iri = _roll_up(k, iri, scope["theme"])
            if iri not in scope["theme"]:
                continue  # a theme the set's labels cannot express is not scored
        if level not in example.gold:
            continue
        if link.confidence > found[level].get(iri, -1.0):
            found[level][iri] = link.confidence
    return found


def _roll_up(k: Knowledge, theme: str, allowed: frozenset[str]) -> str:
    """Return the theme, or its nearest broader theme that the set's labels express.

    A family's head is not reached this way: the sets use it for statements about the family in
    general ("CP rights - general", "Civil & political rights - general measures of implementation"),
    which a prediction of one of its rights is not.
    """
    current: str | None = theme
    while current is not None and current not in allowed:
        concept = k.concepts.get(current)
        current = concept.parent if concept else None
    if current is None or (current != theme and current in _GENERAL_THEMES):
        return theme
    return current


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(
    data: Path,
    *,
    datasets: Iterable[str] | None = None,
    limit: int | None = None,
    min_confidence: float | None = None,
    linker: Linker | None = None,
) -> Evaluation:
    """Run the linker on the labelled sets in ``data`` and score it.

    ``limit`` takes an even sample of at most that many documents per set (the UPR Info set has
    33,000); ``min_confidence`` is the threshold at which links count as proposed (default: each
    level's own, :func:`~hrgraph.link.linker.min_confidence_of`).
    """
    if not data.is_dir():
        raise BadInputError(f"{data}: no such folder; give the shared data folder with --data")
    knowledge = linker.knowledge if linker else load_knowledge()
    linker = Linker(
        knowledge,
        min_confidence=0.0,
        max_passage_words=linker.max_passage_words if linker else 200,
        classifier=linker.classifier if linker else None,
    )
    chosen = list(datasets) if datasets else list(DATASETS)
    for name in chosen:
        if name not in DATASETS:
            raise UnknownNameError(f"unknown data set {name!r}: use one of {', '.join(DATASETS)}")
    result = Evaluation(min_confidence)
    band_counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    started = time.perf_counter()
    for name in chosen:
        examples = _sample(read_dataset(name, data, knowledge), limit)
        scope: dict[str, set[str]] = defaultdict(set)
        for ex in examples:
            for level, gold in ex.gold.items():
                scope[level] |= gold
        frozen_scope = {level: frozenset(v) for level, v in scope.items()}
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        per_label: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
        right_single = 0
        for ex in examples:
            result.words += len(ex.text.split())
            predicted = _predictions(linker, ex, frozen_scope)
            for level, gold in ex.gold.items():
                scores = predicted.get(level, {})
                cutoff = min_confidence_of(level, min_confidence)
                chosen_set = {iri for iri, c in scores.items() if c >= cutoff}
                for iri, conf in scores.items():
                    for index, (low, high) in enumerate(BANDS):
                        if low <= conf < high:
                            band_counts[(level, index)][0] += 1
                            band_counts[(level, index)][1] += iri in gold
                expected = ex.expected(level, chosen_set)
                tp, fp, fn = len(chosen_set & expected), len(chosen_set - gold), len(expected - chosen_set)
                c = counts[level]
                c[0], c[1], c[2] = c[0] + tp, c[1] + fp, c[2] + fn
                for iri in chosen_set | expected:
                    cell = per_label[level][iri]
                    cell[0] += iri in chosen_set and iri in expected
                    cell[1] += iri in chosen_set and iri not in gold
                    cell[2] += iri in expected and iri not in chosen_set
            if ex.single_goal is not None:
                goals = predicted.get("sdg-goal", {})
                top = max(goals.items(), key=lambda kv: kv[1], default=("", 0.0))
                cutoff = max(min_confidence_of("sdg-goal", min_confidence), SINGLE_LABEL)
                guess = top[0].rsplit("/", 1)[-1] if top[1] >= cutoff else "0"
                right_single += guess == ex.single_goal
        for level, (tp, fp, fn) in sorted(counts.items()):
            p, r, f = _prf(tp, fp, fn)
            labels = [_prf(*cell) for cell in per_label[level].values()]
            macro = [sum(x[i] for x in labels) / len(labels) if labels else 0.0 for i in range(3)]
            accuracy = (
                right_single / len(examples) if level == "sdg-goal" and name == "swisstext-goals" and examples else None
            )
            result.scores.append(
                Score(name, level, len(examples), p, r, f, macro[0], macro[1], macro[2], tp + fn, tp + fp, accuracy)
            )
    result.seconds = time.perf_counter() - started
    levels = sorted({level for level, _ in band_counts})
    for level in [*levels, "all"]:
        chosen = [lv for lv in levels if level in (lv, "all")]
        for index, (low, high) in enumerate(BANDS):
            links = sum(band_counts[(lv, index)][0] for lv in chosen if (lv, index) in band_counts)
            correct = sum(band_counts[(lv, index)][1] for lv in chosen if (lv, index) in band_counts)
            if links:
                result.bands.append(Band(level, low, high, links, correct))
        high_links = sum(b.links for b in result.bands if b.level == level and b.low >= 0.8)
        high_correct = sum(b.correct for b in result.bands if b.level == level and b.low >= 0.8)
        result.bands.append(Band(level, 0.8, 1.01, high_links, high_correct))
    return result


def crossval_predictions(
    data: Path, checkout: Path, *, folds: int = 5
) -> list[tuple[Example, dict[str, dict[str, float]]]]:
    """Link the OHCHR Slovenia recommendations, each with a classifier trained without it.

    The recommendations of the review table of the project's ``checkout``
    (``corpora/reviews/upr-slovenia.csv``) are split into ``folds`` parts by their order; for each part
    the levels the reviews label (SDG goals, themes) are retrained without it, and the linker with that
    classifier links the part. Returns every example with its predictions (any confidence), as
    :func:`evaluate` scores them.
    """
    from hrgraph.link.classifier import Classifier, checkout_documents, load_classifier, read_reviews, train

    knowledge = load_knowledge()
    rows = read_reviews(checkout / "corpora" / "reviews" / "upr-slovenia.csv")
    examples = read_dataset("ohchr-slovenia", data, knowledge)
    scope: dict[str, set[str]] = defaultdict(set)
    for ex in examples:
        for level, gold in ex.gold.items():
            scope[level] |= gold
    frozen = {level: frozenset(v) for level, v in scope.items()}
    idents = sorted({f"{r['cycle']}/{r['paragraph']}" for r in rows})
    fold_of = {ident: i % folds for i, ident in enumerate(idents)}
    shipped = load_classifier()
    found = []
    for fold in range(folds):
        held = {ident for ident, f in fold_of.items() if f == fold}
        documents = checkout_documents(checkout, exclude=held)
        model = Classifier(dict(shipped.levels))
        model.levels.update(train(documents, levels=("sdg-goal", "theme")).levels)
        linker = Linker(knowledge, min_confidence=0.0, classifier=model)
        found += [(ex, _predictions(linker, ex, frozen)) for ex in examples if fold_of.get(ex.ident, 0) == fold]
    return found
