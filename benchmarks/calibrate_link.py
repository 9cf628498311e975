"""Fit the linker's calibration curves: combined score → observed precision, per level.

How ``hrgraph.link.linker.CALIBRATION`` was made. With the calibration switched off, the linker runs
over the labelled sets whose terms allow shipping numbers derived from them: the local-policy passages
(written for the project) and the OHCHR Slovenia lists (UN documents). SwissText (AGPL) and the UPR
Info export (no licence) are used for evaluation only, never for fitting. The linker's classifier learns
from the Slovenia recommendations, so these are linked by cross-validation (each by a classifier trained
without it, :func:`hrgraph.link.evaluate.crossval_predictions`). Every link it proposes (any confidence) is marked
right or wrong against the set's gold standards of that level. Per level, an isotonic (monotone)
regression of right/wrong on the combined score is fitted over all the links of all the sets
pooled (each link weighing the same, so the sets where links are least reliable pull the curve
down most), and read at fixed knots; the knots are then lowered by a safety margin so that a band's promised
precision holds on text the curve was not fitted on. Only these few numbers enter the code: no
evaluation text or label is shipped.

    python benchmarks/calibrate_link.py [--data ../shared/data] [--limit 3000] [--margin 0.05]
"""

from __future__ import annotations

import argparse
import os
from collections import defaultdict
from pathlib import Path

from hrgraph.link import linker as linker_module
from hrgraph.link.evaluate import DATASETS, _predictions, _sample, crossval_predictions, read_dataset
from hrgraph.link.knowledge import LEVELS, load_knowledge
from hrgraph.link.linker import Linker

KNOTS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0)
CAP = {"sdg-goal": 0.79, "sdg-target": 0.79}
"""Highest confidence of a level found from wording alone: goals and targets are right less often on other
kinds of text (scientific abstracts, UN recommendations) than on local policy, so only an explicit
citation reaches 0.8 or more."""


def isotonic(points: list[tuple[float, float, float]]) -> list[tuple[float, float]]:
    """Pool-adjacent-violators on (x, y, weight); return (x, fitted y) in x order."""
    blocks: list[list[float]] = []  # [sum_wy, sum_w, x_min, x_max]
    for x, y, w in sorted(points):
        blocks.append([w * y, w, x, x])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            wy, ww, _, xmax = blocks.pop()
            blocks[-1][0] += wy
            blocks[-1][1] += ww
            blocks[-1][3] = xmax
    return [((b[2] + b[3]) / 2, b[0] / b[1]) for b in blocks]


def read_at(curve: list[tuple[float, float]], x: float) -> float:
    """Linear interpolation of a fitted curve (flat outside its range)."""
    if not curve:
        return x
    if x <= curve[0][0]:
        return curve[0][1]
    for (x0, y0), (x1, y1) in zip(curve, curve[1:], strict=False):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0 or 1.0)
    return curve[-1][1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ["HRGRAPH_SHARED"]) / "data" if "HRGRAPH_SHARED" in os.environ else Path("../shared/data")
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--limit", type=int, default=3000)
    parser.add_argument("--margin", type=float, default=0.05)
    parser.add_argument("--dataset", action="append", choices=DATASETS, help="[default: local-policy, ohchr-slovenia]")
    args = parser.parse_args()
    linker_module.CALIBRATION = {level: ((0.0, 0.0), (1.0, 1.0)) for level in LEVELS}
    knowledge = load_knowledge()
    linker = Linker(knowledge, min_confidence=0.0)
    observed: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    for name in args.dataset or ("local-policy", "ohchr-slovenia"):
        if name == "ohchr-slovenia":
            for ex, predicted in crossval_predictions(args.data, Path(__file__).resolve().parent.parent):
                for level, found in predicted.items():
                    for iri, score in found.items():
                        observed[level][name].append((score, 1.0 if iri in ex.gold[level] else 0.0))
            continue
        examples = _sample(read_dataset(name, args.data, knowledge), args.limit)
        scope: dict[str, set[str]] = defaultdict(set)
        for ex in examples:
            for level, gold in ex.gold.items():
                scope[level] |= gold
        frozen = {level: frozenset(v) for level, v in scope.items()}
        for ex in examples:
            for level, found in _predictions(linker, ex, frozen).items():
                for iri, score in found.items():
                    observed[level][name].append((score, 1.0 if iri in ex.gold[level] else 0.0))
    print("CALIBRATION = {")
    for level in ("sdg-goal", "sdg-target", "article", "theme"):
        points = []
        sets = observed.get(level, {})
        for _name, pairs in sets.items():
            points += [(x, y, 1.0) for x, y in pairs]
        curve = isotonic(points)
        knots = []
        last = 0.0
        for x in KNOTS:
            y = max(last, max(0.0, read_at(curve, x) - args.margin))
            knots.append((x, round(min(y, CAP.get(level, 0.99)), 3)))
            last = y
        counts = ", ".join(f"{n}: {len(p)}" for n, p in sorted(sets.items()))
        print(f"    # {level}: links per set {counts}")
        print(f"    {level!r}: {tuple(knots)!r},")
    print("}")


if __name__ == "__main__":
    main()
