"""Speed of the linker on one core: pipeline load, words per second, the whole D.C. Human Rights Act.

Each figure is measured in a fresh process, so that imports and loads count as a user meets them:

- load: ``import spacy``, ``spacy.blank("en")`` and ``nlp.add_pipe("hrgraph_linker")`` with the
  compiled tables already in the user cache (the first load after an install compiles them once);
- throughput: words per second of ``nlp.pipe`` over the local-policy passages (repeated) once loaded;
- D.C. Act: one document with the operative text of D.C. Code Title 2, Chapter 14 (from the shared
  data folder, ``dc-code-human-rights-act``), linked in one call.

    python benchmarks/bench_link.py [--data ../shared/data] [--words 200000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

LOAD = """
import time
started = time.perf_counter()
import spacy
import hrgraph.link.component
nlp = spacy.blank("en")
nlp.add_pipe("hrgraph_linker")
nlp("warm up")
print(time.perf_counter() - started)
"""

THROUGHPUT = """
import json, sys, time
import spacy
import hrgraph.link.component
texts, words_wanted = json.loads(sys.stdin.read())
nlp = spacy.blank("en")
nlp.add_pipe("hrgraph_linker")
nlp("warm up")
batch, words = [], 0
while words < words_wanted:
    for t in texts:
        batch.append(t)
        words += len(t.split())
started = time.perf_counter()
links = sum(len(doc.spans["hrgraph"]) for doc in nlp.pipe(batch))
elapsed = time.perf_counter() - started
print(json.dumps({"words": words, "seconds": elapsed, "links": links}))
"""

DOCUMENT = """
import json, sys, time
import spacy
import hrgraph.link.component
text = sys.stdin.read()
nlp = spacy.blank("en")
nlp.add_pipe("hrgraph_linker")
nlp("warm up")
started = time.perf_counter()
doc = nlp(text)
elapsed = time.perf_counter() - started
print(json.dumps({"words": len(text.split()), "seconds": elapsed, "links": len(doc.spans["hrgraph"])}))
"""


def _run(code: str, stdin: str = "") -> str:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    result = subprocess.run(  # noqa: S603  (this interpreter, running the code above)
        ["taskset", "-c", "0", sys.executable, "-c", code] if _has_taskset() else [sys.executable, "-c", code],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def _has_taskset() -> bool:
    from shutil import which

    return which("taskset") is not None


def dc_act_text(data: Path) -> str:
    """The operative text of the D.C. Human Rights Act: headings and text of every section, no annotations."""
    from defusedxml import ElementTree

    ns = "{https://code.dccouncil.us/schemas/dc-library}"
    parts = []
    for path in sorted((data / "dc-code-human-rights-act" / "sections").glob("*.xml")):
        root = ElementTree.parse(path).getroot()
        if root is None:
            continue
        for element in root.iter():
            if element.tag == f"{ns}annotations":
                break
            if element.tag in (f"{ns}num", f"{ns}heading", f"{ns}text") and element.text:
                parts.append(" ".join(element.text.split()))
        parts.append("")
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ["HRGRAPH_SHARED"]) / "data" if "HRGRAPH_SHARED" in os.environ else Path("../shared/data")
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--words", type=int, default=200_000)
    args = parser.parse_args()
    _run(LOAD)  # compile the tables into the user cache if they are not there yet
    loads = sorted(float(_run(LOAD)) for _ in range(3))
    print(f"pipeline load (blank English + hrgraph_linker, cached tables): median {loads[1]:.2f} s")
    dev = args.data / "local-policy-links-dev" / "local_links_dev.jsonl"
    if dev.is_file():
        texts = [json.loads(line)["text"] for line in dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        texts = ["The city funds homeless shelters and rent control for low-income tenants."] * 50
    result = json.loads(_run(THROUGHPUT, json.dumps([texts, args.words])))
    print(
        f"throughput: {result['words']:,} words in {result['seconds']:.2f} s = "
        f"{result['words'] / result['seconds']:,.0f} words/s, {result['links']:,} links"
    )
    if (args.data / "dc-code-human-rights-act").is_dir():
        text = dc_act_text(args.data)
        result = json.loads(_run(DOCUMENT, text))
        print(
            f"D.C. Human Rights Act: {result['words']:,} words in {result['seconds']:.2f} s "
            f"({result['words'] / result['seconds']:,.0f} words/s), {result['links']:,} links"
        )
    else:
        print("D.C. Human Rights Act: skipped (no shared data folder)")


if __name__ == "__main__":
    main()
