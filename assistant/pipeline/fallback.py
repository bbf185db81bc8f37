"""Stage: a generated answer with no supported sentence becomes an abstention followed by the closest passage
sentences, quoted; the model's text stays in `raw_answer`."""

from __future__ import annotations

from dataclasses import replace

from ..answer.extractive import best_sentences, format_extracts
from ..answer.prompt import ABSTENTION
from .resources import Resources
from .turn import Turn

CLOSEST = "Passages les plus proches de la question :"


class Fallback:
    timing = "verify"

    def run(self, turn: Turn, res: Resources) -> Turn:
        if not turn.abstained:
            return turn
        request = turn.request
        # Quoted from the passages actually in the prompt, so every [n] points to one of them.
        extracts = best_sentences(request.question, turn.passages, res.bm25.idf) if request.mode == "generative" else []
        shown = ABSTENTION + (f"\n\n{CLOSEST} {format_extracts(extracts)}" if extracts else "")
        return replace(turn, shown=shown, fallback=bool(extracts))
