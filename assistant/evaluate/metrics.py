"""Metrics of EVAL_FORMAT.md as pure functions over texts and ranks."""

from __future__ import annotations

from collections.abc import Sequence

from ..text import normalize_for_match


def evidence_hit(passage_text: str, evidence: Sequence[str]) -> bool:
    """A passage hits when it contains one evidence excerpt, case/accent/whitespace-insensitively."""
    folded = normalize_for_match(passage_text)
    return any(normalize_for_match(e) in folded for e in evidence if e.strip())


def first_hit_rank(passage_texts: Sequence[str], evidence: Sequence[str]) -> int | None:
    for rank, text in enumerate(passage_texts, start=1):
        if evidence_hit(text, evidence):
            return rank
    return None


def recall_at(ranks: Sequence[int | None], k: int) -> float:
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def mrr(ranks: Sequence[int | None]) -> float:
    return sum(1 / r for r in ranks if r) / len(ranks) if ranks else 0.0


def answer_has_keys(answer: str, keys: Sequence[str]) -> bool:
    """Every key must occur; a key may list alternatives separated by « | »."""
    folded = normalize_for_match(answer)
    return all(any(normalize_for_match(alt) in folded for alt in key.split("|")) for key in keys)
