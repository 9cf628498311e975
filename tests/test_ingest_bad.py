"""Bad input to ``hrgraph ingest``: a one-line error naming the file, exit code 2, and the store unchanged.

The command is run in-process through :func:`hrgraph.cli.main`, the entry point of the ``hrgraph`` script,
so that the exit code and the error line are the ones a user sees.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hrgraph.cli import cli, main
from hrgraph.cli_ingest import ingest_command
from hrgraph.errors import BadInputError
from hrgraph.ingest import ingest, read
from hrgraph.store import EmbeddedStore, RdfFormat
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "ingest"
CITY = ROOT / "corpora" / "examples" / "example-city"
RESOLUTION = CITY / "human-rights-council-resolution.md"

cli.add_command(ingest_command)


def hrgraph(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["ingest", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(store_path: Path) -> bytes:
    with EmbeddedStore(store_path) as store:
        return store.export(RdfFormat.NQUADS)


@pytest.fixture
def store_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A store on disk that holds one document of Example City already."""
    path = tmp_path / "store"
    code, _, err = hrgraph(capsys, RESOLUTION, "--city", "Example City", "--kind", "resolution", "--store", path)
    assert code == 0, err
    return path


def assert_refused(
    capsys: pytest.CaptureFixture[str], store_path: Path, file: Path, *fragments: str, extra: tuple[str, ...] = ()
) -> None:
    before = snapshot(store_path)
    code, out, err = hrgraph(capsys, file, "--city", "Example City", *extra, "--store", store_path)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"hrgraph: error: {file}"), lines[0]
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]
    assert out == ""
    assert snapshot(store_path) == before


