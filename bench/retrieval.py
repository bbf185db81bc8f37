"""Retrieval recall on an eval set: dense only, BM25 only, and fused (with weights), over one loaded index.

    python bench/retrieval.py --index /tmp/idx_piaf --set ../shared/piaf/dev.jsonl [--profile fast]

Prints recall@1, recall@5, MRR per ranking (answerable questions, evidence hit as in EVAL_FORMAT.md).
All rankings share the same index, embedder and query vectors, so the numbers compare directly; each goes
through the retrieval stages of `ask` (`Assistant.search`), so a new retrieval stage is measured here too.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from assistant.config import load_settings
from assistant.evaluate.dataset import read_eval_set
from assistant.evaluate.metrics import first_hit_rank, mrr, recall_at
from assistant.models.base import Embedder
from assistant.pipeline.factory import build_assistant

VARIANTS: dict[str, tuple[float, float, int]] = {  # name: (dense_weight, lexical_weight, rrf_k)
    "dense only": (1.0, 0.0, 60),
    "BM25 only": (0.0, 1.0, 60),
    "fused RRF 1:1 k=60": (1.0, 1.0, 60),
    "fused RRF 1:1 k=20": (1.0, 1.0, 20),
    "fused RRF 1:1 k=5": (1.0, 1.0, 5),
    "fused RRF dense 1.5": (1.5, 1.0, 60),
    "fused RRF lexical 1.5": (1.0, 1.5, 60),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--set", type=Path, required=True)
    parser.add_argument("--profile", default="fast")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    settings = load_settings(profile=args.profile, index_dir=args.index)
    assistant = build_assistant(settings, need_generator=False)
    items = [i for i in read_eval_set(args.set) if i.answerable and i.evidence]
    items = items[: args.limit] if args.limit else items
    t0 = time.perf_counter()
    embedder = QueryCache(assistant.embedder, [i.question for i in items])
    encode_s = time.perf_counter() - t0
    print(f"{len(items)} questions, {len(assistant.index.chunks)} chunks, query encoding {encode_s:.1f} s")
    print(f"{'ranking':24s} {'recall@1':>9s} {'recall@5':>9s} {'MRR':>7s} {'ms/query':>9s}")
    for name, (dw, lw, rrf_k) in VARIANTS.items():
        # The same retrieval stages as `ask`, with the variant's settings; query vectors computed once above.
        variant = assistant.derive(embedder=embedder, dense_weight=dw, lexical_weight=lw, rrf_k=rrf_k)
        ranks = []
        t0 = time.perf_counter()
        for item in items:
            passages = variant.search(item.question, k=5)
            ranks.append(first_hit_rank([p.chunk.text for p in passages], item.evidence))
        ms = (time.perf_counter() - t0) * 1000 / len(items)
        print(f"{name:24s} {recall_at(ranks, 1):9.3f} {recall_at(ranks, 5):9.3f} {mrr(ranks):7.3f} {ms:9.2f}")


class QueryCache:
    """The embedder with the questions' vectors computed in one batch: variants differ in fusion only."""

    def __init__(self, embedder: Embedder, questions: list[str]) -> None:
        self.embedder, self.name, self.dim = embedder, embedder.name, embedder.dim
        self.vectors = dict(zip(questions, embedder.encode_queries(questions), strict=True))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self.vectors[t] if t in self.vectors else self.embedder.encode_queries([t])[0] for t in texts])

    def encode_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        return self.embedder.encode_documents(texts, progress)


if __name__ == "__main__":
    main()
