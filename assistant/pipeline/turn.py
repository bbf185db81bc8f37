"""The contract between stages: a `Turn` (one question on its way through the flow) and the `Stage` protocol.

Each stage reads what the ones before it wrote and returns a new Turn; a stage that settles the answer sets
`done` and the rest are skipped. Adding a stage (a reranker, a context selector, a judge) is one module with a
`run` and one line in the flow's list (`pipeline/assistant.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ..documents import Passage
from ..models.base import GenerationOptions
from ..verify.checks import Verification
from .resources import Resources

MODES = ("generative", "extractive")


@dataclass(frozen=True)
class Request:
    """What the caller asked; no stage changes it."""

    question: str
    query: str  # what the search uses: the question, or a follow-up rewritten from the conversation
    k: int
    mode: str = "generative"
    no_retrieval: bool = False  # the model alone, without documents
    options: GenerationOptions = field(default_factory=GenerationOptions)
    confidence: bool = False  # record each generated piece with its probability
    on_token: Callable[[str], None] | None = None
    on_step: Callable[[str, Turn], None] | None = None  # told before each stage (the UI shows where it is)


@dataclass(frozen=True)
class Turn:
    request: Request
    passages: list[Passage] = field(default_factory=list)
    dropped: int = 0  # passages left out of the prompt for want of context room
    raw: str = ""  # the model's (or the extractor's) text, markers included
    tokens: list[tuple[str, float]] = field(default_factory=list)
    verification: Verification | None = None
    shown: str = ""  # what the user reads; set by the verification stages
    abstained: bool = False
    fallback: bool = False
    guard: str = ""  # why the answer was refused before generation
    premise: str = ""  # what the question takes for granted and the documents do not say
    off_topic: bool = False  # the verified sentences do not answer the question
    reread: bool = False  # answered on a second reading of the best-ranked passage alone (pipeline/reread.py)
    prompt_tokens: int = 0  # of the prompt the model reads (the UI's time estimate)
    done: bool = False


# What a person is told the flow is doing (ui/progress.py words them), in order.
STEPS = ("search", "question", "read", "write", "verify")


class Stage(Protocol):
    timing: str  # the `timings_ms` key its time counts under: "retrieve", "generate" or "verify"
    step: str  # one of STEPS

    def run(self, turn: Turn, res: Resources) -> Turn: ...
