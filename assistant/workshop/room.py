"""A workshop round, without any UI: play a card (two verified answers), reveal (score the participant's flags
against the verifier), resample (the same question at a higher temperature). The room's state is one open
session, saved after every attempt; `ui/workshop.py` only lays these out and wires the buttons."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..documents import Answer
from ..pipeline.assistant import Assistant
from ..pipeline.turn import Turn
from .deck import Card
from .scoring import FlagScore, hallucination_types, invented, score_flags
from .session import Attempt, Session, check_pseudonym
from .variability import SampleSentence, compare_samples, consistency

ALONE, GROUNDED = "A", "B"
StepFn = Callable[[str, Turn], None]
SAMPLES = 3
SAMPLE_TEMPERATURE = 0.8


@dataclass(frozen=True)
class Round:
    """What a play produced: both answers as the reveal shows them, verified against the same passages."""

    index: int  # of the attempt in the session
    alone: Answer  # the model without documents, its sentences checked against the assistant's passages
    grounded: Answer  # the assistant with documents, as `ask` returned it

    def revealed(self) -> tuple[Answer, Answer]:
        """Both sides as the reveal shows them: every sentence with its verdict, abstention or not."""
        shown = {"abstained": False, "fallback": False}
        return replace(self.alone, **shown), replace(self.grounded, **shown)


@dataclass(frozen=True)
class Resampled:
    answers: list[str]
    sentences: list[SampleSentence]
    consistency: float | None


@dataclass
class Workshop:
    """The room's shared state: one open session, saved after every attempt."""

    assistant: Callable[[], Assistant]
    deck: list[Card]
    root: Path
    session: Session = field(default_factory=Session.new)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def card(self, card_id: str) -> Card:
        return next((c for c in self.deck if c.id == card_id), self.deck[0])

    def record(self, attempt: Attempt) -> int:
        with self.lock:
            self.session.attempts.append(attempt)
            self.session.save(self.root)
            return len(self.session.attempts) - 1

    def update(self, index: int, **changes: Any) -> Attempt:
        with self.lock:
            attempt = replace(self.session.attempts[index], **changes)
            self.session.attempts[index] = attempt
            self.session.save(self.root)
            return attempt

    def reset(self) -> Path:
        """Close and save the session, open a new one; returns the closed session's folder."""
        with self.lock:
            self.session.closed = datetime.now(UTC).isoformat(timespec="seconds")
            folder = self.session.save(self.root)
            self.session = Session.new()
            return folder


def _side(answer: Answer) -> dict[str, Any]:
    return {
        "answer": answer.raw_answer or answer.answer,
        "sentences": [s.text for s in answer.sentences],
        "invented": invented(answer.sentences),
        "verdicts": [asdict(s) for s in answer.sentences],
        "citations": [asdict(c) for c in answer.citations],
        "tokens": [[t, round(p, 4)] for t, p in answer.tokens],
    }


def both_answers(assistant: Assistant, question: str, on_step: StepFn | None = None) -> tuple[Answer, Answer]:
    """(model alone, assistant with documents), both verified against the passages the assistant found."""
    grounded = assistant.ask(question, confidence=True, on_step=on_step)
    alone = assistant.ask(question, no_retrieval=True, confidence=True, on_step=on_step)
    # The model alone is checked against the documents the assistant found: what would it have invented?
    check = assistant.check(alone.raw_answer, grounded.passages)
    alone = replace(alone, sentences=check.sentences, citations=check.citations, passages=grounded.passages)
    return alone, grounded


def play(ws: Workshop, pseudonym: str, card_id: str, question: str, on_step: StepFn | None = None) -> Round:
    """Both answers, verified against the same retrieved passages; stored before anything is revealed."""
    pseudonym = check_pseudonym(pseudonym)
    assistant = ws.assistant()
    question = assistant.check_question(question)
    alone, grounded = both_answers(assistant, question, on_step)
    card = ws.card(card_id)
    attempt = Attempt(
        pseudonym=pseudonym, card_id=card.id, card_title=card.title, card_kind=card.kind, question=question,
        alone=_side(alone), grounded=_side(grounded),
        types=dict(hallucination_types(alone.sentences) + hallucination_types(grounded.sentences)),
    )
    return Round(index=ws.record(attempt), alone=alone, grounded=grounded)


def choices(attempt: Attempt) -> list[str]:
    """The tick boxes: A1…An for the model alone, B1…Bm for the assistant."""
    return [f"{ALONE}{i}" for i in range(1, len(attempt.alone["sentences"]) + 1)] + [
        f"{GROUNDED}{i}" for i in range(1, len(attempt.grounded["sentences"]) + 1)
    ]


def reveal(ws: Workshop, index: int, flagged: list[str]) -> Attempt:
    """Score the ticks against the verifier's « invented » and store them with the attempt."""
    attempt = ws.session.attempts[index]
    flags = {
        "alone": [f"{ALONE}{i}" in flagged for i in range(1, len(attempt.alone["sentences"]) + 1)],
        "grounded": [f"{GROUNDED}{i}" in flagged for i in range(1, len(attempt.grounded["sentences"]) + 1)],
    }
    score = score_flags(flags["alone"] + flags["grounded"], attempt.alone["invented"] + attempt.grounded["invented"])
    return ws.update(index, flags=flags, score=asdict(score))


def points(attempt: Attempt) -> FlagScore:
    return FlagScore(**attempt.score) if attempt.score else FlagScore()


def resample(assistant: Assistant, question: str) -> Resampled:
    """The same question at a higher temperature: what changes between samples is drawn, not read."""
    answers = [assistant.ask(question, temperature=SAMPLE_TEMPERATURE, seed=seed).raw_answer
               for seed in range(1, SAMPLES + 1)]
    sampled = compare_samples(answers)
    return Resampled(answers=answers, sentences=sampled, consistency=consistency(sampled))
