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
