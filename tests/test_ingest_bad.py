"""Bad input to ``hrgraph ingest``: a one-line error naming the file, exit code 2, and the store unchanged.

The command is run in-process through :func:`hrgraph.cli.main`, the entry point of the ``hrgraph`` script,
so that the exit code and the error line are the ones a user sees.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import shutil
import struct
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


@pytest.mark.parametrize(("suffix", "format"), [(".xls", "XLSX"), (".ods", "XLSX"), (".doc", "DOCX"), (".odt", "DOCX")])
def test_office_formats_that_are_not_read_say_what_to_save_them_as(
    capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path, suffix: str, format: str
) -> None:
    old = tmp_path / f"plan{suffix}"
    old.write_bytes(b"\xd0\xcf\x11\xe0 an old office file")
    assert_refused(capsys, store_path, old, f"{suffix} files are not read: save it as {format} and ingest that")


def test_a_folder_skips_lock_files_and_names_the_files_it_cannot_read(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(RESOLUTION, folder / "resolution.md")
    (folder / "~$plan.xlsx").write_bytes(b"\x00lock")  # Excel's lock file of an open workbook
    (folder / "old-plan.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    result = ingest(folder, city="Our City", kind="resolution")
    assert [d.path.name for d in result.documents] == ["resolution.md"]
    assert [str(w) for w in result.warnings] == [
        f"{folder / 'old-plan.xls'}: .xls files are not read: save it as XLSX to ingest it"
    ]
    (folder / "resolution.md").unlink()
    with pytest.raises(BadInputError, match="no files to ingest in this folder .*; save old-plan.xls as XLSX"):
        ingest(folder, city="Our City")


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


# --- damaged archives, unreadable files and folders, hand-written YAML ------------------------------------


def damage(source: Path, target: Path, member: str) -> Path:
    """Copy a zip archive with the compressed bytes of one member zeroed, as a damaged disk or download leaves it."""
    data = bytearray(source.read_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(member)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    data[start : start + info.compress_size] = bytes(info.compress_size)
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize(
    ("source", "member"),
    [
        ("action-plan.xlsx", "xl/worksheets/sheet2.xml"),
        ("action-plan.xlsx", "xl/styles.xml"),
        ("action-plan.xlsx", "xl/_rels/workbook.xml.rels"),
        ("annual-report-2025.docx", "word/styles.xml"),
    ],
)
def test_an_archive_with_a_member_that_does_not_decompress(
    capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path, source: str, member: str
) -> None:
    damaged = damage(CITY / source, tmp_path / source, member)
    what = "XLSX" if source.endswith(".xlsx") else "DOCX"
    assert_refused(capsys, store_path, damaged, f"corrupt {what} file", "decompressing data")


def run_unprivileged(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run ``hrgraph`` in a child process that file permissions apply to (root's override dropped)."""
    command = [sys.executable, "-m", "hrgraph.cli", *map(str, args)]
    if os.geteuid() == 0:
        if shutil.which("capsh") is None:
            pytest.skip("running as root without capsh: file permissions do not apply")
        command = ["capsh", "--drop=cap_dac_override,cap_dac_read_search", "--", "-c", shlex.join(command)]
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)


