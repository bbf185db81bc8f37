"""End-to-end time per question: whole passages (as before issue 13) against the sentence windows, with and
without the system message's KV cache kept aside between answers and judge calls, in one process.

    python bench/speed.py [--set eval/sitiv.jsonl] [--index index] [--profile quality] [--stride N]

The settings share the loaded models; each question goes through all of them, in an order that rotates, so
machine noise falls on all. Memo off (every answer is generated). Printed: median retrieval + generation +
verification per question for each setting and the ratio to the first, and the issue's yardstick measured in
the same run: plain llama.cpp on the same GGUF, a 1,300-token prompt and 48 greedy tokens (cold cache), so the
ratio does not depend on the machine's speed. `--stride 2` takes every other question.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from assistant.config import load_settings
from assistant.evaluate.dataset import read_eval_set
from assistant.models.llama_cpp import LlamaCppGenerator
from assistant.pipeline.factory import build_assistant

ROOT = Path(__file__).resolve().parents[1]


def yardstick(generator: LlamaCppGenerator, prompt_tokens: int = 1300, new_tokens: int = 48) -> float:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt")))
    tokens = generator.llm.tokenize(text.encode("utf-8"), add_bos=True)[:prompt_tokens]
    generator.llm.reset()
    started = time.perf_counter()
    generator.llm.create_completion(generator.llm.detokenize(tokens).decode("utf-8", "ignore"),
                                    max_tokens=new_tokens, temperature=0.0, top_k=1)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, default=ROOT / "eval" / "sitiv.jsonl")
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    parser.add_argument("--profile", default="quality")
    parser.add_argument("--stride", type=int, default=1)
    args = parser.parse_args()
    new = build_assistant(load_settings(profile=args.profile, index_dir=args.index, memo="off"))
    old = new.derive(context_chars=0)
    generator = new.generator
    assert isinstance(generator, LlamaCppGenerator), "llama.cpp generator expected"
    items = read_eval_set(args.set)[:: args.stride]
    new.ask(items[0].question)  # models loaded: no setting pays for it
    arms = [("whole passages", old, False), ("sentence windows", new, False),
            ("sentence windows, system prompt kept", new, True)]
    times: dict[str, list[float]] = {name: [] for name, _, _ in arms}
    for i, item in enumerate(items):
        for name, assistant, keep in arms[i % 3 :] + arms[: i % 3]:
            generator.keep_system = keep
            answer = assistant.ask(item.question)
            times[name].append(sum(answer.timings_ms.get(k, 0.0) for k in ("retrieve", "generate", "verify")) / 1000)
    plain = statistics.median(yardstick(generator) for _ in range(3))
    base = statistics.median(times[arms[0][0]])
    print(f"{len(items)} questions of {args.set}, {generator.name}, judge {new.settings.wants_judge()}")
    print(f"yardstick (plain llama.cpp, 1,300-token prompt + 48 greedy tokens): {plain:.1f} s")
    print("| setting | median s per question | ratio to the first | ratio to yardstick |")
    print("| --- | --- | --- | --- |")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.2f} | {median / base:.2f} | {median / plain:.2f} |")


if __name__ == "__main__":
    main()
