"""Replay the honesty stages (premise, judge, relevance, fallback) over the stored answers of eval runs.

    python bench/honesty.py /tmp/sitiv-run/report.json --index index
        [--grid | --grid rescue | --grid short | --grid answers]
        [--window 1 0]

Generation is deterministic and does not depend on what follows it, so the raw answers of a run (`raw_answer`,
with its passages) are checked again by the product's own stages without generating anything: the premise
check, the names the passages lack, verification with the judge, the « does it answer? » check and the
fallback. The judge's P(oui) values are kept by prompt, so `--grid` sweeps the judge thresholds at no extra
model cost. Metrics are computed by the same function as `assistant eval`. A premise found unsupported, or a
name or number of the question in no passage, would have skipped generation: that row is replayed as the
product would have answered it. `--window 1 0` replays with each claim window in turn (the judge reads each
from an empty memo, so their seconds and prompt tokens compare); the outputs memo is off. The second reading of
a question the model refused (`pipeline/reread.py`) generates, so it is not replayed: such a question stays
refused here unless a quotation answers (a run's `rereads` count says how many it changed; `bench/reread.py`).
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from assistant.answer.prompt import Prompt
from assistant.config import load_settings
from assistant.documents import Passage
from assistant.evaluate.metrics import answer_has_keys, compute_metrics
from assistant.models.base import GenerationOptions
from assistant.pipeline.absent import AbsentTerms
from assistant.pipeline.assistant import run_stages
from assistant.pipeline.factory import build_assistant
from assistant.pipeline.fallback import Fallback
from assistant.pipeline.premise import Premise
from assistant.pipeline.relevance import Relevance
from assistant.pipeline.turn import Request, Turn
from assistant.pipeline.verify import Verify
from assistant.verify.judge import DEFAULT_JUDGE, JudgeParams

SHOWN = ("abstention_recall", "false_abstention_rate", "hallucination_rate", "faithfulness",
         "shown_citation_precision", "answer_key_recall", "premise_named", "premise_false_alarm")


class MemoJudge:
    """The generator's judge, each prompt read once (a grid replays the same prompts)."""

    def __init__(self, generator: Any) -> None:
        self.generator = generator
        self.name = generator.name
        self.memo: dict[str, Any] = {}
        self.seconds = 0.0
        self.tokens: list[int] = []  # prompt tokens of each reading (what it costs: ~180 tokens/s on 2 cores)

    def _once(self, key: str, prompt: Prompt, compute: Callable[[], Any]) -> Any:
        """`compute()` the first time `key` is read, timed and its prompt tokens counted; kept after."""
        if key not in self.memo:
            started = time.perf_counter()
            self.memo[key] = compute()
            self.seconds += time.perf_counter() - started
            self.tokens.append(self.generator.prompt_tokens(prompt))
        return self.memo[key]

    def yes_probability(self, prompt: Prompt) -> float:
        return self._once(prompt.completion, prompt, lambda: self.generator.yes_probability(prompt))

    def generate(self, prompt: Prompt, options: GenerationOptions) -> Iterator[str]:
        """The short answers the fallback asks for near its bar, each read once too."""
        yield self._once(f"generate {options.max_tokens}\n{prompt.completion}", prompt,
                         lambda: "".join(self.generator.generate(prompt, options)))


def replayable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of a stored run its stages can be replayed on: answered without error, the model's text kept."""
    return [r for r in rows if r.get("status") == "ok" and r.get("raw_answer") is not None]


class WordsRelevance(Relevance):
    """« Does it answer? » read on the model's own supported sentences, as before the fifteenth pass (bar 0.1
    then); the product reads the passage sentences they rest on (`relevance.rests_on`). For comparison only."""

    def reads(self, verification: Any, passages: Any, said: str) -> tuple[str, str]:
        return said, ""


