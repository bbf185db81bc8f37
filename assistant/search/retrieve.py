"""Retrieval: BM25 and dense rankings fused by weighted reciprocal rank fusion, near-duplicates removed.

Pure functions over data already in memory: the query vector is computed by the caller.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..documents import Chunk, Passage
from ..text import terms


@dataclass(frozen=True)
class RetrievalParams:
    """Built from Settings (Settings.retrieval_params), where the measured defaults live."""

    k: int
    candidates: int
    rrf_k: int
    dense_weight: float
    lexical_weight: float
    dedup_threshold: float


class BM25:
    """Okapi BM25 over folded, elision-split, stop-word-free tokens; built once per loaded index."""

    def __init__(self, texts: Sequence[str], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.size = len(texts)
        postings: dict[str, dict[int, int]] = defaultdict(dict)
        lengths = np.zeros(self.size, dtype=np.float32)
        for i, text in enumerate(texts):
            tokens = terms(text)
            lengths[i] = len(tokens)
            for tok in tokens:
                postings[tok][i] = postings[tok].get(i, 0) + 1
        self.avgdl = float(lengths.mean()) if self.size else 0.0
        self.norm = k1 * (1 - b + b * lengths / (self.avgdl or 1.0))
        self.postings = {
            tok: (np.fromiter(d.keys(), dtype=np.int64), np.fromiter(d.values(), dtype=np.float32))
            for tok, d in postings.items()
        }
        self.idf = {
            tok: math.log(1 + (self.size - len(ids) + 0.5) / (len(ids) + 0.5))
            for tok, (ids, _) in self.postings.items()
        }

    def scores(self, query: str) -> np.ndarray:
        scores = np.zeros(self.size, dtype=np.float32)
        for tok in set(terms(query)):
            if tok in self.postings:
                ids, tf = self.postings[tok]
                scores[ids] += self.idf[tok] * tf * (self.k1 + 1) / (tf + self.norm[ids])
        return scores


def top_indices(scores: np.ndarray, n: int, positive_only: bool = False) -> list[int]:
    """Indices of the n best scores, best first (ties broken by index for determinism)."""
    if not len(scores):
        return []
    n = min(n, len(scores))
    part = np.argpartition(-scores, n - 1)[:n]
    order = sorted(part.tolist(), key=lambda i: (-float(scores[i]), i))
    return [i for i in order if scores[i] > 0] if positive_only else order


def dense_scores(vectors: np.ndarray, query_vec: np.ndarray) -> np.ndarray:
    """Inner products of the query with every chunk (cosine: both are L2-normalised)."""
    if not len(vectors):
        return np.zeros(0, dtype=np.float32)
    return vectors @ np.asarray(query_vec, dtype=np.float32).reshape(-1)


def rrf(rankings: Sequence[tuple[list[int], float]], rrf_k: int) -> dict[int, float]:
    """Weighted reciprocal rank fusion: Σ weight / (rrf_k + rank)."""
    fused: dict[int, float] = defaultdict(float)
    for ranking, weight in rankings:
        for rank, idx in enumerate(ranking, start=1):
            fused[idx] += weight / (rrf_k + rank)
    return fused


def _dense_score(dense: dict[int, float], vectors: np.ndarray, query_vec: np.ndarray | None, idx: int) -> float | None:
    """A passage found by BM25 alone still gets its cosine (one dot product)."""
    if query_vec is None or not dense:
        return None
    return dense[idx] if idx in dense else float(vectors[idx] @ np.asarray(query_vec, dtype=np.float32).reshape(-1))


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def retrieve(
    query: str,
    query_vec: np.ndarray | None,
    chunks: Sequence[Chunk],
    vectors: np.ndarray,
    bm25: BM25,
    params: RetrievalParams,
    dense_hits: Sequence[tuple[int, float]] | None = None,
) -> list[Passage]:
    """The k best passages for the query; `query_vec=None` or a zero weight gives a single ranking.
    `dense_hits`: the dense candidates as (row, score), best first, from the FAISS index; without them every
    vector is scored (exact, fine for small corpora and tests)."""
    lexical = bm25.scores(query)
    lexical_rank = top_indices(lexical, params.candidates, positive_only=True)
    rankings: list[tuple[list[int], float]] = []
    if params.lexical_weight > 0:
        rankings.append((lexical_rank, params.lexical_weight))
    dense: dict[int, float] = {}
    if query_vec is not None and params.dense_weight > 0:
        if dense_hits is None:
            scores = dense_scores(vectors, query_vec)
            dense_hits = [(i, float(scores[i])) for i in top_indices(scores, params.candidates)]
        dense = dict(dense_hits[: params.candidates])
        rankings.append(([i for i, _ in dense_hits[: params.candidates]], params.dense_weight))
    fused = rrf(rankings, params.rrf_k)
    order = sorted(fused, key=lambda i: (-fused[i], i))
    passages: list[Passage] = []
    kept_tokens: list[set[str]] = []
    for idx in order:
        tokens = set(terms(chunks[idx].text))
        if any(jaccard(tokens, seen) >= params.dedup_threshold for seen in kept_tokens):
            continue
        kept_tokens.append(tokens)
        passages.append(
            Passage(
                rank=len(passages) + 1,
                chunk=chunks[idx],
                score=fused[idx],
                dense_score=_dense_score(dense, vectors, query_vec, idx),
                lexical_score=float(lexical[idx]),
            )
        )
        if len(passages) == params.k:
            break
    return passages
