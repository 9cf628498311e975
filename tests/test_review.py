"""Importing a review workbook: every row checked before anything is written, damaged files refused."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from rdflib import URIRef
from rdflib.namespace import XSD

from hrgraph.cli import main
from hrgraph.errors import BadInputError
from hrgraph.link.mappings import Mapping, link_city, link_iri, mappings_graph, read_mappings
from hrgraph.link.review import import_review
from hrgraph.namespace import HRG, SSSOM
from hrgraph.store import EmbeddedStore, graph_iri

ROOT = Path(__file__).resolve().parent.parent
CITY = "Example City"
BASE = "https://w3id.org/hrgraph/city/example-city/"
SDG = "http://metadata.un.org/sdg/"
ID = "https://w3id.org/hrgraph/id/"
SEC_1 = BASE + "doc/human-rights-ordinance/sec_1"
SEC_2 = BASE + "doc/human-rights-ordinance/sec_2"
CURATED = graph_iri(f"curated/{CITY}")


@pytest.fixture
def reviewed(tmp_path: Path) -> Iterator[tuple[EmbeddedStore, Path]]:
    """A store with the standards and a linked city, and its review workbook as exported."""
    from hrgraph.link.review import export_review

    with EmbeddedStore(tmp_path / "store") as store:
        store.load(ROOT / "tests" / "data" / "link" / "city.ttl", graph=f"city/{CITY}")
        store.load(ROOT / "corpora" / "build" / "standards.nt", graph="standards")
        link_city(store, CITY, date="2025-03-01")
        path = tmp_path / "review.xlsx"
        export_review(store, CITY, path)
        yield store, path


def _edit(path: Path, change: Callable[[Any, dict[str, int]], None]) -> None:
    """Change the review sheet of a workbook; ``change`` gets the sheet and the column numbers."""
    book = load_workbook(path)
    sheet = book["review"]
    columns = {str(c.value): int(c.column or 0) for c in sheet[1]}
    change(sheet, columns)
    book.save(path)


def _row_of(sheet: Any, columns: dict[str, int], subject: str, obj: str) -> int:
    for row in range(2, sheet.max_row + 1):
        cells = (sheet.cell(row, columns["provision"]).value, sheet.cell(row, columns["standard"]).value)
        if cells == (subject, obj):
            return row
    raise AssertionError(f"no row for {subject} {obj}")


def _decide(path: Path, subject: str, obj: str, decision: str = "accept", **cells: object) -> int:
    """Fill the decision (and other cells) of the row of a proposed link; return the row's number."""
    found: list[int] = []

    def change(sheet: Any, columns: dict[str, int]) -> None:
        row = _row_of(sheet, columns, subject, obj)
        sheet.cell(row, columns["decision"]).value = decision
        for name, value in cells.items():
            sheet.cell(row, columns[name]).value = value
        found.append(row)

    _edit(path, change)
    return found[0]


def _add_row(path: Path, **cells: object) -> int:
    """Add a row a reviewer wrote; return its number."""
    found: list[int] = []

    def change(sheet: Any, columns: dict[str, int]) -> None:
        row = sheet.max_row + 1
        for name, value in cells.items():
            sheet.cell(row, columns[name]).value = value
        found.append(row)

    _edit(path, change)
    return found[0]


def _curated(store: EmbeddedStore) -> dict[tuple[str, str], Mapping]:
    return {(m.subject_id, m.object_id): m for m in read_mappings(store, f"curated/{CITY}")}


# 1. a decision whose proposal is gone from the store ------------------------------------------------------


def test_a_decision_whose_proposal_is_gone_gets_a_date_not_an_empty_one(reviewed: tuple[EmbeddedStore, Path]) -> None:
    store, path = reviewed
    _decide(path, SEC_2, SDG + "11.1")
    store.update(f"DROP GRAPH <{graph_iri(f'proposed/{CITY}')}>")  # as after linking again
    result = import_review(store, path, reviewer="A. Curator", date="2025-03-02")
    assert (result.accepted, result.rejected) == (1, 0)
    link = _curated(store)[(SEC_2, SDG + "11.1")]
    assert link.kind == "curated" and link.level == "sdg-target" and link.confidence > 0
    # SSSOM: the date the mapping was asserted, here by the reviewer; never an empty xsd:date
    assert link.mapping_date == "2025-03-02" and link.review_date == "2025-03-02"
    assert link.derived_from == (link_iri(BASE, SEC_2, SDG + "11.1"),)  # hrg:reviewOf the proposal it was
    assert not store.ask(
        'ASK { GRAPH ?g { ?link ?p ?date FILTER (DATATYPE(?date) = ?type && STR(?date) = "") } }',
        {"g": URIRef(CURATED), "type": XSD.date},
    )


