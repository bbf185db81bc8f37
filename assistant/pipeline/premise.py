"""Stage: before generating, check what the question takes for granted. « Pourquoi le SITIV a-t-il choisi
Office 365 ? » over documents that say the opposite must not get a justification: the answer names the premise
as unsupported and quotes what the documents do say. Such an answer is an abstention (the question as asked has
no answer in the documents) and carries the premise (`premise` in `ask --json`).

The premise is unsupported when it holds a number or name found in no passage, or, with a judge, when the
judge does not read it in the passage windows closest to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..answer.extractive import best_sentences, format_extracts
from ..documents import Passage
from ..verify.checks import best_window, unsupported_terms
from ..verify.judge import premise_prompt, window_around
from ..verify.premise import predicate_of, premise_of, unsupported_premise_text
from .resources import Resources
from .turn import Turn

WHAT_THEY_SAY = "Ce qu'ils disent de plus proche :"
WINDOWS_READ = 2  # the premise's best-aligned windows, one per passage, that the judge reads


def aligned_windows(premise: str, passages: Sequence[Passage]) -> list[tuple[tuple[int, int], Passage]]:
    """One window per passage, best first: aligned with the premise's predicate (`predicate_of`), the whole
    premise breaking ties. Aligned with the whole premise, « Edward Dickinson Baker est critiqué » found the
    sentences naming Baker in full, never « Il est critiqué pour la défense de Charles Cora »."""
    predicate = predicate_of(premise)
    scored = []
    for p in passages:
        by_predicate, predicate_span = best_window(predicate, p.chunk.text)
        by_premise, premise_span = (
            best_window(premise, p.chunk.text) if predicate != premise else (by_predicate, predicate_span)
        )
        scored.append((by_predicate, by_premise, predicate_span if by_predicate > 0 else premise_span, p))
    return [(span, p) for _, _, span, p in sorted(scored, key=lambda x: (-x[0], -x[1]))]


def premise_support(premise: str, turn: Turn, res: Resources) -> float | None:
    """P(oui) that the passages state the premise (0 when a number or name of it is in none of them); None when
    nothing can tell (no judge and no absent term). The windows are read best-aligned first and the reading
    stops at the first that states it: the verdict is the same, and a judge call (about a second) is saved on
    most questions whose premise holds."""
    if unsupported_terms(premise, turn.passages):
        return 0.0
    judge = res.judge
    if judge is None:
        return None
    params = res.judge_params
    best = 0.0
    for span, p in aligned_windows(premise, turn.passages)[:WINDOWS_READ]:
        read = window_around(p.chunk.text, span, params.premise_window)
        best = max(best, judge.yes_probability(premise_prompt(premise, read)))
        if best >= params.premise:
            break
    return best


class Premise:
    timing = "verify"
    step = "question"

    def run(self, turn: Turn, res: Resources) -> Turn:
        request = turn.request
        if request.no_retrieval or request.mode != "generative" or not turn.passages:
            return turn
        premise = premise_of(request.question)
        if premise is None:
            return turn
        support = premise_support(premise, turn, res)
        if support is None or support >= res.judge_params.premise:
            return turn
        extracts = best_sentences(request.question, turn.passages, res.bm25.idf)
        shown = unsupported_premise_text(premise)
        if extracts:
            shown += f"\n\n{WHAT_THEY_SAY} {format_extracts(extracts)}"
        return replace(turn, shown=shown, abstained=True, premise=premise, fallback=bool(extracts), done=True)
