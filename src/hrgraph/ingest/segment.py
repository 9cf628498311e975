"""Split the blocks of a document into its provisions: parts, chapters, sections, articles, paragraphs, items.

Headings such as ``PART II``, ``Chapter 3``, ``Section 3.``, ``§ 2-1402.21``, ``Article 15``,
``Art. 15 (Title)``, ``WHEREAS`` clauses and numbered headings (``2.1 Housing``) open provisions; numbered
paragraphs (``(a)``, ``(1)``, ``1.``, ``a)``, ``(iv)``) nest by their numbering style, the way legal
drafting nests them; list items hang under the provision they follow. Each provision gets an Akoma Ntoso
style eId (``art_15``, ``art_15__para_2``, ``sec_3__para_a__item_1``), its number and heading, and the
offsets of its text in the extracted text of the file.

>>> from hrgraph.ingest.read import read_document
>>> from pathlib import Path
>>> doc = read_document(Path("o.txt"), b"Ordinance\\n\\nArticle 1 (Purpose)\\n(1) Text one.\\n(2) Text two.\\n")
>>> [(p.eid, p.heading) for p in segment(doc)]
[('art_1', 'Purpose'), ('art_1__para_1', None), ('art_1__para_2', None)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hrgraph.ingest.read import Block, Extracted, Provision

__all__ = ["citation", "segment"]

_NUMBER = r"(\d+[A-Za-z]?(?:[.-]\d+[A-Za-z]?)*|[IVXLC]+\b|[A-Z]\b)"
# kind, rank, eId prefix, pattern (number in group 1, the rest of the line in group 2)
_HEADINGS: tuple[tuple[str, int, str, re.Pattern[str]], ...] = (
    ("title", 0, "title", re.compile(rf"^(?:TITLE|Title)\s+{_NUMBER}[.:]?(?:\s+|$)(.*)$")),
    ("part", 1, "part", re.compile(rf"^(?:PART|Part)\s+{_NUMBER}[.:]?(?:\s+|$)(.*)$")),
    ("chapter", 2, "chp", re.compile(rf"^(?:CHAPTER|Chapter)\s+{_NUMBER}[.:]?(?:\s+|$)(.*)$")),
    ("section", 3, "sec", re.compile(rf"^(?:SECTION|Section|Sec\.)\s+{_NUMBER}[.:]?(?:\s+|$)(.*)$")),
    ("section", 3, "sec", re.compile(r"^§§?\s*(\d[\w.-]*?)\.?(?:\s+|$)(.*)$")),
    ("article", 3, "art", re.compile(rf"^(?:ARTICLE|Article|Art\.)\s+{_NUMBER}[.:]?(?:\s+|$)(.*)$")),
)
_RECITAL = re.compile(r"^(?:WHEREAS|Whereas)\b")
_FORMULA = re.compile(r"^(?:NOW,?\s+THEREFORE|Now,?\s+therefore)\b")
_NUMBERED_HEADING = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\.?\s+(\S.*)$")
_PARAGRAPH = re.compile(r"^(\((\d{1,3}|[a-z]{1,4}|[A-Z])\)|(\d{1,3})[.)]|([a-z])[.)])\s+")
_ITEM = re.compile(r"^[-*•–]\s+")
_ROMAN = set("ivxlc")
_PARAGRAPH_RANK = 10
_ITEM_RANK = 30


@dataclass
class _Open:
    provision: Provision
    rank: int
    style: str | None = None
    value: str | None = None
    level: int = 0
    listed: bool = False
    """Opened by a list item of the file (HTML ``li``, a Word list paragraph): plain text after it is not its."""


def _is_heading(text: str) -> bool:
    """Whether text after a number reads as a heading rather than as the provision's first sentence."""
    text = text.strip()
    if not text or len(text) > 100 or text.endswith((";", ":", ",")):
        return False
    return not text.endswith(".") or len(text.split()) <= 6


def _clean_heading(text: str) -> str:
    """Return a heading without the punctuation around it: the full stop of a code's catchline goes.

    >>> _clean_heading("- Prohibited practices."), _clean_heading("(Purpose)"), _clean_heading("Scope, etc.")
    ('Prohibited practices', 'Purpose', 'Scope, etc.')
    """
    text = text.strip().lstrip("-–—:.").strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    if re.search(r"[a-z]{4}\.$", text):  # not "U.S." or "etc."
        text = text[:-1]
    return text


