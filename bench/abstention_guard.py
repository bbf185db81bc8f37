"""Can retrieval evidence alone tell out-of-corpus questions apart, before any generation?

    python bench/abstention_guard.py --index index --set eval/sitiv.jsonl [--profile fast]

For each question: top-1 dense cosine, top-1 BM25 score, and the IDF-weighted share of the question's terms
found in the top-k passages (coverage). Prints the ROC AUC of each signal for answerable vs unanswerable, and
for coverage the abstention recall / false-abstention rate at a few thresholds.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from assistant.answer.extractive import question_coverage
from assistant.config import load_settings
from assistant.evaluate.dataset import read_eval_set
from assistant.pipeline.factory import build_assistant


def auc(positive: list[float], negative: list[float]) -> float:
    """P(score of a random answerable question > score of a random unanswerable one)."""
    if not positive or not negative:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in positive for n in negative)
    return wins / (len(positive) * len(negative))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--set", type=Path, required=True)
    parser.add_argument("--profile", default="fast")
    args = parser.parse_args()
    assistant = build_assistant(load_settings(profile=args.profile, index_dir=args.index), need_generator=False)
    items = read_eval_set(args.set)
    signals: dict[str, dict[bool, list[float]]] = {s: {True: [], False: []} for s in ("dense", "bm25", "coverage")}
    for item in items:
        passages = assistant.search(item.question)
        top = passages[0] if passages else None
        signals["dense"][item.answerable].append(top.dense_score or 0.0 if top else 0.0)
        signals["bm25"][item.answerable].append(top.lexical_score or 0.0 if top else 0.0)
        text = " ".join(p.chunk.text for p in passages)
        signals["coverage"][item.answerable].append(question_coverage(item.question, text, assistant.bm25.idf))
    for name, values in signals.items():
        pos, neg = values[True], values[False]
        print(
            f"{name:9s} AUC {auc(pos, neg):.3f}  answerable mean {np.mean(pos):.3f}  "
            f"unanswerable mean {np.mean(neg):.3f}"
        )
    pos, neg = signals["coverage"][True], signals["coverage"][False]
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7):
        recall = sum(v < threshold for v in neg) / len(neg) if neg else float("nan")
        false_rate = sum(v < threshold for v in pos) / len(pos) if pos else float("nan")
        print(f"coverage < {threshold}: abstention recall {recall:.3f}, false abstention {false_rate:.3f}")


if __name__ == "__main__":
    main()
