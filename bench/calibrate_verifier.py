"""Calibrate the verifier on hand-labelled answer sentences, and measure its agreement with the labels.

    python bench/calibrate_verifier.py eval/verifier_labels.jsonl [--profile fast]

Each line of the labels file holds one answer sentence as the assistant produced it in an eval run, the
passages it was checked against (rank + text) and a human label `supported` (true/false), with a note.
For every (alpha, threshold) on a grid, the verifier's verdicts are compared with the labels; the pair with
the best balanced accuracy under 5-fold cross-validation is printed, with the cross-validated precision and
recall of « unsupported », then the agreement of the current defaults (assistant/verify/checks.py) on all labels.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import numpy as np

from assistant.config import load_settings
from assistant.documents import Chunk, Passage
from assistant.pipeline.factory import build_assistant
from assistant.verify.checks import DEFAULT_PARAMS, VerifyParams, overlap_score, support_score, unsupported_terms

ALPHAS = (0.0, 0.25, 0.5, 0.75, 1.0)
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.2, 0.95, 0.05))


def features(rows: list[dict], embedder) -> list[tuple[list[float], list[float], bool]]:  # type: ignore[no-untyped-def]
    """(overlaps per passage, cosines per passage, has unsupported terms) for each labelled sentence."""
    out = []
    for row in rows:
        passages = [Passage(p["rank"], Chunk(str(p["rank"]), "x", 0, 0, p["text"]), 0.0) for p in row["passages"]]
        sentence_vec = embedder.encode_queries([row["sentence"]])[0]
        passage_vecs = embedder.encode_documents([p.chunk.text for p in passages])
        overlaps = [overlap_score(row["sentence"], p.chunk.text) for p in passages]
        out.append((overlaps, list(passage_vecs @ sentence_vec), bool(unsupported_terms(row["sentence"], passages))))
    return out


def predict(feats: tuple[list[float], list[float], bool], params: VerifyParams) -> bool:
    overlaps, cosines, has_missing = feats
    best = max(support_score(o, c, params) for o, c in zip(overlaps, cosines, strict=True)) if overlaps else 0.0
    return best >= params.threshold and not has_missing


def scores(labels: list[bool], predicted: list[bool]) -> dict[str, float]:
    """Precision/recall of the verifier's « unsupported » against the human « unsupported »."""
    tp = sum(not p and not y for p, y in zip(predicted, labels, strict=True))
    fp = sum(not p and y for p, y in zip(predicted, labels, strict=True))
    fn = sum(p and not y for p, y in zip(predicted, labels, strict=True))
    tn = sum(p and y for p, y in zip(predicted, labels, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    specificity = tn / (tn + fp) if tn + fp else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "balanced_accuracy": (recall + specificity) / 2,
        "agreement": (tp + tn) / len(labels),
    }


def best_params(feats: list, labels: list[bool]) -> VerifyParams:  # type: ignore[type-arg]
    grid = [VerifyParams(alpha=a, threshold=t) for a, t in itertools.product(ALPHAS, THRESHOLDS)]
    return max(
        grid, key=lambda p: (scores(labels, [predict(f, p) for f in feats])["balanced_accuracy"], -abs(p.alpha - 0.5))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--profile", default="fast")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = [bool(r["supported"]) for r in rows]
    embedder = build_assistant(load_settings(profile=args.profile), need_generator=False).embedder
    feats = features(rows, embedder)
    print(f"{len(rows)} labelled sentences, {labels.count(False)} unsupported by hand")
    folds = 5
    order = np.random.default_rng(0).permutation(len(rows))
    predicted: list[bool | None] = [None] * len(rows)
    for fold in range(folds):
        test = set(order[fold::folds].tolist())
        train = [i for i in range(len(rows)) if i not in test]
        params = best_params([feats[i] for i in train], [labels[i] for i in train])
        for i in test:
            predicted[i] = predict(feats[i], params)
    cv = scores(labels, [bool(p) for p in predicted])
    chosen = best_params(feats, labels)
    print(f"cross-validated ({folds} folds): " + ", ".join(f"{k} {v:.3f}" for k, v in cv.items()))
    print(f"best on all labels: alpha={chosen.alpha} threshold={chosen.threshold}")
    current = scores(labels, [predict(f, DEFAULT_PARAMS) for f in feats])
    print(f"current defaults {DEFAULT_PARAMS}: " + ", ".join(f"{k} {v:.3f}" for k, v in current.items()))
    overlap_only = scores(labels, [predict(f, VerifyParams(alpha=1.0, threshold=0.6)) for f in feats])
    print("overlap only (alpha=1, threshold=0.6): " + ", ".join(f"{k} {v:.3f}" for k, v in overlap_only.items()))


if __name__ == "__main__":
    main()
