"""The spaCy component ``hrgraph_linker``: the standards a document serves, as spans.

After ``pip install hrgraph`` the factory is found through the ``spacy_factories`` entry point, so
``nlp.add_pipe("hrgraph_linker")`` works on any pipeline, ``spacy.blank("en")`` included. Each link
becomes a span of ``doc.spans["hrgraph"]``: the span covers the evidence's tokens
(:meth:`HrgraphLinker.links` gives the linker's exact offsets), ``span.kb_id_`` is the standard's
IRI, ``span.label_`` its level, and the extensions ``span._.confidence``, ``span._.level``,
``span._.method``, ``span._.justification`` and ``span._.derived_from`` say how sure and why.
``nlp.to_disk`` saves the compiled knowledge with the pipeline, and its settings in the pipeline's
``config.cfg``, so that ``spacy.load(path, config=...)`` can change them.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> _ = nlp.add_pipe("hrgraph_linker", config={"levels": ["sdg-target"]})
>>> doc = nlp("The city funds homeless shelters (SDG target 11.1).")
>>> [(s.text, s.kb_id_, s._.method) for s in doc.spans["hrgraph"]]
[('SDG target 11.1', 'http://metadata.un.org/sdg/11.1', 'citation')]
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any, cast

from spacy.language import Language
from spacy.tokens import Doc, Span

from hrgraph.errors import BadInputError
from hrgraph.link.knowledge import Knowledge, load_knowledge
from hrgraph.link.linker import Link, Linker, check_levels, check_max_passage_words, check_min_confidence

__all__ = ["SPANS_KEY", "HrgraphLinker", "make_linker"]

SPANS_KEY = "hrgraph"
_FIELDS = ("confidence", "level", "method", "justification", "derived_from")


def _record(span: Span) -> dict[str, Any] | None:
    """Return hrgraph's own data of a link span (doc.user_data, keyed by span, IRI and level)."""
    data = cast(dict[Any, Any], span.doc.user_data)
    return cast(dict[str, Any] | None, data.get(("hrgraph", span.start_char, span.end_char, span.kb_id_, span.label_)))


def _field(name: str, span: Span) -> Any:
    """Return one value of a link span: the getter of ``span._.NAME``.

    A module-level function (bound with :func:`functools.partial`), not a closure, so that the
    extensions pickle and ``nlp.pipe(texts, n_process=2)`` works under the "spawn" start method.
    """
    record = _record(span)
    return None if record is None else record.get(name)


def _is_ours(name: str) -> bool:
    getter = Span.get_extension(name)[2]
    func = getattr(getter, "func", None)
    # compared by name: a reloaded module makes a new function object
    return getattr(func, "__module__", None) == __name__ and getattr(func, "__qualname__", None) == "_field"


def _register_extensions() -> list[str]:
    """Register the span extensions that are free; return the names another library already holds."""
    taken = []
    for name in _FIELDS:
        if not Span.has_extension(name):
            Span.set_extension(name, getter=partial(_field, name))
        elif not _is_ours(name):
            taken.append(name)
    return taken


# Values live in doc.user_data keyed by span, level and IRI: several links can share one evidence span.
_register_extensions()