def test_an_unreadable_file_in_a_folder(store_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    folder.mkdir()
    shutil.copy(RESOLUTION, folder / "resolution.md")
    unreadable = folder / "plan é.csv"
    shutil.copy(CITY / "sources" / "action-plan.csv", unreadable)
    unreadable.chmod(0)
    before = snapshot(store_path)
    done = run_unprivileged("ingest", folder, "--city", "Example City", "--store", store_path)
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert done.stderr.splitlines() == [f"hrgraph: error: {unreadable}: cannot read the file: Permission denied"]
    assert snapshot(store_path) == before


def test_a_folder_without_files_to_ingest(capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    (folder / ".hidden").mkdir(parents=True)
    (folder / "minutes.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / ".hidden" / "plan.csv").write_text("ID,Action\n1,Open a shelter\n", encoding="utf-8")
    assert_refused(capsys, store_path, folder, "no files to ingest in this folder (CSV, TSV, XLSX, PDF, DOCX")


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ("name: [Lakeside, Hillside]\n", "name: give one value, not a list"),
        ("name: '  '\n", "name: the city's name is empty: give its name"),
        ("name: X\n7: seven\n", "unknown keys ['7']: use base_iri, bodies"),
        ("name: X\nbodies: HRO\n", "bodies: give a list of bodies, each with a name"),
        ("name: X\nbodies:\n  - name: Office\n    aliases: {a: b}\n", "bodies[1]: aliases: give a list, not a mapping"),
        ("name: X\nbodies:\n  - name: Office\n    includes_civil_society: 'no'\n",
         "bodies[1]: includes_civil_society: give true or false, not 'no'"),
        ("name: X\ndocuments: {file: r.md}\n", "documents: give a list of documents, each with a file"),
        ("name: X\ndocuments:\n  - file: r.md\n    title: [Resolution]\n", "documents[1]: title: give one value, not a list"),
        ("name: X\ndocuments:\n  - file: r.md\n    status: yes\n", "documents[1]: status: True is not text: write it in quotes"),
        ("name: X\ndocuments:\n  - file: r.md\n    commits_to: [[ICESCR]]\n",
         "documents[1]: commits_to[1]: give one value, not a list"),
        ("name: X\ndocuments:\n  - file: r.md\n    date: [2025]\n", "documents[1]: date: [2025] is not a date"),
        ("name: X\ncurrency: {code: EUR}\n", "currency: give one value, not a mapping"),
        ("name: X\n  bodies: [\n", "not valid YAML: mapping values are not allowed here"),
        ("name: X\nnote: " + "[" * 2000 + "]" * 2000 + "\n", "not valid YAML: nested too deeply"),
    ],
)  # fmt: skip
def test_a_city_profile_with_a_wrong_type(
    capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path, profile: str, message: str
) -> None:
    path = tmp_path / "city.yaml"
    path.write_text(profile, encoding="utf-8")
    shutil.copy(RESOLUTION, tmp_path / "r.md")
    before = snapshot(store_path)
    code, out, err = hrgraph(capsys, path, "--store", store_path)
    assert (code, out) == (2, ""), err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"hrgraph: error: {path}"), err
    assert message in err
    assert snapshot(store_path) == before


def test_a_city_profile_in_latin_1(capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "city.yaml"
    path.write_bytes("# Zürich\nname: Zürich\n".encode("latin-1"))
    code, _, err = hrgraph(capsys, path, "--store", store_path)
    assert (code, err.strip()) == (
        2,
        f"hrgraph: error: {path}:1: not UTF-8 (byte 0xfc): save the city profile as UTF-8",
    )


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (b"columns: [Action, Responsible]\n", "columns: give a mapping of field to column (action: Measure)"),
        (b"columns:\n  action: Action\nsheet: [1]\n", "sheet: give one value, not a list"),
        (b"columns:\n  action: Action\nstatus_values:\n  - done\n",
         "status_values: give a mapping of wording to status (done: completed)"),
        (b"columns:\n  action: Action\nstatus_values:\n  done: [completed]\n",
         "status_values: done: give one value, not a list"),
        (b"columns:\n  action: Action\ndate_order: [dmy]\n", "date_order: give one value, not a list"),
        (b"columns:\n  action: Action\ncurrency: 1.5\n", "currency: 1.5 is not text: write it in quotes"),
        (b"columns:\n  1: Action\n  action: Ma\xc3\x9fnahme\n", "unknown fields ['1']: use id, action"),
        (b"columns:\n  action: Aktion\n  responsible: Zust\xe4ndig\n", ":3: not UTF-8 (byte 0xe4): save the mapping file as UTF-8"),
    ],
)  # fmt: skip
def test_a_mapping_file_with_a_wrong_type_or_encoding(
    capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path, mapping: bytes, message: str
) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_bytes(mapping)
    before = snapshot(store_path)
    code, out, err = hrgraph(capsys, DATA / "plan-de.csv", "--city", "X", "--mapping", path, "--store", store_path)
    assert (code, out) == (2, ""), err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"hrgraph: error: {path}"), err
    assert message in err
    assert snapshot(store_path) == before


