"""Prompt-lookup drafting: guess the next tokens by finding the text just written earlier in the context.

Answers copy names, figures and phrases from the passages, so the continuation of the last few tokens where
they already occur in the prompt is often what the model writes next. The generator checks the whole guess
in one batched evaluation and keeps the tokens it would have chosen itself (models/llama_cpp.py), so the
text is the same as plain greedy decoding, only with fewer sequential steps (bench/speculative.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LookupParams:
    max_ngram: int = 3  # longest suffix of the context looked up
    min_ngram: int = 2  # a single-token match guesses wrong too often to pay for its batch
    max_draft: int = 8  # tokens guessed at once


def draft_tokens(context: Sequence[int], params: LookupParams = LookupParams()) -> list[int]:
    """The tokens that followed the latest earlier occurrence of the longest matching suffix of `context`."""
    n = len(context)
    for size in range(min(params.max_ngram, n - 1), params.min_ngram - 1, -1):
        suffix = list(context[n - size :])
        for start in range(n - size - 1, -1, -1):  # latest occurrence first, the suffix itself excluded
            if context[start] == suffix[0] and list(context[start : start + size]) == suffix:
                follow = list(context[start + size : start + size + params.max_draft])
                if follow:
                    return follow
    return []
