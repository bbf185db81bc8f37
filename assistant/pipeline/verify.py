"""Stage: text → verdicts. The model-bound halves of verification live here (claims embedded, passage vectors
reused from the index; the generator read as a judge of each claim); the decision itself is
`verify/checks.py`, pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..documents import Passage
from ..models.base import Embedder, Judge
from ..verify.checks import (
    Verification,
    claim_text,
    claims,
    is_abstention,
    is_quotation,
    judge_reading,
    verify,
)
from ..verify.judge import judge_prompt
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


def judge_claims(judge: Judge, verification: Verification, passages: Sequence[Passage],
                 window: int) -> dict[int, float]:
    """P(oui) for each claim not already decided (an invented or misplaced term, a quotation), read against its
    evidence (the aligned passage sentences, `window` more on each side), plus another passage's for what it
    lacks (`evidence_text`: a few sentences, not the whole prompt, under a second each on two cores)."""
    judged: dict[int, float] = {}
    for i, sentence in enumerate(verification.sentences):
        if sentence.evidence is None or sentence.term_fault or is_quotation(sentence.text, passages):
            continue
        evidence = sentence.evidence
        asked, read = judge_reading(claim_text(sentence.text), passages, evidence.rank,
                                    (evidence.start, evidence.end), window)
        judged[i] = judge.yes_probability(judge_prompt(asked, read))
    return judged


def check_with(res: Resources, text: str, passages: Sequence[Passage]) -> Verification:
    """Claims are embedded only when there is something to compare them with (no model load otherwise); with a
    judge, a second pure pass decides each claim on the judge's reading of its evidence."""
    texts = claims(text)
    cosines = similarity(res.embedder, texts, passages, stored_vectors(res, passages)) if texts and passages else None
    verification = verify(text, passages, cosines, res.verify_params)
    judge = res.judge if texts and passages else None
    if judge is None:
        return verification
    judged = judge_claims(judge, verification, passages, res.judge_params.window)
    return verify(text, passages, cosines, res.verify_params, judged, res.judge_params) if judged else verification


class Verify:
    timing = "verify"
    step = "verify"

    def run(self, turn: Turn, res: Resources) -> Turn:
        verification = check_with(res, turn.raw, turn.passages)
        # The model saying itself that the documents do not answer is a refusal, whatever else it wrote: the
        # other sentences are then a neighbouring fact (« Les premiers chanteurs… [4] Les documents fournis ne
        # permettent pas de répondre à cette question. » to a question on hymns).
        refused = verification.abstained or is_abstention(turn.raw)
        abstained = refused and not turn.request.no_retrieval
        return replace(turn, verification=verification, shown=verification.shown_answer, abstained=abstained)
