"""A linear classifier per level: the standards a passage's words point at, learnt from labelled text.

One logistic regression per standard (one-vs-rest), over the stems of a passage's content words and
their adjacent pairs (binary, scaled to unit length). It is trained by ``scripts/train_link_model.py``
on the texts the project ships and may learn from: the wording of the SDG targets and their
indicators, the synonyms of goals, targets, themes and articles, the themes' definitions, the articles
(labelled with the themes that state them), the Aurora query phrases of each target, the OHCHR
Slovenia recommendations with OHCHR's own SDG and theme tags (``corpora/reviews/upr-slovenia.csv``),
and the project's own labelled passages (``corpora/training``: action-plan items, ordinance sections,
budget lines, reports, UN-style recommendations and research abstracts, each labelled with its SDG
targets and goals, themes and treaty articles). The article level learns from these passages alone, so
it knows the articles they are labelled with. Features found in one training text only are left out.
Training is deterministic (full-batch gradient steps from zero weights), so the same sources give the
same model.

The model ships inside the package (``hrgraph/link/classifier.bin.gz``): per level, the standards, their
biases and, per feature, the weights that matter, as a JSON header and arrays of fixed-size numbers (in
thousandths), gzipped; it is read in a fraction of a second. Scoring sums rows of a weight matrix.

>>> model = load_classifier()
>>> from hrgraph.link.text import tokenise
>>> ranked = model.predict(tokenise("Provide shelters and social housing for homeless families."), "sdg-goal")
>>> ranked[0][0]
'http://metadata.un.org/sdg/11'
"""

from __future__ import annotations

import csv
import gzip
import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrgraph.errors import BadInputError, HrgraphError
from hrgraph.link.aurora import And, Near, Node, Not, Or, Term
from hrgraph.link.knowledge import Concept, Knowledge, article_iri, concept_texts, load_knowledge
from hrgraph.link.text import Token, similarity_features, tokenise
from hrgraph.resources import corpus_files

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = [
    "MODEL_LEVELS",
    "Classifier",
    "Document",
    "LevelModel",
    "checkout_documents",
    "features",
    "jsonl_rows",
    "load_classifier",
    "read_passages",
    "read_reviews",
    "train",
    "training_documents",
    "word_features",
]

MODEL_LEVELS = ("sdg-goal", "sdg-target", "theme", "article")
"""The levels the classifier scores."""
_FORMAT = 2
_SDG = "http://metadata.un.org/sdg/"
_ID = "https://w3id.org/hrgraph/id/"
_MODEL = "classifier.bin.gz"
_SCALE = 1000  # weights and biases are kept to three decimals, as integers of thousandths


def features(tokens: Sequence[Token]) -> list[str]:
    """Return the features of a passage: content-word stems and adjacent pairs of them, once each.

    >>> features(tokenise("Affordable housing for homeless families"))
    ['afford', 'afford hous', 'famili', 'homeless', 'homeless famili', 'hous', 'hous homeless']
    """
    return word_features(similarity_features(tokens))


def word_features(words: Sequence[str]) -> list[str]:
    """Return the features of a passage from its :func:`~hrgraph.link.text.similarity_features`.

    >>> word_features(["afford", "hous"])
    ['afford', 'afford hous', 'hous']
    """
    return sorted({*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))})


@dataclass(frozen=True)
class Document:
    """A training text and the standards it is labelled with (per level); ``group`` names its source."""

    text: str
    labels: dict[str, frozenset[str]]
    group: str = ""


@dataclass(eq=False)
class LevelModel:
    """The weights of one level, sparse by feature, and a bias per standard.

    The weights of ``features[i]`` are ``values[starts[i]:starts[i + 1]]``, for the standards of the same
    slice of ``columns`` (indices into ``classes``); weights too small to matter are left out.
    """

    classes: list[str]
    bias: NDArray[np.float64]
    features: list[str]
    starts: NDArray[np.int64]
    columns: NDArray[np.int64]
    values: NDArray[np.float64]

    def weights(self, feature: str) -> dict[int, float]:
        """Return the weights of one feature: standard index → weight (none for an unknown feature)."""
        try:
            row = self.features.index(feature)
        except ValueError:
            return {}
        span = slice(self.starts[row], self.starts[row + 1])
        return {int(c): float(v) for c, v in zip(self.columns[span], self.values[span], strict=True)}


