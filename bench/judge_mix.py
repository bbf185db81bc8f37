"""How the judge's P(oui) is mixed with the cheap support score, chosen by nested cross-validation on the hand
labels: is there a better rule than the shipped one (`verify/judge.py` `JudgeParams`: weight, floor, threshold)?

    python bench/judge.py eval/verifier_labels.jsonl --no-shipped --out /tmp/labels.jsonl
    python bench/judge_mix.py /tmp/labels.jsonl

A sentence passes when the number/name check finds nothing, P(oui) ≥ floor and weight × P(oui) + (1 − weight) ×
cheap ≥ threshold. Prints the shipped rule's balanced accuracy on all labels, the best rule chosen on all of them
(an optimistic figure) and, the honest one, nested 5-fold cross-validation: the rule chosen on four folds,
measured on the fifth, for three shuffles. Model-free: it reads the per-sentence values `bench/judge.py --out`
wrote (its P(oui) reads the aligned window of the best passage, as the claims' judge does without the second
passage `evidence_text` may add).
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import numpy as np
from judge import balanced_accuracy

from assistant.verify.judge import DEFAULT_JUDGE

WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
FLOORS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
THRESHOLDS = tuple(round(float(t), 2) for t in np.arange(0.2, 0.8, 0.02))
Rule = tuple[float, float, float]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("values", type=Path, help="the JSONL `bench/judge.py --out` wrote")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.values.read_text(encoding="utf-8").splitlines() if line.strip()]
    supported = np.array([bool(r["supported"]) for r in rows])
    p_yes = np.array([r["p_yes"] for r in rows])
    cheap = np.array([r["cheap"] for r in rows])
    clean = np.array([bool(r["clean"]) for r in rows])

    def passes(rule: Rule) -> np.ndarray:
        weight, floor, threshold = rule
        return clean & (p_yes >= floor) & (weight * p_yes + (1 - weight) * cheap >= threshold)

    def balanced(shown: np.ndarray, rows_at: np.ndarray) -> float:
        return balanced_accuracy(shown[rows_at].tolist(), supported[rows_at].tolist())

    rules: list[Rule] = list(itertools.product(WEIGHTS, FLOORS, THRESHOLDS))
    every = np.arange(len(rows))
    shipped = (DEFAULT_JUDGE.weight, DEFAULT_JUDGE.floor, DEFAULT_JUDGE.threshold)
    print(f"{len(rows)} labelled sentences; {len(rules)} rules (weight × floor × threshold)")
    print(f"shipped rule {shipped}: {balanced(passes(shipped), every):.3f}")
    best = max(rules, key=lambda rule: balanced(passes(rule), every))
    print(f"best rule on all labels (optimistic) {best}: {balanced(passes(best), every):.3f}")
    for weight in (DEFAULT_JUDGE.weight, 1.0):
        chosen = max((r for r in rules if r[0] == weight), key=lambda rule: balanced(passes(rule), every))
        print(f"  best with weight {weight} {chosen}: {balanced(passes(chosen), every):.3f}")
    for seed in range(3):
        order = np.random.default_rng(seed).permutation(len(rows))
        shown = np.zeros(len(rows), dtype=bool)
        for fold in range(5):
            test = order[fold::5]
            train = np.setdiff1d(every, test)
            chosen = max(rules, key=lambda rule: balanced(passes(rule), train))
            shown[test] = passes(chosen)[test]
        print(f"nested 5-fold CV, shuffle {seed}: {balanced(shown, every):.3f}")


if __name__ == "__main__":
    main()
