"""Train the linker's classifier (``src/hrgraph/link/classifier.bin.gz``) from the project's own sources.

The training texts are those :func:`hrgraph.link.classifier.checkout_documents` assembles: the built
standards corpus (SDG targets and indicators, synonyms, themes, articles), the Aurora target queries
(CC BY 4.0), the OHCHR Slovenia recommendations with OHCHR's tags (``corpora/reviews``) and the
project's own labelled passages (``corpora/training``). No evaluation-only data (SwissText, UPR Info,
the local-policy development set) is read. The result is the same on every run.

    python scripts/train_link_model.py [--output src/hrgraph/link/classifier.bin.gz]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hrgraph.link.classifier import checkout_documents, train

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Run from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "src" / "hrgraph" / "link" / "classifier.bin.gz")
    args = parser.parse_args()
    documents = checkout_documents(ROOT)
    model = train(documents)
    data = model.to_bytes()
    args.output.write_bytes(data)
    sizes = ", ".join(f"{lv}: {len(m.classes)} standards, {len(m.features)} features" for lv, m in model.levels.items())
    print(f"{args.output}: {len(documents)} training texts; {sizes}; {len(data) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
