"""Versus what a user would pick instead: LlamaIndex's default pipeline with the same corpus, embedder and k.

LlamaIndex side: SimpleDirectoryReader over the corpus, default SentenceSplitter (1024 tokens, 200 overlap),
HuggingFaceEmbedding pointed at the same local EmbeddingGemma folder (defaults: no query/document prompts),
FaissVectorStore over IndexFlatL2 (the documented default), retriever with similarity_top_k = k, no LLM.
Our side: the same questions through Assistant.search on our index of the same folder (fused dense + BM25).
A question hits when one of its top-k passages contains an evidence excerpt (same matcher as `assistant eval`).

    python bench/llamaindex_compare.py --corpus ../shared/piaf/corpus --set ../shared/piaf/dev.jsonl \
        --our-index /tmp/bench_idx/corpus [--limit 600]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from assistant.config import load_settings
from assistant.evaluate.dataset import read_eval_set
from assistant.evaluate.metrics import evidence_hit
from assistant.models.files import resolve_embedder
from assistant.pipeline.factory import build_assistant


def score(retrieve, items, k: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    hits, ranks, latencies = 0, [], []
    answerable = [i for i in items if i.answerable and i.evidence]
    for item in answerable:
        t0 = time.perf_counter()
        texts = retrieve(item.question)[:k]
        latencies.append((time.perf_counter() - t0) * 1000)
        rank = next((r for r, t in enumerate(texts, 1) if evidence_hit(t, item.evidence)), None)
        hits += rank is not None
        ranks.append(1 / rank if rank else 0.0)
    latencies.sort()
    return {"questions": len(answerable), "recall_at_k": round(hits / len(answerable), 3),
            "mrr": round(sum(ranks) / len(ranks), 3), "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--set", type=Path, required=True)
    parser.add_argument("--our-index", type=Path, required=True)
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--profile", default="fast")
    parser.add_argument("--out", type=Path, default=Path("bench/out/llamaindex_compare.json"))
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    items = read_eval_set(args.set)[: args.limit or None]
    settings = load_settings(profile=args.profile, index_dir=args.our_index)
    ours = build_assistant(settings, need_generator=False)
    if not (args.our_index / "current").exists():
        t0 = time.perf_counter()
        ours.ingest([args.corpus])
        print(f"our ingest {time.perf_counter() - t0:.0f} s")
    ours_result = score(lambda q: [p.chunk.text for p in ours.search(q, k=args.k)], items, args.k)
    ours_result["chunks"] = len(ours.index.chunks)
    print("ours", json.dumps(ours_result), flush=True)

    import faiss
    from llama_index.core import Settings, SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.faiss import FaissVectorStore

    Settings.llm = None
    embed = HuggingFaceEmbedding(model_name=str(resolve_embedder(settings).path), device="cpu")
    Settings.embed_model = embed
    dim = len(embed.get_text_embedding("test"))
    t0 = time.perf_counter()
    documents = SimpleDirectoryReader(str(args.corpus)).load_data()
    store = FaissVectorStore(faiss_index=faiss.IndexFlatL2(dim))
    index = VectorStoreIndex.from_documents(documents, storage_context=StorageContext.from_defaults(vector_store=store))
    li_ingest = time.perf_counter() - t0
    retriever = index.as_retriever(similarity_top_k=args.k)
    li_result = score(lambda q: [n.node.get_content() for n in retriever.retrieve(q)], items, args.k)
    li_result["ingest_s"] = round(li_ingest, 1)
    li_result["chunks"] = len(index.docstore.docs)
    print("llamaindex", json.dumps(li_result), flush=True)
    summary = {"k": args.k, "ours": ours_result, "llamaindex": li_result,
               "recall_ratio": round(ours_result["recall_at_k"] / li_result["recall_at_k"], 3),
               "p50_latency_ratio": round(ours_result["p50_ms"] / li_result["p50_ms"], 3)}
    print(json.dumps(summary, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
