"""Prompt building: passages framed as numbered, quoted data; templates live in prompts/*.txt (French)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..documents import Passage
from .context import window_text
from .injection import mask_instructions

ABSTENTION = "Les documents fournis ne permettent pas de répondre à cette question."


@cache
def template(name: str) -> str:
    return resources.files("assistant.answer").joinpath("prompts", f"{name}.txt").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Prompt:
    """Chat messages for instruction models, and the equivalent completion text for base models."""

    messages: list[dict[str, str]]
    completion: str
    # Leading messages every prompt of its kind shares (the system message; a judge's worked examples too): a
    # local model keeps their KV cells aside between prompts instead of evaluating them again.
    kept: int = 1


def format_passage(passage: Passage, mask: bool = True) -> str:
    meta = passage.chunk.metadata
    source = ", ".join(x for x in (meta.get("title") or passage.chunk.doc, meta.get("date")) if x)
    # A passage cannot close its own tag, and sentences addressed to the model are masked (answer/injection.py).
    body = window_text(passage.chunk.text, passage.windows).replace("<", "‹").replace(">", "›")
    if mask:
        body, _ = mask_instructions(body)
    return f'<passage n="{passage.rank}" source="{source}">\n{body}\n</passage>'


PromptBuilder = Callable[[str, Sequence[Passage] | None], Prompt]


def build_prompt(question: str, passages: Sequence[Passage] | None, mask: bool = True) -> Prompt:
    """`passages=None` asks the model alone (no documents), for the workshop's side-by-side. `mask=False` leaves
    instruction-like sentences in the passages (bench/injection.py measures what masking is worth)."""
    if passages is None:
        system = template("no_retrieval").strip()
        return Prompt(
            messages=[{"role": "system", "content": system}, {"role": "user", "content": question}],
            completion=f"{system}\n\nQuestion : {question}\nRéponse :",
        )
    block = "\n".join(format_passage(p, mask) for p in passages) or "(aucun passage)"
    user = template("user").format(passages=block, question=question).strip()
    return Prompt(
        messages=[{"role": "system", "content": template("system").strip()}, {"role": "user", "content": user}],
        completion=template("completion").format(passages=block, question=question),
    )
