"""What of each passage the model reads: the sentences that bear on the question, not whole chunks.

Prompt processing is the floor of an answer's time on two cores (about 120 tokens/s; five 900-character
passages are most of the prompt), so the passages go to the model as their best sentences, cut with « […] ».
Passage numbers stay, and each window keeps its offsets in the chunk, so the verifier, the citations and the
highlighting still work on the full passages the UI shows. Sentences are ranked by the IDF-weighted share of
the question's terms they hold (the measure of the extractive mode); every passage keeps its best sentence
whatever the budget, then the best sentences of all passages are added, with `radius` neighbours, while the
total stays under `budget` characters.
The numbers behind the defaults: bench/context.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..text import split_sentences
from .extractive import question_coverage

GAP = " […] "

Windows = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class ContextParams:
    budget: int = 1500  # characters of passage text sent in all; 0 sends whole passages
    radius: int = 0  # neighbours kept on each side of a chosen sentence
    whole: int = 0  # the best-ranked passages sent whole (counted in the budget)


def sentence_spans(texts: Sequence[str]) -> list[list[tuple[int, int]]]:
    return [split_sentences(t) for t in texts]


def lexical_scores(question: str, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                   idf: Mapping[str, float]) -> list[list[float]]:
    """IDF-weighted share of the question's terms in each sentence."""
    return [[question_coverage(question, t[a:b], idf) for a, b in s] for t, s in zip(texts, spans, strict=True)]


def select_context(
    texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]], scores: Sequence[Sequence[float]],
    params: ContextParams,
) -> list[Windows]:
    """For each passage text (in rank order), the spans to send, in reading order, adjacent sentences merged;
    () for a passage sent whole."""
    if params.budget <= 0 or sum(len(t) for t in texts) <= params.budget:
        return [() for _ in texts]
    # Every passage first gets its best sentence (a passage retrieved for its meaning keeps its opening one
    # when nothing scores), then the rest compete on score, better-ranked passages first on ties.
    firsts = [(p, max(range(len(s)), key=lambda i, p=p: (scores[p][i], -i))) for p, s in enumerate(spans) if s]
    others = sorted(
        ((p, i) for p, s in enumerate(spans) for i in range(len(s))),
        key=lambda pi: (-scores[pi[0]][pi[1]], pi[0], pi[1]),
    )
    keep: list[set[int]] = [set(range(len(s))) if p < params.whole else set() for p, s in enumerate(spans)]
    used = sum(len(t) for t in texts[: params.whole])
    for n, (p, i) in enumerate([*firsts, *others]):
        wanted = [j for j in range(i - params.radius, i + params.radius + 1) if 0 <= j < len(spans[p])]
        extra = [j for j in wanted if j not in keep[p]]
        cost = sum(spans[p][j][1] - spans[p][j][0] for j in extra)
        if not extra or (n >= len(firsts) and used + cost > params.budget):
            continue
        keep[p].update(extra)
        used += cost
    return [() if len(k) == len(s) else _merge(s, k) for s, k in zip(spans, keep, strict=True)]


def _merge(spans: Sequence[tuple[int, int]], keep: set[int]) -> Windows:
    windows: list[tuple[int, int]] = []
    for i in sorted(keep):
        start, end = spans[i]
        if windows and i - 1 in keep:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return tuple(windows)


def window_text(text: str, windows: Sequence[tuple[int, int]]) -> str:
    """The kept spans joined by « […] », marked at either end when the passage goes on."""
    if not windows:
        return text
    body = GAP.join(text[start:end] for start, end in windows)
    if windows[0][0] > 0:
        body = "[…] " + body
    if windows[-1][1] < len(text.rstrip()):
        body += " […]"
    return body
