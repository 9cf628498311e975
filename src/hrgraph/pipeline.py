"""The main job: the whole pipeline on the bundled Example City, with everything written to one folder.

Load the standards, ingest the city's documents, link them, check completeness, score the city
against the human rights city framework, and write the UPR, VLR, treaty-linkage and gaps reports in
every format reporting staff use.

>>> import tempfile
>>> from hrgraph.store import open_store
>>> with open_store(memory=True) as store, tempfile.TemporaryDirectory() as out:
...     run = run_example(store, Path(out))
>>> run.items >= 40 and run.links > 100
True
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hrgraph.corpus import install
from hrgraph.ingest import ingest
from hrgraph.link.mappings import link_city
from hrgraph.report import write_atomic, write_reports
from hrgraph.resources import Resource, resource_dir
from hrgraph.store import Store
from hrgraph.validate import ReportFormat, ScorecardFormat, scorecard, validate

__all__ = ["EXAMPLE_CITY", "ExampleRun", "run_example"]

EXAMPLE_CITY = "Example City"


@dataclass(frozen=True)
class ExampleRun:
    """What the main job did and wrote."""

    output: Path
    triples: int
    provisions: int
    items: int
    links: int
    violations: int
    warnings: int
    scorecard: dict[str, str]
    files: tuple[Path, ...]
    seconds: float


EXAMPLE_STEPS = (
    "loading the ontology and the standards",
    "ingesting Example City",
    "linking its provisions and action items",
    "checking completeness",
    "scoring the city against the human rights city framework",
    "writing the UPR, VLR, treaty-linkage and gaps reports",
)
"""The stages :func:`run_example` announces to ``on_step``, in order, each as it starts."""


def _write(path: Path, data: bytes) -> Path:
    write_atomic(path, data)
    return path


def run_example(store: Store, output: Path, *, on_step: Callable[[str], None] | None = None) -> ExampleRun:
    """Run every stage on the bundled Example City and write its outputs into ``output``."""
    start = time.perf_counter()
    step = on_step or (lambda _: None)
    output.mkdir(parents=True, exist_ok=True)
    step(EXAMPLE_STEPS[0])
    loaded = install(store)
    step(EXAMPLE_STEPS[1])
    profile = Path(str(resource_dir(Resource.EXAMPLES))) / "example-city" / "city.yaml"
    ingested = ingest(profile, store=store)
    step(EXAMPLE_STEPS[2])
    linked = link_city(store, EXAMPLE_CITY)
    step(EXAMPLE_STEPS[3])
    report = validate(store, city=EXAMPLE_CITY)
    files = [
        _write(output / "validation.txt", report.render(ReportFormat.TEXT)),
        _write(output / "validation.json", report.render(ReportFormat.JSON)),
    ]
    step(EXAMPLE_STEPS[4])
    card = scorecard(store, EXAMPLE_CITY)
    files += [
        _write(output / "scorecard.html", card.render(ScorecardFormat.HTML)),
        _write(output / "scorecard.json", card.render(ScorecardFormat.JSON)),
    ]
    step(EXAMPLE_STEPS[5])
    files += write_reports(store, EXAMPLE_CITY, output)
    return ExampleRun(
        output=output,
        triples=sum(loaded.values()) + ingested.triples,
        provisions=ingested.provisions,
        items=ingested.items,
        links=len(linked.mappings),
        violations=report.summary.violations,
        warnings=report.summary.warnings,
        scorecard={element.name: element.status.value for element in card.elements},
        files=tuple(files),
        seconds=time.perf_counter() - start,
    )