def _marker_style(marker: str, stack: list[_Open]) -> tuple[str, str]:
    """Return the numbering style of a paragraph marker and its value: ``(a)`` → ("(a)", "a")."""
    inner = marker.strip("().")
    shape = marker.replace(inner, "#", 1)
    if inner.isdigit():
        return shape.replace("#", "1"), inner
    if inner.isupper():
        return shape.replace("#", "A"), inner
    if set(inner) <= _ROMAN:
        letter_style = shape.replace("#", "a")
        roman_style = shape.replace("#", "i")
        letters = [o for o in stack if o.style == letter_style]
        romans = [o for o in stack if o.style == roman_style]
        if len(inner) == 1 and letters and letters[-1].value and ord(letters[-1].value[-1]) + 1 == ord(inner):
            return letter_style, inner
        if romans or letters or len(inner) > 1:
            return roman_style, inner
        return letter_style, inner
    return shape.replace("#", "a"), inner


class _Segmenter:
    def __init__(self, doc: Extracted) -> None:
        self.doc = doc
        self.provisions: list[Provision] = []
        self.stack: list[_Open] = []
        self.used: set[str] = set()
        self.counters: dict[str, int] = {}
        levels = [b.level for b in doc.blocks if b.kind == "heading"]
        self.base_level = min(levels, default=1)

    def count(self, key: str) -> int:
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    def open(self, block: Block, kind: str, rank: int, eid: str, number: str | None, heading: str | None) -> _Open:
        while self.stack and self.stack[-1].rank >= rank:
            self.stack.pop()
        parent = self.stack[-1].provision if self.stack else None
        unique, n = eid, 1
        while unique in self.used:
            n += 1
            unique = f"{eid}-{n}"
        self.used.add(unique)
        provision = Provision(
            unique, kind, number, heading or None, block.start, block.end, parent.eid if parent else None, block.page
        )
        self.provisions.append(provision)
        entry = _Open(provision, rank, listed=block.kind == "item")
        self.stack.append(entry)
        self.extend(block)
        return entry

    def extend(self, block: Block) -> None:
        for entry in self.stack:
            entry.provision.end = max(entry.provision.end, block.end)

    def container_eid(self, prefix: str, number: str, rank: int) -> str:
        """Parts, chapters and titles nest in the eId; sections and articles are unique on their own."""
        parents = [o.provision.eid for o in self.stack if o.rank < rank]
        return "__".join([*parents[-1:], f"{prefix}_{_eid_part(number)}"])

    def heading_after(self, block: Block, rest: str, index: int) -> tuple[str | None, bool]:
        """Find the heading of a provision: the rest of its first line, its second line, or the next block."""
        first, _, more = block.text.partition("\n")
        rest = _clean_heading(rest)
        if rest:
            return (rest, False) if _is_heading(rest) else (None, False)
        if more:
            second = more.split("\n", 1)[0].strip()
            return (second, False) if _is_heading(second) and not second.endswith(".") else (None, False)
        following = self.doc.blocks[index + 1] if index + 1 < len(self.doc.blocks) else None
        if (
            following is not None
            and following.kind in ("text", "heading")
            and "\n" not in following.text
            and _is_heading(following.text)
            and not following.text.endswith(".")
            and self.classify(following) is None
        ):
            return _clean_heading(following.text), True
        return None, False

    def classify(self, block: Block) -> tuple[str, int, str, str, str] | None:
        """Return (kind, rank, eId prefix, number, rest of line) for a block that opens a provision."""
        first = block.text.split("\n", 1)[0].strip()
        for kind, rank, prefix, pattern in _HEADINGS:
            match = pattern.match(first)
            if match:
                return kind, rank, prefix, match.group(1), match.group(2)
        if _RECITAL.match(first):
            return "recital", 4, "recital", "", ""
        if _FORMULA.match(first):
            return "formula", 3, "formula", "", ""
        numbered = _NUMBERED_HEADING.match(first)
        if numbered and (block.kind == "heading" or self._reads_as_heading(block, numbered.group(2))):
            return "numbered", 3 + numbered.group(1).count("."), "sec", numbered.group(1), numbered.group(2)
        paragraph = _PARAGRAPH.match(first)
        if paragraph:
            return "paragraph", _PARAGRAPH_RANK, "para", paragraph.group(1), first[paragraph.end() :]
        if _ITEM.match(first):
            return "item", _ITEM_RANK, "item", "", ""
        return None

    @staticmethod
    def _reads_as_heading(block: Block, rest: str) -> bool:
        """Tell whether a numbered line is a heading: short, with the text going on below it."""
        if not _is_heading(rest) or rest.endswith(".") or len(rest) > 60 or not rest[:1].isupper():
            return False
        lines = block.text.split("\n")
        return len(lines) == 1 or lines[1].strip()[:1].isupper()

    def paragraph(self, block: Block, marker: str) -> None:
        while self.stack and self.stack[-1].rank >= _ITEM_RANK:
            self.stack.pop()
        style, value = _marker_style(marker, self.stack)
        sibling = next(
            (i for i in range(len(self.stack) - 1, -1, -1) if self.stack[i].style == style),
            None,
        )
        boundary = max((i for i, o in enumerate(self.stack) if o.rank < _PARAGRAPH_RANK), default=-1)
        if sibling is not None and sibling > boundary:
            rank = self.stack[sibling].rank
        else:
            top = self.stack[-1] if self.stack else None
            rank = top.rank + 1 if top is not None and top.rank >= _PARAGRAPH_RANK else _PARAGRAPH_RANK
        while self.stack and self.stack[-1].rank >= rank:
            self.stack.pop()
        parent = self.stack[-1].provision.eid if self.stack else None
        eid = f"{parent}__para_{_eid_part(value)}" if parent else f"para_{_eid_part(value)}"
        entry = self.open(block, "paragraph", rank, eid, value, None)
        entry.style, entry.value = style, value

    def item(self, block: Block, level: int) -> None:
        while self.stack and self.stack[-1].rank >= _ITEM_RANK and self.stack[-1].level >= level:
            self.stack.pop()
        parent = self.stack[-1].provision.eid if self.stack else None
        n = self.count(f"item:{parent}")
        eid = f"{parent}__item_{n}" if parent else f"item_{n}"
        entry = self.open(block, "item", _ITEM_RANK + level, eid, str(n), None)
        entry.level = level

    def attach(self, block: Block) -> None:
        while self.stack and (self.stack[-1].rank >= _ITEM_RANK or self.stack[-1].listed):
            self.stack.pop()
        if not self.stack:
            self.open(block, "preface", 3, "preface", None, None)
        else:
            self.extend(block)

    def run(self) -> list[Provision]:
        skip = -1
        title_seen = False
        for index, block in enumerate(self.doc.blocks):
            if index == skip:
                self.extend(block)
                continue
            if block.kind == "title" and not title_seen and not self.provisions:
                title_seen = True
                continue
            if block.kind == "row":  # a table's row belongs to the provision the table is in
                self.attach(block)
                continue
            found = self.classify(block)
            if found is None:
                if block.kind == "heading" and block.text.strip().rstrip(".:").lower() == "preamble":
                    self.open(block, "preamble", 3, "preamble", None, block.text)
                elif block.kind == "heading":
                    rank = 3 + max(block.level - self.base_level, 0)
                    n = self.count("hcontainer")
                    self.open(block, "hcontainer", rank, f"hcontainer_{n}", None, block.text)
                elif block.kind == "item":
                    self.item(block, block.level or 1)
                else:
                    self.attach(block)
                continue
            kind, rank, prefix, number, rest = found
            if kind == "paragraph":
                self.paragraph(block, number)
            elif kind == "item":
                self.item(block, block.level or 1)
            elif kind in ("recital", "formula"):
                n = self.count(kind)
                self.open(block, kind, rank, f"{prefix}_{n}", str(n), None)
            else:
                heading: str | None
                if kind == "numbered":
                    kind, heading, consumed = "section", _clean_heading(rest), False
                else:
                    heading, consumed = self.heading_after(block, rest, index)
                eid = self.container_eid(prefix, number, rank) if rank < 3 else f"{prefix}_{_eid_part(number)}"
                self.open(block, kind, rank, eid, number, heading)
                if consumed:
                    skip = index + 1
        for provision in self.provisions:
            provision.text = self.doc.text[provision.start : provision.end]
        return self.provisions


