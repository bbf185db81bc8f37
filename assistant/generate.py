"""Generator protocol and the llama.cpp adapter. Deterministic by default (temperature 0, fixed seed)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .errors import DependencyMissing, ModelFileMissing
from .prompt import Prompt


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


class LlamaCppGenerator:
    """A local GGUF through llama-cpp-python; uses the model's chat template, or a few-shot completion prompt
    for base models that have none."""

    def __init__(self, path: Path, name: str, n_ctx: int = 4096, threads: int = 0) -> None:
        if not Path(path).is_file():
            raise ModelFileMissing(f"fichier GGUF introuvable : {path}")
        try:
            from llama_cpp import Llama
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise DependencyMissing("llama-cpp-python manque : lancez `bash setup.sh`") from exc
        threads = threads or os.cpu_count() or 2
        with _quiet_stderr():
            probe = Llama(model_path=str(path), n_ctx=256, n_threads=threads, verbose=False, vocab_only=True)
            trained = int(
                probe.metadata.get(f"{probe.metadata.get('general.architecture', '')}.context_length", n_ctx) or n_ctx
            )
            self.has_chat_template = bool(probe.metadata.get("tokenizer.chat_template"))
            del probe
            self.llm = Llama(
                model_path=str(path),
                n_ctx=min(n_ctx, trained),
                n_threads=threads,
                n_threads_batch=threads,
                verbose=False,
                seed=42,
            )
        self.name = name
        self.path = Path(path)

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def context_length(self) -> int:
        return int(self.llm.n_ctx())

    def prompt_tokens(self, prompt: Prompt) -> int:
        if self.has_chat_template:
            # The template adds a few role tokens per message.
            return sum(self.count_tokens(m["content"]) + 8 for m in prompt.messages) + 8
        return self.count_tokens(prompt.completion)

    def generate(self, prompt: Prompt, options: GenerationOptions) -> Iterator[str]:
        self.llm.set_seed(options.seed)
        common = dict(
            max_tokens=options.max_tokens,
            temperature=options.temperature,
            seed=options.seed,
            top_k=1 if options.temperature == 0 else 40,
            repeat_penalty=1.1,
            stream=True,
        )
        if self.has_chat_template:
            stream = self.llm.create_chat_completion(messages=prompt.messages, **common)
            for part in stream:
                delta = part["choices"][0].get("delta", {}).get("content")
                if delta:
                    yield delta
        else:
            stream = self.llm.create_completion(prompt=prompt.completion, stop=["\nQuestion", "\n\n"], **common)
            for part in stream:
                text = part["choices"][0].get("text")
                if text:
                    yield text


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """llama.cpp prints load logs from C on fd 2 even with verbose=False; keep `--json` users' stderr clean."""
    try:
        fd = os.dup(2)
    except OSError:  # pragma: no cover
        yield
        return
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(fd, 2)
            os.close(fd)
