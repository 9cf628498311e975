"""The Aurora SDG target queries: parse their Scopus Boolean syntax and evaluate it on a passage.

The Aurora Universities Network wrote one search query per SDG target (CC BY 4.0; the XML files of
``corpora/standards/aurora``). A query line combines quoted phrases with ``OR``, ``AND``, ``AND NOT``
and the proximity operators ``W/n`` (within n words, either order) and ``PRE/n`` (the left side at
most n words before the right side); ``*`` truncates a word and ``?`` stands for one letter. Scopus
binds ``OR`` tightest, then ``W/n`` and ``PRE/n``, then ``AND``, then ``AND NOT``; parentheses group.

The logic is kept, not flattened to keywords: ``("safe" OR "affordab*") W/3 ("housing")`` matches
"affordable and safe housing" but not a passage where "affordable" and "housing" are far apart.

>>> node = parse_query('("safe" OR "affordab*") W/3 ("housing")')
>>> node
Near(distance=3, ordered=False, left=Or(children=(Term(words=('safe',)), Term(words=('affordab*',)))), \
right=Term(words=('housing',)))
>>> from hrgraph.link.text import tokenise
>>> bool(evaluate(node, Passage(tokenise("affordable food, transport, energy and then housing"))))
False
>>> bool(evaluate(node, Passage(tokenise("more affordable rental housing"))))
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.abc import Traversable
from typing import Any

from defusedxml import ElementTree

from hrgraph.errors import BadInputError
from hrgraph.link.text import Token, normalise, word_pattern

__all__ = [
    "And",
    "Near",
    "Node",
    "Not",
    "Or",
    "Passage",
    "Prefixes",
    "QueryLine",
    "Term",
    "evaluate",
    "node_from_json",
    "node_to_json",
    "parse_query",
    "read_queries",
    "required_keys",
    "trigger_keys",
]

_AQD = "{http://aurora-network.global/queries/namespace/}"
_DC = "{http://dublincore.org/documents/dcmi-namespace/}"
_MAX_SPANS = 64  # enough for evidence; bounds the work of proximity on long passages


@dataclass(frozen=True)
class Term:
    """A quoted word or phrase; words may hold ``*`` (any letters) and ``?`` (one letter)."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class Or:
    """Any of the children."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class And:
    """All of the children, anywhere in the passage."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """``left AND NOT right``."""

    left: Node
    right: Node


@dataclass(frozen=True)
class Near:
    """``left W/n right`` (any order) or ``left PRE/n right`` (left first)."""

    distance: int
    ordered: bool
    left: Node
    right: Node


Node = Term | Or | And | Not | Near


@dataclass(frozen=True)
class QueryLine:
    """One query line of one target: the target's IRI, the line as written and its parsed form."""

    target: str
    source: str
    node: Node


# --- parsing ---------------------------------------------------------------------------------------

_TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"|\{([^}]*)\}|(AND\s+NOT)\b|(AND)\b|(OR)\b|(W|PRE)/(\d+)|([^\s()"{}]+))')


