"""Cross-validate the linker on the OHCHR Slovenia recommendations, which its classifier learns from.

The recommendations are split into ``--folds`` parts (by their order in the table); for each part a
classifier is trained without it (:func:`hrgraph.link.classifier.checkout_documents` with
``exclude``) and the linker with that classifier links the part. The figures are pooled over the
parts, so each recommendation is scored by a model that never saw it.

    python scripts/crossval_link_model.py [--data ../shared/data] [--folds 5]
"""

from __future__ import annotations

import argparse
import os
from collections import defaultdict
from pathlib import Path

from hrgraph.link.evaluate import crossval_predictions
from hrgraph.link.linker import min_confidence_of

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Run from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ["HRGRAPH_SHARED"]) / "data" if "HRGRAPH_SHARED" in os.environ else Path("../shared/data")
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--min-confidence", type=float, help="[default: each level's own]")
    args = parser.parse_args()
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for ex, predicted in crossval_predictions(args.data, ROOT, folds=args.folds):
        for level, gold in ex.gold.items():
            cutoff = min_confidence_of(level, args.min_confidence)
            chosen = {iri for iri, c in predicted.get(level, {}).items() if c >= cutoff}
            cell = counts[level]
            cell[0] += len(chosen & gold)
            cell[1] += len(chosen - gold)
            cell[2] += len(gold - chosen)
    for level, (tp, fp, fn) in sorted(counts.items()):
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"ohchr-slovenia {level}: P {p:.3f} R {r:.3f} F1 {f:.3f} ({args.folds}-fold cross-validation)")


if __name__ == "__main__":
    main()
