"""``hrgraph link`` reports its progress: one step per provision or action item linked."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.progress import Progress

from hrgraph import cli, cli_link
from hrgraph.link.mappings import link_city
from hrgraph.store import EmbeddedStore

DATA = Path(__file__).parent / "data" / "link"
CITY = "Example City"


def _store(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    with EmbeddedStore(folder) as store:
        store.load(DATA / "city.ttl", graph=f"city/{CITY}")
    return folder


def test_link_city_calls_on_item_once_per_item_with_the_total(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    with EmbeddedStore(_store(tmp_path)) as store:
        run = link_city(store, CITY, on_item=lambda done, total: calls.append((done, total)))
    assert run.provisions == 4
    assert calls == [(done, run.provisions) for done in range(1, run.provisions + 1)]


def test_cli_link_advances_its_progress_bar_per_item(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bars: list[Progress] = []

    def recording() -> Progress:
        bar = cli._progress()
        bars.append(bar)
        return bar

    monkeypatch.setattr(cli_link, "_progress", recording)
    result = CliRunner().invoke(cli_link.link, ["--city", CITY, "--store", str(_store(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "for 4 provisions" in result.output
    [bar] = bars
    [task] = bar.tasks
    assert task.description == "linking"
    assert task.total == task.completed == 4
    assert "━" not in result.output  # stderr is not a terminal here: no bar drawn


# --- `--levels`: an empty or unknown list is refused (reports/validation brief) ------------------------


@pytest.mark.parametrize("levels", [",", "", " , ", "article,nope"])
def test_link_refuses_an_empty_or_unknown_level_list_and_keeps_the_proposals(
    tmp_path: Path, levels: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from hrgraph.link.mappings import read_mappings

    folder = _store(tmp_path)
    assert cli.main(["link", "--city", CITY, "--store", str(folder)]) == 0
    with EmbeddedStore(folder) as store:
        before = len(read_mappings(store, f"proposed/{CITY}"))
    assert before > 0
    capsys.readouterr()
    assert cli.main(["link", "--city", CITY, "--store", str(folder), "--levels", levels]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hrgraph: error: ") and err.count("\n") == 1 and "sdg-goal" in err
    with EmbeddedStore(folder) as store:
        assert len(read_mappings(store, f"proposed/{CITY}")) == before


# --- `evaluate`: malformed labelled rows are named; an empty confidence band has no precision ----------


def _labelled(tmp_path: Path, *lines: str) -> Path:
    folder = tmp_path / "data" / "local-policy-links-dev"
    folder.mkdir(parents=True)
    (folder / "local_links_dev.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return folder.parent


GOOD_ROW = '{"id": "A", "text": "Nothing to link here.", "sdg_targets": ["11.1"], "articles": []}'


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ('{"id": "B", "sdg_targets": ["1.1"], "articles": []}', "missing 'text'"),
        (
            '{"id": "B", "text": "x", "sdg_targets": "1.1", "articles": []}',
            "unexpected content: sdg_targets must be a list of strings",
        ),
        ('{"id": "B", "text": 5, "sdg_targets": [], "articles": []}', "unexpected content: text must be a string"),
        ("[1, 2]", "not a JSON object"),
    ],
)
def test_evaluate_names_the_file_and_line_of_a_malformed_row(
    tmp_path: Path, row: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _labelled(tmp_path, GOOD_ROW, row)
    assert cli.main(["evaluate", "--data", str(data), "--dataset", "local-policy"]) == 2
    err = capsys.readouterr().err
    assert err == f"hrgraph: error: {data / 'local-policy-links-dev' / 'local_links_dev.jsonl'}:2: {reason}\n"


def test_evaluate_shows_no_precision_for_an_empty_band(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    data = _labelled(tmp_path, GOOD_ROW)
    assert cli.main(["evaluate", "--data", str(data), "--dataset", "local-policy"]) == 0
    band = [line for line in capsys.readouterr().out.splitlines() if "≥ 0.8" in line]
    assert band and band[-1].split("│")[-1].strip() == "—"
    assert cli.main(["evaluate", "--data", str(data), "--dataset", "local-policy", "-O", "json"]) == 0
    bands = json.loads(capsys.readouterr().out)["bands"]
    assert bands == [{"level": "all", "low": 0.8, "high": 1.01, "links": 0, "correct": 0, "precision": None}]


def test_an_upr_info_issue_of_two_themes_is_found_by_either(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """ "Women's rights" maps to gender equality and to gender-based violence: one of them finds it."""
    import json

    folder = tmp_path / "data" / "upr-info-recommendations-2008-2014"
    folder.mkdir(parents=True)
    rows = [
        ("Increase the participation of women in political and public life", "Women's rights"),
        ("Ratify the Optional Protocol to the Convention against Torture", "International instruments,Women's rights"),
    ]
    (folder / "upr-info_sessions_1-5.csv").write_bytes(
        "".join(f'"{text}","{issues}"\r' for text, issues in [("Text", "Issue"), *rows]).encode("mac_roman")
    )
    assert cli.main(["evaluate", "--data", str(folder.parent), "--dataset", "upr-info", "-O", "json"]) == 0
    (score,) = json.loads(capsys.readouterr().out)["scores"]
    # three issues to find, not five themes; the first recommendation's gender equality alone finds its issue
    assert (score["gold"], score["recall"]) == (3, 2 / 3)


def test_a_swisstext_abstract_without_a_target_is_not_scored_for_targets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The test set marks abstracts that serve no SDG with the target "0.0": there is nothing to find in them."""
    import json

    folder = tmp_path / "data" / "swisstext2024-sdg"
    folder.mkdir(parents=True)
    housing = {"ID": "a", "TITLE": "Homelessness", "ABSTRACT": "Access to adequate housing.", "TARGETS": "['11.1']"}
    wages = {"ID": "b", "TITLE": "Wages in Normandy 1600-1850", "ABSTRACT": "Prices.", "TARGETS": "['0.0']"}
    (folder / "task2_train.jsonl").write_text(json.dumps(housing) + "\n", encoding="utf-8")
    (folder / "testdata_results.jsonl").write_text(json.dumps(wages) + "\n", encoding="utf-8")
    assert cli.main(["evaluate", "--data", str(folder.parent), "--dataset", "swisstext-targets", "-O", "json"]) == 0
    scores = json.loads(capsys.readouterr().out)["scores"]
    assert {(s["level"], s["documents"], s["gold"]) for s in scores} == {("sdg-goal", 1, 1), ("sdg-target", 1, 1)}
