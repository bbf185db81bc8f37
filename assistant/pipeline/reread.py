"""A second reading: the model refused over the k passages, so it reads the best-ranked one alone.

Over five passages the 1.5B model often writes « Les documents fournis ne permettent pas de répondre … » when the
first passage holds the answer (« Quel est le nouveau nom de la famille Stephanopoulos … ? »: Stefanopoli is in
passage [1]); asked again over that passage alone it finds it. The second answer goes through the same stages
(absent names, context, generation, verification, « does it answer? », quotation), and it replaces the first only
when it is an answer: otherwise the first refusal, with the closest sentences of every passage quoted, stays.

Only a refusal of the model itself is read again: an answer the verifier refused is not asked for a second
time (over one passage the model then wrote verified answers to questions the documents do not answer,
bench/README.md, « The model's refusal, read again over the first passage »)."""

from __future__ import annotations

from dataclasses import replace

from ..verify.checks import claims, is_abstention
from .resources import Resources
from .turn import Turn

REREAD_PASSAGES = 1  # the best-ranked passages the second reading gets (two: an unanswerable question answered)


def wants_reread(turn: Turn) -> bool:
    """The model itself refused (not a guard, a premise or the verifier), in generative mode, over more
    passages than the second reading gets."""
    request = turn.request
    return (turn.abstained and not turn.done and request.mode == "generative" and not request.no_retrieval
            and len(turn.passages) > REREAD_PASSAGES and is_abstention(turn.raw))


def reread_turn(turn: Turn) -> Turn:
    """The same question over the best-ranked passage(s) alone, everything after the search to do again."""
    return Turn(turn.request, passages=[replace(p, windows=()) for p in turn.passages[:REREAD_PASSAGES]])


def kept(first: Turn, second: Turn) -> Turn:
    """The second reading when it gives an answer, shown among all the passages of the first (their ranks, and
    so its markers, are the same); the first otherwise."""
    if second.abstained:
        return first
    passages = [*second.passages, *first.passages[len(second.passages):]]
    return replace(second, passages=passages, dropped=first.dropped, reread=True)


class RefusedAgain:
    """Between the second generation and its verification: a bare refusal ends the second reading, and the
    first refusal stands (its quotations already read every passage, this one's among them); the judge reads
    nothing more. A refusal after a fact goes on to the checks: the fallback may quote the passage sentence
    where that fact was found (« … 4 communes de droite et 4 communes de gauche. Les documents fournis ne
    permettent pas … »)."""

    timing = "verify"
    step = "verify"

    def run(self, turn: Turn, res: Resources) -> Turn:
        return replace(turn, abstained=True, done=True) if not claims(turn.raw) else turn
