"""Stage: a generated answer with no supported sentence (or one that does not answer) becomes an abstention
followed by the closest passage sentences, quoted; the model's text stays in `raw_answer`.

With a judge, a refusal that would hide a found fact is avoided: when the judge reads the best quoted sentence
as giving what the question asks, that quotation is the answer (not an abstention)."""

from __future__ import annotations

from dataclasses import replace

from ..answer.extractive import Extract, best_sentences, format_extracts
from ..answer.prompt import ABSTENTION
from ..verify.checks import verify
from ..verify.judge import answers_prompt
from ..verify.wording import off_topic
from .resources import Resources
from .turn import Turn

CLOSEST = "Passages les plus proches de la question :"
FOUND = "D'après les documents :"


def _answering(extracts: list[Extract], turn: Turn, res: Resources) -> Extract | None:
    judge = res.judge
    if judge is None or not extracts:
        return None
    scored = [(judge.yes_probability(answers_prompt(turn.request.question, e.text)), e) for e in extracts]
    p, best = max(scored, key=lambda x: x[0])
    return best if p >= res.judge_params.rescue else None


class Fallback:
    timing = "verify"
    step = "verify"

    def run(self, turn: Turn, res: Resources) -> Turn:
        if not turn.abstained:
            return turn
        request = turn.request
        # Quoted from the passages actually in the prompt, so every [n] points to one of them.
        extracts = best_sentences(request.question, turn.passages, res.bm25.idf) if request.mode == "generative" else []
        found = _answering(extracts, turn, res)
        if found is not None:
            quoted = format_extracts([found])
            verification = verify(quoted, turn.passages, None, res.verify_params)
            return replace(turn, shown=f"{FOUND} {quoted}", verification=verification, abstained=False,
                           off_topic=False, fallback=True)
        notice = f"{off_topic()}\n\n" if turn.off_topic else ""
        shown = ABSTENTION + (f"\n\n{notice}{CLOSEST} {format_extracts(extracts)}" if extracts else "")
        return replace(turn, shown=shown, fallback=bool(extracts))
