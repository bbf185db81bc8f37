"""Our generation path against llama.cpp's own figures for the same GGUF, thread count and prompts, in one run.

For each question: the 5-passage prompt `ask` builds, generated through LlamaCppGenerator.generate (streaming,
chat template, sampling settings of the product). llama.cpp times its own prompt evaluation and decoding
(`llama_perf_context`: t_p_eval_ms / n_p_eval, t_eval_ms / n_eval) — the hardware limit at this thread count;
we time the same run from the outside (wall clock around our iterator). Ratios ≥ 0.95 mean our Python layers
(chat formatting, streaming, detokenisation) cost less than 5 %.
Then the prompt cache: each question asked cold (KV cache cleared) and warm (after another question: the
shared system-prompt prefix is kept), time to first token and tokens evaluated.

    python bench/generation_limit.py --index index --profile quality [--max-tokens 96]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import llama_cpp

from assistant.answer.prompt import build_prompt
from assistant.config import load_settings
from assistant.models.base import GenerationOptions
from assistant.pipeline.factory import build_assistant

QUESTIONS = [
    "Quand le syndicat emménage-t-il dans ses nouveaux locaux ?",
    "Combien de communes compte le SITIV ?",
    "Quelles villes ont rejoint le SITIV en 2014 ?",
    "Que dit le président sur l'intelligence artificielle ?",
    "Combien de cadres ont participé au séminaire sur la transition numérique ?",
]


def perf(llm: llama_cpp.Llama) -> llama_cpp.llama_perf_context_data:
    return llama_cpp.llama_perf_context(llm._ctx.ctx)


def run(generator, prompt, options, cold: bool) -> dict[str, float]:  # type: ignore[no-untyped-def]
    llm = generator.llm
    if cold:
        llm.reset()
        llm._ctx.kv_cache_clear()
    llama_cpp.llama_perf_context_reset(llm._ctx.ctx)
    t0 = time.perf_counter()
    first, pieces = None, 0
    for _ in generator.generate(prompt, options):
        first = first or time.perf_counter()
        pieces += 1
    end = time.perf_counter()
    p = perf(llm)
    ttft = (first or end) - t0
    return {
        "ttft_s": ttft, "wall_decode_s": end - (first or end), "pieces": pieces,
        "n_p_eval": p.n_p_eval, "t_p_eval_s": p.t_p_eval_ms / 1000, "n_eval": p.n_eval, "t_eval_s": p.t_eval_ms / 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--profile", default="quality")
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument("--out", type=Path, default=Path("bench/out/generation_limit.json"))
    args = parser.parse_args()
    assistant = build_assistant(load_settings(profile=args.profile, index_dir=args.index))
    generator = assistant.generator
    options = GenerationOptions(max_tokens=args.max_tokens)
    prompts = [build_prompt(q, assistant.search(q, k=5)) for q in QUESTIONS]
    run(generator, prompts[0], options, cold=True)  # warm-up: page the weights in
    cold = [run(generator, p, options, cold=True) for p in prompts]
    warm = []
    for i, p in enumerate(prompts):
        run(generator, prompts[i - 1], options, cold=True)  # another question first: its prefix is in the KV cache
        warm.append(run(generator, p, options, cold=False))
    rows = []
    for c in cold:
        # Decode: llama.cpp's tokens/s vs ours over the same tokens; n_eval counts the sampled tokens, the first
        # of which lands within TTFT, so ours is measured from the first piece over n_eval - 1 tokens.
        ours_decode = (c["n_eval"] - 1) / c["wall_decode_s"] if c["wall_decode_s"] > 0 else float("nan")
        llama_decode = c["n_eval"] / c["t_eval_s"] if c["t_eval_s"] > 0 else float("nan")
        ours_prompt = c["n_p_eval"] / c["ttft_s"]
        llama_prompt = c["n_p_eval"] / c["t_p_eval_s"]
        rows.append({"prompt_tokens": c["n_p_eval"], "generated": c["n_eval"],
                     "llama_prompt_tok_s": round(llama_prompt, 1), "ours_prompt_tok_s": round(ours_prompt, 1),
                     "prompt_ratio": round(ours_prompt / llama_prompt, 3),
                     "llama_decode_tok_s": round(llama_decode, 2), "ours_decode_tok_s": round(ours_decode, 2),
                     "decode_ratio": round(ours_decode / llama_decode, 3), "ttft_cold_s": round(c["ttft_s"], 2)})
        print(json.dumps(rows[-1]))
    summary = {
        "generator": generator.name, "threads": generator.llm.context_params.n_threads,
        "median_prompt_ratio": statistics.median(r["prompt_ratio"] for r in rows),
        "median_decode_ratio": statistics.median(r["decode_ratio"] for r in rows),
        "median_ttft_cold_s": round(statistics.median(c["ttft_s"] for c in cold), 2),
        "median_ttft_warm_s": round(statistics.median(w["ttft_s"] for w in warm), 2),
        "median_prompt_tokens_evaluated_cold": statistics.median(c["n_p_eval"] for c in cold),
        "median_prompt_tokens_evaluated_warm": statistics.median(w["n_p_eval"] for w in warm),
    }
    print(json.dumps(summary, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "rows": rows, "cold": cold, "warm": warm}, indent=1), "utf-8")


if __name__ == "__main__":
    main()
