"""Explicit citations of standards, in the forms people write them, resolved to the exact provision.

Forms read: "article 11 of the International Covenant on Economic, Social and Cultural Rights",
"ICESCR art. 11(1)", "Art. 5(e)(iii) CERD", "articles 2 and 26 of the ICCPR", "Article 11,
paragraph 1, of the Covenant on Economic, Social and Cultural Rights", "ICESCR:11", "SDG target 11.1",
"targets 11.1 and 11.2", "SDG indicator 11.1.1" (for its target), "SDG 5", "Goal 5" (when the text
speaks of the SDGs), and an instrument
alone ("the CRPD"). A citation resolves to the deepest provision the corpus has: a paragraph when
it has numbered paragraphs, else the article (sub-paragraphs such as "(e)(iii)" are kept in the
citation's wording).

>>> from hrgraph.link.knowledge import load_knowledge
>>> finder = CitationFinder(load_knowledge())
>>> [(c.notation, c.level) for c in finder.find("See ICESCR art. 11(1) and Art. 5(e)(iii) CERD.")]
[('ICESCR:11(1)', 'paragraph'), ('ICERD:5', 'article')]
>>> [c.notation for c in finder.find("This serves SDG target 11.1 and Goal 5, as SDG indicator 4.2.2 shows.")]
['11.1', '5', '4.2']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from hrgraph.link.knowledge import Knowledge

__all__ = ["Citation", "CitationFinder"]

_ID = "https://w3id.org/hrgraph/id/"
_SDG = "http://metadata.un.org/sdg/"

# Names people use for instruments beyond the corpus's own abbreviation and title.
EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "icerd": ("CERD", "Convention on the Elimination of All Forms of Racial Discrimination", "Race Convention"),
    "iccpr": ("CCPR", "Covenant on Civil and Political Rights", "Civil and Political Rights Covenant"),
    "icescr": ("CESCR", "Covenant on Economic, Social and Cultural Rights"),
    "cedaw": ("Convention on the Elimination of All Forms of Discrimination against Women", "Women's Convention"),
    "cat": ("UNCAT", "Convention against Torture"),
    "crc": ("UNCRC", "Convention on the Rights of the Child", "Children's Rights Convention"),
    "crpd": ("UNCRPD", "Convention on the Rights of Persons with Disabilities", "Disability Convention"),
    "cped": ("CED", "Convention on Enforced Disappearance", "Convention against Enforced Disappearance"),
    "icmw": ("CMW", "ICRMW", "Migrant Workers Convention", "Convention on Migrant Workers"),
    "udhr": ("Universal Declaration of Human Rights", "Universal Declaration"),
    "echr": ("European Convention on Human Rights", "European Convention for the Protection of Human Rights"),
    "eucfr": ("EU Charter of Fundamental Rights", "Charter of Fundamental Rights of the European Union", "EU Charter"),
    "esc": ("European Social Charter", "Revised European Social Charter", "RESC"),
    "op-cat": ("OP-CAT", "Optional Protocol to the Convention against Torture"),
    "op-iccpr": ("OP-ICCPR", "First Optional Protocol to the International Covenant on Civil and Political Rights"),
}
# Instruments that a bare mention does not link (the SDGs are cited by goal and target).
_NOT_ALONE = {_ID + "agenda2030"}

_NUM = r"\d{1,3}[a-z]?(?:\s?\((?:\d{1,2}|[a-z]{1,5})\))*(?:\.\d{1,2}(?!\d))?"
_LIST = rf"{_NUM}(?:\s*(?:,|and|&|or|to|-|–)\s*{_NUM})*"
_PARA = r"(?:,?\s*(?:paragraph|para\.?|§)\s*\d{1,2})?"
_ART = r"(?:[Aa]rticles?|ARTICLES?|[Aa]rts?\.?|ARTS?\.?)"
_MAY_CITE = re.compile(r"\b(?:[Aa]rt|ART)|[A-Z]:\d")  # a cheap test before the long patterns run
_MAY_NAME = re.compile(r"[A-Z]{2}|(?i:convention|covenant|declaration|charter|protocol|principles)")
_SDG_WORDS = re.compile(r"\bSDGs?\b|Sustainable\s+Development|2030\s+Agenda|Global\s+Goals", re.IGNORECASE)
_TARGET_ID = r"\d{1,2}\.(?:\d{1,2}|[a-c])\b"
_TARGETS = re.compile(
    rf"\b(?:(?:SDGs?|Sustainable\s+Development\s+Goals?)[\s-]*(?:[Tt]argets?\s*)?|[Tt]argets?\s+(?:SDG\s*)?)"
    rf"({_TARGET_ID}(?:\s*(?:,|and|&|or)\s*{_TARGET_ID})*)"
)
_INDICATORS = re.compile(r"\b(SDGs?\s*)?[Ii]ndicators?\s+(?:SDG\s*)?(\d{1,2}\.(?:\d{1,2}|[a-c]))\.\d{1,2}\b")
_GOALS = re.compile(
    r"\b(?:(SDGs?|Sustainable\s+Development\s+Goals?|Global\s+Goals?)[\s-]*(?:[Gg]oals?\s*)?#?|(Goals?)\s+#?)"
    r"(\d{1,2}(?!\.\d|\.[a-c]\b|\d)(?:\s*(?:,|and|&|or)\s*\d{1,2}(?!\.\d|\.[a-c]\b|\d))*)"
)


@dataclass(frozen=True)
class Citation:
    """An explicit citation: where it is, what it resolves to, how it was written."""

    start: int
    end: int
    iri: str
    level: str
    notation: str
    text: str


def _name_pattern(name: str) -> str:
    words = [re.escape(w) for w in re.split(r"[\s,]+", name.strip()) if w]
    return r",?\s+".join(words)


class CitationFinder:
    """Finds citations in text, resolving them with the corpus's instruments and numbering."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        names: dict[str, str] = {}  # name → instrument IRI
        for iri, labels in knowledge.instruments.items():
            slug = iri.rsplit("/", 1)[-1]
            for label in [*labels, *EXTRA_NAMES.get(slug, ())]:
                names[label] = iri
                if label.startswith("International "):
                    names[label.removeprefix("International ")] = iri
        acronyms = sorted((n for n in names if re.fullmatch(r"[A-Z][A-Z0-9-]{1,11}", n)), key=len, reverse=True)
        titles = sorted((n for n in names if n not in acronyms), key=len, reverse=True)
        self._names = {n.lower(): iri for n, iri in names.items()}
        acronym_alt = "|".join(re.escape(a) for a in acronyms)
        title_alt = "|".join(_name_pattern(t) for t in titles)
        title = rf"(?:(?:UN|United\s+Nations)\s+)?(?P<title>(?i:{title_alt}))"
        acronym = rf"(?P<acr>(?<![-\w])(?:{acronym_alt})(?![-\w]))"
        instrument = rf"(?:(?:the|The)\s+)?(?:{title}|{acronym})"
        self._before = re.compile(
            rf"\b(?P<art>{_ART})\s*(?P<nums>{_LIST}){_PARA}\s*,?\s*(?:(?:of|in|under)\s+)?{instrument}"
        )
        self._after = re.compile(rf"{instrument}\s*,?\s*\(?(?P<art>{_ART})\s*(?P<nums>{_LIST}){_PARA}")
        self._notation = re.compile(rf"(?<![-\w])(?P<acr>{acronym_alt}):(?P<nums>{_NUM})")
        self._alone = re.compile(instrument)

    def find(self, text: str) -> list[Citation]:
        """Return the citations in a text, in order of position."""
        found: list[Citation] = []
        taken: list[tuple[int, int]] = []

        def free(start: int, end: int) -> bool:
            return all(end <= s or start >= e for s, e in taken)

        provisions = (self._before, self._after, self._notation) if _MAY_CITE.search(text) else ()
        for pattern in provisions:
            for match in pattern.finditer(text):
                if not free(match.start(), match.end()):
                    continue
                instrument = self._instrument(match)
                if instrument is None:
                    continue
                cited = list(self._provisions(instrument, match.group("nums"), match.group(0)))
                if cited:
                    taken.append((match.start(), match.end()))
                    found += [Citation(match.start(), match.end(), iri, lv, n, match.group(0)) for iri, lv, n in cited]
        for match in self._alone.finditer(text) if _MAY_NAME.search(text) else ():
            instrument = self._instrument(match)
            if instrument is None or instrument in _NOT_ALONE or not free(match.start(), match.end()):
                continue
            if match.group("acr") == "ESC" and re.match(r"\s+rights", text[match.end() :]):
                continue  # "ESC rights": economic, social and cultural rights, not the Charter
            concept = self.knowledge.concepts.get(instrument)
            if concept is not None:
                taken.append((match.start(), match.end()))
                found.append(
                    Citation(match.start(), match.end(), instrument, "instrument", concept.notation, match.group(0))
                )
        found += self._sdgs(text, taken)
        return sorted(found, key=lambda c: (c.start, c.iri))

    def _instrument(self, match: re.Match[str]) -> str | None:
        groups = match.groupdict()
        name = groups.get("title") or groups.get("acr")
        if name is None:
            return None
        return self._names.get(re.sub(r",?\s+", " ", name).lower()) or self._names.get(
            re.sub(r"\s+", " ", name).lower()
        )

    def _provisions(self, instrument: str, numbers: str, written: str) -> Iterator[tuple[str, str, str]]:
        items: list[str] = []
        for part in re.split(r"\s*(?:,|\band\b|&|\bor\b)\s*", numbers):
            bounds = re.fullmatch(r"(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})", part.strip())
            if bounds and 0 < int(bounds.group(2)) - int(bounds.group(1)) <= 10:
                items += [str(n) for n in range(int(bounds.group(1)), int(bounds.group(2)) + 1)]
            elif part.strip():
                items.append(part.strip())
        paragraph = re.search(r"(?:paragraph|para\.?|§)\s*(\d{1,2})", written)
        for item in items:
            match = re.match(r"(\d{1,3}[a-z]?)\s?(?:\((\d{1,2}|[a-z]{1,5})\))?.*?(?:\.(\d{1,2}))?$", item)
            if match is None:
                continue
            number, sub, dotted = match.groups()
            para = sub if sub and sub.isdigit() else dotted or (paragraph.group(1) if paragraph else None)
            article = self.knowledge.numbering.get(f"{instrument}|{number}")
            if article is None:
                continue
            if para is not None:
                para_iri = self.knowledge.numbering.get(f"{instrument}|{number}|{para}")
                if para_iri is not None:
                    yield para_iri, "paragraph", self.knowledge.concepts[para_iri].notation
                    continue
            yield article, "article", self.knowledge.concepts[article].notation

    def _sdgs(self, text: str, taken: list[tuple[int, int]]) -> list[Citation]:
        found: list[Citation] = []
        for match in _TARGETS.finditer(text):
            taken.append((match.start(), match.end()))
            for target in re.findall(_TARGET_ID, match.group(1)):
                iri = _SDG + target
                if iri in self.knowledge.concepts:
                    found.append(Citation(match.start(), match.end(), iri, "sdg-target", target, match.group(0)))
        speaks_of_sdgs = _SDG_WORDS.search(text) is not None
        for match in _INDICATORS.finditer(text):  # an indicator is cited for its target
            iri = _SDG + match.group(2)
            if (match.group(1) or speaks_of_sdgs) and iri in self.knowledge.concepts:
                taken.append((match.start(), match.end()))
                found.append(Citation(match.start(), match.end(), iri, "sdg-target", match.group(2), match.group(0)))
        for match in _GOALS.finditer(text):
            if any(not (match.end() <= s or match.start() >= e) for s, e in taken):
                continue
            if match.group(2) and not speaks_of_sdgs:
                continue  # "Goal 2" of a city's own plan, not an SDG
            for number in re.findall(r"\d{1,2}", match.group(3)):
                iri = _SDG + str(int(number))
                if iri in self.knowledge.concepts and 1 <= int(number) <= 17:
                    found.append(
                        Citation(match.start(), match.end(), iri, "sdg-goal", str(int(number)), match.group(0))
                    )
        return found