@dataclass(frozen=True)
class _Table:
    """The weights of every level as one dense matrix: a row per feature, the standards of each level side by side."""

    rows: dict[str, int]
    matrix: NDArray[np.int32]
    """Weights in thousandths."""
    bias: NDArray[np.float64]
    classes: list[str]
    spans: dict[str, tuple[int, int]]
    """Of each level, its first column and the column after its last."""


@dataclass
class Classifier:
    """The models of all levels."""

    levels: dict[str, LevelModel] = field(default_factory=dict)
    _table: _Table | None = field(default=None, init=False, repr=False, compare=False)

    def predict(self, tokens: Sequence[Token], level: str, floor: float = 0.0) -> list[tuple[str, float]]:
        """Return (standard, probability) of one level, best first, those above ``floor`` only."""
        return self.rank(features(tokens), level, floor)

    def rank(
        self, feats: Sequence[str], level: str, floor: float = 0.0, top: int | None = None
    ) -> list[tuple[str, float]]:
        """Like :meth:`predict`, from a passage's :func:`features`; ``top`` keeps the best few only."""
        return self.rank_levels(feats, floor, top).get(level, [])

    def rank_levels(
        self, feats: Sequence[str], floor: float = 0.0, top: int | None = None
    ) -> dict[str, list[tuple[str, float]]]:
        """Like :meth:`rank`, for every level at once (one product of the passage with the weights of all)."""
        if not feats:
            return {}
        import numpy as np

        table = self._compiled()
        touched, logits = self._logits(feats)
        probability = 1.0 / (1.0 + np.exp(-np.clip(logits, -30.0, 30.0)))
        above = np.flatnonzero(touched & (probability > floor))
        ranked = {}
        for level, (first, last) in table.spans.items():
            found = [(table.classes[i], float(probability[i])) for i in above[(above >= first) & (above < last)]]
            found.sort(key=lambda x: (-x[1], x[0]))
            ranked[level] = found if top is None else found[:top]
        return ranked

    def scores(self, feats: Sequence[str], level: str) -> dict[int, float]:
        """Return the logit of every standard of a level (by index) some feature of a passage speaks for or against."""
        import numpy as np

        first, last = self._compiled().spans[level]
        touched, logits = self._logits(feats)
        return {int(i) - first: float(logits[i]) for i in np.flatnonzero(touched[first:last]) + first}

    def _logits(self, feats: Sequence[str]) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
        """Return which standards the features touch, and the logits of all."""
        import numpy as np

        table = self._compiled()
        block = table.matrix[[r for r in map(table.rows.get, feats) if r is not None]]
        sums = block.sum(axis=0, dtype=np.int64) / _SCALE  # exact: the weights are whole thousandths
        return np.asarray(block.any(axis=0)), sums * (1.0 / math.sqrt(max(1, len(feats)))) + table.bias

    def _compiled(self) -> _Table:
        """Return the weights as one dense matrix (built on first use)."""
        if self._table is None:
            import numpy as np

            names = sorted({f for m in self.levels.values() for f in m.features})
            rows = {f: i for i, f in enumerate(names)}
            classes = [c for m in self.levels.values() for c in m.classes]
            # in thousandths, as the model is stored: half the memory of floats
            matrix = np.zeros((len(names), len(classes)), dtype=np.int32)
            spans: dict[str, tuple[int, int]] = {}
            first = 0
            for level, m in self.levels.items():
                spans[level] = (first, first + len(m.classes))
                feature_rows = np.fromiter(map(rows.__getitem__, m.features), dtype=np.intp, count=len(m.features))
                matrix[np.repeat(feature_rows, np.diff(m.starts)), m.columns + first] = np.rint(m.values * _SCALE)
                first += len(m.classes)
            bias = np.concatenate([m.bias for m in self.levels.values()]) if self.levels else np.zeros(0)
            self._table = _Table(rows, matrix, bias, classes, spans)
        return self._table

    def to_bytes(self) -> bytes:
        """Return the model as the package ships it: a JSON header line, then the arrays, gzipped (no time stamp)."""
        import numpy as np

        header: dict[str, Any] = {"format": _FORMAT, "levels": {}}
        arrays = []
        for level, m in sorted(self.levels.items()):
            header["levels"][level] = {"classes": m.classes, "features": m.features, "weights": len(m.values)}
            arrays += [
                np.rint(m.bias * _SCALE).astype("<i4"),
                m.starts.astype("<i4"),
                m.columns.astype("<u2"),
                np.rint(m.values * _SCALE).astype("<i4"),
            ]
        text = json.dumps(header, separators=(",", ":"), sort_keys=True).encode() + b"\n"
        return gzip.compress(text + b"".join(a.tobytes() for a in arrays), compresslevel=9, mtime=0)

    @classmethod
    def from_bytes(cls, data: bytes) -> Classifier:
        """Read a model written by :meth:`to_bytes`."""
        import numpy as np

        raw = gzip.decompress(data)
        end = raw.index(b"\n")
        header = json.loads(raw[:end])
        if header.get("format") != _FORMAT:
            raise ValueError("the classifier has another format; retrain it with scripts/train_link_model.py")
        offset = end + 1

        def take(dtype: str, count: int) -> NDArray[Any]:
            nonlocal offset
            array = np.frombuffer(raw, dtype=dtype, count=count, offset=offset)
            offset += array.nbytes
            return array

        levels = {}
        for level, m in sorted(header["levels"].items()):
            bias = take("<i4", len(m["classes"])) / _SCALE
            starts = take("<i4", len(m["features"]) + 1).astype(np.int64)
            columns = take("<u2", m["weights"]).astype(np.int64)
            values = take("<i4", m["weights"]) / _SCALE
            levels[level] = LevelModel(m["classes"], bias, m["features"], starts, columns, values)
        return cls(levels)


