"""Stage: a question about a name or a number that no retrieved passage holds has no answer in them.

« Quel poste occupe Wan Jifei ? » over passages that never name Wan Jifei got a sentence about someone else
(verified, since the passage says it) or a quotation about someone else. Before generating, each proper name
and number of the question is looked up in the passages as the verifier looks up an answer's; one found in
none of them ends the turn as an abstention that names it, with the closest passages quoted. On the stored
runs (bench/README.md, « Names the passages lack »): 0 of 36 answerable sitiv questions and 1 of 60 answerable
PIAF ones hold such a term, against 3 of 16 and 30 of 60 unanswerable ones (before this stage, the
Premise stage caught such names only inside a « pourquoi / quand … » presupposition).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..answer.extractive import best_sentences, format_extracts
from ..documents import Passage
from ..text import split_sentences
from ..verify.checks import unsupported_terms
from ..verify.wording import absent_from_passages
from .fallback import CLOSEST
from .resources import Resources
from .turn import Turn


def absent_terms(question: str, passages: Sequence[Passage]) -> list[str]:
    """Names and numbers of the question found in no passage, neighbours joined (« Wan Jifei »); each sentence
    of the question on its own (a capital after « ? » starts a sentence, it is no name)."""
    spans = split_sentences(question) or [(0, len(question))]
    found: list[tuple[int, int]] = []
    for s, e in spans:
        # unsupported_terms lists numbers before names: put them back in the question's order first.
        for at, size in sorted((question.find(t, s, e), len(t)) for t in unsupported_terms(question[s:e], passages)):
            if at < 0:
                continue
            if found and not question[found[-1][1] : at].strip():
                found[-1] = (found[-1][0], max(found[-1][1], at + size))
            else:
                found.append((at, at + size))
    return list(dict.fromkeys(question[a:b] for a, b in found))


class AbsentTerms:
    timing = "generate"
    step = "question"

    def run(self, turn: Turn, res: Resources) -> Turn:
        request = turn.request
        if res.settings.absent_guard != "on" or request.no_retrieval or not turn.passages:
            return turn
        missing = absent_terms(request.question, turn.passages)
        if not missing:
            return turn
        shown = absent_from_passages(missing)
        extracts = best_sentences(request.question, turn.passages, res.bm25.idf)
        if extracts:
            shown += f"\n\n{CLOSEST} {format_extracts(extracts)}"
        return replace(turn, shown=shown, abstained=True, fallback=bool(extracts),
                       guard=f"absent des passages : {', '.join(missing)}", done=True)
