"""Stage: supported is not answering. A true sentence about regional election results, taken from a retrieved
passage, is no answer to a question about a religious movement's membership rules: with a judge, a verified
answer that does not give what the question asks becomes a refusal (`off_topic`), and the fallback quotes the
closest passages instead.

Without the judge too: an answer that only says the question back (« Le séminaire a été tenu le 1er mars sur la
transition numérique » to « Où s'est tenu le séminaire du 1er mars sur la transition numérique ? ») gives
nothing the question asks, however true it is. A yes/no question is left alone (« Oui, il a déménagé. »).

The judge reads what the answer rests on, not its wording: the passage sentences where its supported sentences
found their evidence, after their document's title. An answer that restates the question's frame reads as an
answer whatever follows (« La caractéristique de la première partie de la bataille est que 10 000 personnes
peuvent trouver place … »); the sentences it rests on do not (bench/README.md, fifteenth pass)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..documents import Passage
from ..text import terms
from ..verify.checks import Verification
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


def rests_on(verification: Verification, passages: Sequence[Passage]) -> tuple[str, str]:
    """The passage text the supported sentences rest on (their evidence spans, each once, in order) and the
    title of the first one's document; ("", "") when none has evidence."""
    by_rank = {p.rank: p for p in passages}
    spans: dict[str, str] = {}
    for sentence in verification.sentences:
        evidence = sentence.evidence
        if sentence.supported and evidence is not None and evidence.rank in by_rank:
            chunk = by_rank[evidence.rank].chunk
            spans.setdefault(" ".join(chunk.text[evidence.start : evidence.end].split()), chunk.own_title)
    return (" ".join(spans), next(iter(spans.values()))) if spans else ("", "")


class Relevance:
    timing = "verify"
    step = "verify"

    def reads(self, verification: Verification, passages: Sequence[Passage], said: str) -> tuple[str, str]:
        """What the judge reads (text, title): what the answer rests on, the model's words when nothing has
        evidence (bench/honesty.py's `WordsRelevance` reads the words, as the stage did before)."""
        read, title = rests_on(verification, passages)
        return read or said, title

    def run(self, turn: Turn, res: Resources) -> Turn:
        v = turn.verification
        if v is None or turn.abstained or turn.request.no_retrieval:
            return turn
        question = turn.request.question
        said = " ".join(s.text for s in v.sentences if s.supported)
        if adds_nothing(question, said):
            return replace(turn, abstained=True, off_topic=True)
        judge = res.judge
        if judge is None:
            return turn
        read, title = self.reads(v, turn.passages, said)
        if judge.yes_probability(answers_prompt(question, read, title)) >= res.judge_params.answers:
            return turn
        return replace(turn, abstained=True, off_topic=True)
