"""A scripted generator for unit tests of the flow's plumbing (as simonw/llm's test models): it answers what
the test says, instantly and deterministically. Quality claims are tested with the real packaged models."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path

from assistant.answer.prompt import Prompt
from assistant.config import load_settings
from assistant.models.base import GenerationOptions, chat_prompt_tokens
from assistant.models.embedders import HashingEmbedder
from assistant.pipeline.assistant import Assistant

_CHARS_PER_TOKEN = 4


class ScriptedGenerator:
    """`script`: the answer, or a function of the prompt that returns it. Every prompt it is sent is kept."""

    def __init__(self, script: str | Callable[[Prompt], str], context: int = 4096, name: str = "scripted") -> None:
        self.script = script
        self.context = context
        self.name = name
        self.prompts: list[Prompt] = []

    def count_tokens(self, text: str) -> int:
        return math.ceil(len(text) / _CHARS_PER_TOKEN)

    def context_length(self) -> int:
        return self.context

    def prompt_tokens(self, prompt: Prompt) -> int:
        return chat_prompt_tokens(prompt.messages, self.count_tokens)

    def _text(self, prompt: Prompt) -> str:
        self.prompts.append(prompt)
        return self.script(prompt) if callable(self.script) else self.script

    def generate(self, prompt: Prompt, options: GenerationOptions) -> Iterator[str]:
        text = self._text(prompt)
        for i in range(0, len(text), 7):  # pieces, as a model streams them
            yield text[i : i + 7]

    def generate_scored(self, prompt: Prompt, options: GenerationOptions) -> Iterator[tuple[str, float]]:
        for piece in self.generate(prompt, options):
            yield piece, 0.5


class ScriptedJudge(ScriptedGenerator):
    """Also read as a yes/no judge: `verdict(user message)` is its P(oui). Every judge prompt is kept."""

    def __init__(self, script: str | Callable[[Prompt], str], verdict: Callable[[str], float], **kw: object) -> None:
        super().__init__(script, **kw)  # type: ignore[arg-type]
        self.verdict = verdict
        self.judged: list[str] = []

    def yes_probability(self, prompt: Prompt) -> float:
        user = prompt.messages[-1]["content"]
        self.judged.append(user)
        return self.verdict(user)


MOVE = "Le syndicat emménagera dans ses nouveaux locaux de Vénissieux à la rentrée 2015."
DOCS = {
    "demenagement.txt": "Déménagement du syndicat\n\n" + MOVE + " Les bureaux actuels sont devenus trop petits "
    "pour les quarante agents du syndicat.",
    "logiciels.txt": "Logiciels libres\n\nLe syndicat déploie LibreOffice sur tous les postes des communes "
    "adhérentes. Cette migration permet de se passer de Office 365 et de ses abonnements.",
    "ecoles.txt": "Écoles numériques\n\nLes écoles des communes reçoivent des tablettes pour les élèves de CM2. "
    "Les enseignants suivent une formation de deux jours avant la rentrée.",
}


def scripted_assistant(
    tmp_path: Path, script: str | Callable[[Prompt], str], context: int = 4096,
    verdict: Callable[[str], float] | None = None, **settings: object,
) -> tuple[Assistant, ScriptedGenerator]:
    """An assistant over three small documents (hashing embedder, k = 3) that answers with `script`; with a
    `verdict`, the generator is also the judge (quality profile's default)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for name, text in DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    generator = (ScriptedJudge(script, verdict, context=context) if verdict else
                 ScriptedGenerator(script, context=context))
    settings.setdefault("memo_path", tmp_path / "cache" / "outputs.sqlite")
    s = load_settings(env={}, index_dir=tmp_path / "index", k=3, **settings)
    assistant = Assistant.create(s, HashingEmbedder, lambda: generator,
                                 {"embedder": "hashing-test", "generator": generator.name})
    assistant.ingest([corpus])
    return assistant, generator
