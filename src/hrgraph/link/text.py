"""How the linker reads text: words with their offsets, lemma-like normal forms, and passages.

No statistical model is assumed, so words are normalised by rule: lower case, British spellings
folded into American ones, and plural, ``-ing`` and ``-ed`` endings stripped, so that "shelters",
"sheltered" and "shelter" meet, as do "organisation" and "organizations".

>>> [t.norm for t in tokenise("Homeless shelters for women's organisations")]
['homeless', 'shelter', 'for', 'woman', 'organization']
>>> normalise("housing") == normalise("houses")
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer  # type: ignore[import-untyped]

__all__ = [
    "STOPWORDS",
    "TRAPS",
    "Token",
    "is_english",
    "normalise",
    "similarity_features",
    "split_passages",
    "stem",
    "tokenise",
    "trapped",
    "word_pattern",
]

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_NUMBERED = re.compile(r"\.?\s*\d")
_ABBREVIATIONS = {"art": "article", "arts": "articles", "para": "paragraph", "paras": "paragraphs"}
"""Abbreviations read as their word when a number follows ("Art. 3", "para. 4"): "art" is not the arts."""
_IRREGULAR = {
    "women": "woman",
    "men": "man",
    "children": "child",
    "people": "person",
    "persons": "person",
    "lives": "life",
    "wives": "wife",
    "elderly": "elder",
    "older": "old",
    "indices": "index",
    "criteria": "criterion",
    "analyses": "analysis",
    "crises": "crisis",
    "bases": "basis",
}
_SPELLING = (
    ("isations", "ization"),
    ("isation", "ization"),
    ("ising", "iz"),
    ("ised", "iz"),
    ("ises", "iz"),
    ("ise", "iz"),
    ("izing", "iz"),
    ("ized", "iz"),
    ("izes", "iz"),
    ("ize", "iz"),
    ("yse", "yz"),
    ("ours", "or"),
    ("our", "or"),
    ("tres", "ter"),
    ("tre", "ter"),
    ("ogue", "og"),
)
_KEEP = frozenset("always across various previous bus gas news thus this its is was has parking".split())

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below between
    both but by can could did do does doing down during each etc few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just may me might more most must my myself no nor
    not now of off on once only or other our ours ourselves out over own per same shall she should so some such than
    that the their theirs them themselves then there these they this those through to too under until up upon us very
    was we were what when where which while who whom why will with within without would you your yours yourself
    yourselves least every via e g i.e eg ie one two three four five six seven eight nine ten year years new well
    including include includes ensure ensuring""".split()
)


_ENGLISH = frozenset("the of and to for with on by is are be that this from its their shall will which has".split())
_OTHER = frozenset(
    """el los las del al y para con por una un est les des et pour avec une au aux du il di che per della
    delle degli dei und der die das für mit ein eine ist von zu den dem nicht em com não uma pelo pela""".split()
)
"""Function words of English, and of the languages of Europe most often met instead (Spanish, French,
Italian, German, Portuguese): a passage with more of the second is not English and is not linked."""


class Token(NamedTuple):
    """A word of a text: its character offsets, its lower-case form and its normal form."""

    start: int
    end: int
    lower: str
    norm: str


@lru_cache(maxsize=200_000)
def normalise(word: str) -> str:
    """Return the lemma-like normal form of one word (lower case).

    >>> [normalise(w) for w in ["Rights", "policies", "labour", "planning", "centres", "caring"]]
    ['right', 'policy', 'labor', 'plan', 'center', 'caring']
    """
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    elif w.endswith("s'"):
        w = w[:-1]
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3 or not w.isalpha() or w in _KEEP:
        return w
    for old, new in _SPELLING:
        if w.endswith(old) and len(w) - len(old) >= 3:
            w = w[: -len(old)] + new
            break
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "xes", "ches", "shes", "zzes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    for suffix in ("ing", "ed"):
        stem = w[: -len(suffix)]
        if w.endswith(suffix) and len(stem) >= 4 and re.search(r"[aeiouy]", stem):
            if suffix == "ed" and stem.endswith("i"):
                stem = stem[:-1] + "y"
            if len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                stem = stem[:-1]
            w = stem
            break
    if w.endswith("e") and len(w) >= 5 and not w.endswith(("ee", "ie")):
        w = w[:-1]
    return w


def is_english(tokens: Iterable[Token]) -> bool:
    """Return whether a passage reads as English.

    It does unless it has two or more function words of other languages and more of them than of English.

    >>> is_english(tokenise("La ciudad garantiza el acceso al agua potable para todas las familias."))
    False
    >>> is_english(tokenise("The Los Angeles housing plan for families in need."))
    True
    """
    english = other = 0
    for t in tokens:
        english += t.lower in _ENGLISH
        other += t.lower in _OTHER
    return other < 2 or other <= english


def tokenise(text: str, acronyms: Iterable[str] = ()) -> list[Token]:
    """Split a text into words; words in ``acronyms`` (exact case, e.g. ``WASH``) keep their case.

    >>> [(t.start, t.norm) for t in tokenise("WASH and wash", acronyms={"WASH"})]
    [(0, 'WASH'), (5, 'and'), (9, 'wash')]
    >>> [t.norm for t in tokenise("Art. 3 on art")]
    ['articl', '3', 'on', 'art']
    """
    keep = acronyms if isinstance(acronyms, set | frozenset) else frozenset(acronyms)
    tokens = []
    for match in _WORD.finditer(text):
        word = match.group()
        lower = word.lower()
        if lower in _ABBREVIATIONS and _NUMBERED.match(text, match.end()):
            lower = _ABBREVIATIONS[lower]
        tokens.append(Token(match.start(), match.end(), lower, word if word in keep else normalise(lower)))
    return tokens


