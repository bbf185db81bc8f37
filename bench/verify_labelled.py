"""`assistant verify` on texts labelled by hand: does it say « hallucinated » where the label does?

    python bench/verify_labelled.py eval/verify-en.jsonl eval/verify-en-heldout.jsonl eval/verify-en-long.jsonl \
        [--variant all] [--show]

Each line is an `assistant verify` input line (id, answer, passages) with a `hallucinated_label` (true/false).
Prints, per file and variant, sensitivity (hallucinated texts caught), specificity (clean texts passed) and their
mean, the balanced accuracy published detectors are compared on (HHEM-2.1-open: 0.743 on RAGTruth's QA answers).
Variants undo one of the choices made for texts written by others, to show what each is worth:
  shipped     the product as it is;
  french      the judge always asked in French (before: it read English texts with a French instruction), its
              P(oui) mixed with the cheap score as for French claims;
  one-window  the judge reads the window of one passage only, not a second passage's for what the first lacks;
  wider       the judge reads one more sentence on each side of the aligned ones (the default before);
  before-20   English claims as until the twentieth pass: without the sentence next to the aligned ones, and
              P(yes) mixed with the cheap score as for French ones;
  no-neighbour  without that sentence, P(yes) alone;
  mixed       with that sentence, P(yes) mixed as for French claims.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import assistant.pipeline.verify as stage
from assistant.config import load_settings
from assistant.evaluate.dataset import read_records
from assistant.evaluate.verify_texts import read_items, verify_item
from assistant.pipeline.assistant import Assistant
from assistant.pipeline.factory import build_assistant
from assistant.verify import checks, judge

SHIPPED_READ = checks.evidence_text
VARIANTS = ("shipped", "french", "one-window", "wider", "before-20", "no-neighbour", "mixed")


def set_variant(name: str, assistant: Assistant) -> None:
    """Undo one choice in the verification stage (module attributes and the judge's parameters, restored by
    passing « shipped »)."""
    stage.judge_prompt = judge.judge_prompt
    checks.evidence_text = SHIPPED_READ
    default = judge.DEFAULT_JUDGE
    mixed = name in ("french", "before-20", "mixed")  # P(yes) mixed with the cheap score, as for French claims
    assistant.res.judge_params = replace(default, window=1 if name == "wider" else default.window,
                                         weight_en=default.weight if mixed else default.weight_en)
    if name == "french":
        stage.judge_prompt = lambda claim, evidence: judge.judge_prompt(claim, evidence, english=False)
    elif name == "one-window":
        def first_only(claim, passages, rank, span, window):  # type: ignore[no-untyped-def]
            return judge.window_around(next(p for p in passages if p.rank == rank).chunk.text, span, window)
        checks.evidence_text = first_only
    elif name in ("before-20", "no-neighbour"):
        def no_neighbour(claim, passages, rank, span, window):  # type: ignore[no-untyped-def]
            return SHIPPED_READ(claim, passages, rank, span, window, neighbour=False)
        checks.evidence_text = no_neighbour


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--profile", default="quality")
    parser.add_argument("--variant", default="shipped", choices=[*VARIANTS, "all"])
    parser.add_argument("--show", action="store_true", help="print the texts the verifier got wrong")
    args = parser.parse_args()
    assistant = build_assistant(load_settings(profile=args.profile, memo="off"))
    print(f"{'set':32s} {'variant':11s} {'caught':>8s} {'passed':>8s} {'bal.acc':>8s} {'s/text':>7s}")
    for path in args.sets:
        labels = {str(row["id"]): bool(row["hallucinated_label"]) for _, row in read_records(path, ("id",))}
        items = read_items(path)
        for variant in VARIANTS if args.variant == "all" else (args.variant,):
            set_variant(variant, assistant)
            start = time.perf_counter()
            rows = [verify_item(assistant, item) for item in items]
            seconds = (time.perf_counter() - start) / max(1, len(rows))
            bad = [r for r in rows if labels[r["id"]]]
            good = [r for r in rows if not labels[r["id"]]]
            caught = sum(r["hallucinated"] for r in bad)
            passed = sum(not r["hallucinated"] for r in good)
            accuracy = (caught / max(1, len(bad)) + passed / max(1, len(good))) / 2
            print(f"{path.name:32s} {variant:11s} {caught:>4d}/{len(bad):<3d} {passed:>4d}/{len(good):<3d} "
                  f"{accuracy:8.3f} {seconds:7.2f}")
            for r in rows if args.show else []:
                if r["hallucinated"] != labels[r["id"]]:
                    wrong = [s["text"] for s in r["sentences"] if not s["supported"]]
                    print(f"    {r['id']}: labelled {labels[r['id']]}, unsupported: {wrong}")
    set_variant("shipped", assistant)


if __name__ == "__main__":
    main()
