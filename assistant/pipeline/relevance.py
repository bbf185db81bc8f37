"""Stage: supported is not answering. A true sentence about regional election results, taken from a retrieved
passage, is no answer to a question about a religious movement's membership rules: with a judge, a verified
answer that does not give what the question asks becomes a refusal (`off_topic`), and the fallback quotes the
closest passages instead.

Without the judge too: an answer that only says the question back (« Le séminaire a été tenu le 1er mars sur la
transition numérique » to « Où s'est tenu le séminaire du 1er mars sur la transition numérique ? ») gives
nothing the question asks, however true it is. A yes/no question is left alone (« Oui, il a déménagé. »)."""

from __future__ import annotations

import re
from dataclasses import replace

from ..text import terms
from ..verify.judge import answers_prompt
from .resources import Resources
from .turn import Turn

# A question that asks for something (not yes or no): a question word, or « que » / « qu' » at its start.
_ASKS_FOR = re.compile(
    r"^\W*qu(?:e\b|['’])|\b(?:qui|quoi|quel|quelle|quels|quelles|où|quand|comment|combien|pourquoi|lequel|laquelle|"
    r"lesquels|lesquelles|who|whom|whose|what|when|where|which|how|why)\b",
    re.IGNORECASE,
)


def adds_nothing(question: str, said: str) -> bool:
    """Every term of what was said is a term of the question, which asks for something: an echo, no answer."""
    return bool(_ASKS_FOR.search(question)) and not set(terms(said)) - set(terms(question))


class Relevance:
    timing = "verify"
    step = "verify"

    def run(self, turn: Turn, res: Resources) -> Turn:
        v = turn.verification
        if v is None or turn.abstained or turn.request.no_retrieval:
            return turn
        question = turn.request.question
        said = " ".join(s.text for s in v.sentences if s.supported)
        judge = res.judge
        if not adds_nothing(question, said) and (
            judge is None or judge.yes_probability(answers_prompt(question, said)) >= res.judge_params.answers
        ):
            return turn
        return replace(turn, abstained=True, off_topic=True)
