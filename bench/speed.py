"""End-to-end time per question, today's context (whole passages) against the sentence windows, in one process.

    python bench/speed.py [--set eval/sitiv.jsonl] [--index index] [--profile quality] [--limit N]

Both settings share the loaded models; questions alternate between them so machine noise falls on both. Memo
off (every answer is generated). Printed: median retrieval + generation + verification per question for each
setting and their ratio, and the issue's yardstick measured in the same run: plain llama.cpp on the same GGUF,
a 1,300-token prompt and 48 greedy tokens (cold cache), so the ratio does not depend on the machine's speed.
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
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    new = build_assistant(load_settings(profile=args.profile, index_dir=args.index, memo="off"))
    old = new.derive(context_chars=0)
    items = read_eval_set(args.set)[: args.limit or None]
    new.ask(items[0].question)  # models loaded, system prompt cached: neither setting pays for it
    times: dict[str, list[float]] = {"whole passages": [], "sentence windows": []}
    for i, item in enumerate(items):
        order = [("whole passages", old), ("sentence windows", new)]
        for name, assistant in order if i % 2 == 0 else order[::-1]:
            answer = assistant.ask(item.question)
            times[name].append(sum(answer.timings_ms.get(k, 0.0) for k in ("retrieve", "generate", "verify")) / 1000)
    generator = new.generator
    assert isinstance(generator, LlamaCppGenerator), "llama.cpp generator expected"
    plain = statistics.median(yardstick(generator) for _ in range(3))
    base = statistics.median(times["whole passages"])
    print(f"{len(items)} questions of {args.set}, {generator.name}, judge {new.settings.wants_judge()}")
    print(f"yardstick (plain llama.cpp, 1,300-token prompt + 48 greedy tokens): {plain:.1f} s")
    print("| setting | median s per question | ratio to whole passages | ratio to yardstick |")
    print("| --- | --- | --- | --- |")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.1f} | {median / base:.2f} | {median / plain:.2f} |")


if __name__ == "__main__":
    main()
