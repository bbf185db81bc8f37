"""The packaged generator as a judge, on the hand-labelled sentences: does P(oui) separate supported from
unsupported sentences better than word overlap?

    python bench/judge.py eval/verifier_labels.jsonl --profile quality   # and --profile fast (0.5B judge)

For each labelled sentence: the passages are ranked by stemmed word overlap (as the verifier does), the judge
reads the best window of each of the top `--passages` (the sentence holding the fact and one on each side) and
the highest P(oui) is kept. Prints ROC AUC, the balanced accuracy of a threshold chosen by 5-fold
cross-validation (judge alone; judge and the strict number/name check), the same for word overlap, and the
judge's cost per sentence.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from assistant.config import load_settings
from assistant.documents import Chunk, Passage
from assistant.pipeline.factory import build_assistant
from assistant.verify.checks import best_window, unsupported_terms
from assistant.verify.judge import judge_prompt, window_around

THRESHOLDS = tuple(round(x, 3) for x in np.arange(0.02, 0.99, 0.02))


def auc(scores: list[float], positives: list[bool]) -> float:
    pos = [s for s, y in zip(scores, positives, strict=True) if y]
    neg = [s for s, y in zip(scores, positives, strict=True) if not y]
    pairs = [(1.0 if p > n else 0.5 if p == n else 0.0) for p in pos for n in neg]
    return sum(pairs) / len(pairs) if pairs else float("nan")


def balanced_accuracy(predicted_ok: list[bool], labels: list[bool]) -> float:
    """« Unsupported » is the positive class, as in bench/calibrate_verifier.py."""
    tp = sum(not p and not y for p, y in zip(predicted_ok, labels, strict=True))
    fn = sum(p and not y for p, y in zip(predicted_ok, labels, strict=True))
    tn = sum(p and y for p, y in zip(predicted_ok, labels, strict=True))
    fp = sum(not p and y for p, y in zip(predicted_ok, labels, strict=True))
    recall = tp / (tp + fn) if tp + fn else 0.0
    specificity = tn / (tn + fp) if tn + fp else 0.0
    return (recall + specificity) / 2


def cross_validated(values: list[float], labels: list[bool], gate: list[bool], folds: int = 5) -> float:
    """Balanced accuracy of `value ≥ threshold and gate`, the threshold chosen on the other folds."""
    order = np.random.default_rng(0).permutation(len(values))
    predicted = [False] * len(values)
    for fold in range(folds):
        test = set(order[fold::folds].tolist())
        train = [i for i in range(len(values)) if i not in test]

        def score(t: float, rows: list[int]) -> float:
            return balanced_accuracy([values[i] >= t and gate[i] for i in rows], [labels[i] for i in rows])

        best = max(THRESHOLDS, key=lambda t: score(t, train))
        for i in test:
            predicted[i] = values[i] >= best and gate[i]
    return balanced_accuracy(predicted, labels)


def read(text: str, span: tuple[int, int], window: int) -> str:
    return " ".join(text.split()) if window < 0 else window_around(text, span, window)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--profile", default="quality")
    parser.add_argument("--passages", type=int, default=2, help="passages the judge reads per sentence")
    parser.add_argument("--window", type=int, default=1,
                        help="passage sentences read on each side of the aligned one (-1: the whole passage)")
    parser.add_argument("--out", type=Path, default=None, help="write P(oui) per sentence (JSONL)")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = [bool(r["supported"]) for r in rows]
    generator = build_assistant(load_settings(profile=args.profile)).generator
    judged, overlaps, clean, seconds = [], [], [], []
    for row in rows:
        passages = [Passage(p["rank"], Chunk(str(p["rank"]), "x", 0, 0, p["text"]), 0.0) for p in row["passages"]]
        aligned = sorted(((*best_window(row["sentence"], p.chunk.text), p) for p in passages),
                         key=lambda x: -x[0])
        overlaps.append(aligned[0][0] if aligned else 0.0)
        clean.append(not unsupported_terms(row["sentence"], passages))
        t0 = time.perf_counter()
        probs = [generator.yes_probability(judge_prompt(row["sentence"], read(p.chunk.text, span, args.window)))
                 for _, span, p in aligned[: args.passages]]
        seconds.append(time.perf_counter() - t0)
        judged.append(max(probs) if probs else 0.0)
    print(f"{len(rows)} labelled sentences ({labels.count(False)} unsupported), judge {generator.name}, "
          f"{args.passages} passage(s) read per sentence, window {args.window}")
    print(f"{'signal':34s} {'AUC':>6s} {'CV bal.acc':>10s}")
    always = [True] * len(rows)
    print(f"{'judge P(oui)':34s} {auc(judged, labels):6.3f} {cross_validated(judged, labels, always):10.3f}")
    print(f"{'judge + number/name check':34s} {'':6s} {cross_validated(judged, labels, clean):10.3f}")
    print(f"{'word overlap':34s} {auc(overlaps, labels):6.3f} {cross_validated(overlaps, labels, always):10.3f}")
    print(f"{'word overlap + number/name check':34s} {'':6s} {cross_validated(overlaps, labels, clean):10.3f}")
    print(f"judge seconds per sentence: median {np.median(seconds):.2f}, max {max(seconds):.2f}")
    if args.out:
        args.out.write_text("".join(json.dumps({"key": r.get("key"), "supported": y, "p_yes": round(p, 4),
                                                "overlap": round(o, 4)}, ensure_ascii=False) + "\n"
                                    for r, y, p, o in zip(rows, labels, judged, overlaps, strict=True)))


if __name__ == "__main__":
    main()