DC_CONTAINER = (
    '<container xmlns="https://code.dccouncil.us/schemas/dc-library" xmlns:xi="http://www.w3.org/2001/XInclude">'
    '<prefix>{prefix}</prefix><num>1</num><heading>Heading.</heading><xi:include href="{href}"/></container>'
)


def test_an_xml_file_that_includes_itself(capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.xml"
    index.write_text(DC_CONTAINER.format(prefix="Title", href="index.xml"), encoding="utf-8")
    assert_refused(capsys, store_path, index, "xi:include of 'index.xml' makes a cycle: index.xml → index.xml")


def test_a_cycle_of_includes(capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path) -> None:
    title, chapter = tmp_path / "title.xml", tmp_path / "chapter.xml"
    title.write_text(DC_CONTAINER.format(prefix="Title", href="chapter.xml"), encoding="utf-8")
    chapter.write_text(DC_CONTAINER.format(prefix="Chapter", href="title.xml"), encoding="utf-8")
    assert_refused(
        capsys, store_path, title, "xi:include of 'title.xml' makes a cycle: title.xml → chapter.xml → title.xml",
        extra=("--kind", "ordinance"),
    )  # fmt: skip


def test_a_csv_cell_beyond_the_field_size_limit_names_its_row(
    capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.csv"
    long = "x" * (csv.field_size_limit() + 1)
    plan.write_text(f'ID,Action\n1,Open a shelter\n\n2,"{long}\n3,Train staff\n', encoding="utf-8")
    assert_refused(
        capsys, store_path, plan, 'plan.csv: row 4: a cell longer than 131,072 characters (a quote " left open?)'
    )


@pytest.mark.parametrize(
    ("source", "name", "message"),
    [
        ("action-plan.xlsx", "plan.csv", "not a text file: it looks like an XLSX spreadsheet (a zip archive): rename it .xlsx"),
        ("equal-treatment-ordinance.pdf", "ordinance.txt", "not a text file: it looks like a PDF file: rename it .pdf"),
        ("annual-report-2025.docx", "report.md", "it looks like a DOCX document (a zip archive): rename it .docx"),
    ],
)  # fmt: skip
def test_a_renamed_spreadsheet_or_document(
    capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path, source: str, name: str, message: str
) -> None:
    renamed = tmp_path / name
    shutil.copy(CITY / source, renamed)
    assert_refused(capsys, store_path, renamed, message)


@pytest.mark.parametrize("city", ["", "   "])
def test_an_empty_city_name(capsys: pytest.CaptureFixture[str], store_path: Path, city: str) -> None:
    before = snapshot(store_path)
    code, out, err = hrgraph(capsys, RESOLUTION, "--city", city, "--kind", "resolution", "--store", store_path)
    assert (code, out, err.strip()) == (2, "", "hrgraph: error: --city: the city's name is empty: give its name")
    assert snapshot(store_path) == before


def test_an_ingest_beyond_the_triple_limit_is_refused(
    capsys: pytest.CaptureFixture[str], store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the limit stands in for a plan of millions of rows, which would not fit in memory
    monkeypatch.setattr(sys.modules["hrgraph.ingest"], "MAX_TRIPLES", 500)
    before = snapshot(store_path)
    code, out, err = hrgraph(capsys, CITY / "action-plan.xlsx", "--city", "Example City", "--store", store_path)
    assert code == 2 and out == ""
    assert err.startswith(f"hrgraph: error: {CITY / 'action-plan.xlsx'}: this ingest would write ")
    assert "more than the 500 written at once" in err and err.count("\n") == 1
    assert snapshot(store_path) == before
