"""Stage: passages → text. Generative mode streams the model's answer; extractive mode quotes the passage
sentences that cover the question best (zero generated words)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..answer.extractive import best_sentences, format_extracts
from ..answer.prompt import PromptBuilder, build_prompt
from .resources import Resources
from .turn import Turn


@dataclass(frozen=True)
class Generate:
    build: PromptBuilder = build_prompt
    timing = "generate"

    def run(self, turn: Turn, res: Resources) -> Turn:
        request = turn.request
        if request.mode == "extractive":
            return replace(turn, raw=format_extracts(best_sentences(request.question, turn.passages, res.bm25.idf)))
        prompt = self.build(request.question, None if request.no_retrieval else turn.passages)
        if request.confidence:
            stream = res.generator.generate_scored(prompt, request.options)
        else:
            stream = ((piece, math.nan) for piece in res.generator.generate(prompt, request.options))
        pieces: list[tuple[str, float]] = []
        for piece, prob in stream:
            pieces.append((piece, prob))
            if request.on_token:
                request.on_token(piece)
        raw = "".join(piece for piece, _ in pieces).strip()
        return replace(turn, raw=raw, tokens=pieces if request.confidence else [])
