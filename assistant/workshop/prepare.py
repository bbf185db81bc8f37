"""The deck's questions are known before the room fills: compute every card's answers, verdicts, token
confidence and « Redemander » samples in the background at start, so that a card reveals at once.

Nothing is stored here: the model outputs go to the memo (models/memo.py), keyed by model and prompt, so the
preparation is kept on disk by (deck question, models, index version) without a key of its own; a session
started the next day with the same deck, models and index finds every card ready (preparing then takes a
lookup per card). Each card holds the model's queue while it is prepared, so a live question waits at most
one card.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..pipeline.assistant import Assistant
from .deck import Card
from .room import both_answers, resample


@dataclass
class Preparation:
    total: int
    done: int = 0
    started: float = field(default_factory=time.monotonic)
    seconds: float | None = None  # the whole deck, once finished
    failed: str = ""
    enabled: bool = True

    @property
    def finished(self) -> bool:
        return self.seconds is not None

    def line(self) -> str:
        """The facilitator's progress line."""
        if not self.enabled:
            return ("Préparation des cartes désactivée (mémoire des réponses coupée) : "
                    "chaque carte est calculée en direct.")
        if self.failed:
            return (f"Préparation des cartes interrompue ({self.failed}) : "
                    "les cartes restantes seront calculées en direct.")
        if self.finished:
            ready = "La carte est prête" if self.total == 1 else f"Les {self.total} cartes sont prêtes"
            return f"{ready} (préparation : {self.seconds:.0f} s) : chaque carte s'affiche aussitôt."
        elapsed = time.monotonic() - self.started
        return (f"Préparation des cartes : {self.done} sur {self.total} "
                f"prête{'s' if self.done > 1 else ''} ({elapsed:.0f} s)…")


def prepare_card(assistant: Assistant, question: str) -> None:
    """What a play and a « Redemander » of this question compute, once."""
    question = assistant.check_question(question)
    both_answers(assistant, question)
    resample(assistant, question)


def prepare_deck(
    get_assistant: Callable[[], Assistant],
    deck: list[Card],
    hold: Callable[[], contextlib.AbstractContextManager[None]],
    state: Preparation,
) -> threading.Thread:
    def work() -> None:
        try:
            for card in deck:
                with hold():
                    prepare_card(get_assistant(), card.question)
                state.done += 1
            state.seconds = time.monotonic() - state.started
        except Exception as exc:  # the room still works live; the facilitator is told
            state.failed = type(exc).__name__

    thread = threading.Thread(target=work, daemon=True, name="prepare-deck")
    thread.start()
    return thread
