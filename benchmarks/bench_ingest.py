"""Ingest a generated 500-page PDF ordinance and a 10,000-row action plan; print pages/s and rows/s.

The target is at least 50 pages/s and 5,000 rows/s. Times cover the whole ingest: reading the file,
segmenting or parsing rows, resolving cited standards, building the triples and writing them into the
store in one load. The standards are loaded once before timing (they are cached for the process). The
store's own writing is timed inside the same ingest, so the time without it is never negative, however
busy the machine.

    python benchmarks/bench_ingest.py --pages 500 --rows 10000 --store disk
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import openpyxl
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from hrgraph.ingest import ingest
from hrgraph.store import EmbeddedStore, RdfFormat

AREAS = ("Housing", "Health", "Education", "Work", "Non-discrimination", "Children", "Migrants", "Environment")
BODIES = ("Housing Department", "Department of Health", "Department of Education", "Human Rights Office")
STANDARDS = ("ICESCR 11(1); SDG 11.1", "CRC art. 28; SDG 4.1", "CEDAW art. 11; SDG 8.5", "CRPD art. 9; SDG 11.2",
             "ICERD art. 5; SDG 10.3", "ICESCR 12(2); SDG 3.8")  # fmt: skip
TIMETABLES = ("2025–2027", "Q3 2026", "by the end of 2026", "2026", "01/09/2025 – 30/06/2026", "ongoing")
STATUSES = ("Planned", "In progress", "Completed", "Delayed")
T = TypeVar("T")


def make_pdf(path: Path, pages: int) -> None:
    """Write an ordinance of ``pages`` pages: two articles a page, each with numbered paragraphs."""
    rl_config.invariant = 1
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    article = 0
    for page in range(1, pages + 1):
        y = 800.0
        if page % 50 == 1:
            canvas.setFont("Helvetica-Bold", 12)
            canvas.drawString(60, y, f"PART {page // 50 + 1} - PROVISIONS {page // 50 + 1}")
            y -= 24
        for _ in range(2):
            article += 1
            canvas.setFont("Helvetica-Bold", 11)
            canvas.drawString(60, y, f"Article {article} (Right number {article})")
            y -= 18
            canvas.setFont("Helvetica", 10)
            for paragraph in range(1, 4):
                for line in range(5):
                    prefix = f"({paragraph}) " if line == 0 else ""
                    canvas.drawString(
                        60, y, f"{prefix}The city shall ensure that every resident enjoys this right without any"
                    )
                    y -= 13
                y -= 4
            y -= 10
        canvas.setFont("Helvetica", 8)
        canvas.drawCentredString(A4[0] / 2, 30, f"Page {page}")
        canvas.showPage()
    canvas.save()


def plan_rows(rows: int) -> list[list[object]]:
    rng = random.Random(7)
    header: list[object] = ["ID", "Area", "Action", "Responsible body", "Target", "Timetable", "Indicator", "Unit",
                            "Baseline", "Baseline year", "Latest value", "Latest year", "Status", "Budget (EUR)",
                            "Standards cited"]  # fmt: skip
    out = [header]
    for n in range(1, rows + 1):
        area = AREAS[n % len(AREAS)]
        out.append([
            f"A-{n:05d}", area,
            f"Measure {n}: extend the {area.lower()} programme of the city to {rng.randint(2, 40)} more districts "
            "and publish the results every year.",
            BODIES[n % len(BODIES)], f"{rng.randint(10, 500)} more residents reached", TIMETABLES[n % len(TIMETABLES)],
            f"Residents reached by measure {n}", "persons", rng.randint(0, 1000), 2023, rng.randint(0, 1500), 2024,
            STATUSES[n % len(STATUSES)], rng.randint(1, 500) * 1000, STANDARDS[n % len(STANDARDS)],
        ])  # fmt: skip
    return out


def make_xlsx(path: Path, rows: int) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.create_sheet("Plan", 0)
    for row in plan_rows(rows):
        sheet.append(row)
    workbook.properties.created = workbook.properties.modified = dt.datetime(2025, 1, 1)
    workbook.save(path)


def make_csv(path: Path, rows: int) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(plan_rows(rows))
    path.write_text(buffer.getvalue(), encoding="utf-8")


class TimedStore(EmbeddedStore):
    """An embedded store that times, apart, its own writing (loads and updates) and everything else in between."""

    def __init__(self, path: Path | None = None) -> None:
        super().__init__(path)
        self.restart()

    def restart(self) -> None:
        """Start timing from zero."""
        self.writing = self.other = 0.0
        self._since = time.perf_counter()

    def stop(self) -> None:
        """Count the time since the last write as time spent elsewhere."""
        now = time.perf_counter()
        self.other += now - self._since
        self._since = now

    def _timed(self, write: Callable[[], T]) -> T:
        start = time.perf_counter()
        self.other += start - self._since
        try:
            return write()
        finally:
            self._since = time.perf_counter()
            self.writing += self._since - start

    def load(
        self,
        source: str | Path | bytes,
        *,
        format: RdfFormat | None = None,
        graph: str | None = None,
        replace: bool = False,
        trusted: bool = False,
    ) -> int:
        load = super().load
        return self._timed(lambda: load(source, format=format, graph=graph, replace=replace, trusted=trusted))

    def update(self, sparql: str) -> None:
        update = super().update
        self._timed(lambda: update(sparql))


def timed(path: Path, store: TimedStore, **options: str) -> tuple[float, float, int]:
    """Ingest one file; return the seconds without the store's writing, the seconds of it, and the triples.

    Each part is a sum of intervals measured on its own, so neither can come out negative on a busy machine.
    """
    store.restart()
    result = ingest(path, city="Benchmark City", store=store, **options)  # type: ignore[arg-type]
    store.stop()
    return store.other, store.writing, result.triples


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--store", choices=("memory", "disk"), default="disk")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdf, xlsx, plan_csv = folder / "ordinance.pdf", folder / "plan.xlsx", folder / "plan.csv"
        make_pdf(pdf, args.pages)
        make_xlsx(xlsx, args.rows)
        make_csv(plan_csv, args.rows)
        warm = folder / "warm.csv"
        make_csv(warm, 5)
        with EmbeddedStore() as store:  # loads the packaged standards once, outside the timings
            ingest(warm, city="Warm-up", store=store)
        print(f"store: {args.store}; times are the whole ingest, and in brackets without the store's own writing")
        cases: tuple[tuple[str, Path, int, str, dict[str, str]], ...] = (("PDF", pdf, args.pages, "pages", {"kind": "ordinance"}), ("XLSX", xlsx, args.rows, "rows", {}),
                 ("CSV", plan_csv, args.rows, "rows", {}))  # fmt: skip
        for label, path, units, unit, options in cases:
            with TimedStore(folder / label if args.store == "disk" else None) as store:
                rest, load, triples = timed(path, store, **options)
            seconds = rest + load
            print(
                f"{label:<5} {units:>6} {unit:<5} {seconds:6.2f} s {units / seconds:8.0f} {unit}/s "
                f"({rest:5.2f} s {units / max(rest, 1e-9):8.0f} {unit}/s)  {triples:>9,} triples, "
                f"store load {load:.2f} s"
            )


if __name__ == "__main__":
    main()
