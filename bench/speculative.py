"""Prompt-lookup speculative decoding against llama.cpp's own greedy decoding, same prompts, same model.

    python bench/speculative.py --index index --set eval/sitiv.jsonl [--limit 12] [--profile quality]

For each question, the real answer prompt (retrieval and context selection as `ask`) is decoded three ways in
one process: llama.cpp's `create_chat_completion` at temperature 0 (the reference), our greedy loop one token
per step, and our greedy loop with prompt-lookup drafts (models/lookup.py). Each run starts from an empty KV
cache and is timed from its first token to its last: decoding only. Printed: whether each
text is byte-identical to the reference, tokens/s of each, and the ratio to the reference.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from assistant.answer.prompt import build_prompt
from assistant.config import load_settings
from assistant.evaluate.dataset import read_eval_set
from assistant.models.base import GenerationOptions
from assistant.models.llama_cpp import LlamaCppGenerator
from assistant.models.lookup import LookupParams
from assistant.pipeline.assistant import run_stages
from assistant.pipeline.factory import build_assistant
from assistant.pipeline.select import SelectContext
from assistant.pipeline.turn import Request, Turn


def timed(stream: Callable[[], Iterator[str]], generator: LlamaCppGenerator) -> tuple[str, int, float]:
    """Decoding time only: from the first piece (the prompt evaluated) to the last; the KV cache starts empty
    for every run, so the prompt is evaluated the same way each time."""
    generator.llm.reset()
    pieces, first = [], 0.0
    for piece in stream():
        first = first or time.perf_counter()
        pieces.append(piece)
    text = "".join(pieces)
    return text, max(0, generator.count_tokens(text) - 1), time.perf_counter() - first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--set", type=Path, default=Path("eval/sitiv.jsonl"))
    parser.add_argument("--profile", default="quality")
    parser.add_argument("--limit", type=int, default=12)
    parser.add_argument("--max-tokens", type=int, default=256)
    args = parser.parse_args()
    assistant = build_assistant(load_settings(profile=args.profile, index_dir=args.index))
    generator = assistant.generator
    assert isinstance(generator, LlamaCppGenerator), "llama.cpp generator expected"
    items = [i for i in read_eval_set(args.set) if i.answerable][: args.limit]
    options = GenerationOptions(max_tokens=args.max_tokens, temperature=0.0)
    totals = {"llama.cpp": [0, 0.0], "greedy loop": [0, 0.0], "prompt lookup": [0, 0.0]}
    identical = {"greedy loop": 0, "prompt lookup": 0}
    lookup = LookupParams()
    generator.keep_system = False  # every run evaluates its prompt in one piece, as llama.cpp's own path does
    print(f"{len(items)} questions of {args.set}, {generator.name}, max {args.max_tokens} tokens")
    for item in items:
        turn = Turn(Request(question=item.question, query=item.question, k=5))
        turn = run_stages(turn, assistant.res, (*assistant.retrieval_stages, SelectContext()), {})
        prompt = build_prompt(item.question, turn.passages)
        runs = {
            "llama.cpp": timed(partial(generator.generate_native, prompt, options), generator),
            "greedy loop": timed(partial(generator.generate_greedy, prompt, args.max_tokens, None), generator),
            "prompt lookup": timed(partial(generator.generate_greedy, prompt, args.max_tokens, lookup), generator),
        }
        reference = runs["llama.cpp"][0]
        for name, (text, tokens, seconds) in runs.items():
            totals[name][0] += tokens
            totals[name][1] += seconds
            if name in identical:
                identical[name] += text == reference
        rates = " ".join(f"{n} {t / s:.1f}" for n, (_, t, s) in runs.items())
        print(f"- {item.id}: {runs['llama.cpp'][1]} tokens; tokens/s {rates}; "
              f"same text {runs['greedy loop'][0] == reference}/{runs['prompt lookup'][0] == reference}")
    base = totals["llama.cpp"][0] / totals["llama.cpp"][1]
    print("| decoding | tokens/s | ratio to llama.cpp | byte-identical texts |")
    print("| --- | --- | --- | --- |")
    for name, (tokens, seconds) in totals.items():
        same = f"{identical[name]}/{len(items)}" if name in identical else "(reference)"
        print(f"| {name} | {tokens / seconds:.1f} | {tokens / seconds / base:.2f} | {same} |")


if __name__ == "__main__":
    main()
