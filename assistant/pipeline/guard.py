"""Stage: refuse before generating when the passages miss most of what the question asks about.

Off by default (`min_coverage = 0`): verification after generation does better (bench/abstention_guard.py).
"""

from __future__ import annotations

from dataclasses import replace

from ..answer.extractive import question_coverage
from ..answer.prompt import ABSTENTION
from .resources import Resources
from .turn import Turn


class CoverageGuard:
    timing = "generate"
    step = "question"

    def run(self, turn: Turn, res: Resources) -> Turn:
        minimum = res.settings.min_coverage
        if not turn.passages or minimum <= 0:
            return turn
        text = " ".join(p.chunk.text for p in turn.passages)
        coverage = question_coverage(turn.request.question, text, res.bm25.idf)
        if coverage >= minimum:
            return turn
        return replace(turn, shown=ABSTENTION, abstained=True, guard=f"couverture {coverage:.2f}", done=True)
