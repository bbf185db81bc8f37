"""Stage: passages → text. Generative mode streams the model's answer; extractive mode quotes the passage
sentences that cover the question best (zero generated words). A generation already stored (models/memo.py)
is replayed at once."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..answer.extractive import best_sentences, format_extracts
from ..answer.prompt import PromptBuilder, build_prompt
from ..models.memo import generation_key
from .resources import Resources
from .turn import Turn


@dataclass(frozen=True)
class Generate:
    build: PromptBuilder = build_prompt
    timing = "generate"
    step = "write"

    def run(self, turn: Turn, res: Resources) -> Turn:
        request = turn.request
        if request.mode == "extractive":
            return replace(turn, raw=format_extracts(best_sentences(request.question, turn.passages, res.bm25.idf)))
        prompt = self.build(request.question, None if request.no_retrieval else turn.passages)
        memo, key = res.memo, ""
        if memo is not None:
            key = generation_key(res.model_names.get("generator", ""), prompt, request.options, request.confidence)
            if (stored := memo.get(key)) is not None:
                pieces = [(str(piece), math.nan if prob is None else float(prob)) for piece, prob in stored]
                if request.on_token:
                    request.on_token("".join(piece for piece, _ in pieces))
                return self._done(turn, pieces)
        if request.confidence:
            stream = res.generator.generate_scored(prompt, request.options)
        else:
            stream = ((piece, math.nan) for piece in res.generator.generate(prompt, request.options))
        pieces = []
        for piece, prob in stream:
            pieces.append((piece, prob))
            if request.on_token:
                request.on_token(piece)
        if memo is not None:
            memo.put(key, [[piece, None if math.isnan(prob) else prob] for piece, prob in pieces])
        return self._done(turn, pieces)

    @staticmethod
    def _done(turn: Turn, pieces: list[tuple[str, float]]) -> Turn:
        raw = "".join(piece for piece, _ in pieces).strip()
        return replace(turn, raw=raw, tokens=pieces if turn.request.confidence else [])
