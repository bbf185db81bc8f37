"""The llama.cpp generator adapter (protocol in models/base.py). Deterministic by default (temperature 0, fixed
seed)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

from ..answer.prompt import Prompt
from ..errors import DependencyMissing, ModelFileMissing
from .base import GenerationOptions, chat_prompt_tokens


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
            return chat_prompt_tokens(prompt.messages, self.count_tokens)
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

    @cached_property
    def _chat_formatter(self):  # type: ignore[no-untyped-def]
        """The GGUF's chat template, compiled once (the scored path formats its own prompt text)."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        vocab = self.llm._model
        return Jinja2ChatFormatter(
            template=self.llm.metadata["tokenizer.chat_template"],
            eos_token=vocab.token_get_text(vocab.token_eos()),
            bos_token=vocab.token_get_text(vocab.token_bos()) if vocab.token_bos() >= 0 else "",
        )

    def _prompt_text(self, prompt: Prompt) -> str:
        if not self.has_chat_template:
            return prompt.completion
        return self._chat_formatter(messages=prompt.messages).prompt

    def generate_scored(self, prompt: Prompt, options: GenerationOptions) -> Iterator[tuple[str, float]]:
        """Token by token through the low-level API, reading the last logits after each step: llama.cpp's own
        logprobs need `logits_all=True`, i.e. a vocabulary-sized row kept for every position of the context
        (1.2 GB at 2,048 tokens × 152k vocabulary). Greedy at temperature 0, else softmax sampling."""
        import codecs

        import numpy as np

        llm = self.llm
        rng = np.random.default_rng(options.seed)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        stops = self._stop_tokens
        self._eval_prompt(prompt)
        pending_p: list[float] = []
        for _ in range(options.max_tokens):
            logits = self._last_logits()
            shifted = logits - logits.max()
            probs = np.exp(shifted)
            probs /= probs.sum()
            if options.temperature <= 0:
                token = int(probs.argmax())
            else:
                scaled = np.exp(shifted / options.temperature)
                scaled /= scaled.sum()
                token = int(rng.choice(len(scaled), p=scaled))
            if token in stops:
                break
            pending_p.append(float(probs[token]))
            text = decoder.decode(llm.detokenize([token]))
            if text:  # a multi-byte character split over tokens gets the lowest of their probabilities
                yield text, min(pending_p)
                pending_p = []
            llm.eval([token])

    def yes_probability(self, prompt: Prompt) -> float:
        """P(« oui ») against P(« non ») for the next token of the answer: the model as a yes/no judge. One
        prompt evaluation (the prefix shared with the previous call is reused), no generation."""
        import numpy as np

        self._eval_prompt(prompt)
        logits = self._last_logits()
        yes, no = self._yes_no_tokens
        top = logits.max()
        mass_yes = float(np.exp(logits[yes] - top).sum())
        mass_no = float(np.exp(logits[no] - top).sum())
        return mass_yes / (mass_yes + mass_no) if mass_yes + mass_no > 0 else 0.5

    @cached_property
    def _yes_no_tokens(self) -> tuple[list[int], list[int]]:
        """The first token of each spelling of « oui » and « non » (capitalised, after a space)."""

        def first_tokens(words: tuple[str, ...]) -> list[int]:
            ids = {self.llm.tokenize(w.encode(), add_bos=False, special=False)[0] for w in words}
            return sorted(ids)

        yes = first_tokens(("oui", "Oui", " oui", " Oui", "OUI", "yes", "Yes"))
        no = first_tokens(("non", "Non", " non", " Non", "NON", "no", "No"))
        return [t for t in yes if t not in no], [t for t in no if t not in yes]

    def _eval_prompt(self, prompt: Prompt) -> None:
        self._eval_reusing_prefix(
            self.llm.tokenize(self._prompt_text(prompt).encode("utf-8"), add_bos=True, special=True)
        )

    def _last_logits(self):  # type: ignore[no-untyped-def]
        """The next-token logits after the last evaluation, as float64 (`Llama.scores` stays zero without
        `logits_all`)."""
        import numpy as np

        llm = self.llm
        return np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),)).astype(np.float64)

    def _eval_reusing_prefix(self, tokens: list[int]) -> None:
        """Keep the KV cache of the prompt prefix shared with the previous call (the system prompt), as
        llama-cpp-python's own generate() does, and evaluate only the rest."""
        llm = self.llm
        prefix = llm.longest_token_prefix(llm.input_ids[: llm.n_tokens], tokens)
        reuse = min(prefix, len(tokens) - 1)  # at least one token is evaluated, to get fresh logits
        if reuse > 0 and llm._ctx.kv_cache_seq_rm(-1, reuse, -1):
            llm.n_tokens = reuse
            llm.eval(tokens[reuse:])
        else:
            llm.reset()
            llm.eval(tokens)

    @cached_property
    def _stop_tokens(self) -> set[int]:
        """End of generation: the model's EOS and the end-of-turn tokens of the common chat formats it knows."""
        ids = {self.llm.token_eos()}
        for piece in ("<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<end_of_turn>"):
            found = self.llm.tokenize(piece.encode(), add_bos=False, special=True)
            if len(found) == 1:
                ids.add(found[0])
        return ids


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
