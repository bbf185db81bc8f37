"""Time to first token and generation speed of the default generator on a real 5-passage prompt.

    python bench/generation.py --index index [--profile quality] [--runs 3]

The prompt is the one `ask` builds for a question over the index (5 passages). Prints prompt tokens,
time to first token, generated tokens and tokens/s, per run and as the median.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from assistant.answer.prompt import build_prompt
from assistant.config import load_settings
from assistant.models.base import GenerationOptions
from assistant.pipeline.factory import build_assistant

QUESTIONS = [
    "Quand le syndicat emménage-t-il dans ses nouveaux locaux ?",
    "Combien de communes compte le SITIV ?",
    "Combien de cadres ont participé au séminaire sur la transition numérique ?",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--profile", default="quality")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    assistant = build_assistant(load_settings(profile=args.profile, index_dir=args.index, k=5))
    t0 = time.perf_counter()
    generator = assistant.generator
    print(f"generator {generator.name}, load {time.perf_counter() - t0:.1f} s")
    ttfts, speeds = [], []
    for run in range(args.runs):
        question = QUESTIONS[run % len(QUESTIONS)]
        prompt = build_prompt(question, assistant.search(question, k=5))
        n_prompt = generator.prompt_tokens(prompt)
        generator.llm.reset()  # no KV reuse between runs: measure a cold prompt
        t0 = time.perf_counter()
        first = None
        pieces = []
        for piece in generator.generate(prompt, GenerationOptions(max_tokens=128)):
            first = first or time.perf_counter()
            pieces.append(piece)
        end = time.perf_counter()
        n_gen = generator.count_tokens("".join(pieces))
        ttft = (first or end) - t0
        speed = (n_gen - 1) / (end - first) if first and n_gen > 1 and end > first else 0.0
        ttfts.append(ttft)
        speeds.append(speed)
        print(
            f"run {run}: prompt {n_prompt} tok, TTFT {ttft:.2f} s ({n_prompt / ttft:.0f} prompt tok/s), "
            f"{n_gen} tok generated at {speed:.1f} tok/s"
        )
    print(f"median TTFT {statistics.median(ttfts):.2f} s, median generation {statistics.median(speeds):.1f} tok/s")


if __name__ == "__main__":
    main()