def test_a_mapping_without_a_date_has_no_date_triple() -> None:
    mapping = Mapping(
        iri=BASE + "link/x",
        subject_id=SEC_1,
        subject_label="",
        predicate_id=str(HRG.contributesTo),
        object_id=SDG + "11.1",
        object_label="",
        level="sdg-target",
        confidence=1.0,
        method="manual",
        mapping_justification="https://w3id.org/semapv/vocab/ManualMappingCuration",
        comment="",
        evidence_start=0,
        evidence_end=0,
        evidence_text="",
        mapping_date="",
        tool_version="",
        kind="curated",
        reviewer="A. Curator",
        review_date="",
    )
    graph = mappings_graph([mapping])
    assert not list(graph.objects(URIRef(mapping.iri), SSSOM.mapping_date))
    assert not list(graph.objects(URIRef(mapping.iri), HRG.reviewDate))


# 2. bad rows: refused with file, sheet and row, and nothing stored --------------------------------------

_NEW: dict[str, object] = {
    "link": None,
    "provision": SEC_2,
    "standard": ID + "crpd/art_28",
    "decision": "accept",
}  # not proposed
_BAD_ROWS: dict[str, tuple[dict[str, object], str]] = {
    "unknown provision": ({"provision": BASE + "doc/nonexistent/item_ZZ"}, r"provision '.*item_ZZ' is not a provision"),
    "unknown article": ({"standard": ID + "icescr/art_99"}, r"standard '.*art_99' is not an SDG goal or target"),
    "a group is no standard": ({"standard": ID + "group/children"}, r"standard '.*' is not an SDG goal"),
    "bogus level": ({"level": "bogus"}, r"level 'bogus' is not one of sdg-goal, sdg-target"),
    "level of another standard": ({"level": "sdg-target"}, r"level 'sdg-target' does not fit .*art_28, of level"),
    "confidence above 1": ({"confidence": 7.5}, r"confidence 7.5 is not between 0 and 1"),
    "confidence below 0": ({"confidence": "-0.1"}, r"confidence -0.1 is not between 0 and 1"),
    "confidence as words": ({"confidence": "high"}, r"confidence 'high' is not a number"),
    "malformed link": ({"link": "not an iri > }"}, r"link 'not an iri > }' is not an IRI"),
    "malformed provision": ({"provision": "not an iri > }"}, r"provision 'not an iri > }' is not a provision"),
    "malformed standard": ({"standard": "<x> }"}, r"standard '<x> }' is not an SDG goal"),
    "unknown method": ({"method": "guess"}, r"method 'guess' is not one of citation"),
    "no standard": ({"standard": None}, r"the provision and the standard must be filled in"),
}


@pytest.mark.parametrize("case", list(_BAD_ROWS))
def test_a_bad_row_is_refused_and_nothing_is_stored(reviewed: tuple[EmbeddedStore, Path], case: str) -> None:
    store, path = reviewed
    _decide(path, SEC_2, SDG + "11.1")  # a good row first: it must not be stored either
    cells, message = _BAD_ROWS[case]
    row = _add_row(path, **{**_NEW, **cells})
    with pytest.raises(BadInputError, match=rf"^{re.escape(str(path))}: sheet 'review', row {row}: {message}"):
        import_review(store, path, reviewer="A. Curator")
    assert CURATED not in store.graphs()


def test_a_good_row_a_reviewer_adds_is_stored(reviewed: tuple[EmbeddedStore, Path]) -> None:
    store, path = reviewed
    _add_row(path, **{**_NEW, "level": "article", "confidence": 0.8, "note": "ordinance §2"})
    result = import_review(store, path, reviewer="A. Curator", date="2025-03-02")
    assert (result.accepted, result.rejected) == (1, 0)
    link = _curated(store)[(SEC_2, ID + "crpd/art_28")]
    assert (link.level, link.predicate_id, link.confidence, link.method) == (
        "article",
        str(HRG.realises),
        0.8,
        "manual",
    )
    assert link.derived_from == () and link.comment == "ordinance §2"  # no proposal stood behind it