def _lex(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise BadInputError(f"cannot read the query at {text[pos : pos + 20]!r}")
        pos = match.end()
        lpar, rpar, quoted, braced, and_not, and_, or_, near, distance, bare = match.groups()
        if lpar:
            tokens.append(("(", lpar))
        elif rpar:
            tokens.append((")", rpar))
        elif quoted is not None or braced is not None:
            tokens.append(("term", quoted if quoted is not None else braced or ""))
        elif and_not:
            tokens.append(("andnot", and_not))
        elif and_:
            tokens.append(("and", and_))
        elif or_:
            tokens.append(("or", or_))
        elif near:
            tokens.append(("pre" if near == "PRE" else "w", distance))
        elif bare:
            tokens.append(("term", bare))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _lex(text)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node:
        node = self.and_not()
        if self.peek() is not None:
            raise BadInputError(f"unexpected {self.tokens[self.pos][1]!r} in query {self.text!r}")
        return node

    def and_not(self) -> Node:
        node = self.and_()
        while self.peek() == "andnot":
            self.take()
            node = Not(node, self.and_())
        return node

    def and_(self) -> Node:
        children = [self.near()]
        while self.peek() == "and":
            self.take()
            children.append(self.near())
        return children[0] if len(children) == 1 else And(tuple(children))

    def near(self) -> Node:
        node = self.or_()
        while self.peek() in ("w", "pre"):
            kind, distance = self.take()
            node = Near(int(distance), kind == "pre", node, self.or_())
        return node

    def or_(self) -> Node:
        children = [self.atom()]
        while self.peek() == "or":
            self.take()
            children.append(self.atom())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def atom(self) -> Node:
        kind = self.peek()
        if kind == "(":
            self.take()
            node = self.and_not()
            if self.peek() != ")":
                raise BadInputError(f"missing ')' in query {self.text!r}")
            self.take()
            return node
        if kind == "term":
            words = tuple(w.lower() for w in re.findall(r"[^\s\-/]+", self.take()[1]))
            words = tuple(w for w in (re.sub(r"[^\w*?']", "", w) for w in words) if w)
            if not words:
                raise BadInputError(f"empty phrase in query {self.text!r}")
            return Term(words)
        raise BadInputError(f"expected a phrase or '(' in query {self.text!r}")


def parse_query(text: str) -> Node:
    """Parse one Scopus-syntax query line into a tree of :class:`Term`, :class:`Or`, :class:`And` and so on.

    >>> parse_query('"a" OR "b" AND NOT "c"')
    Not(left=Or(children=(Term(words=('a',)), Term(words=('b',)))), right=Term(words=('c',)))
    """
    return _Parser(text).parse()


def read_queries(files: Iterable[Traversable]) -> list[QueryLine]:
    """Read every query line of the Aurora XML files, each tied to the UN IRI of its target."""
    lines: list[QueryLine] = []
    for source in files:
        try:
            root = ElementTree.fromstring(source.read_bytes())
        except ElementTree.ParseError as err:
            raise BadInputError(f"{source.name}: not well-formed XML: {err}") from err
        for definition in root.iter(f"{_AQD}query-definition"):
            target = next(
                (
                    e.text.strip()
                    for e in definition
                    if e.tag == f"{_DC}identifier" and e.get("type") == "uri" and e.text
                ),
                None,
            )
            if target is None:
                continue
            for line in definition.iter(f"{_AQD}query-line"):
                text = " ".join((line.text or "").split())
                if text:
                    try:
                        lines.append(QueryLine(target, text, parse_query(text)))
                    except BadInputError as err:
                        raise BadInputError(f"{source.name}: target {target}: {err}") from err
    return lines


def node_to_json(node: Node) -> list[Any]:
    """Write a query tree as nested lists (for the cache)."""
    if isinstance(node, Term):
        return ["t", list(node.words)]
    if isinstance(node, Or):
        return ["or", [node_to_json(c) for c in node.children]]
    if isinstance(node, And):
        return ["and", [node_to_json(c) for c in node.children]]
    if isinstance(node, Not):
        return ["not", node_to_json(node.left), node_to_json(node.right)]
    return ["near", node.distance, node.ordered, node_to_json(node.left), node_to_json(node.right)]


def node_from_json(data: Sequence[Any]) -> Node:
    """Read a query tree written by :func:`node_to_json`."""
    kind = data[0]
    if kind == "t":
        return Term(tuple(data[1]))
    if kind == "or":
        return Or(tuple(node_from_json(c) for c in data[1]))
    if kind == "and":
        return And(tuple(node_from_json(c) for c in data[1]))
    if kind == "not":
        return Not(node_from_json(data[1]), node_from_json(data[2]))
    return Near(int(data[1]), bool(data[2]), node_from_json(data[3]), node_from_json(data[4]))


# --- evaluation ------------------------------------------------------------------------------------


def _word_key(word: str) -> str:
    """Return the index key of a query word: its normal form, or the literal prefix of a truncated word."""
    if "*" in word or "?" in word:
        return "p:" + re.split(r"[*?]", word, maxsplit=1)[0]
    return "n:" + normalise(word)


def trigger_keys(node: Node) -> frozenset[str]:
    """Keys of which at least one must be in a passage for the query to match there.

    The passage's keys are its words' normal forms (``n:…``) and their prefixes (``p:…``).
    """
    if isinstance(node, Term):
        return frozenset([_word_key(node.words[0])])
    if isinstance(node, Or):
        return frozenset().union(*(trigger_keys(c) for c in node.children))
    if isinstance(node, Not):
        return trigger_keys(node.left)
    children = node.children if isinstance(node, And) else (node.left, node.right)
    return min((trigger_keys(c) for c in children), key=len)


def required_keys(node: Node) -> list[frozenset[str]]:
    """Key sets of which a passage must hold one each for the query to match there (see :func:`trigger_keys`).

    Every word of a phrase and every side of ``AND`` and ``W/n`` is needed; ``OR`` needs one of its sides.

    >>> [sorted(keys) for keys in required_keys(parse_query('("safe" OR "affordab*") W/3 ("housing")'))]
    [['n:safe', 'p:affordab'], ['n:hous']]
    """
    if isinstance(node, Term):
        return [frozenset([_word_key(word)]) for word in node.words]
    if isinstance(node, Or):
        return [trigger_keys(node)]
    if isinstance(node, Not):
        return required_keys(node.left)
    children = node.children if isinstance(node, And) else (node.left, node.right)
    return [keys for child in children for keys in required_keys(child)]


class Prefixes:
    """The literal prefixes of truncated query words (``affordab*``), found by a word's first three letters.

    >>> Prefixes(["affordab", "hous", "ho"]).of("housing")
    ['hous', 'ho']
    """

    def __init__(self, prefixes: Iterable[str]) -> None:
        self._by_start: dict[str, list[str]] = {}
        self._short: list[str] = []
        self._known: dict[str, list[str]] = {}  # the prefixes of words seen before
        for prefix in sorted(set(prefixes)):
            if len(prefix) >= 3:
                self._by_start.setdefault(prefix[:3], []).append(prefix)
            else:
                self._short.append(prefix)

    def of(self, word: str) -> list[str]:
        """Return the prefixes that ``word`` starts with."""
        found = self._known.get(word)
        if found is None:
            found = [p for p in self._by_start.get(word[:3], ()) if word.startswith(p)]
            found += [p for p in self._short if word.startswith(p)]
            if len(self._known) < 200_000:  # a vocabulary, not every number of a long text
                self._known[word] = found
        return found


class Passage:
    """A passage's words indexed for query evaluation: positions by normal form and by prefix."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.lower = [t.lower for t in tokens]
        self.by_norm: dict[str, list[int]] = {}
        for i, token in enumerate(tokens):
            self.by_norm.setdefault(token.norm.lower(), []).append(i)
        self._cache: dict[tuple[str, ...], list[tuple[int, int]]] = {}
        self._positions: dict[str, list[int]] = {}

    def keys(self, prefixes: Prefixes) -> set[str]:
        """Return the keys present in the passage: its words' normal forms and the query prefixes they start with."""
        keys = {"n:" + norm for norm in self.by_norm}
        for word in set(self.lower):
            keys.update("p:" + prefix for prefix in prefixes.of(word))
        return keys

    def positions(self, word: str) -> list[int]:
        """Positions of the words a query word matches."""
        found = self._positions.get(word)
        if found is not None:
            return found
        if word.endswith("*") and "*" not in word[:-1] and "?" not in word:
            prefix = word[:-1]
            found = [i for i, w in enumerate(self.lower) if w.startswith(prefix)]
        elif "*" in word or "?" in word:
            pattern = word_pattern(word)
            found = [i for i, w in enumerate(self.lower) if pattern.fullmatch(w)]
        else:
            found = self.by_norm.get(normalise(word).lower(), [])
        self._positions[word] = found
        return found

    def phrase(self, words: tuple[str, ...]) -> list[tuple[int, int]]:
        """Token spans ``(start, end)`` where a phrase occurs, end exclusive."""
        found = self._cache.get(words)
        if found is not None:
            return found
        starts = self.positions(words[0])
        if len(words) > 1:
            later = [set(self.positions(w)) for w in words[1:]]
            starts = [s for s in starts if all(s + k + 1 in positions for k, positions in enumerate(later))]
        found = [(s, s + len(words)) for s in starts[:_MAX_SPANS]]
        self._cache[words] = found
        return found


def evaluate(node: Node, passage: Passage) -> list[tuple[int, int]]:
    """Return the token spans that satisfy a query in a passage (empty when it does not match)."""
    if isinstance(node, Term):
        return passage.phrase(node.words)
    if isinstance(node, Or):
        spans: list[tuple[int, int]] = []
        for child in node.children:
            spans.extend(evaluate(child, passage))
        return sorted(set(spans))[:_MAX_SPANS]
    if isinstance(node, And):
        spans = []
        for child in node.children:
            found = evaluate(child, passage)
            if not found:
                return []
            spans.append(found[0])
        return spans
    if isinstance(node, Not):
        left = evaluate(node.left, passage)
        return left if left and not evaluate(node.right, passage) else []
    left = evaluate(node.left, passage)
    if not left:
        return []
    right = evaluate(node.right, passage)
    joined: set[tuple[int, int]] = set()
    for a_start, a_end in left:
        for b_start, b_end in right:
            if a_end <= b_start:
                gap = b_start - a_end
            elif b_end <= a_start:
                if node.ordered:
                    continue
                gap = a_start - b_end
            else:
                continue  # the same words cannot be on both sides
            if gap <= node.distance:
                joined.add((min(a_start, b_start), max(a_end, b_end)))
    return sorted(joined)[:_MAX_SPANS]
