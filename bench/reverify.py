"""Re-verify the stored answers of generative eval runs under a grid of verifier parameters.

    python bench/reverify.py eval/runs/sitiv-generative/items.jsonl [more items.jsonl …] [--profile fast]

Generation is deterministic and does not depend on the verifier, so the raw answers of a run can be checked
again offline: claims and passages are embedded once, then every (alpha, threshold) pair is applied and the
eval metrics recomputed with the same functions as `assistant eval`. This is how the default was chosen
against the metrics that matter to users (abstention recall vs false abstentions, hallucination rate,
citation precision), next to the sentence-level calibration of bench/calibrate_verifier.py.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import numpy as np
from honesty import replayable

from assistant.config import load_settings
from assistant.documents import Chunk, Passage
from assistant.evaluate.metrics import answer_has_keys, compute_metrics
from assistant.pipeline.factory import build_assistant
from assistant.pipeline.verify import similarity
from assistant.verify.checks import VerifyParams, claims, verify

ALPHAS = (0.5, 0.75, 1.0)
THRESHOLDS = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", type=Path)
    parser.add_argument("--profile", default="fast")
    args = parser.parse_args()
    embedder = build_assistant(load_settings(profile=args.profile), need_generator=False).embedder
    for run in args.runs:
        rows = replayable([json.loads(line) for line in run.read_text(encoding="utf-8").splitlines() if line.strip()])
        prepared = []
        for row in rows:
            passages = [
                Passage(p["rank"], Chunk(str(p["rank"]), p["doc"], 0, 0, p["text"]), 0.0) for p in row["passages"]
            ]
            prepared.append((row, passages, similarity(embedder, claims(row["raw_answer"]), passages)))
        print(f"\n{run}: {len(rows)} answers")
        header = ("alpha", "thr", "abst.rec", "false.ab", "halluc", "faith", "cit.prec", "keys")
        print(" ".join(f"{h:>8s}" for h in header))
        for alpha, threshold in itertools.product(ALPHAS, THRESHOLDS):
            params = VerifyParams(alpha=alpha, threshold=threshold)
            new_rows = []
            for row, passages, cosines in prepared:
                v = verify(row["raw_answer"], passages, cosines, params)
                new_rows.append(
                    {
                        **row,
                        "abstained": v.abstained,
                        "sentences": [s.__dict__ for s in v.sentences],
                        "citations": [c.__dict__ for c in v.citations],
                        "answer_keys_ok": not v.abstained
                        and answer_has_keys(row["raw_answer"], row.get("answer_keys", [])),
                    }
                )
            m = compute_metrics(new_rows, k=5)
            cells = [
                m[k]
                for k in (
                    "abstention_recall",
                    "false_abstention_rate",
                    "hallucination_rate",
                    "faithfulness",
                    "citation_precision",
                    "answer_key_recall",
                )
            ]
            print(
                f"{alpha:8.2f} {threshold:8.2f} " + " ".join(f"{'—':>8s}" if c is None else f"{c:8.3f}" for c in cells)
            )


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
