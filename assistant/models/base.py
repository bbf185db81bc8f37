"""The two contracts every model adapter meets: `Embedder` (texts → unit vectors) and `Generator` (prompt →
streamed text). The flow depends on these only; swapping a model never touches it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from ..answer.prompt import Prompt


class Embedder(Protocol):
    """Vectors are L2-normalised float32, so inner product = cosine."""

    name: str
    dim: int

    def encode_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class GenerationOptions:
    max_tokens: int = 256
    temperature: float = 0.0
    seed: int = 42


class Generator(Protocol):
    name: str

    def count_tokens(self, text: str) -> int: ...

    def context_length(self) -> int: ...

    def prompt_tokens(self, prompt: Prompt) -> int: ...

    def generate(self, prompt: Prompt, options: GenerationOptions) -> Iterator[str]: ...

    def generate_scored(self, prompt: Prompt, options: GenerationOptions) -> Iterator[tuple[str, float]]:
        """Pieces of text with the probability the model gave the token that produced them."""
        ...


@runtime_checkable
class Judge(Protocol):
    """A generator that can also be read as a yes/no judge (P(oui) of the next token, no generation)."""

    def yes_probability(self, prompt: Prompt) -> float: ...


# A chat template wraps each message in a few role tokens (Qwen: `<|im_start|>role\n … <|im_end|>\n`).
_TOKENS_PER_MESSAGE = 8


def chat_prompt_tokens(messages: Sequence[dict[str, str]], count: Callable[[str], int]) -> int:
    """Tokens of a chat prompt, estimated from its messages' contents, for servers and templates alike."""
    return sum(count(m["content"]) + _TOKENS_PER_MESSAGE for m in messages) + _TOKENS_PER_MESSAGE
