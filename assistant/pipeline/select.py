"""Stage: choose what of the passages goes into the prompt. Today: drop the lowest-ranked passages until the
prompt and the answer fit the model's context (the context is sized for the largest k the chat offers, so
this is rare; the answer records how many were dropped and the chat says so)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..answer.prompt import PromptBuilder, build_prompt
from .resources import Resources
from .turn import Turn


@dataclass(frozen=True)
class FitToContext:
    build: PromptBuilder = build_prompt  # the same builder as the Generate stage's
    timing = "generate"

    def run(self, turn: Turn, res: Resources) -> Turn:
        if turn.request.mode != "generative" or not turn.passages:
            return turn
        generator = res.generator
        budget = generator.context_length() - res.settings.max_tokens
        passages = turn.passages
        while passages and generator.prompt_tokens(self.build(turn.request.question, passages)) > budget:
            passages = passages[:-1]
        return replace(turn, passages=passages, dropped=len(turn.passages) - len(passages))
