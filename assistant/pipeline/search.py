"""Stage: question → ranked passages (dense FAISS candidates + BM25, fused; `search/retrieve.py`), from one
collection or several merged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

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


def merge_ranked(found: Sequence[tuple[str, list[Passage]]], k: int) -> list[Passage]:
    """Passages from several collections, ranked together and numbered 1..k. The cosine with the query ranks
    them (same embedder everywhere); fused scores are not comparable across indexes (each has its own BM25
    statistics). Each chunk says which collection it comes from."""
    tagged = [
        (p.dense_score if p.dense_score is not None else p.score, -p.rank, name, p)
        for name, passages in found
        for p in passages
    ]
    tagged.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [
        replace(p, rank=n, chunk=replace(p.chunk, metadata={**p.chunk.metadata, "collection": name}))
        for n, (_, _, name, p) in enumerate(tagged[:k], 1)
    ]


@dataclass(frozen=True)
class Search:
    """`name` is this collection's; `also` the other collections searched with it (name, resources)."""

    name: str = ""
    also: tuple[tuple[str, Resources], ...] = ()
    timing = "retrieve"
    step = "search"

    def run(self, turn: Turn, res: Resources) -> Turn:
        if turn.request.no_retrieval:
            return turn
        query, k = turn.request.query, turn.request.k
        if not self.also:
            return replace(turn, passages=search(res, query, k))
        found = [(self.name, search(res, query, k)), *((name, search(other, query, k)) for name, other in self.also)]
        return replace(turn, passages=merge_ranked(found, k))