def stored_run(description: str) -> tuple[Path, list[dict[str, Any]], Any]:
    """The command line of a bench over a stored run (`REPORT [--index DIR]`): the report's path, its replayable
    rows, and the quality assistant that reads them (judge on, outputs memo off)."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path)
    parser.add_argument("--index", type=Path, default=Path("index"))
    args = parser.parse_args()
    rows = replayable(json.loads(args.report.read_text(encoding="utf-8"))["items"])
    return args.report, rows, build_assistant(load_settings(profile="quality", index_dir=args.index, judge="on",
                                                            memo="off"))


def stored_turn(row: dict[str, Any]) -> Turn:
    """A stored answer as the turn the stages after generation receive: its question, passages and raw text."""
    passages = [Passage.from_json(p) for p in row["passages"]]
    return Turn(Request(question=row["question"], query=row["question"], k=len(passages)), passages=passages,
                raw=row["raw_answer"])


def replay(row: dict[str, Any], assistant: Any, judge_on: bool, relevance: Relevance | None = None) -> dict[str, Any]:
    turn = stored_turn(row)
    stages = ((Premise(), AbsentTerms(), Verify(), relevance or Relevance(), Fallback()) if judge_on
              else (AbsentTerms(), Verify(), Fallback()))
    turn = run_stages(turn, assistant.res, stages, {})
    v = turn.verification
    return {
        **row,
        "answer": turn.shown,
        "abstained": turn.abstained,
        "premise": turn.premise,
        "guard": turn.guard,
        "off_topic": turn.off_topic,
        "sentences": [asdict(s) for s in v.sentences] if v else [],
        "citations": [asdict(c) for c in v.citations] if v else [],
        "answer_keys_ok": not turn.abstained and answer_has_keys(turn.shown, row.get("answer_keys") or []),
    }


def line(label: str, metrics: dict[str, float | None]) -> str:
    return f"{label:34s} " + " ".join(f"{'—':>8s}" if metrics[k] is None else f"{metrics[k]:8.3f}" for k in SHOWN)


# (weight, floor, threshold) of a French claim's mix: the shipped rule, then the best on the 271 labels' readings
# with the threshold alone moved, with the weight too, and the best of all (bench/README.md, twentieth pass).
MIX_RULES = ((0.5, 0.1, 0.5), (0.5, 0.1, 0.52), (0.4, 0.1, 0.54), (0.4, 0.2, 0.54))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path)
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--profile", default="quality")
    parser.add_argument("--grid", nargs="?", const="all", choices=["all", "rescue", "short", "answers", "mix"],
                        default=None,
                        help="sweep the judge thresholds (all), the echoed rescue bar (rescue), the rescue bars "
                             "with and without the short answer (short), the « does it answer? » bar read on "
                             "what the answer rests on and on the model's words (answers), or how a claim's "
                             "P(oui) is mixed with the cheap score (mix: the rules bench/judge_mix.py ranks "
                             "first on the labels' readings of bench/evidence_reads.py --out)")
    parser.add_argument("--out", type=Path, default=None, help="write the replayed rows (JSONL; the last --window's)")
    parser.add_argument("--window", type=int, nargs="+", default=[DEFAULT_JUDGE.window],
                        help="passage sentences the judge reads on each side of the aligned ones (several: compared)")
    args = parser.parse_args()
    report = json.loads(args.report.read_text(encoding="utf-8"))
    rows = replayable(report["items"])
    base = build_assistant(load_settings(profile=args.profile, index_dir=args.index, judge="on", memo="off"))
    judge = MemoJudge(base.generator)
    assistant = base.derive(generator_factory=lambda: judge, generator_name=base.model_names.get("generator", ""))
    off = base.derive(judge="off")
    print(f"{args.report}: {len(rows)} answers; judge {judge.name}")
    print(f"{'variant':34s} " + " ".join(f"{k[:8]:>8s}" for k in SHOWN))
    print(line("word overlap + cosine (no judge)", compute_metrics([replay(r, off, False) for r in rows], k=5)))
    for window in args.window:  # each from an empty memo: the judge's seconds compare
        judge.memo.clear()
        judge.seconds = 0.0
        judge.tokens.clear()
        assistant.res.judge_params = replace(DEFAULT_JUDGE, window=window)
        started = time.perf_counter()
        replayed = [replay(r, assistant, True) for r in rows]
        label = "with the judge (defaults)" if window == DEFAULT_JUDGE.window else f"with the judge, window {window}"
        print(line(label, compute_metrics(replayed, k=5)))
        print(f"judge: {len(judge.memo)} prompts read (median {statistics.median(judge.tokens or [0]):.0f} "
              f"tokens), {judge.seconds / max(1, len(rows)):.2f} s per question "
              f"(replay {time.perf_counter() - started:.0f} s)")
    assistant.res.judge_params = DEFAULT_JUDGE
    if args.out:
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in replayed), encoding="utf-8")
    if not args.grid:
        return
    if args.grid == "answers":
        for relevance, reads in ((Relevance(), "rests on"), (WordsRelevance(), "words")):
            for bar in (0.1, 0.2, 0.25, 0.3):
                assistant.res.judge_params = replace(DEFAULT_JUDGE, answers=bar)
                metrics = compute_metrics([replay(r, assistant, True, relevance) for r in rows], k=5)
                print(line(f"answers {bar}, read on {reads}", metrics))
        assistant.res.judge_params = DEFAULT_JUDGE
        return
    if args.grid == "mix":
        for weight, floor, threshold in MIX_RULES:
            assistant.res.judge_params = replace(DEFAULT_JUDGE, weight=weight, floor=floor, threshold=threshold)
            metrics = compute_metrics([replay(r, assistant, True) for r in rows], k=5)
            print(line(f"weight {weight} floor {floor} thr {threshold}", metrics))
        assistant.res.judge_params = DEFAULT_JUDGE
        return
    if args.grid == "rescue":
        grid = itertools.product((DEFAULT_JUDGE.threshold,), (DEFAULT_JUDGE.premise,), (DEFAULT_JUDGE.answers,),
                                 (DEFAULT_JUDGE.rescue,), (0.15, 0.2, 0.25, 0.3, 0.35, 1.0))
    elif args.grid == "short":  # rescue_short 1.0: no short answer read (the rule before it)
        d = DEFAULT_JUDGE
        grid = ((d.threshold, d.premise, d.answers, rescue, d.rescue_echoed, short)
                for rescue in (0.4, 0.45, 0.5) for short in (0.3, 0.35, 0.4, 1.0) if short < rescue or short == 1.0)
    else:
        grid = itertools.product((0.4, 0.5, 0.6), (0.1, 0.2, 0.3), (0.05, 0.1, 0.2), (0.4, 0.5, 0.7),
                                 (DEFAULT_JUDGE.rescue_echoed,))
    for threshold, premise, answers, rescue, echoed, *short in grid:
        assistant.res.judge_params = replace(DEFAULT_JUDGE, threshold=threshold, premise=premise, answers=answers,
                                             rescue=rescue, rescue_echoed=echoed,
                                             rescue_short=short[0] if short else DEFAULT_JUDGE.rescue_short)
        metrics = compute_metrics([replay(r, assistant, True) for r in rows], k=5)
        label = f"thr {threshold} prem {premise} ans {answers} resc {rescue}/{echoed}"
        print(line(label + (f" short {short[0]}" if short else ""), metrics))
    assistant.res.judge_params = JudgeParams()


if __name__ == "__main__":
    main()