class HrgraphLinker:
    """Writes the links of a document to ``doc.spans["hrgraph"]``."""

    def __init__(
        self,
        nlp: Language,
        name: str = "hrgraph_linker",
        *,
        levels: list[str] | None = None,
        min_confidence: float | None = None,
        max_passage_words: int = 200,
        spans_key: str = SPANS_KEY,
        knowledge: Knowledge | None = None,
    ) -> None:
        self.name = name
        self.spans_key = spans_key
        # bad settings fail when the pipe is added, not at the first document
        self.cfg: dict[str, Any] = {
            "levels": sorted(check_levels(levels)) if levels is not None else None,
            "min_confidence": check_min_confidence(min_confidence),
            "max_passage_words": check_max_passage_words(max_passage_words),
        }
        taken = _register_extensions()
        if taken:
            raise BadInputError(
                f"Span._.{taken[0]} is already registered by another library, so hrgraph_linker cannot register "
                f"its own: remove it first (Span.remove_extension({taken[0]!r}))"
            )
        self._knowledge = knowledge
        self._linker: Linker | None = None

    @property
    def knowledge(self) -> Knowledge:
        """The compiled knowledge (loaded on first use, so that ``spacy.load`` reads it once)."""
        if self._knowledge is None:
            self._knowledge = load_knowledge()
        return self._knowledge

    @property
    def linker(self) -> Linker:
        """The scorer, built from the settings and the knowledge."""
        if self._linker is None:
            self._linker = Linker(
                self.knowledge,
                levels=self.cfg["levels"],
                min_confidence=None if self.cfg["min_confidence"] is None else float(self.cfg["min_confidence"]),
                max_passage_words=int(self.cfg["max_passage_words"]),
            )
        return self._linker

    def __call__(self, doc: Doc) -> Doc:
        """Find the links of a document and store them as spans."""
        spans = []
        for link in self.linker.link(doc.text):
            span = doc.char_span(link.start, link.end, label=link.level, kb_id=link.object_id, alignment_mode="expand")
            if span is None:
                continue
            # a span covers whole tokens; the record keeps the linker's exact evidence, which links() reports
            cast(dict[Any, Any], doc.user_data)[
                ("hrgraph", span.start_char, span.end_char, link.object_id, link.level)
            ] = {
                "confidence": link.confidence,
                "level": link.level,
                "method": link.method,
                "justification": link.justification,
                "derived_from": list(link.derived_from),
                "start": link.start,
                "end": link.end,
            }
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 128) -> Iterable[Doc]:
        """Process a stream of documents."""
        for doc in docs:
            yield self(doc)

    def links(self, doc: Doc) -> list[Link]:
        """Read the links of a processed document back as :class:`~hrgraph.link.linker.Link` values.

        They are read from hrgraph's own record of each span, not from ``span._``, whose names another
        library may have taken over, with the linker's exact evidence offsets.
        """
        found = []
        for span in doc.spans.get(self.spans_key, []):
            record = _record(span)
            if record is None:
                continue  # a span that is not one of the linker's
            start, end = int(record.get("start", span.start_char)), int(record.get("end", span.end_char))
            found.append(
                Link(
                    object_id=span.kb_id_,
                    object_label=self.knowledge.label(span.kb_id_),
                    level=span.label_,
                    confidence=float(record["confidence"]),
                    start=start,
                    end=end,
                    evidence=doc.text[start:end],
                    justification=str(record["justification"]),
                    method=str(record["method"]),
                    derived_from=tuple(record["derived_from"] or ()),
                )
            )
        return found

    # --- serialisation --------------------------------------------------------------------------------

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """Serialise the compiled knowledge (the settings are the pipeline's config)."""
        return json.dumps({"knowledge": self.knowledge.to_json()}).encode()

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> HrgraphLinker:
        """Restore from :meth:`to_bytes`."""
        self._restore(json.loads(data))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write ``knowledge.json`` into a folder (the settings are in the pipeline's ``config.cfg``)."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "knowledge.json").write_text(json.dumps(self.knowledge.to_json()), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> HrgraphLinker:
        """Read a folder written by :meth:`to_disk`."""
        folder = Path(path)
        try:
            data = {"knowledge": json.loads((folder / "knowledge.json").read_text(encoding="utf-8"))}
        except (OSError, ValueError) as err:
            raise BadInputError(f"{folder}: not a saved hrgraph_linker: {err}") from err
        self._restore(data)
        return self

    def _restore(self, data: dict[str, Any]) -> None:
        if "knowledge" in data:
            self._knowledge = Knowledge.from_json(data["knowledge"])
        self._linker = None


@Language.factory(
    "hrgraph_linker",
    default_config={
        "levels": None,
        "min_confidence": None,
        "max_passage_words": 200,
        "spans_key": SPANS_KEY,
    },
    assigns=["doc.spans"],
)
def make_linker(
    nlp: Language,
    name: str,
    levels: list[str] | None,
    min_confidence: float | None,
    max_passage_words: int,
    spans_key: str,
) -> HrgraphLinker:
    """Create the ``hrgraph_linker`` component (the ``spacy_factories`` entry point)."""
    return HrgraphLinker(
        nlp,
        name,
        levels=levels,
        min_confidence=min_confidence,
        max_passage_words=max_passage_words,
        spans_key=spans_key,
    )
