"""Stage: question → ranked passages (dense FAISS candidates + BM25, fused; `search/retrieve.py`)."""

from __future__ import annotations

from dataclasses import replace

from ..documents import Passage
from ..index import store as index_store
from ..index.update import chunker_info, embedder_info
from ..search.retrieve import retrieve
from .resources import Resources
from .turn import Turn


def search(res: Resources, query: str, k: int) -> list[Passage]:
    s = res.settings
    index = res.index
    index_store.check_compatible(index.manifest, embedder_info(res.embedder), chunker_info(res.chunker), s.index_dir)
    query_vec = res.embedder.encode_queries([query])[0]
    params = s.retrieval_params(k)
    hits = index_store.dense_search(index.faiss_index, query_vec, params.candidates)
    return retrieve(query, query_vec, index.chunks, index.vectors, res.bm25, params, dense_hits=hits)


class Search:
    timing = "retrieve"
    step = "search"

    def run(self, turn: Turn, res: Resources) -> Turn:
        if turn.request.no_retrieval:
            return turn
        return replace(turn, passages=search(res, turn.request.query, turn.request.k))
