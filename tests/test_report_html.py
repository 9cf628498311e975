"""The HTML reports render in a real browser (headless Chromium) with their charts drawn.

Needs ``/usr/bin/chromium`` (Debian: ``apt-get install chromium``); skipped when it is absent.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from hrgraph.report import OutputFormat, ReportParams, build_report, write_report
from hrgraph.store import Store

CHROMIUM = Path("/usr/bin/chromium")
# Written into the page after it has loaded, so that --dump-dom shows what the browser laid out.
MEASURE = """<script>
window.addEventListener("load", () => {
  const sizes = [...document.querySelectorAll("figure.chart svg")].map((svg) => {
    const box = svg.getBoundingClientRect();
    return {id: svg.parentElement.id, width: box.width, height: box.height, shapes: svg.querySelectorAll("path, rect, use, image").length};
  });
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify(sizes);
  document.body.appendChild(out);
});
</script>"""


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1400,2000",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize(("name", "charts"), [("coverage", 3), ("vlr", 2), ("treaty-linkage", 1)])
def test_charts_are_drawn_in_chromium(lakeside: Store, tmp_path: Path, name: str, charts: int) -> None:
    report = build_report(lakeside, name, ReportParams(city="Lakeside"))
    page = tmp_path / f"{name}.html"
    write_report(report, OutputFormat.HTML, page)
    probe = tmp_path / f"{name}-probe.html"
    probe.write_text(page.read_text().replace("</body>", MEASURE + "</body>"))
    result = _chromium("--dump-dom", probe.as_uri(), profile=tmp_path / "profile")
    found = re.search(r'<pre id="measured">(.*?)</pre>', result.stdout, flags=re.DOTALL)
    assert found, result.stderr[-2000:]
    sizes = json.loads(found.group(1).replace("&quot;", '"'))
    assert len(sizes) == charts
    for chart in sizes:
        assert chart["width"] > 200 and chart["height"] > 150, chart
        assert chart["shapes"] > 10, chart
    shot = tmp_path / f"{name}.png"
    result = _chromium(f"--screenshot={shot}", page.as_uri(), profile=tmp_path / "profile")
    assert shot.exists() and shot.stat().st_size > 20_000, result.stderr[-2000:]
