import numpy as np

from assistant.config import Settings
from assistant.documents import Chunk
from assistant.models.embedders import HashingEmbedder
from assistant.search.retrieve import BM25, retrieve, rrf, top_indices

TEXTS = [
    "Le syndicat déménagera à la rentrée 2015 à Vénissieux, près du tram.",
    "Le budget des écoles a été voté par le conseil municipal.",
    "La piscine municipale ouvrira en juin après des travaux.",
    "Le syndicat déménagera à la rentrée 2015 à Vénissieux, près du tram !",  # near-duplicate of 0
    "Les élus ont parlé de la fracture numérique dans les quartiers.",
]
CHUNKS = [Chunk(chunk_id=str(i), doc=f"d{i}.txt", start=0, end=len(t), text=t) for i, t in enumerate(TEXTS)]


def test_bm25_ranks_by_stemmed_terms() -> None:
    bm25 = BM25(TEXTS)
    scores = bm25.scores("Quand le syndicat va-t-il déménager ?")
    assert top_indices(scores, 1)[0] in (0, 3)
    assert scores[2] == 0
    assert top_indices(scores, 5, positive_only=True) == [0, 3] or top_indices(scores, 5, True) == [3, 0]


def test_rrf_weights() -> None:
    fused = rrf([([1, 2], 1.0), ([2, 1], 2.0)], rrf_k=60)
    assert fused[2] > fused[1]


def test_retrieve_fuses_and_drops_near_duplicates() -> None:
    emb = HashingEmbedder()
    vectors = emb.encode_documents(TEXTS)
    params = Settings().retrieval_params(3)
    query = "déménagement du syndicat à Vénissieux"
    passages = retrieve(query, emb.encode_queries([query])[0], CHUNKS, vectors, BM25(TEXTS), params)
    docs = [p.chunk.doc for p in passages]
    assert docs[0] in ("d0.txt", "d3.txt")
    assert not {"d0.txt", "d3.txt"} <= set(docs)  # the near-duplicate is not returned twice
    assert [p.rank for p in passages] == list(range(1, len(passages) + 1))
    assert passages[0].dense_score is not None and passages[0].lexical_score > 0


def test_retrieve_lexical_only_and_empty_index() -> None:
    params = Settings().retrieval_params(2, dense_weight=0.0)
    passages = retrieve("piscine", None, CHUNKS, np.zeros((5, 4), np.float32), BM25(TEXTS), params)
    assert passages[0].chunk.doc == "d2.txt"
    assert retrieve("x", None, [], np.zeros((0, 4), np.float32), BM25([]), params) == []


def test_index_kind_by_size_and_hnsw_search_finds_the_exact_neighbours() -> None:
    import numpy as np

    from assistant.index import store as index_store

    assert index_store.faiss_kind(10_000) == "IndexFlatIP"
    assert index_store.faiss_kind(200_000).startswith("IndexHNSWFlat")
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(2000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    flat = index_store.build_faiss(vectors, "IndexFlatIP")
    hnsw = index_store.build_faiss(vectors, "IndexHNSWFlat")
    query = vectors[17] + 0.01
    exact = index_store.dense_search(flat, query, 10)
    approx = index_store.dense_search(hnsw, query, 10)
    assert exact[0][0] == 17 and approx[0][0] == 17
    assert len({r for r, _ in exact} & {r for r, _ in approx}) >= 9
    assert index_store.dense_search(index_store.build_faiss(vectors[:0]), query, 5) == []


def test_remote_generator_errors_are_french_and_name_the_server() -> None:
    import pytest

    from assistant.answer.prompt import build_prompt
    from assistant.errors import BadInput, ServerUnavailable
    from assistant.models.base import GenerationOptions
    from assistant.models.openai_http import OpenAIGenerator

    with pytest.raises(BadInput, match="http://"):
        OpenAIGenerator("localhost:8080")
    gen = OpenAIGenerator("http://127.0.0.1:9/v1", timeout_s=2)
    assert gen.count_tokens("un deux trois") >= 1  # no tokenize endpoint reachable: estimate
    with pytest.raises(ServerUnavailable, match=r"injoignable.*127\.0\.0\.1:9"):
        list(gen.generate(build_prompt("Question ?", None), GenerationOptions()))


def test_collections_searched_together_are_ranked_as_one_list() -> None:
    from assistant.documents import Chunk, Passage
    from assistant.pipeline.search import merge_ranked

    def p(rank: int, doc: str, dense: float) -> Passage:
        return Passage(rank, Chunk(f"{doc}-{rank}", doc, 0, 1, doc), score=1.0 / rank, dense_score=dense)

    merged = merge_ranked([("principal", [p(1, "a", 0.50), p(2, "b", 0.40)]),
                           ("notes-rh", [p(1, "c", 0.45), p(2, "d", 0.10)])], k=3)
    assert [(m.rank, m.chunk.doc, m.chunk.metadata["collection"]) for m in merged] == [
        (1, "a", "principal"), (2, "c", "notes-rh"), (3, "b", "principal")]
