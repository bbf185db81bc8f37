"""Two signals from the answering model itself, measured over the stored answers of eval runs (not shipped).

    python bench/model_signals.py quote REPORT --index DIR [--variant instruction|form|example] [--limit N]
    python bench/model_signals.py refusal REPORT --index DIR [--quote] [--limit N]

`quote`: the issue's « prompts that make the model quote then answer ». Each question is answered again over
the passages the run retrieved (same prompt, another system message asking for the passage sentence first,
copied between « »), then the product's stages after generation are replayed on that text (bench/honesty.py's
`replay`), as the whole answer and with the quotation dropped. Prints the metrics of `assistant eval` and how
the model followed the instruction (quotations written, copied word for word, its own refusals).

`refusal`: how likely the model was to open its answer with the refusal sentence — the product of the
probabilities of that sentence's first three tokens after the answer prompt, read from the logits, not
sampled (the local llama.cpp generator only: it reads its logits). A soft version of « the model refused »,
which could tell the fallback when to rescue a quotation.
Prints its AUC (unanswerable vs answerable) and counts at a few bars. `--quote` also decodes with the tokens
restricted to the passage sentences (after « ), i.e. the sentence the model would copy, and counts those
holding the answer key.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from answers_judge import auc
from honesty import SHOWN, MemoJudge, line, replay, replayable

from assistant.answer.context import window_text
from assistant.answer.prompt import ABSTENTION, Prompt, build_prompt, template
from assistant.config import load_settings
from assistant.documents import Passage
from assistant.evaluate.metrics import answer_has_keys, compute_metrics
from assistant.models.base import GenerationOptions
from assistant.pipeline.factory import build_assistant
from assistant.text import split_sentences

# The shipped system message's first line (who answers, from what) and last (when to refuse) frame each variant.
_HEAD = template("system").strip().splitlines()[0] + "\n"
_REFUSE = template("system").strip().splitlines()[-1]
VARIANTS = {
    "instruction": _HEAD + (
        "Recopie d'abord mot pour mot, entre guillemets « », la phrase du passage qui contient la réponse, suivie "
        "du numéro du passage entre crochets, par exemple [2]. Puis réponds à la question en une phrase, suivie du "
        "même numéro entre crochets. Reprends les noms, chiffres et dates tels qu'ils figurent dans les passages.\n"
    ) + _REFUSE,
    "form": _HEAD + (
        "Réponds exactement sous cette forme :\n"
        "Citation : « la phrase du passage qui contient la réponse, recopiée mot pour mot » [numéro du passage]\n"
        "Réponse : ta réponse en une phrase [numéro du passage]\n"
        "Reprends les noms, chiffres et dates tels qu'ils figurent dans les passages. "
    ) + _REFUSE,
    "example": _HEAD + (
        "Recopie d'abord entre « » la phrase du passage qui contient la réponse, avec le numéro du passage, puis "
        "réponds en une phrase. Reprends les noms, chiffres et dates tels qu'ils figurent dans les passages.\n"
        "Exemple. Question : Quand la piscine ouvre-t-elle ?\n"
        "« Après deux ans de travaux, la piscine municipale rouvrira ses portes le 3 mai. » [2]\n"
        "La piscine ouvre le 3 mai. [2]\n"
    ) + _REFUSE,
}
_QUOTE = re.compile(r"^\s*(?:Citation\s*:\s*)?[«\"“](.+?)[»\"”]\s*(\[\d+\])?\s*", re.S)


def _rows(report: Path, limit: int) -> list[dict[str, Any]]:
    return replayable(json.loads(report.read_text(encoding="utf-8"))["items"])[:limit]


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


def quote(args: argparse.Namespace) -> None:
    rows = _rows(args.report, args.limit)
    base = build_assistant(load_settings(profile=args.profile, index_dir=args.index, judge="on", memo="off"))
    generator = base.generator
    judge = MemoJudge(generator)
    assistant = base.derive(generator_factory=lambda: judge, generator_name=base.model_names.get("generator", ""))
    whole, dropped, seen, seconds = [], [], [], []
    for r in rows:
        raw = r["raw_answer"]
        if raw:  # "": refused before generation (premise, absent name); replayed as it is
            passages = [Passage.from_json(p) for p in r["passages"]]
            prompt = build_prompt(r["question"], passages)
            prompt = Prompt(messages=[{"role": "system", "content": VARIANTS[args.variant]}, prompt.messages[1]],
                            completion=prompt.completion)
            started = time.perf_counter()
            raw = "".join(generator.generate(prompt, GenerationOptions(max_tokens=256))).strip()
            seconds.append(time.perf_counter() - started)
        m = _QUOTE.match(raw)
        quoted = m.group(1) if m else ""
        rest = re.sub(r"^R[ée]ponse\s*:\s*", "", raw[m.end():].strip()) if m else raw
        keys = r.get("answer_keys") or []
        seen.append({"answerable": r["answerable"], "quoted": bool(quoted),
                     "verbatim": bool(quoted) and any(" ".join(quoted.split()) in " ".join(p["text"].split())
                                                      for p in r["passages"]),
                     "refused": ABSTENTION[:30] in raw, "key": answer_has_keys(raw, keys),
                     "key_before": answer_has_keys(r["raw_answer"], keys)})
        whole.append(replay({**r, "raw_answer": raw}, assistant, True))
        dropped.append(replay({**r, "raw_answer": rest or raw}, assistant, True))
    print(f"{args.report}: {len(rows)} answers, variant {args.variant}")
    print(f"{'variant':34s} " + " ".join(f"{k[:8]:>8s}" for k in SHOWN))
    print(line("the run (shipped prompt)", compute_metrics(rows, k=5)))
    print(line(f"{args.variant}: whole answer", compute_metrics(whole, k=5)))
    print(line(f"{args.variant}: quotation dropped", compute_metrics(dropped, k=5)))
    answerable = [s for s in seen if s["answerable"]]
    print(f"model's text holds the keys: {sum(s['key_before'] for s in answerable)} before, "
          f"{sum(s['key'] for s in answerable)} now, of {len(answerable)} answerable")
    print(f"model refuses: {sum(s['refused'] for s in answerable)} answerable, "
          f"{sum(s['refused'] for s in seen if not s['answerable'])} unanswerable")
    print(f"quotations written: {sum(s['quoted'] for s in seen)}, word for word: {sum(s['verbatim'] for s in seen)}")
    print(f"median generation {statistics.median(seconds or [0]):.2f} s")


def _constrained(generator: Any, candidates: list[list[int]], logits: np.ndarray) -> int:
    """Greedy among the tokens that continue some candidate, until one candidate is left."""
    alive, depth = list(range(len(candidates))), 0
    while len(alive) > 1:
        allowed = sorted({candidates[i][depth] for i in alive if depth < len(candidates[i])})
        if not allowed:
            break
        token = allowed[int(np.argmax(logits[allowed]))]
        alive = [i for i in alive if depth < len(candidates[i]) and candidates[i][depth] == token]
        logits = generator._eval_rows([token])[0].astype(np.float64)
        depth += 1
    return alive[0]


def refusal(args: argparse.Namespace) -> None:
    rows = _rows(args.report, args.limit)
    generator = build_assistant(load_settings(profile=args.profile, index_dir=args.index, memo="off")).generator
    llm = generator.llm
    opening = llm.tokenize(ABSTENTION.encode(), add_bos=False, special=False)[:3]
    found = []
    for r in rows:
        passages = [Passage.from_json(p) for p in r["passages"]]
        generator._eval_prompt(build_prompt(r["question"], passages))
        start, logits = llm.n_tokens, generator._last_logits()
        p, row = float(_softmax(logits)[opening[0]]), logits
        for before, token in itertools.pairwise(opening):  # the last token's continuation is not needed
            row = generator._eval_rows([before])[0].astype(np.float64)
            p *= float(_softmax(row)[token])
        item = {"answerable": r["answerable"], "p": p, "key": None}
        if args.quote and r["answerable"]:
            sentences = [" ".join(text[s:e].split()) for p_ in passages
                         for text in [window_text(p_.chunk.text, p_.windows)] for s, e in split_sentences(text)]
            sentences = [s for s in sentences if len(s) > 15]
            generator._truncate(start)
            choice = _constrained(generator, [llm.tokenize(f"« {s}".encode(), add_bos=False, special=False)
                                              for s in sentences], logits)
            keys = r.get("answer_keys") or []
            item["key"] = answer_has_keys(sentences[choice], keys)
            item["any_key"] = any(answer_has_keys(s, keys) for s in sentences)
        found.append(item)
    yes = [x["p"] for x in found if not x["answerable"]]
    no = [x["p"] for x in found if x["answerable"]]
    print(f"{args.report}: {len(no)} answerable, {len(yes)} unanswerable")
    unanswerable_higher = auc(yes + no, [True] * len(yes) + [False] * len(no))
    print(f"P(opens with the refusal): AUC (unanswerable higher) {unanswerable_higher:.3f}")
    for bar in (0.05, 0.1, 0.2, 0.3, 0.5):
        print(f"  >= {bar}: {sum(p >= bar for p in yes)}/{len(yes)} unanswerable, "
              f"{sum(p >= bar for p in no)}/{len(no)} answerable")
    if args.quote:
        with_key = [x for x in found if x["answerable"] and x["any_key"]]
        print(f"constrained quotation holds the key: {sum(x['key'] for x in with_key)}/{len(with_key)} "
              f"(answerable questions with a key sentence in the prompt)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("signal", choices=["quote", "refusal"])
    parser.add_argument("report", type=Path)
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--profile", default="quality")
    parser.add_argument("--variant", choices=sorted(VARIANTS), default="example")
    parser.add_argument("--quote", action="store_true", help="refusal: also the sentence the model would copy")
    parser.add_argument("--limit", type=int, default=10**6)
    args = parser.parse_args()
    (quote if args.signal == "quote" else refusal)(args)


if __name__ == "__main__":
    main()
