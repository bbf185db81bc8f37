"""Answer verification: sentence support, unsupported terms, citation check, abstention. Pure functions.

This first version scores support by content-word overlap and a strict check of numbers and proper names;
the verification issue adds embedding similarity and a calibrated threshold on top of the same interface.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .documents import Citation, Passage, SentenceVerdict
from .prompt import ABSTENTION
from .text import STOPWORDS, content_tokens, fold, normalize_for_match, split_sentences, terms

_MARKER = re.compile(r"\[(\d+(?:\s*[,;-]\s*\d+)*)\]")
_NUMBER = re.compile(r"\d+(?:[ .,]\d{3})*(?:[.,]\d+)?")
_PROPER = re.compile(r"\b[A-ZÀ-Ý][\w'’-]*[a-zà-ÿ][\w'’-]*\b")
SUPPORT_THRESHOLD = 0.6


@dataclass(frozen=True)
class Verification:
    shown_answer: str
    abstained: bool
    sentences: list[SentenceVerdict]
    citations: list[Citation]
    removed_markers: int


def markers_in(sentence: str) -> list[int]:
    found: list[int] = []
    for group in _MARKER.findall(sentence):
        for part in re.split(r"\s*[,;]\s*", group):
            if "-" in part:
                lo, hi = (int(x) for x in part.split("-", 1))
                found.extend(range(lo, hi + 1) if 0 < hi - lo < 10 else [lo, hi])
            else:
                found.append(int(part))
    return found


def strip_markers(text: str) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", _MARKER.sub("", text)).strip()


def _number_forms(text: str) -> set[str]:
    return {re.sub(r"[ .,]", "", n) for n in _NUMBER.findall(text)}


def unsupported_terms(sentence: str, passages: Sequence[Passage]) -> list[str]:
    """Numbers and proper names of the sentence found in no passage (its text, title or date).

    The question is not evidence: a false premise (« pourquoi avoir choisi Azure ? ») repeated in the
    answer must be flagged.
    """
    body = strip_markers(sentence)
    sources = " ".join(
        f"{p.chunk.text} {p.chunk.metadata.get('title', '')} {p.chunk.metadata.get('date', '')}" for p in passages
    )
    folded_sources = normalize_for_match(sources)
    numbers_in_sources = _number_forms(sources)
    missing: list[str] = []
    for number in _NUMBER.findall(body):
        if re.sub(r"[ .,]", "", number) not in numbers_in_sources:
            missing.append(number.strip())
    first_word = re.match(r"\W*(\w+)", body)
    for match in _PROPER.finditer(body):
        word = match.group()
        if first_word and match.start() == first_word.start(1):
            continue  # a capital at the start of a sentence proves nothing
        if fold(word) in STOPWORDS:
            continue
        if normalize_for_match(word) not in folded_sources:
            missing.append(word)
    return list(dict.fromkeys(missing))


def overlap_score(sentence: str, passage_text: str) -> float:
    """Share of the sentence's content words that occur in the passage."""
    words = set(terms(strip_markers(sentence)))
    if not words:
        return 1.0
    return len(words & set(terms(passage_text))) / len(words)


def is_abstention(text: str) -> bool:
    folded = normalize_for_match(text)
    return normalize_for_match(ABSTENTION).rstrip(".") in folded or "ne permettent pas de repondre" in folded


def verify(answer: str, passages: Sequence[Passage]) -> Verification:
    by_rank = {p.rank: p for p in passages}
    spans = _attach_trailing_markers(answer, split_sentences(answer))
    sentences: list[SentenceVerdict] = []
    citations: list[Citation] = []
    removed = 0
    shown_parts: list[str] = []
    for i, (start, end) in enumerate(spans):
        raw = answer[start:end]
        if is_abstention(raw):
            sentences.append(
                SentenceVerdict(
                    text=strip_markers(raw), supported=True, score=1.0, evidence_rank=None, unsupported_terms=[]
                )
            )
            shown_parts.append(raw)
            continue
        if not content_tokens(strip_markers(raw)):
            continue  # a bare « [2] » or « Oui. » states nothing that could be checked
        scores = {p.rank: overlap_score(raw, p.chunk.text) for p in passages}
        best = max(scores, key=lambda r: scores[r]) if scores else None
        missing = unsupported_terms(raw, passages)
        score = scores[best] if best is not None else 0.0
        supported = best is not None and score >= SUPPORT_THRESHOLD and not missing
        sentences.append(
            SentenceVerdict(
                text=strip_markers(raw),
                supported=supported,
                score=round(score, 4),
                evidence_rank=best if score > 0 else None,
                unsupported_terms=missing,
            )
        )
        for marker in markers_in(raw):
            if marker in by_rank:
                citations.append(
                    Citation(
                        marker=marker,
                        passage_rank=marker,
                        sentence=i,
                        supported=scores[marker] >= SUPPORT_THRESHOLD and not missing,
                    )
                )
            else:
                citations.append(Citation(marker=marker, passage_rank=None, sentence=i, supported=False))
                removed += 1
        shown_parts.append(_MARKER.sub(lambda m: _keep_valid(m, by_rank), raw))
    content = [s for s in sentences if not is_abstention(s.text)]
    abstained = any(is_abstention(s.text) for s in sentences) and not any(s.supported for s in content)
    abstained = abstained or not content
    return Verification(
        shown_answer=" ".join(shown_parts).strip(),
        abstained=abstained,
        sentences=sentences,
        citations=citations,
        removed_markers=removed,
    )


def _attach_trailing_markers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """« …en 2015. [3] »: a span made only of markers belongs to the sentence before it."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and not _MARKER.sub("", text[start:end]).strip(" .;,"):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _keep_valid(match: re.Match[str], by_rank: dict[int, Passage]) -> str:
    valid = [n for n in markers_in(match.group()) if n in by_rank]
    return "[" + ", ".join(str(n) for n in valid) + "]" if valid else ""
