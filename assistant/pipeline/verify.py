"""Stage: text → verdicts. The embedding half of verification lives here (claims embedded, passage vectors
reused from the index); the decision itself is `verify/checks.py`, pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..documents import Passage
from ..models.base import Embedder
from ..verify.checks import Verification, claims, verify
from .resources import Resources
from .turn import Turn


def similarity(
    embedder: Embedder, texts: Sequence[str], passages: Sequence[Passage], passage_vectors: np.ndarray | None = None
) -> np.ndarray | None:
    """Cosine of each claim with each passage. Without stored vectors (passages from elsewhere) the passages
    are embedded as documents, as the index would have done."""
    if not texts or not passages:
        return None
    if passage_vectors is None:
        passage_vectors = embedder.encode_documents([p.chunk.text for p in passages])
    return embedder.encode_queries(list(texts)) @ passage_vectors.T


def stored_vectors(res: Resources, passages: Sequence[Passage]) -> np.ndarray | None:
    """The passages' vectors from the loaded index, when they all come from it (retrieved passages always do:
    the search loaded it)."""
    index = res.loaded_index()
    if index is None or not passages:
        return None
    rows = [index.row_of.get(p.chunk.chunk_id) for p in passages]
    return None if None in rows else index.vectors[rows]


def check_with(res: Resources, text: str, passages: Sequence[Passage]) -> Verification:
    """Claims are embedded only when there is something to compare them with (no model load otherwise)."""
    texts = claims(text)
    cosines = similarity(res.embedder, texts, passages, stored_vectors(res, passages)) if texts and passages else None
    return verify(text, passages, cosines, res.verify_params)


class Verify:
    timing = "verify"

    def run(self, turn: Turn, res: Resources) -> Turn:
        verification = check_with(res, turn.raw, turn.passages)
        abstained = verification.abstained and not turn.request.no_retrieval
        return replace(turn, verification=verification, shown=verification.shown_answer, abstained=abstained)
