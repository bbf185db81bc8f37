"""Stage: supported is not answering. A true sentence about regional election results, taken from a retrieved
passage, is no answer to a question about a religious movement's membership rules: with a judge, a verified
answer that does not give what the question asks becomes a refusal (`off_topic`), and the fallback quotes the
closest passages instead."""

from __future__ import annotations

from dataclasses import replace

from ..verify.judge import answers_prompt
from .resources import Resources
from .turn import Turn


class Relevance:
    timing = "verify"
    step = "verify"

    def run(self, turn: Turn, res: Resources) -> Turn:
        v = turn.verification
        judge = res.judge
        if judge is None or v is None or turn.abstained or turn.request.no_retrieval:
            return turn
        said = " ".join(s.text for s in v.sentences if s.supported)
        if judge.yes_probability(answers_prompt(turn.request.question, said)) >= res.judge_params.answers:
            return turn
        return replace(turn, abstained=True, off_topic=True)
