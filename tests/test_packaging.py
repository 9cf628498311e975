"""The wheel carries the ontology, shapes, queries and corpus, and finds them without the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

PROBE = """
import json, hrgraph
from hrgraph import resources
from hrgraph.link.classifier import load_classifier
print(json.dumps({
    "module": hrgraph.__file__,
    "version": hrgraph.__version__,
    "ontology": resources.ontology_file().read_text()[:200],
    "queries": [q.name for q in hrgraph.catalogue()],
    "corpus": [f.name for f in resources.corpus_files()],
    "classifier": sorted(load_classifier().levels),
}))
"""


@pytest.mark.slow
def test_a_wheel_install_finds_its_data(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("hrgraph-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "hrgraph/_data/ontology/hrgraph.ttl" in names
    assert "hrgraph/py.typed" in names
    assert any(n.startswith("hrgraph/_data/queries/") and n.endswith(".rq") for n in names)

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=tmp_path, check=True
    )
    import json

    found = json.loads(result.stdout)
    assert found["module"].startswith(str(target))
    assert "owl:Ontology" in found["ontology"] or "@prefix" in found["ontology"]
    assert {"graphs", "classes", "provisions"} <= set(found["queries"])
    built = sorted(p.name for p in (ROOT / "corpora" / "build").iterdir() if p.suffix in (".nt", ".ttl", ".nq"))
    assert found["corpus"] == built
    assert sorted(found["classifier"]) == ["article", "sdg-goal", "sdg-target", "theme"]