@cache
def load_classifier() -> Classifier:
    """Return the packaged classifier."""
    source = resources.files("hrgraph.link") / _MODEL
    if not source.is_file():
        raise HrgraphError(f"the linker's model {_MODEL} is not in the installed package: reinstall hrgraph")
    return Classifier.from_bytes(source.read_bytes())


# --- training data -------------------------------------------------------------------------------------


def read_reviews(path: Path) -> list[dict[str, str]]:
    """Read the UPR review table of the corpus (``corpora/reviews/upr-slovenia.csv``)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_passages(folder: Path) -> list[dict[str, Any]]:
    """Read the project's labelled passages (``corpora/training/*.jsonl``), files in name order.

    Each row keeps where it came from (``"where"``: file name and line) for error messages.
    """
    return [
        {**row, "where": f"{path.name}:{number}"}
        for path in sorted(folder.glob("*.jsonl"))
        for number, row in jsonl_rows(path)
    ]


def jsonl_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield (line number, value) of each non-blank line of a JSON Lines file; bad JSON is named by line."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as err:
                    raise BadInputError(f"{path}:{number}: not valid JSON: {err.msg}") from err


def _passage_labels(row: Mapping[str, Any], concepts: Mapping[str, Concept]) -> dict[str, frozenset[str]]:
    """Return the standards a labelled passage names, per level; an unknown one is an error."""
    notations = [str(t) for t in row.get("sdg_targets") or ()]
    targets = frozenset(_SDG + t for t in notations)
    try:
        goals = frozenset(_SDG + str(int(g)) for g in row.get("sdg_goals") or ())
    except (TypeError, ValueError) as err:
        raise BadInputError(f"{row.get('where', '?')}: sdg_goals must be goal numbers") from err
    labels = {
        "sdg-goal": goals | {_SDG + t.split(".")[0] for t in notations},
        "theme": frozenset(f"{_ID}theme/{t}" for t in row.get("themes") or ()),
        "article": frozenset(article_iri(code) for code in row.get("articles") or ()),
    }
    if targets or not goals:  # a passage labelled with a goal only says nothing about its targets
        labels["sdg-target"] = targets
    for iris in labels.values():
        for iri in sorted(iris):
            if iri not in concepts:
                raise BadInputError(f"{row.get('where', '?')}: unknown standard {iri}")
    return labels


def _phrases(node: Node) -> list[str]:
    if isinstance(node, Term):
        return [" ".join(w.replace("*", "").replace("?", "") for w in node.words)]
    if isinstance(node, Or | And):
        return [p for child in node.children for p in _phrases(child)]
    if isinstance(node, Near):
        return [*_phrases(node.left), *_phrases(node.right)]
    if isinstance(node, Not):
        return _phrases(node.left)
    return []


def training_documents(
    knowledge: Knowledge,
    corpus: Sequence[Any],
    reviews: Sequence[Mapping[str, str]] = (),
    passages: Sequence[Mapping[str, Any]] = (),
    *,
    exclude: Iterable[str] = (),
) -> list[Document]:
    """Return the labelled training texts: corpus texts, tagged recommendations and labelled passages.

    The passages are the project's own (:func:`read_passages`).

    ``exclude`` names reviews (``cycle/paragraph``) to leave out, for cross-validation.
    """
    concepts, texts = concept_texts(corpus)
    k = knowledge
    docs: list[Document] = []

    def goal_of(target: str) -> str | None:
        concept = concepts.get(target)
        return concept.parent if concept else None

    def level(iri: str) -> str:
        concept: Concept | None = concepts.get(iri)
        return concept.level if concept else ""

    themes_of_target = k.reverse["theme_targets"]
    for iri, concept in sorted(concepts.items()):
        own = texts.get(iri, [])
        if concept.level == "sdg-target":
            goal = goal_of(iri)
            themes = frozenset(t for t in themes_of_target.get(iri, ()) if level(t) == "theme")
            for text in own:
                labels = {"sdg-target": frozenset({iri}), "sdg-goal": frozenset({goal} if goal else ())}
                docs.append(Document(text, {**labels, "theme": themes}, "target"))
        elif concept.level == "sdg-goal":
            docs += [Document(t, {"sdg-goal": frozenset({iri})}, "goal") for t in own]
        elif concept.level == "theme":
            targets = frozenset(k.theme_targets.get(iri, ()))
            goals = frozenset(g for g in (goal_of(t) for t in targets) if g)
            labels = {"theme": frozenset({iri})}
            if 0 < len(goals) <= 3:  # a theme spread over many goals says little about any of them
                labels["sdg-goal"] = goals
            for text in own:
                docs.append(Document(text, labels, "theme"))
        elif concept.level == "article":
            themes = frozenset(t for t in k.reverse["enshrined"].get(iri, ()) if level(t) == "theme")
            if themes:
                docs += [Document(t, {"theme": themes}, "article") for t in own]
    for line in k.queries:
        goal = goal_of(line.target)
        text = "; ".join(_phrases(line.node))
        labels = {"sdg-target": frozenset({line.target}), "sdg-goal": frozenset({goal} if goal else ())}
        docs.append(Document(text, labels, "query"))
    excluded = set(exclude)
    for row in reviews:
        ident = f"{row.get('cycle', '')}/{row.get('paragraph', '')}"
        text = (row.get("recommendation") or "").strip()
        if ident in excluded or not text:
            continue
        labels = {}
        tagged = {
            t for label in (row.get("themes") or "").split(";") for t in k.uhri_themes.get(label.strip().lower(), ())
        }
        if tagged:
            labels["theme"] = frozenset(tagged)
        numbers = [g.strip() for g in (row.get("sdg_goals") or "").split(";") if g.strip()]
        if numbers or row.get("cycle") != "2":  # the second cycle (2014) predates the SDGs: no tag is no answer
            labels["sdg-goal"] = frozenset(_SDG + str(int(g)) for g in numbers)
        docs.append(Document(text, labels, "review"))
    for row in passages:
        if not str(row.get("text") or "").strip():
            raise BadInputError(f"{row.get('where', '?')}: the passage has no text")
        docs.append(Document(str(row["text"]), _passage_labels(row, concepts), "passage"))
    return docs


def checkout_documents(checkout: Path, *, exclude: Iterable[str] = ()) -> list[Document]:
    """Return the training texts of a checkout of the project.

    They are :func:`training_documents` of the packaged corpus, ``corpora/reviews/upr-slovenia.csv``
    and ``corpora/training/``.
    """
    corpora = checkout / "corpora"
    return training_documents(
        load_knowledge(),
        corpus_files(),
        read_reviews(corpora / "reviews" / "upr-slovenia.csv"),
        read_passages(corpora / "training"),
        exclude=exclude,
    )


# --- training ------------------------------------------------------------------------------------------


def train(
    documents: Sequence[Document],
    *,
    levels: Sequence[str] = MODEL_LEVELS,
    l2: float = 1e-5,
    steps: int = 300,
    rate: float = 0.05,
    keep: float = 0.2,
    min_documents: int = 2,
) -> Classifier:
    """Fit one-vs-rest logistic regressions per level on the documents labelled at that level.

    Full-batch Adam steps from zero weights (deterministic); weights smaller than ``keep`` are dropped,
    and so are features found in fewer than ``min_documents`` documents (a feature of one text only
    would learn that text by heart). A document is still scaled by the number of all its features, as a
    passage is when it is classified.
    """
    import numpy as np
    from scipy import sparse

    model = Classifier()
    for lv in levels:
        docs = [d for d in documents if lv in d.labels]
        classes = sorted({c for d in docs for c in d.labels[lv]})
        if not docs or not classes:
            continue
        feats = [features(tokenise(d.text)) for d in docs]
        frequency = Counter(f for fs in feats for f in fs)
        vocab = sorted(f for f, n in frequency.items() if n >= min_documents)
        column = {f: i for i, f in enumerate(vocab)}
        # a document keeps its scale (1/√ of all its features) and the columns of the features kept
        scaled = [
            (d, 1.0 / math.sqrt(len(fs)), kept)
            for d, fs in zip(docs, feats, strict=True)
            if (kept := [column[f] for f in fs if f in column])
        ]
        docs = [d for d, _, _ in scaled]
        # the documents as a sparse matrix X (documents × features), and its transpose
        x = sparse.csr_matrix(
            (
                np.array([scale for _, scale, cs in scaled for _ in cs], dtype=np.float64),
                np.array([c for _, _, cs in scaled for c in cs], dtype=np.int64),
                np.cumsum([0, *(len(cs) for _, _, cs in scaled)], dtype=np.int64),
            ),
            shape=(len(scaled), len(vocab)),
        )
        xt = x.T.tocsr()
        index = {c: i for i, c in enumerate(classes)}
        y = np.zeros((len(docs), len(classes)), dtype=np.float64)
        for row, d in enumerate(docs):
            y[row, [index[c] for c in d.labels[lv]]] = 1.0
        w = np.zeros((len(vocab), len(classes)), dtype=np.float64)
        b = np.zeros(len(classes), dtype=np.float64)
        mw, vw = np.zeros_like(w), np.zeros_like(w)
        mb, vb = np.zeros_like(b), np.zeros_like(b)
        n = float(len(docs))
        for step in range(1, steps + 1):
            z = x @ w + b
            p = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
            error = (p - y) / n
            gw = xt @ error + l2 * w
            gb = error.sum(axis=0)
            for value, grad, m, v in ((w, gw, mw, vw), (b, gb, mb, vb)):
                m *= 0.9
                m += 0.1 * grad
                v *= 0.999
                v += 0.001 * grad * grad
                value -= rate * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
        w[np.abs(w) < keep] = 0.0
        w = np.round(w, 3)
        used = np.flatnonzero(w.any(axis=1))  # the features with a weight that matters, in vocabulary order
        useful = w[used]
        rows, columns = np.nonzero(useful)
        starts = np.searchsorted(rows, np.arange(len(used) + 1)).astype(np.int64)
        names = [vocab[i] for i in used]
        model.levels[lv] = LevelModel(classes, np.round(b, 3), names, starts, columns, useful[rows, columns])
    return model
