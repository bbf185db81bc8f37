"""Self-consistency: several answers sampled at a higher temperature, and where they disagree.

A sentence whose content (stemmed words, and above all its numbers and names) is not echoed by the other samples
is unstable: the model is not reading it from the documents, it is drawing it. No extra model is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..text import terms
from ..verify.checks import claims, unsupported_terms


@dataclass(frozen=True)
class SampleSentence:
    sample: int
    text: str
    agreement: float  # mean, over the other samples, of the best share of this sentence's words found there
    unique_terms: list[str]  # numbers and names no other sample states


def _key_terms(sentence: str) -> list[str]:
    # unsupported_terms against no passage lists every number and proper name of the sentence.
    return unsupported_terms(sentence, [])


def compare_samples(answers: Sequence[str]) -> list[SampleSentence]:
    split = [claims(a) for a in answers]
    out: list[SampleSentence] = []
    for i, sentences in enumerate(split):
        others = [j for j in range(len(split)) if j != i]
        for sentence in sentences:
            words = set(terms(sentence))
            shares = []
            for j in others:
                best = max((len(words & set(terms(s))) / len(words) for s in split[j]), default=0.0) if words else 1.0
                shares.append(best)
            other_text = " ".join(" ".join(split[j]) for j in others)
            unique = [t for t in _key_terms(sentence) if t not in other_text]
            agreement = sum(shares) / len(shares) if shares else 1.0
            out.append(SampleSentence(i, sentence, round(agreement, 3), unique))
    return out


def consistency(sentences: Sequence[SampleSentence]) -> float | None:
    """Share of sampled sentences that the other samples echo (agreement ≥ 0.5, no number or name of their own)."""
    if not sentences:
        return None
    return sum(1 for s in sentences if s.agreement >= 0.5 and not s.unique_terms) / len(sentences)