@lru_cache(maxsize=4096)
def word_pattern(word: str) -> re.Pattern[str]:
    """Compile a truncated query word (``affordab*``, ``wom?n``) into a regular expression."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in word))


def split_passages(text: str, tokens: Sequence[Token], *, max_words: int = 200) -> list[tuple[int, int]]:
    """Split a text into passages, as ranges of token indices: at blank lines, then at sentence ends.

    A passage is what a link's evidence and its similarity are judged on; passages longer than
    ``max_words`` are cut at the last sentence end before the limit (or at the limit).

    >>> text = "First point.\\n\\nSecond point. Still second."
    >>> split_passages(text, tokenise(text))
    [(0, 2), (2, 6)]
    """
    passages: list[tuple[int, int]] = []
    start = 0
    last_sentence_end = -1
    for i in range(1, len(tokens) + 1):
        boundary = i == len(tokens)
        if not boundary:
            gap = text[tokens[i - 1].end : tokens[i].start]
            if "\n" in gap and re.search(r"\n[ \t\r\f\v]*\n", gap):
                boundary = True
            elif re.search(r"[.!?;:]\s", gap + " "):
                last_sentence_end = i
        if boundary:
            passages.append((start, i))
            start = i
            last_sentence_end = -1
        elif i - start >= max_words:
            cut = last_sentence_end if last_sentence_end > start + max_words // 4 else i
            passages.append((start, cut))
            start = cut
            last_sentence_end = -1
    return [p for p in passages if p[1] > p[0]]


_STEMMER = snowballstemmer.stemmer("english")
_STEMS = {
    **dict.fromkeys(("publication", "publications"), "publicat"),  # not "public" (public access to information)
    **dict.fromkeys(("minority", "minorities"), "minorit"),  # not "minor" (minors: children)
    **dict.fromkeys(("occupancy", "occupant", "occupants"), "occupan"),  # not "occup" (occupational health)
    **dict.fromkeys(("naturalization", "naturalisation"), "naturaliz"),  # not "natur" (nature)
    **dict.fromkeys(("executive", "executives"), "executive"),  # not "execut" (executions)
    **dict.fromkeys(("severability", "severable"), "severab"),  # not "sever" (severe food insecurity)
    "fines": "fines",  # not "fine" (fine particulate matter)
    "identical": "identic",  # not "ident" (identity)
    "hospitality": "hospitality",  # not "hospit" (hospitals)
    "parking": "parking",  # not "park" (parks: green and public spaces)
}
"""Words whose Snowball stem is that of an unrelated word of the standards, with a stem of their own."""


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Return the Snowball (Porter 2) stem of a lower-case word: coarser than :func:`normalise`.

    >>> stem("pollutants") == stem("pollution")
    True
    >>> stem("publications") == stem("public"), stem("executive") == stem("execution")
    (False, False)
    """
    return _STEMS.get(word) or str(_STEMMER.stemWord(word))


TRAPS = (
    "water right",
    "air right",
    "mineral right",
    "development right",
    "naming right",
    "right of way",
    "right reserved",
    "food truck",
    "health and safety of the building",
    "short title",
    "life safety",
    "social security number",
    "equal installment",
    "equal instalment",
    "police power",
    "food service establishment",
    "food establishment",
    "food handler",
    "parking space",
)
"""Phrases that contain a standard's words without meaning the standard ("water rights" are property):
their words are neither terms nor features (:func:`trapped`). They match on normal forms, so "right of way"
is also "rights-of-way"."""


@lru_cache(maxsize=1)
def _traps() -> dict[str, list[tuple[str, ...]]]:
    """Return the traps as normal forms, by their first word."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for trap in TRAPS:
        norms = tuple(t.norm for t in tokenise(trap))
        by_first.setdefault(norms[0], []).append(norms)
    return by_first


def trapped(tokens: Sequence[Token]) -> set[int]:
    """Return the indices of the tokens that are part of a :data:`TRAPS` phrase.

    >>> sorted(trapped(tokenise("Water rights go with the deed; drinking water does not.")))
    [0, 1]
    """
    traps = _traps()
    found: set[int] = set()
    for i, token in enumerate(tokens):
        for trap in traps.get(token.norm, ()):
            if tuple(t.norm for t in tokens[i : i + len(trap)]) == trap:
                found.update(range(i, i + len(trap)))
    return found


def similarity_features(tokens: Sequence[Token]) -> list[str]:
    """Return the words a passage is compared on: stems of content words (no stop words, numbers or traps).

    >>> similarity_features(tokenise("Short title: the housing of 2024 families"))
    ['hous', 'famili']
    """
    skip = trapped(tokens)
    return [
        stem(t.lower.replace("’", "'").removesuffix("'s"))
        for i, t in enumerate(tokens)
        if len(t.lower) > 2
        and t.lower not in STOPWORDS
        and not t.lower[0].isdigit()
        and t.lower.isalpha()
        and i not in skip
    ]
