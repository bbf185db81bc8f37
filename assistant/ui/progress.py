"""Where an answer is, in words, with elapsed time and an estimate from the speeds measured on this machine.

Pure: the chat and the workshop feed it what they see (steps, the prompt's size, tokens as they come) and
show the line it returns. The estimate is never a fixed promise: it comes from the answers this process has
already given (and from the calibration at start, `Pool.warm_up`), and is left out until one exists.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from ..pipeline.turn import STEPS

STEP_WORDS = {
    "queue": "En attente",
    "search": "Recherche dans les documents",
    "question": "Vérification de la question",
    "read": "Lecture des passages",
    "write": "Rédaction de la réponse",
    "verify": "Vérification de chaque phrase",
}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def queue_line(ahead: int) -> str:
    """What a waiting person reads instead of Gradio's « queue: 1/1 | 5.2/70.3s »."""
    if ahead <= 0:
        return "C'est votre tour : la réponse se prépare…"
    return f"En attente : {_plural(ahead, 'demande')} avant la vôtre…"


def _seconds(s: float) -> str:
    return f"{s:.0f} s" if s < 90 else f"{s / 60:.0f} min"


@dataclass
class Speeds:
    """Running averages of what answers took here; `None` until measured."""

    prompt_rate: float | None = None  # prompt tokens evaluated per second
    decode_rate: float | None = None  # answer tokens per second
    answer_tokens: float = 60.0  # tokens of a typical answer, updated from real ones
    step_s: dict[str, float] = field(default_factory=dict)  # seconds spent in each step other than writing
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _mix(self, old: float | None, new: float, weight: float = 0.3) -> float:
        return new if old is None else (1 - weight) * old + weight * new

    def record_generation(self, prompt_tokens: int, first_token_s: float, tokens: int, decode_s: float) -> None:
        with self._lock:
            if prompt_tokens > 0 and first_token_s > 0.05:
                self.prompt_rate = self._mix(self.prompt_rate, prompt_tokens / first_token_s)
            if tokens > 1 and decode_s > 0.05:
                self.decode_rate = self._mix(self.decode_rate, (tokens - 1) / decode_s)
                self.answer_tokens = self._mix(self.answer_tokens, float(tokens))

    def record_step(self, step: str, seconds: float) -> None:
        with self._lock:
            self.step_s[step] = self._mix(self.step_s.get(step), seconds)

    def writing_s(self, prompt_tokens: int, tokens_so_far: int, first_token_seen: bool) -> float | None:
        if self.prompt_rate is None or self.decode_rate is None:
            return None
        reading = 0.0 if first_token_seen else prompt_tokens / self.prompt_rate
        return reading + max(0.0, self.answer_tokens - tokens_so_far) / self.decode_rate


@dataclass
class Tracker:
    """One answer on its way: which step, since when, what the model has read and written."""

    speeds: Speeds
    started: float = field(default_factory=time.monotonic)
    step: str = "search"
    step_started: float = field(default_factory=time.monotonic)
    passages: int = 0
    prompt_tokens: int = 0
    tokens: int = 0
    first_token_at: float | None = None

    def enter(self, step: str, passages: int = 0, prompt_tokens: int = 0) -> None:
        now = time.monotonic()
        if step == self.step:
            return
        self._close_step(now)
        self.step, self.step_started = step, now
        if step == "write":  # a second reading (pipeline/reread.py) writes again: its own tokens
            self.tokens, self.first_token_at = 0, None
        self.passages = passages or self.passages
        self.prompt_tokens = prompt_tokens or self.prompt_tokens

    def token(self) -> None:
        self.tokens += 1
        if self.first_token_at is None:
            self.first_token_at = time.monotonic()

    def finish(self) -> None:
        self._close_step(time.monotonic())

    def _close_step(self, now: float) -> None:
        if self.step == "write":
            if self.first_token_at is not None:
                self.speeds.record_generation(self.prompt_tokens, self.first_token_at - self.step_started,
                                              self.tokens, now - self.first_token_at)
        elif self.step != "queue":
            self.speeds.record_step(self.step, now - self.step_started)

    def remaining_s(self) -> float | None:
        """Seconds left by the measured speeds, None when there is nothing to go on yet."""
        now = time.monotonic()
        in_step = now - self.step_started
        later = STEPS[STEPS.index(self.step) + 1 :] if self.step in STEPS else STEPS  # waiting: all of them
        total = max(0.0, self.speeds.step_s.get(self.step, 0.0) - in_step) if self.step != "write" else 0.0
        for step in later:
            if step != "write":
                total += self.speeds.step_s.get(step, 0.0)
        if self.step == "write" or "write" in later:
            writing = self.speeds.writing_s(self.prompt_tokens, self.tokens, self.first_token_at is not None)
            if writing is None:
                return None
            if self.step == "write" and self.first_token_at is None:
                writing = max(1.0, writing - in_step)
            total += writing
        return total

    def line(self) -> str:
        """« Rédaction de la réponse… 6 s — fin estimée dans ~9 s »."""
        words = STEP_WORDS.get(self.step, self.step)
        if self.step == "read" and self.passages:
            words = f"Lecture de {_plural(self.passages, 'passage')}"
        elapsed = time.monotonic() - self.started
        text = f"{words}… {_seconds(elapsed)}"
        remaining = self.remaining_s()
        if remaining is not None:
            text += f" — fin estimée dans ~{_seconds(max(1.0, remaining))}"
        return text