def test_a_row_is_matched_to_its_proposal_by_its_provision_and_standard(reviewed: tuple[EmbeddedStore, Path]) -> None:
    store, path = reviewed
    _decide(path, SEC_2, SDG + "11.1", link=BASE + "link/typo")
    import_review(store, path, reviewer="A. Curator")
    link = _curated(store)[(SEC_2, SDG + "11.1")]
    assert link.derived_from == (link_iri(BASE, SEC_2, SDG + "11.1"),) and link.evidence_text  # the proposal's


def test_an_unknown_city_is_refused(reviewed: tuple[EmbeddedStore, Path]) -> None:
    store, path = reviewed
    _decide(path, SEC_2, SDG + "11.1")
    book = load_workbook(path)
    book["about"]["B1"] = "Nowhere"
    book.save(path)
    with pytest.raises(BadInputError, match=rf"^{re.escape(str(path))}: sheet 'about', row 1: no city 'Nowhere'"):
        import_review(store, path, reviewer="A. Curator")
    assert not any("nowhere" in g for g in store.graphs())


def test_a_standard_missing_from_the_store_is_refused(tmp_path: Path) -> None:
    from hrgraph.link.review import export_review

    with EmbeddedStore(tmp_path / "store") as store:  # the city without the standards graph
        store.load(ROOT / "tests" / "data" / "link" / "city.ttl", graph=f"city/{CITY}")
        link_city(store, CITY)
        path = tmp_path / "review.xlsx"
        export_review(store, CITY, path)
        row = _add_row(path, **_NEW)
        with pytest.raises(BadInputError, match=rf"row {row}: standard .*art_28 is not in the store"):
            import_review(store, path, reviewer="A. Curator")
        assert CURATED not in store.graphs()


def test_a_bad_review_date_is_refused(reviewed: tuple[EmbeddedStore, Path]) -> None:
    store, path = reviewed
    with pytest.raises(BadInputError, match="review date '2025-13-01' is not a date"):
        import_review(store, path, reviewer="A. Curator", date="2025-13-01")


# 3. a reviewer corrects the standard -------------------------------------------------------------------


def test_an_edited_standard_is_honoured(reviewed: tuple[EmbeddedStore, Path]) -> None:
    store, path = reviewed
    proposal = link_iri(BASE, SEC_2, SDG + "11.1")
    _decide(path, SEC_2, SDG + "11.1", standard=ID + "icescr/art_11__para_1", note="the right to housing")
    result = import_review(store, path, reviewer="A. Curator", date="2025-03-02")
    assert (result.accepted, result.rejected) == (1, 1)
    curated = _curated(store)
    corrected = curated[(SEC_2, ID + "icescr/art_11__para_1")]
    assert corrected.kind == "curated" and corrected.level == "paragraph"  # the level follows the standard
    assert corrected.predicate_id == str(HRG.realises) and corrected.confidence == 1.0
    assert corrected.derived_from == (proposal,) and corrected.evidence_text == ""
    assert "replaced the proposed http://metadata.un.org/sdg/11.1" in corrected.comment
    assert "the right to housing" in corrected.comment
    assert curated[(SEC_2, SDG + "11.1")].kind == "rejected"  # not proposed again
    assert store.ask(
        "ASK { GRAPH ?g { ?s ?p ?o } }",
        {"g": URIRef(CURATED), "s": URIRef(SEC_2), "p": HRG.realises, "o": URIRef(ID + "icescr/art_11__para_1")},
    )
    again = link_city(store, CITY)
    assert (SEC_2, SDG + "11.1") not in {(m.subject_id, m.object_id) for m in again.mappings}


def test_an_edited_standard_that_was_proposed_too_keeps_its_proposal(reviewed: tuple[EmbeddedStore, Path]) -> None:
    store, path = reviewed
    _decide(path, SEC_2, SDG + "11.1", standard=SDG + "11")
    import_review(store, path, reviewer="A. Curator")
    curated = _curated(store)
    goal = curated[(SEC_2, SDG + "11")]
    assert goal.kind == "curated" and goal.derived_from == (link_iri(BASE, SEC_2, SDG + "11"),)
    assert goal.method != "manual" and goal.confidence < 1.0  # the linker's proposal of that standard
    assert curated[(SEC_2, SDG + "11.1")].kind == "rejected"


