"""Stages: choose what of the passages goes into the prompt.

`SelectContext` keeps, within each passage, the sentence windows that bear on the question (answer/context.py);
`FitToContext` then drops the lowest-ranked passages until the prompt and the answer fit the model's context
(the context is sized for the largest k the chat offers, so this is rare; the answer records how many were
dropped and the chat says so)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..answer.context import ContextParams, lexical_scores, select_context, sentence_spans
from ..answer.prompt import PromptBuilder, build_prompt
from .resources import Resources
from .turn import Turn


@dataclass(frozen=True)
class SelectContext:
    timing = "generate"
    step = "read"

    def run(self, turn: Turn, res: Resources) -> Turn:
        s = res.settings
        if turn.request.mode != "generative" or not turn.passages or s.context_chars == 0:
            return turn
        params = ContextParams(budget=s.context_chars, whole=s.context_whole)
        texts = [p.chunk.text for p in turn.passages]
        spans = sentence_spans(texts)
        scores = lexical_scores(turn.request.query, texts, spans, res.bm25.idf)
        windows = select_context(texts, spans, scores, params)
        return replace(turn, passages=[replace(p, windows=w) for p, w in zip(turn.passages, windows, strict=True)])


@dataclass(frozen=True)
class FitToContext:
    build: PromptBuilder = build_prompt  # the same builder as the Generate stage's
    timing = "generate"
    step = "read"

    def run(self, turn: Turn, res: Resources) -> Turn:
        if turn.request.mode != "generative" or not turn.passages:
            return turn
        generator = res.generator
        budget = generator.context_length() - res.settings.max_tokens
        passages = turn.passages
        tokens = generator.prompt_tokens(self.build(turn.request.question, passages))
        while passages and tokens > budget:
            passages = passages[:-1]
            tokens = generator.prompt_tokens(self.build(turn.request.question, passages))
        return replace(turn, passages=passages, dropped=len(turn.passages) - len(passages), prompt_tokens=tokens)
