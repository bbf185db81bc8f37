"""Retrieval at scale on synthetic corpora: FAISS flat vs HNSW vs IVF-PQ, and BM25, at 10k / 100k / 1M chunks.

Vectors: 768-d (EmbeddingGemma's size), drawn around 2,000 random centres so that neighbourhoods exist as in real
embeddings (uniform random vectors have no near neighbours and make every ANN index look broken); queries are
drawn the same way. Texts for BM25: 40 words from a 50,000-word Zipf vocabulary. Reports build time, size,
p50/p95 latency of one query (50 candidates, as the pipeline asks) and recall@10 against exact search.

    python bench/retrieval_scale.py --sizes 10000 100000 1000000 [--queries 200]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import faiss
import numpy as np

from assistant.index import store as index_store
from assistant.search.retrieve import BM25

DIM = 768


def synthetic(n: int, rng: np.random.Generator, centres: np.ndarray) -> np.ndarray:
    out = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        block = centres[rng.integers(0, len(centres), m)] + rng.normal(0, 0.6 / np.sqrt(DIM), (m, DIM)).astype(
            np.float32)
        out[start : start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def texts(n: int, rng: np.random.Generator, words: int = 40) -> list[str]:
    vocab = np.array([f"mot{i}" for i in range(50_000)])
    ranks = np.minimum(rng.zipf(1.3, (n, words)) - 1, len(vocab) - 1)
    return [" ".join(row) for row in vocab[ranks]]


def timed_queries(index: faiss.Index, queries: np.ndarray, n: int = 50) -> tuple[list[float], np.ndarray]:
    latencies, found = [], []
    for q in queries:
        t0 = time.perf_counter()
        _, rows = index.search(q.reshape(1, -1), n)
        latencies.append((time.perf_counter() - t0) * 1000)
        found.append(rows[0])
    return latencies, np.array(found)


def pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path("bench/out/retrieval_scale.json"))
    parser.add_argument("--no-bm25", action="store_true")
    args = parser.parse_args()
    faiss.omp_set_num_threads(2)
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 1, (2000, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    rows = []
    for n in args.sizes:
        vectors = synthetic(n, rng, centres)
        queries = synthetic(args.queries, rng, centres)
        exact = None
        for name in ("flat", f"hnsw-M{index_store.HNSW_M}", "ivf-pq"):
            t0 = time.perf_counter()
            index = build(name, vectors)
            build_s = time.perf_counter() - t0
            lat, found = timed_queries(index, queries)
            if exact is None:
                exact = found
            recall = float(np.mean([len(set(f[:10]) & set(e[:10])) / 10 for f, e in zip(found, exact, strict=True)]))
            row = {"n": n, "index": name, "build_s": round(build_s, 1),
                   "size_mb": round(len(faiss.serialize_index(index)) / 2**20, 1),
                   "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "recall@10_vs_flat": round(recall, 3)}
            print(json.dumps(row), flush=True)
            rows.append(row)
            del index
        if not args.no_bm25:
            corpus = texts(n, rng)
            t0 = time.perf_counter()
            bm25 = BM25(corpus)
            build_s = time.perf_counter() - t0
            lat = []
            for q in texts(args.queries, rng, words=8):
                t0 = time.perf_counter()
                bm25.scores(q)
                lat.append((time.perf_counter() - t0) * 1000)
            row = {"n": n, "index": "bm25", "build_s": round(build_s, 1), "p50_ms": pct(lat, 50),
                   "p95_ms": pct(lat, 95)}
            print(json.dumps(row), flush=True)
            rows.append(row)
            del bm25, corpus
        del vectors
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=1), encoding="utf-8")


def build(name: str, vectors: np.ndarray) -> faiss.Index:
    if name == "flat":
        return index_store.build_faiss(vectors, "IndexFlatIP")
    if name.startswith("hnsw"):
        return index_store.build_faiss(vectors, "IndexHNSWFlat")
    return ivfpq(vectors)


def ivfpq(vectors: np.ndarray) -> faiss.Index:
    nlist = max(16, int(4 * np.sqrt(len(vectors))))
    quantizer = faiss.IndexFlatIP(DIM)
    index = faiss.IndexIVFPQ(quantizer, DIM, nlist, 96, 8, faiss.METRIC_INNER_PRODUCT)
    sample = vectors[np.random.default_rng(1).choice(len(vectors), min(len(vectors), 40 * nlist), replace=False)]
    index.train(sample)
    index.add(vectors)
    index.nprobe = 16
    return index


if __name__ == "__main__":
    main()
