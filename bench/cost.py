"""Where an answer's time goes: what the prompt's tokens are, and what the judge reads, stage by stage.

    python bench/cost.py [--set eval/sitiv.jsonl] [--index index] [--profile quality] [--stride N]

Part 1, no generation: for each question, the prompt the model reads at the default settings (passages
retrieved, sentence windows chosen as `ask` does) split into the system message (kept in the KV cache between
answers), the passages' tags and titles (and how many of those title tokens repeat a title already given),
the passages' text, and the rest (question, chat template). On two cores every evaluated token costs about
5.5 ms, so this says what a shorter prompt format could save before any model is run.
Part 2, the whole pipeline with the outputs memo off: every judge reading, attributed to the stage that asked
for it (premise, claim verification, « does it answer? », the fallback's quotations), with its prompt tokens and
seconds, beside the median time per question. Nothing here changes the product; it measures the floor that
issue 13's targets are read against (bench/README.md, « Speed »).
"""

from __future__ import annotations

import argparse
import collections
import inspect
import re
import statistics
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.answer.context import ContextParams, lexical_scores, select_context, sentence_spans, window_text
from assistant.answer.prompt import Prompt, build_prompt, format_passage
from assistant.config import load_settings
from assistant.evaluate.dataset import read_eval_set
from assistant.pipeline.factory import build_assistant

ROOT = Path(__file__).resolve().parents[1]


def prompt_parts(assistant: Any, question: str, k: int) -> dict[str, int]:
    s, generator = assistant.settings, assistant.generator
    passages = assistant.search(question, k=k)
    texts = [p.chunk.text for p in passages]
    spans = sentence_spans(texts)
    if s.context_chars:
        params = ContextParams(budget=s.context_chars, whole=s.context_whole)
        windows = select_context(texts, spans, lexical_scores(question, texts, spans, assistant.bm25.idf), params)
        passages = [replace(p, windows=w) for p, w in zip(passages, windows, strict=True)]
    prompt = build_prompt(question, passages)
    blocks = [format_passage(p) for p in passages]
    text = sum(generator.count_tokens(window_text(p.chunk.text, p.windows)) for p in passages)
    tags = sum(generator.count_tokens(b) for b in blocks) - text
    sources = [re.search(r'source="([^"]*)"', b).group(1) for b in blocks]  # type: ignore[union-attr]
    repeated = sum(generator.count_tokens(x) for i, x in enumerate(sources) if x in sources[:i])
    total = generator.prompt_tokens(prompt)
    system = generator.prompt_tokens(Prompt(messages=prompt.messages[:1], completion=""))
    return {"total": total, "system (kept)": system, "passage tags and titles": tags,
            "  of which repeated titles": repeated, "passage text": text,
            "question and template": total - system - tags - text}


def _asking_stage(frame: Any, depth: int = 8) -> str:
    """The pipeline module nearest up the stack (frames walked, not `inspect.stack()`, which reads every
    caller's source lines inside the timed question)."""
    for _ in range(depth):
        frame = frame and frame.f_back
        if frame is None:
            break
        if "/pipeline/" in frame.f_code.co_filename:
            return Path(frame.f_code.co_filename).stem
    return "?"


class StageLog:
    """Wraps the generator's `yes_probability`: which pipeline stage asked, prompt tokens, seconds."""

    def __init__(self, generator: Any) -> None:
        self.generator, self.read = generator, generator.yes_probability
        self.rows: list[tuple[str, int, float]] = []
        generator.yes_probability = self

    def __call__(self, prompt: Prompt) -> float:
        stage = _asking_stage(inspect.currentframe())
        started = time.perf_counter()
        p = self.read(prompt)
        self.rows.append((stage, self.generator.prompt_tokens(prompt), time.perf_counter() - started))
        return p


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, default=ROOT / "eval" / "sitiv.jsonl")
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    parser.add_argument("--profile", default="quality")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--stride", type=int, default=1, help="every Nth question")
    parser.add_argument("--prompt-only", action="store_true", help="part 1 only (no generation)")
    args = parser.parse_args()
    assistant = build_assistant(load_settings(profile=args.profile, index_dir=args.index, memo="off"))
    items = list(read_eval_set(args.set))[:: args.stride]
    parts = [prompt_parts(assistant, item.question, args.k) for item in items]
    print(f"{len(items)} questions of {args.set}, k = {args.k}, tokens of {assistant.generator.name}")
    print("| prompt part | median tokens | mean tokens |\n| --- | --- | --- |")
    for name in parts[0]:
        print(f"| {name} | {statistics.median(p[name] for p in parts):.0f} "
              f"| {statistics.mean(p[name] for p in parts):.0f} |")
    if args.prompt_only:
        return
    log = StageLog(assistant.generator)
    seconds, per_question = [], []
    for item in items:
        first, started = len(log.rows), time.perf_counter()
        assistant.ask(item.question, k=args.k)
        seconds.append(time.perf_counter() - started)
        per_question.append(log.rows[first:])
    judged = [sum(s for _, _, s in rows) for rows in per_question]
    print(f"\nmedian s per question {statistics.median(seconds):.2f}, of which judge {statistics.median(judged):.2f} "
          f"(median of per-question sums); readings per question {statistics.mean(map(len, per_question)):.2f}")
    print("| stage | readings per question | median prompt tokens | median s per reading | share of judge time |")
    print("| --- | --- | --- | --- | --- |")
    by_stage: dict[str, list[tuple[int, float]]] = collections.defaultdict(list)
    for stage, tokens, s in log.rows:
        by_stage[stage].append((tokens, s))
    total = sum(s for _, _, s in log.rows) or 1.0
    for stage, rows in sorted(by_stage.items(), key=lambda x: -sum(s for _, s in x[1])):
        print(f"| {stage} | {len(rows) / len(items):.2f} | {statistics.median(t for t, _ in rows):.0f} "
              f"| {statistics.median(s for _, s in rows):.2f} | {sum(s for _, s in rows) / total:.2f} |")


if __name__ == "__main__":
    main()