def zip_bomb(path: Path, member: str, size: int) -> Path:
    """A real zip bomb: one member of ``size`` zero bytes, compressed about a thousand to one."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(member, "w") as handle:
            chunk = bytes(2**20)
            for _ in range(size // len(chunk)):
                handle.write(chunk)
    return path


@pytest.mark.parametrize(
    ("name", "fragments"),
    [
        ("encrypted.pdf", ("the PDF is encrypted with a password",)),
        ("corrupt.pdf", ("corrupt PDF",)),
        ("scanned.pdf", ("no text layer: run OCR (e.g. ocrmypdf) first",)),
        ("not-a-zip.docx", ("not a DOCX file: not a zip archive",)),
        ("not-a-zip.xlsx", ("not an XLSX file: not a zip archive",)),
        ("corrupt.docx", ("corrupt DOCX file", "word/document.xml", "not well-formed XML")),
        ("xxe.xml", ("refused: the XML declares a DTD or entities",)),
        ("billion-laughs.xml", ("refused: the XML declares a DTD or entities",)),
        ("no-action-column.csv", ("row 1: no action column", "'Responsible department'", "--mapping")),
        ("unknown-date.csv", ("row 3: deadline: 'after the elections' is not a date",)),
        ("mixed-encoding.txt", ("line 7: mixed encodings", "line 4 is", "save the whole file as UTF-8")),
        ("empty.txt", ("empty file",)),
    ],
)
def test_bad_files_are_refused(
    capsys: pytest.CaptureFixture[str], store_path: Path, name: str, fragments: tuple[str, ...]
) -> None:
    assert_refused(capsys, store_path, DATA / name, *fragments)


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".pdf", ".docx", ".xlsx", ".csv", ".xml"])
def test_empty_files_of_every_format(
    capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path, suffix: str
) -> None:
    empty = tmp_path / f"empty{suffix}"
    empty.write_bytes(b"")
    assert_refused(capsys, store_path, empty, "empty file")


def test_a_docx_zip_bomb(capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "bomb.docx", "word/document.xml", 64 * 2**20)
    assert bomb.stat().st_size < 200_000
    assert_refused(capsys, store_path, bomb, "refused as a zip bomb", "word/document.xml is compressed")


def test_an_xlsx_zip_bomb(capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml", 64 * 2**20)
    assert_refused(capsys, store_path, bomb, "refused as a zip bomb")


def test_an_archive_that_expands_too_far(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_UNZIPPED", 2**20)
    words = " ".join(f"word{n}" for n in range(300_000)).encode()  # compresses only a few times
    path = tmp_path / "large.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", words)
    with pytest.raises(BadInputError, match=r"large\.docx: refused as a zip bomb: it would expand to [\d,]+ bytes"):
        ingest(path, city="Example City")


def test_xml_of_another_vocabulary(capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "akn.xml"
    other.write_text('<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"/>', encoding="utf-8")
    assert_refused(capsys, store_path, other, "unknown XML vocabulary", "dc-library")


def test_an_include_outside_the_folder(capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.xml"
    index.write_text(
        '<container xmlns="https://code.dccouncil.us/schemas/dc-library" xmlns:xi="http://www.w3.org/2001/XInclude">'
        '<prefix>Title</prefix><num>1</num><heading>T.</heading><xi:include href="../../etc/passwd"/></container>',
        encoding="utf-8",
    )
    assert_refused(capsys, store_path, index, "xi:include of '../../etc/passwd' is outside the folder")


def test_one_bad_file_and_nothing_is_written(capsys: pytest.CaptureFixture[str], store_path: Path) -> None:
    before = snapshot(store_path)
    code, _, err = hrgraph(
        capsys, CITY / "proclamation.html", DATA / "encrypted.pdf", "--city", "Example City", "--store", store_path
    )
    assert code == 2
    assert "encrypted.pdf" in err
    assert snapshot(store_path) == before


def test_a_spreadsheet_is_no_ordinance(capsys: pytest.CaptureFixture[str], store_path: Path) -> None:
    assert_refused(
        capsys, store_path, CITY / "action-plan.xlsx", "read as an action plan, not as ordinance",
        extra=("--kind", "ordinance"),
    )  # fmt: skip


def test_a_bad_mapping_file(capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns:\n  akshun: Maßnahme\n", encoding="utf-8")
    code, _, err = hrgraph(capsys, DATA / "plan-de.csv", "--city", "X", "--mapping", mapping, "--store", store_path)
    assert code == 2
    assert err.strip() == f"hrgraph: error: {mapping}: unknown fields ['akshun']: use " + ", ".join(
        ["id", "action", "area", "responsible", "target", "start", "deadline", "timetable", "indicator", "unit",
         "baseline", "baseline_year", "latest", "latest_year", "status", "budget", "currency", "standards", "notes"]
    )  # fmt: skip


def test_a_missing_file_and_no_city(capsys: pytest.CaptureFixture[str], store_path: Path) -> None:
    code, _, err = hrgraph(capsys, DATA / "nowhere.pdf", "--city", "X", "--store", store_path)
    assert (code, err.strip()) == (2, f"hrgraph: error: {DATA / 'nowhere.pdf'}: no such file or folder")
    code, _, err = hrgraph(capsys, RESOLUTION, "--store", store_path)
    assert code == 2
    assert "say which city" in err


# --- the command when all goes well -------------------------------------------------------------------------


def test_the_command_ingests_the_example_city(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = hrgraph(capsys, CITY / "city.yaml", "--store", tmp_path / "store")
    assert code == 0, err
    assert "Example City: 5 documents, 90 provisions, 44 action items, 152 stated links, 99 observations" in out
    assert "action-plan.xlsx" in out
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"hrgraph: {CITY / 'action-plan.xlsx'}: columns 'ID' → id, 'Area' → area")
    assert lines[0].endswith("; not used: 'Partners'")
    assert all(line.startswith(f"hrgraph: warning: {CITY / 'action-plan.xlsx'}: row ") for line in lines[1:])
    assert len(lines) == 10


def test_the_command_summary_as_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = hrgraph(capsys, CITY / "city.yaml", "-O", "json", "--store", tmp_path / "store")
    assert code == 0
    summary = json.loads(out)
    assert (summary["items"], summary["provisions"], summary["stated_links"]) == (44, 90, 152)
    assert [d["state"] for d in summary["documents"]] == ["new"] * 5
    assert summary["documents"][0]["columns"]["Budget (EUR)"] == "budget"
    assert len(summary["warnings"]) == 9


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "-h"]) == 0
    out = capsys.readouterr().out
    for option in ("--city", "--kind", "--mapping", "--base-iri", "--store", "--endpoint"):
        assert option in out


def test_reading_a_docx_from_memory() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(BadInputError, match="not a DOCX file: the archive has no word/document.xml"):
        read.read_document(Path("x.docx"), buffer.getvalue())


# --- errors that name every bad row, the mapping file and the other file -----------------------------------


def test_a_corrupt_pdf_gives_one_line_and_no_message_of_the_pdf_library(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n garbage garbage\n")
    command = [sys.executable, "-m", "hrgraph.cli", "ingest", str(corrupt), "--city", "X", "--kind", "ordinance"]
    done = subprocess.run([*command, "--store", str(tmp_path / "store")], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [f"hrgraph: error: {corrupt}: corrupt PDF: Stream has ended unexpectedly"]


def test_every_bad_timetable_of_a_plan_is_named(
    capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("ID,Action,Timetable,Deadline\n1,A,Spring 2026,\n2,B,FY2026,31/02/2026\n3,C,2026,\n"
                    "4,D,Spring 2026,\n", encoding="utf-8")  # fmt: skip
    assert_refused(
        capsys, store_path, plan,
        "plan.csv: rows 2, 3, 5: not dates: timetable 'Spring 2026', deadline '31/02/2026' (day is out of range "
        "for month), timetable 'FY2026': write a date (2026-06-30), a month (June 2026)",
    )  # fmt: skip


def test_a_file_of_the_same_name_from_another_folder_does_not_replace_a_plan(
    capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "y2024").mkdir()
    (tmp_path / "y2025").mkdir()
    first, second = tmp_path / "y2024" / "plan.csv", tmp_path / "y2025" / "plan.csv"
    first.write_text("No.,Measure\n1,Open a shelter\n2,Train staff\n", encoding="utf-8")
    second.write_text("No.,Measure\n1,Build a community centre\n", encoding="utf-8")
    code, _, err = hrgraph(capsys, first, "--city", "Example City", "--store", store_path)
    assert code == 0, err
    assert_refused(
        capsys, store_path, second,
        "the document id 'plan' is taken by another file, y2024/plan.csv: give this file an id of its own with "
        "--id NAME, or use --id plan to ingest it as a revision of that document",
    )  # fmt: skip
    code, out, err = hrgraph(capsys, second, "--city", "Example City", "--id", "Plan 2025", "--store", store_path)
    assert code == 0, err
    assert "new" in out
    with EmbeddedStore(store_path) as store:
        items = store.select("SELECT ?i WHERE { GRAPH ?g { ?i a <https://w3id.org/hrgraph/ontology#ActionItem> } }")
    assert sorted(str(row[0]).rsplit("/doc/", 1)[1] for row in items.rows) == [
        "plan-2025/item_1", "plan/item_1", "plan/item_2",
    ]  # fmt: skip
    code, out, err = hrgraph(capsys, second, "--city", "Example City", "--id", "plan", "--store", store_path)
    assert code == 0, err
    assert "revised" in out


def test_another_spelling_of_a_city_in_the_store(capsys: pytest.CaptureFixture[str], store_path: Path) -> None:
    before = snapshot(store_path)
    code, _, err = hrgraph(capsys, RESOLUTION, "--city", "Example-City", "--kind", "resolution", "--store", store_path)
    assert (code, err.strip()) == (
        2, "hrgraph: error: --city: the store holds this city as 'Example City', not 'Example-City': use that name"
    )  # fmt: skip
    assert snapshot(store_path) == before


def test_a_mapped_column_that_no_header_row_has(
    capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path
) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns:\n  action: Maßnahmen\n", encoding="utf-8")
    assert_refused(
        capsys, store_path, DATA / "plan-de.csv",
        f"plan-de.csv: rows 1–6: none of them has the column 'Maßnahmen' that the mapping {mapping} names for "
        "action (headers of row 1: 'Maßnahmenplan Menschenrechte 2025–2026')",
        extra=("--mapping", str(mapping)),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ("action: [Maßnahme, Bezug]", "columns: action takes one column, not a list (only standards takes several)"),
        ("action: null", "columns: action: give a column name, letter or number, not None"),
        ("standards: []", "columns: standards: give a column name, letter or number, not []"),
    ],
)
def test_a_mapping_with_a_list_or_nothing_for_a_field(
    capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path, columns: str, message: str
) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(f"columns:\n  {columns}\n", encoding="utf-8")
    before = snapshot(store_path)
    code, _, err = hrgraph(capsys, DATA / "plan-de.csv", "--city", "X", "--mapping", mapping, "--store", store_path)
    assert (code, err.strip()) == (2, f"hrgraph: error: {mapping}: {message}")
    assert snapshot(store_path) == before
