"""Participants flag sentences as invented before seeing the verifier's verdict; they are scored against it.

The verifier is the reference here, not the truth: the recap reports agreement, and a participant who disagrees
with it may be right (the facilitator discusses those cases).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..documents import SentenceVerdict
from ..verify import wording

POINTS = {"caught": 2, "trusted": 1, "false_alarm": -1, "missed": 0}
_FIELDS = ("caught", "missed", "false_alarm", "trusted")


def invented(sentences: Sequence[SentenceVerdict]) -> list[bool]:
    """The verifier's « invented » per sentence: flagged for any reason (unsupported, or a citation that does
    not hold)."""
    return [s.flagged for s in sentences]


def hallucination_types(sentences: Sequence[SentenceVerdict]) -> Counter[str]:
    return Counter(wording.categories(sentences))


@dataclass(frozen=True)
class FlagScore:
    caught: int = 0  # flagged, and the verifier says invented
    missed: int = 0  # not flagged, verifier says invented
    false_alarm: int = 0  # flagged, verifier says supported
    trusted: int = 0  # not flagged, verifier says supported

    @property
    def total(self) -> int:
        return self.caught + self.missed + self.false_alarm + self.trusted

    @property
    def agreement(self) -> float | None:
        return (self.caught + self.trusted) / self.total if self.total else None

    @property
    def points(self) -> int:
        return sum(POINTS[k] * getattr(self, k) for k in POINTS)

    def __add__(self, other: FlagScore) -> FlagScore:
        return FlagScore(*(getattr(self, k) + getattr(other, k) for k in _FIELDS))


def score_flags(flags: Sequence[bool], verdict: Sequence[bool]) -> FlagScore:
    if len(flags) != len(verdict):
        raise ValueError(f"{len(flags)} repérages pour {len(verdict)} phrases")
    pairs = Counter(zip(flags, verdict, strict=True))
    return FlagScore(
        caught=pairs[(True, True)], missed=pairs[(False, True)], false_alarm=pairs[(True, False)],
        trusted=pairs[(False, False)],
    )


@dataclass
class Board:
    """Session scoreboard: pseudonyms only."""

    scores: dict[str, FlagScore] = field(default_factory=dict)

    def add(self, pseudonym: str, score: FlagScore) -> None:
        self.scores[pseudonym] = self.scores.get(pseudonym, FlagScore()) + score

    def ranking(self) -> list[tuple[str, int, float | None]]:
        rows = [(name, s.points, s.agreement) for name, s in self.scores.items()]
        return sorted(rows, key=lambda r: (-r[1], -(r[2] or 0), r[0]))


def total(scores: Iterable[FlagScore]) -> FlagScore:
    result = FlagScore()
    for s in scores:
        result = result + s
    return result