def test_an_edited_standard_must_exist_and_be_accepted(reviewed: tuple[EmbeddedStore, Path]) -> None:
    store, path = reviewed
    row = _decide(path, SEC_2, SDG + "11.1", standard=ID + "icescr/art_99")
    with pytest.raises(BadInputError, match=rf"row {row}: standard '.*art_99' is not an SDG goal"):
        import_review(store, path, reviewer="A. Curator")
    row = _decide(path, SEC_2, ID + "icescr/art_99", decision="reject", standard=ID + "crpd/art_28")
    with pytest.raises(BadInputError, match=rf"row {row}: the standard differs from the proposed .*11.1"):
        import_review(store, path, reviewer="A. Curator")
    assert CURATED not in store.graphs()


def test_an_edited_provision_is_refused(reviewed: tuple[EmbeddedStore, Path]) -> None:
    store, path = reviewed
    row = _decide(path, SEC_2, SDG + "11.1", provision=SEC_1)
    with pytest.raises(BadInputError, match=rf"row {row}: provision .*sec_1 is not the one of the proposed link"):
        import_review(store, path, reviewer="A. Curator")


# 4. damaged workbooks ----------------------------------------------------------------------------------


def _corrupt_member(path: Path) -> None:
    """Make the deflated data of the sheet invalid (zlib.error when it is read)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start : start + 16] = b"\xff" * 16  # a deflate block of the reserved type
    path.write_bytes(bytes(data))


def _broken_xml(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/worksheets/sheet1.xml"] = members["xl/worksheets/sheet1.xml"][:300]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)


def _csv(path: Path) -> None:
    path.write_text("link,provision,standard,decision\nx,y,z,accept\n")


def _cut(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:2000])


@pytest.mark.parametrize("damage", [_corrupt_member, _broken_xml, _csv, _cut], ids=lambda f: f.__name__)
def test_a_damaged_workbook_is_one_line_error(
    reviewed: tuple[EmbeddedStore, Path], damage: Callable[[Path], None]
) -> None:
    store, path = reviewed
    damage(path)
    with pytest.raises(BadInputError, match=rf"^{re.escape(str(path))}: not a readable .xlsx workbook") as caught:
        import_review(store, path, reviewer="A. Curator")
    assert "\n" not in str(caught.value)


def test_the_command_line_says_one_line_and_exits_2(
    reviewed: tuple[EmbeddedStore, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    store, path = reviewed
    _decide(path, SEC_2, SDG + "11.1", confidence=7.5)
    store.close()
    assert main(["review", "import", str(path), "--store", str(path.parent / "store"), "--reviewer", "me"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert f"{path}: sheet 'review', row" in err and "confidence 7.5 is not between 0 and 1" in err
    _corrupt_member(path)
    assert main(["review", "import", str(path), "--store", str(path.parent / "store"), "--reviewer", "me"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "not a readable .xlsx workbook" in err


# and also: empty workbooks, headers, decisions with odd case, duplicate rows ------------------------------


def test_a_workbook_without_the_review_sheet_or_its_header(reviewed: tuple[EmbeddedStore, Path]) -> None:
    store, path = reviewed
    empty = path.with_name("empty.xlsx")
    Workbook().save(empty)
    with pytest.raises(BadInputError, match="no sheet named 'review'"):
        import_review(store, empty, reviewer="me", city=CITY)
    book = Workbook()
    assert book.active is not None
    book.active.title = "review"
    book.save(empty)
    with pytest.raises(BadInputError, match=rf"^{re.escape(str(empty))}: sheet 'review', row 1: no column 'link'"):
        import_review(store, empty, reviewer="me", city=CITY)
    _edit(path, lambda sheet, columns: sheet.cell(1, columns["standard"], "Standard IRI"))
    with pytest.raises(BadInputError, match=rf"^{re.escape(str(path))}: sheet 'review', row 1: no column 'standard'"):
        import_review(store, path, reviewer="me")
    _edit(path, lambda sheet, columns: sheet.delete_rows(1))
    with pytest.raises(BadInputError, match="row 1: no column 'link'"):
        import_review(store, path, reviewer="me")
    assert CURATED not in store.graphs()


def test_a_header_only_workbook_stores_nothing(reviewed: tuple[EmbeddedStore, Path]) -> None:
    store, path = reviewed
    _edit(path, lambda sheet, columns: sheet.delete_rows(2, sheet.max_row))
    result = import_review(store, path, reviewer="me")
    assert (result.accepted, result.rejected, result.undecided) == (0, 0, 0)
    assert CURATED not in store.graphs()


def test_decisions_with_odd_case_and_spaces(reviewed: tuple[EmbeddedStore, Path]) -> None:
    store, path = reviewed
    _decide(path, SEC_2, SDG + "11.1", "Accept ")
    _decide(path, SEC_1, SDG + "11.1", "ACCEPTED")
    _decide(path, SEC_1, SDG + "11", "  Reject", reviewer=" B.\nOfficer ")
    result = import_review(store, path, reviewer="A. Curator")
    assert (result.accepted, result.rejected) == (2, 1)
    assert _curated(store)[(SEC_1, SDG + "11")].reviewer == "B. Officer"


def test_duplicate_rows_count_once_and_must_agree(reviewed: tuple[EmbeddedStore, Path]) -> None:
    store, path = reviewed
    first = _decide(path, SEC_2, SDG + "11.1")

    def copy(sheet: Any, columns: dict[str, int]) -> None:
        sheet.append([c.value for c in sheet[first]])

    _edit(path, copy)
    result = import_review(store, path, reviewer="A. Curator")
    assert (result.accepted, result.rejected) == (1, 0)
    assert len(_curated(store)) == 1

    def disagree(sheet: Any, columns: dict[str, int]) -> None:
        sheet.cell(sheet.max_row, columns["decision"]).value = "reject"

    _edit(path, disagree)
    with pytest.raises(
        BadInputError, match=rf"row \d+: decides the link from .*sec_2 to .*11.1 otherwise than row {first}"
    ):
        import_review(store, path, reviewer="A. Curator")
    assert _curated(store)[(SEC_2, SDG + "11.1")].kind == "curated"  # the earlier import is untouched


def test_an_export_keeps_to_the_levels_and_confidence_asked_for(
    reviewed: tuple[EmbeddedStore, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from hrgraph.link.review import export_review

    store, path = reviewed
    everything = [(m.level, m.confidence) for m in read_mappings(store, f"proposed/{CITY}")]
    chosen = path.with_name("articles.xlsx")
    rows = export_review(store, CITY, chosen, levels=["article"], min_confidence=0.5)
    assert rows == sum(1 for level, confidence in everything if level == "article" and confidence >= 0.5) > 0
    assert rows < len(everything)
    sheet = load_workbook(chosen)["review"]
    header = [c.value for c in sheet[1]]
    found = [(r[header.index("level")], r[header.index("confidence")]) for r in sheet.iter_rows(2, values_only=True)]
    assert len(found) == rows and all(level == "article" and float(str(c)) >= 0.5 for level, c in found)
    store.close()
    store_folder = str(path.parent / "store")
    args = ["review", "export", "--city", CITY, "-o", str(chosen), "--store", store_folder]
    assert main([*args, "--levels", "sdg-goal", "--min-confidence", "0.7"]) == 0
    goals = sum(1 for level, confidence in everything if level == "sdg-goal" and confidence >= 0.7)
    assert f"{goals} proposed links to review" in capsys.readouterr().err
    assert main([*args, "--levels", "goals"]) == 2
    assert "unknown level 'goals'" in capsys.readouterr().err


def test_the_sheet_follows_each_document_in_order(tmp_path: Path) -> None:
    from hrgraph.ingest import ingest
    from hrgraph.link.review import export_review

    topics = ["emergency shelters for homeless families", "safe drinking water in every household",
              "free school meals for children", "sign language interpretation at council meetings"]  # fmt: skip
    bylaw = tmp_path / "bylaw.txt"
    bylaw.write_text(
        "\n\n".join(f"Section {n}. Duty {n}\nThe city shall provide {topics[n % 4]}." for n in range(1, 13)),
        encoding="utf-8",
    )
    with EmbeddedStore(tmp_path / "store") as store:
        store.load(ROOT / "corpora" / "build" / "standards.nt", graph="standards")
        ingest(bylaw, city="Our City", kind="ordinance", store=store)
        link_city(store, "Our City", date="2025-03-01")
        export_review(store, "Our City", tmp_path / "review.xlsx")
    sheet = load_workbook(tmp_path / "review.xlsx")["review"]
    column = [c.value for c in sheet[1]].index("provision")
    sections = [str(row[column]).rsplit("sec_", 1)[1] for row in sheet.iter_rows(2, values_only=True)]
    assert list(dict.fromkeys(sections)) == [str(n) for n in range(1, 13)]
