"""Link local policy text to the international standards it serves.

The standards are SDG goals and targets, treaty articles and paragraphs, rights themes and instruments.

Each link comes with the words that justify it (character offsets into the text), a confidence in
[0, 1] and the method that found it, so that reporting staff review suggestions instead of reading
treaties. The work is done by the spaCy component ``hrgraph_linker``
(:mod:`hrgraph.link.component`) on any pipeline, ``spacy.blank("en")`` by default; no statistical
model is downloaded.

>>> links = annotate("Open two more homeless shelters, as ICESCR art. 11(1) requires.")
>>> cited = next(x for x in links if x.method == "citation")
>>> cited.object_id, cited.level, cited.evidence, cited.confidence
('https://w3id.org/hrgraph/id/icescr/art_11__para_1', 'paragraph', 'ICESCR art. 11(1)', 0.97)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from hrgraph.errors import BadInputError
from hrgraph.link.knowledge import LEVELS
from hrgraph.link.linker import Link, check_levels, check_min_confidence

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["LEVELS", "MAX_CHARS", "Link", "annotate", "annotate_texts"]

MAX_CHARS = 5_000_000
"""The longest text :func:`annotate` accepts (characters); longer texts are an error, not a crash."""
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CHUNK = 200_000  # spaCy refuses texts over nlp.max_length (1,000,000): long texts go in chunks


@lru_cache(maxsize=8)
def _pipeline(levels: tuple[str, ...] | None, min_confidence: float | None) -> Language:
    import spacy

    import hrgraph.link.component  # noqa: F401  (registers the factory when not installed as an entry point)

    nlp = spacy.blank("en")
    nlp.add_pipe(
        "hrgraph_linker", config={"levels": list(levels) if levels else None, "min_confidence": min_confidence}
    )
    return nlp


# where a long text is cut, best first: a blank line (a passage boundary for the linker too), a line
# break, a sentence end, a space
_CUTS = tuple(re.compile(p) for p in (r"\n[ \t\r\f\v]*\n", r"\n", r"[.!?]\s", r"\s"))


def _chunks(text: str, size: int = _CHUNK) -> Iterator[tuple[int, str]]:
    """Cut a long text into pieces of at most ``size`` characters, with their offsets.

    Each piece ends at the last blank line in the second half of its window, else at the last line
    break there, else at a sentence end, else at a space (else at ``size``).

    >>> [piece for _, piece in _chunks("One two.\\n\\nThree. Four five six.", size=16)]
    ['One two.\\n\\n', 'Three. Four ', 'five six.']
    """
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        ends = ([m.end() for m in pattern.finditer(window, size // 2)] for pattern in _CUTS)
        cut = next((found[-1] for found in ends if found), size)  # the last cut of the best kind
        yield start, text[start : start + cut]
        start += cut
    yield start, text[start:]


def annotate_texts(
    texts: Iterable[str],
    *,
    levels: Iterable[str] | None = None,
    min_confidence: float | None = None,
    nlp: Language | None = None,
) -> Iterator[list[Link]]:
    """Annotate many texts (one list of links per text, in order); see :func:`annotate`."""
    if isinstance(texts, str):
        raise BadInputError("texts must be a list (or other iterable) of strings, not one string: use annotate()")
    chosen = tuple(sorted(check_levels(levels))) if levels is not None else None
    min_confidence = check_min_confidence(min_confidence)
    pipeline = nlp if nlp is not None else _pipeline(chosen, min_confidence)
    if "hrgraph_linker" not in pipeline.pipe_names:
        import hrgraph.link.component  # noqa: F401

        pipeline.add_pipe("hrgraph_linker")
    from hrgraph.link.component import HrgraphLinker

    component = pipeline.get_pipe("hrgraph_linker")
    if not isinstance(component, HrgraphLinker):
        raise BadInputError("the pipeline's hrgraph_linker is not the hrgraph component")
    for number, text in enumerate(texts, start=1):
        if not isinstance(text, str):
            raise BadInputError(f"text {number}: expected a string, got {type(text).__name__}")
        if len(text) > MAX_CHARS:
            raise BadInputError(
                f"text {number}: {len(text):,} characters is more than the {MAX_CHARS:,} hrgraph links at once; "
                "split it into documents"
            )
        links: list[Link] = []
        text = _LONE_SURROGATE.sub("\ufffd", text)  # not Unicode: replaced, one character for one, offsets hold
        if re.search(r"\w", text):
            pieces = list(_chunks(text, max(1, min(_CHUNK, pipeline.max_length))))
            for (offset, _piece), doc in zip(pieces, pipeline.pipe(p for _, p in pieces), strict=True):
                for link in component.links(doc):
                    if chosen is not None and link.level not in chosen:
                        continue
                    if min_confidence is not None and link.confidence < min_confidence:
                        continue  # a given pipeline keeps its own minimum unless one is given here
                    links.append(_shift(link, offset))
        yield links


def _shift(link: Link, offset: int) -> Link:
    if offset == 0:
        return link
    from dataclasses import replace

    return replace(link, start=link.start + offset, end=link.end + offset)


def annotate(
    text: str,
    *,
    levels: Iterable[str] | None = None,
    min_confidence: float | None = None,
    nlp: Language | None = None,
) -> list[Link]:
    """Return the standards a text serves, each link with its evidence, confidence and method.

    ``levels`` chooses among ``sdg-goal``, ``sdg-target``, ``article``, ``paragraph``, ``theme`` and
    ``instrument`` (all by default; an unknown name is an error). ``min_confidence`` is the confidence
    from which links are returned; by default each level's own (0.2, SDG targets 0.3:
    :func:`hrgraph.link.linker.min_confidence_of`). ``nlp`` is any spaCy pipeline (the
    ``hrgraph_linker`` component is added to it when missing); by default a blank English one. A
    pipeline's linker keeps its own settings: ``levels`` and ``min_confidence``, when given, narrow
    what it finds further, they cannot widen it. Empty text, text with no words and text in another
    language give no links.

    >>> annotate("")
    []
    >>> [x.object_label for x in annotate("SDG target 4.1", levels=["sdg-target"])]
    ['SDG target 4.1 — free, equitable and quality primary and secondary education']
    """
    return next(annotate_texts([text], levels=levels, min_confidence=min_confidence, nlp=nlp))
