"""Extractive answers: quoted passage sentences with their citation, zero generated words.

For staff who need a guaranteed-grounded answer, and as what is shown beside an abstention when a generated
answer fails verification. Sentences are ranked by the IDF-weighted share of the question's terms they hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..documents import Passage
from ..text import split_sentences, terms


@dataclass(frozen=True)
class Extract:
    rank: int  # passage rank, cited as [rank]
    text: str
    coverage: float  # IDF-weighted share of the question's terms found in the sentence
    # Every word the model's answer added to the question is in this sentence (an aligned evidence sentence):
    # the model found the answer here, whatever the judge made of its wording.
    echoed: bool = False
    title: str = ""  # the document's title (its metadata; none: ""), read by the judge before the sentence


def question_coverage(question: str, text: str, idf: Mapping[str, float]) -> float:
    wanted = set(terms(question))
    if not wanted:
        return 0.0
    found = wanted & set(terms(text))
    total = sum(idf.get(t, 1.0) for t in wanted)
    return sum(idf.get(t, 1.0) for t in found) / total if total else 0.0


def best_sentences(
    question: str,
    passages: Sequence[Passage],
    idf: Mapping[str, float],
    max_sentences: int = 2,
    min_coverage: float = 0.25,
) -> list[Extract]:
    """The sentences of the passages that cover the question best; ties go to the better-ranked passage."""
    candidates: list[Extract] = []
    for passage in passages:
        text = passage.chunk.text
        for start, end in split_sentences(text):
            sentence = " ".join(text[start:end].split())
            if len(sentence) < 20:
                continue
            candidates.append(Extract(passage.rank, sentence, question_coverage(question, sentence, idf),
                                      title=passage.chunk.own_title))
    candidates.sort(key=lambda e: (-e.coverage, e.rank))
    chosen: list[Extract] = []
    for extract in candidates:
        if extract.coverage < min_coverage or len(chosen) == max_sentences:
            break
        if all(extract.text != c.text for c in chosen):
            chosen.append(extract)
    return chosen


def evidence_sentences(
    question: str, aligned: Sequence[tuple[str, Passage, tuple[int, int]]], idf: Mapping[str, float]
) -> list[Extract]:
    """The passage sentences (passage, span) where the model's sentences (claim) align: where the model found
    its answer even when its own wording does not hold, quoted word for word."""
    asked = set(terms(question))
    found: list[Extract] = []
    for claim, passage, (start, end) in aligned:
        sentence = " ".join(passage.chunk.text[start:end].split())
        if len(sentence) < 20 or any(sentence == e.text for e in found):
            continue
        added = set(terms(claim)) - asked
        echoed = bool(added) and added <= set(terms(sentence))
        found.append(Extract(passage.rank, sentence, question_coverage(question, sentence, idf), echoed,
                             passage.chunk.own_title))
    return found


def format_extracts(extracts: Sequence[Extract]) -> str:
    return " ".join(f"« {e.text} » [{e.rank}]" for e in extracts)
