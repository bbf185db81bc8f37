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
from .lookup import LookupParams, draft_tokens

# llama-cpp-python's defaults for the repeat penalty, which the greedy loop below reproduces exactly.
REPEAT_PENALTY = 1.1
PENALTY_LAST_N = 64
# Logit lead under which a greedy choice is not taken on batch-computed state: the batched stretch is evaluated
# again one token at a time first (batched and single logits of the same position differ by a few hundredths).
NEAR_TIE = 0.5
# Kept messages set aside at most (`_keep_prefix`): the answer's system message, and per language the judge's
# claims, premises (French: another wording), « does it answer? » and short answer make 8 with French and
# English texts; the rest is room for other system messages. A few MB to 20 MB each.
KEPT_PREFIXES = 12


class LlamaCppGenerator:
    """A local GGUF through llama-cpp-python; uses the model's chat template, or a few-shot completion prompt
    for base models that have none."""

    def __init__(
        self, path: Path, name: str, n_ctx: int = 4096, threads: int = 0, lookup: LookupParams | None = None
    ) -> None:
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
                flash_attn=True,  # prompt processing 182 vs 169 tokens/s on 2 cores (1,000 tokens, 1.5B)
            )
        self.name = name
        self.path = Path(path)
        self.lookup = lookup  # prompt-lookup drafting for greedy answers; None: one token per step
        self.draft_stats = [0, 0]  # tokens drafted, drafted tokens kept (bench/speculative.py reads them)
        # The kept messages' KV cells (system message, a judge's worked examples) set aside between prompts
        # (`_eval_from_kept`). Off, a prompt is evaluated in one piece, exactly as llama.cpp's own generate()
        # does (the byte-identity test needs it: two splits of the same prompt can tip a near tie).
        self.keep_system = True
        self._kept_lengths: dict[tuple[tuple[str, str], ...], int] = {}
        self._kept_prefixes: dict[tuple[int, ...], bytes] = {}

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def context_length(self) -> int:
        return int(self.llm.n_ctx())

    def prompt_tokens(self, prompt: Prompt) -> int:
        if self.has_chat_template:
            return chat_prompt_tokens(prompt.messages, self.count_tokens)
        return self.count_tokens(prompt.completion)

    def generate(self, prompt: Prompt, options: GenerationOptions) -> Iterator[str]:
        """Greedy answers go through our own loop (the same text as llama.cpp's sampler, tested; it keeps the
        system message's KV cache between answers and judge calls, and can take prompt-lookup drafts); sampled
        ones and base models without a chat template through llama.cpp's own."""
        if options.temperature == 0 and self.has_chat_template:
            yield from self.generate_greedy(prompt, options.max_tokens, self.lookup)
            return
        yield from self.generate_native(prompt, options)

    def generate_native(self, prompt: Prompt, options: GenerationOptions) -> Iterator[str]:
        """llama-cpp-python's own completion path and sampler (top-k, repeat penalty, seed)."""
        self.llm.set_seed(options.seed)
        common = dict(
            max_tokens=options.max_tokens,
            temperature=options.temperature,
            seed=options.seed,
            top_k=1 if options.temperature == 0 else 40,
            repeat_penalty=REPEAT_PENALTY,
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

    def generate_greedy(self, prompt: Prompt, max_tokens: int, lookup: LookupParams | None) -> Iterator[str]:
        """Greedy decoding as llama.cpp's sampler does it (repeat penalty over the last 64 generated tokens,
        first maximum), optionally checking a prompt-lookup draft per step: the draft and the token before it
        are evaluated in one batch with logits for every position, the draft is kept up to the first token the
        model would not have chosen, and the rest is removed from the KV cache.

        A batch computes in another order than one token at a time, so its logits, and the KV cells it leaves,
        differ by a few hundredths: a near tie between the two best tokens could go the other way. No close
        decision is taken on that footing: the tokens evaluated in a batch since the last clean point are
        evaluated again one by one first, which gives the state of plain decoding, hence its text
        (tests/integration/test_speculative.py)."""
        import codecs

        llm = self.llm
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        stops = self._stop_tokens
        context = self._eval_prompt(prompt)
        logits = self._last_logits().astype("float32")
        batched_from: int | None = None  # first position whose KV cells came from a batch of several tokens
        generated: list[int] = []

        def take(chosen: int) -> str:
            generated.append(chosen)
            context.append(chosen)
            return decoder.decode(llm.detokenize([chosen]))

        while len(generated) < max_tokens:
            token, margin = _greedy(logits, generated)
            if batched_from is not None and margin < NEAR_TIE:
                redo = context[batched_from:]
                self._truncate(batched_from)
                for again in redo:
                    logits = self._eval_rows([again])[0]
                batched_from = None
                continue
            if token in stops:
                return
            if text := take(token):
                yield text
            if len(generated) == max_tokens:
                return
            draft = draft_tokens(context, lookup)[: max_tokens - len(generated)] if lookup else []
            self.draft_stats[0] += len(draft)
            base = llm.n_tokens
            rows = self._eval_rows([token, *draft])
            if draft and batched_from is None:
                batched_from = base
            accepted = 0
            for j, guess in enumerate(draft):
                choice, margin = _greedy(rows[j], generated)
                if margin < NEAR_TIE or choice != guess or guess in stops:
                    break
                accepted += 1
                self.draft_stats[1] += 1
                if text := take(guess):
                    yield text
            logits = rows[accepted]
            if accepted < len(draft):  # the rejected guesses leave the cache
                self._truncate(base + 1 + accepted)

    def _truncate(self, n_tokens: int) -> None:
        self.llm.n_tokens = n_tokens
        self.llm._ctx.kv_cache_seq_rm(-1, n_tokens, -1)

    def _eval_rows(self, tokens: list[int]):  # type: ignore[no-untyped-def]
        """Evaluate a few tokens after the current state, with logits for each (`Llama.eval` keeps only the
        last unless `logits_all`, which would also keep them for every prompt token)."""
        import numpy as np

        llm = self.llm
        n_past = llm.n_tokens
        llm._ctx.kv_cache_seq_rm(-1, n_past, -1)
        llm._batch.set_batch(batch=tokens, n_past=n_past, logits_all=True)
        llm._ctx.decode(llm._batch)
        llm.input_ids[n_past : n_past + len(tokens)] = tokens
        llm.n_tokens = n_past + len(tokens)
        rows = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(len(tokens), llm.n_vocab()))
        return rows.copy()

    def yes_probability(self, prompt: Prompt) -> float:
        """P(« oui ») against P(« non ») for the next token of the answer: the model as a yes/no judge. One
        prompt evaluation (its kept messages restored, `_eval_from_kept`), no generation."""
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

    def _eval_prompt(self, prompt: Prompt) -> list[int]:
        """Tokenise and evaluate a prompt; returns its tokens."""
        tokens = self.llm.tokenize(self._prompt_text(prompt).encode("utf-8"), add_bos=True, special=True)
        self._eval_from_kept(tokens, self._kept_length(prompt, tokens) if self.keep_system else 0)
        return tokens

    def _kept_length(self, prompt: Prompt, tokens: list[int]) -> int:
        """Tokens of the prompt's kept messages (the system message every answer, or every judge call, shares;
        the judge's worked examples)."""
        if not self.has_chat_template or prompt.messages[0]["role"] != "system":
            return 0
        kept = prompt.messages[: max(1, prompt.kept)]
        key = tuple((m["role"], m["content"]) for m in kept)
        if key not in self._kept_lengths:
            alone = self.llm.tokenize(
                self._chat_formatter(messages=kept).prompt.encode("utf-8"), add_bos=True, special=True
            )
            self._kept_lengths[key] = self.llm.longest_token_prefix(alone, tokens)
        return self._kept_lengths[key]

    def _last_logits(self):  # type: ignore[no-untyped-def]
        """The next-token logits after the last evaluation, as float64 (`Llama.scores` stays zero without
        `logits_all`)."""
        import numpy as np

        llm = self.llm
        return np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),)).astype(np.float64)

    def _eval_from_kept(self, tokens: list[int], keep: int = 0) -> None:
        """Evaluate a prompt from the same start whatever was evaluated before: its first `keep` tokens (the system
        message, a judge's worked examples) restored from the copy kept aside the first time, evaluated from an
        empty cache, and the rest in one piece. Answers and judge calls alternate, and each would otherwise
        evaluate its kept messages again after the other's (bench/README.md, « Speed »). Reusing whatever prefix
        the previous prompt shared saved a few more tokens, but a prompt split at another place rounds otherwise,
        and that tips near ties of greedy decoding: the same question got another answer after other questions
        (8 of 52 sitiv answers moved when only the judge's prompts had changed)."""
        llm = self.llm
        key = tuple(tokens[:keep]) if 0 < keep < len(tokens) else ()
        start = 0
        if key and key in self._kept_prefixes:
            start = keep if self._restore_prefix(key) else 0
        if start == 0:
            llm._ctx.kv_cache_clear()
            llm.reset()
            if key:
                llm.eval(tokens[:keep])
                self._keep_prefix(key)
                start = keep
        llm.eval(tokens[start:])

    def _keep_prefix(self, key: tuple[int, ...]) -> None:
        """The KV cells of the current sequence (exactly `key`), copied aside: a few MB for a system prompt."""
        import ctypes

        import llama_cpp

        ctx = self.llm._ctx.ctx
        size = llama_cpp.llama_state_seq_get_size(ctx, 0)
        buffer = (ctypes.c_uint8 * size)()
        written = llama_cpp.llama_state_seq_get_data(ctx, buffer, size, 0)
        if written and len(self._kept_prefixes) < KEPT_PREFIXES:
            self._kept_prefixes[key] = bytes(buffer[:written])

    def _restore_prefix(self, key: tuple[int, ...]) -> bool:
        import ctypes

        import llama_cpp

        llm = self.llm
        data = self._kept_prefixes[key]
        llm._ctx.kv_cache_clear()  # the copy is laid from the first cell, as it was evaluated
        buffer = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
        if llama_cpp.llama_state_seq_set_data(llm._ctx.ctx, buffer, len(data), 0) == 0:
            del self._kept_prefixes[key]  # refused: evaluated as if nothing were kept
            return False
        llm.input_ids[: len(key)] = key
        llm.n_tokens = len(key)
        return True

    @cached_property
    def _stop_tokens(self) -> set[int]:
        """End of generation: the model's EOS and the end-of-turn tokens of the common chat formats it knows."""
        ids = {self.llm.token_eos()}
        for piece in ("<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<end_of_turn>"):
            found = self.llm.tokenize(piece.encode(), add_bos=False, special=True)
            if len(found) == 1:
                ids.add(found[0])
        return ids


def _greedy(logits, generated: list[int]) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    """llama.cpp's penalties-then-greedy sampler: each token among the last 64 generated has its logit divided
    by the penalty (multiplied when negative), in float32; the first maximum wins. Also returns the lead of
    the winner over the runner-up."""
    import numpy as np

    penalised = logits.copy()
    recent = list(set(generated[-PENALTY_LAST_N:]))
    if recent:
        values = penalised[recent]
        penalised[recent] = np.where(values <= 0, values * np.float32(REPEAT_PENALTY),
                                     values / np.float32(REPEAT_PENALTY))
    token = int(np.argmax(penalised))
    best = penalised[token]
    penalised[token] = -np.inf
    return token, float(best - penalised.max())


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