def _eid_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "x"


def citation(eid: str) -> str:
    """Return how a provision is cited within its instrument, from its eId.

    A recital and a paragraph of the operative part with the same number differ; sections and
    paragraphs of the operative part are cited with "§", paragraphs and items in brackets.

    >>> [citation(e) for e in ("art_3__para_1", "recital_2", "formula_1", "formula_1__para_2", "part_II")]
    ['art. 3(1)', 'recital 2', 'operative part', '§ 2', 'part II']
    >>> citation("sec_2-1402.21__para_a__para_1"), citation("part_I__chp_3")
    ('§ 2-1402.21(a)(1)', 'part I, chapter 3')
    """
    if re.fullmatch(r"formula_[^_]*", eid):
        return "operative part"
    eid = re.sub(r"^formula_[^_]*__", "", eid)
    eid = re.sub(r"__(?:para|item)_([^_]+)", r"(\1)", eid)
    eid = re.sub(r"^art_", "art. ", eid)
    eid = re.sub(r"^(?:sec|para)_", "§ ", eid)
    eid = eid.replace("__", ", ").replace("chp_", "chapter ")
    return re.sub(r"([a-z]+)_", r"\1 ", eid)


def segment(doc: Extracted) -> list[Provision]:
    """Return the provisions of a document in document order (each names its parent by eId)."""
    if doc.provisions is not None:
        for provision in doc.provisions:
            provision.text = doc.text[provision.start : provision.end]
        return doc.provisions
    return _Segmenter(doc).run()
