"""What of each passage to send the model: prompt tokens against what the context still holds, no generation.

    python bench/context.py --index index --set eval/sitiv.jsonl
    python bench/context.py --index /tmp/piaf-index --set ../shared/piaf/dev.jsonl

For each answerable question the passages are retrieved once (k = 5, as `ask`), their sentences scored three
ways (lexical: IDF-weighted share of the question's terms; dense: cosine of the embedder's query and document
vectors; fused: reciprocal-rank fusion of both), then each budget of the context selection (answer/context.py;
0 sends whole passages) builds the real prompt. Printed per setting: median prompt tokens (the generator's
own tokenizer and chat template), the share of questions whose answer keys are all in the text the model
reads, the share whose evidence excerpt survives the cut (EVAL_FORMAT.md's match), and the time to score.
A setting is worth a full `assistant eval` only if it keeps nearly all of the keys for far fewer tokens.
The dense scoring is measured here, not offered: embedding ~35 sentences costs about 2 s a question on two
cores, the time of ~250 prompt tokens, for keys in context no better than sending the first passage whole.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.answer.context import (
    ContextParams,
    lexical_scores,
    select_context,
    sentence_spans,
    window_text,
)
from assistant.answer.prompt import build_prompt
from assistant.config import load_settings
from assistant.evaluate.dataset import read_eval_set
from assistant.evaluate.metrics import answer_has_keys, evidence_hit
from assistant.models.base import Embedder
from assistant.pipeline.factory import build_assistant

BUDGETS = [0, 1500, 2000, 2500, 3000]


def fused_scores(*rankings: Sequence[Sequence[float]], k: int = 5) -> list[list[float]]:
    """Reciprocal-rank fusion of several scorings of the same sentences (as the retrieval fuses its rankings)."""
    fused = [[0.0] * len(row) for row in rankings[0]]
    for scores in rankings:
        flat = sorted(((-v, p, i) for p, row in enumerate(scores) for i, v in enumerate(row)))
        for rank, (_, p, i) in enumerate(flat):
            fused[p][i] += 1 / (k + rank + 1)
    return fused


def dense_scores(
    embedder: Embedder, question: str, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
) -> list[list[float]]:
    """Cosine of the question (as a query) with each sentence (as a document), as the index compares them."""
    sentences = [t[a:b] for t, s in zip(texts, spans, strict=True) for a, b in s]
    cosines = embedder.encode_documents(sentences) @ np.asarray(embedder.encode_queries([question])[0])
    scores, at = [], 0
    for s in spans:
        scores.append([float(c) for c in cosines[at : at + len(s)]])
        at += len(s)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--set", type=Path, required=True)
    parser.add_argument("--profile", default="quality")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    assistant = build_assistant(load_settings(profile=args.profile, index_dir=args.index))
    items = [i for i in read_eval_set(args.set) if i.answerable]
    items = items[: args.limit] if args.limit else items
    idf, generator, embedder = assistant.bm25.idf, assistant.generator, assistant.embedder
    rows, seconds = [], {"lexical": 0.0, "dense": 0.0}
    for item in items:
        passages = assistant.search(item.question, k=args.k)
        texts = [p.chunk.text for p in passages]
        spans = sentence_spans(texts)
        started = time.perf_counter()
        lexical = lexical_scores(item.question, texts, spans, idf)
        seconds["lexical"] += time.perf_counter() - started
        started = time.perf_counter()
        dense = dense_scores(embedder, item.question, texts, spans)
        seconds["dense"] += time.perf_counter() - started
        rows.append((item, passages, texts, spans, {"lexical": lexical, "dense": dense,
                                                     "fused": fused_scores(lexical, dense)}))
    per_q = {name: s / len(items) * 1000 for name, s in seconds.items()}
    per_q["fused"] = per_q["lexical"] + per_q["dense"]
    print(f"{len(items)} answerable questions of {args.set}, k = {args.k}, tokens of {generator.name}")
    print("| scoring | characters | median prompt tokens | vs whole | answer keys in context "
          "| evidence in context | scoring ms/question |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    baseline = 0.0
    arms = (("lexical", 0, 0), ("lexical", 0, 1), ("lexical", 1, 0), ("lexical", 2, 0), ("dense", 0, 0),
            ("fused", 0, 0))
    for scoring, whole, radius in arms:
        for budget in BUDGETS:
            if budget == 0 and (scoring, whole, radius) != ("lexical", 0, 0):
                continue
            params = ContextParams(budget=budget, whole=whole, radius=radius)
            tokens, keys, evidence = [], [], []
            for item, passages, texts, spans, scores in rows:
                windows = select_context(texts, spans, scores[scoring], params)
                cut = [replace(p, windows=w) for p, w in zip(passages, windows, strict=True)]
                tokens.append(generator.prompt_tokens(build_prompt(item.question, cut)))
                kept = [window_text(p.chunk.text, p.windows) for p in cut]
                if item.answer_keys:
                    keys.append(answer_has_keys(" ".join(kept), item.answer_keys))
                if item.evidence:
                    evidence.append(any(evidence_hit(t, item.evidence) for t in kept))
            median = statistics.median(tokens)
            baseline = baseline or median
            firsts = {0: "", 1: ", first passage whole", 2: ", first two passages whole"}[whole]
            name = f"{scoring}{firsts}{', neighbours kept' if radius else ''}" if budget else "whole passages"
            print(f"| {name} | {budget or '-'} | {median:.0f} "
                  f"| {median / baseline:.2f} | {sum(keys) / max(1, len(keys)):.3f} "
                  f"| {sum(evidence) / max(1, len(evidence)):.3f} | {per_q[scoring] if budget else 0:.0f} |")


if __name__ == "__main__":
    main()
