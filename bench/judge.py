"""The packaged generator as a judge, on the hand-labelled sentences: does P(oui) separate supported from
unsupported sentences better than word overlap? And how often does the shipped verifier agree with the labels?

    python bench/judge.py eval/verifier_labels.jsonl --profile quality   # and --profile fast (0.5B judge)
    python bench/judge.py eval/verifier_labels.jsonl --variant all --no-shipped   # the judge's instruction
    python bench/judge.py eval/verifier_labels.jsonl --variant current system system-short --no-shipped
    python bench/judge.py eval/verifier_labels.jsonl --variant current long --no-shipped   # instruction's place
    python bench/judge.py eval/verifier_labels.jsonl --shipped-long   # the shipped verifier, both wordings

For each labelled sentence: the passages are ranked by stemmed word overlap (as the verifier does), the judge
reads the best window of each of the top `--passages` (the sentences aligned with it, `--window` more on each
side, the shipped verifier too) and the highest P(oui) is kept. Prints ROC AUC, the balanced accuracy of a
threshold chosen by 5-fold cross-validation (judge alone; judge and the strict number/name check), the same for
word overlap, the share of the semantic errors (labels whose note starts with « semantic ») caught at the
cross-validated threshold, and the judge's cost per sentence. `--variant` measures other wordings of the
judge's instruction.

« shipped verifier » is `Assistant.check` with the profile's default parameters (support score, number/name
check, judge mixed in with its floor), not re-fitted: its figure on the labels added after the parameters were
chosen (`--held-out-from`, the first 69 labels chose them) is a held-out figure.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

import assistant.pipeline.verify as stage
from assistant.answer.prompt import Prompt
from assistant.config import load_settings
from assistant.documents import Chunk, Passage
from assistant.pipeline.factory import build_assistant
from assistant.pipeline.verify import similarity
from assistant.verify.checks import best_window, overlap_score, support_score, unsupported_terms
from assistant.verify.judge import (
    CHECK,
    CLAIM_SYSTEM,
    DEFAULT_JUDGE,
    QUESTION,
    SYSTEM,
    judge_prompt,
    window_around,
    yes_no_prompt,
)

# Wordings of the judge's instruction. An inverted one asks for an error: its support is P(non). The shipped one
# and « long » read the worked examples; all but the shipped one are asked after a bare system message (SYSTEM).
VARIANTS: dict[str, tuple[str, bool]] = {
    "current": (QUESTION, False),  # as shipped: CLAIM_SYSTEM, the worked examples, a short question
    "long": (CHECK, False),  # CHECK after each claim of the worked examples (shipped until issue 12's 17th pass)
    "zero-shot": (CHECK, False),  # the same without them (shipped until issue 12's tenth pass)
    "dit": ("Le passage dit-il la même chose que l'affirmation, éventuellement avec d'autres mots ?", False),
    "vrai": ("D'après ce passage seulement, l'affirmation est-elle vraie ?", False),
    "erreur": ("L'affirmation contient-elle une erreur ou une information absente du passage ?", True),
}
# Variants that also read the user's question before the passage, the sentence as its « Réponse »: a sentence
# that restates the question's frame (« … est évoquée dans les vœux ») is judged on what it adds. Not shipped.
QUESTION_VARIANTS: dict[str, str] = {
    "question": CHECK.replace("L'affirmation", "La réponse"),
    "question-apport": ("Ce que la réponse apporte à la question (chiffres, noms, lieux, dates, sens) est-il "
                        "entièrement justifié par le passage ?"),
}


# The instruction in the system message without the worked examples: measured for issue 13, before they existed
# (bench/README.md); with them, it is the shipped wording.
SYSTEM_VARIANTS: dict[str, str] = {  # name: what the user message asks after the claim
    "system": "",
    "system-short": QUESTION,
}


def system_prompt(claim: str, evidence: str, after: str) -> Prompt:
    user = f"Passage : {evidence.strip()}\n\nAffirmation : {claim.strip()}" + (f"\n\n{after}" if after else "")
    return Prompt(messages=[{"role": "system", "content": CLAIM_SYSTEM}, {"role": "user", "content": user}],
                  completion=f"{CLAIM_SYSTEM}\n\n{user}\nRéponse :")


def question_prompt(asked: str, claim: str, evidence: str, instruction: str) -> Prompt:
    return yes_no_prompt(f"Question posée : {asked.strip()}\n\nPassage : {evidence.strip()}\n\n"
                         f"Réponse : {claim.strip()}\n\n{instruction}")


def long_prompt(claim: str, evidence: str) -> Prompt:
    """A claim asked in the « long » wording (French labels)."""
    return judge_prompt(claim, evidence, CHECK, english=False, system=SYSTEM)


def prompt_for(variant: str, row: dict, evidence: str) -> Prompt:
    """The judge's prompt for a labelled sentence read against `evidence`, in the wording of `variant`."""
    if variant in SYSTEM_VARIANTS:
        return system_prompt(row["sentence"], evidence, SYSTEM_VARIANTS[variant])
    if variant in QUESTION_VARIANTS:
        return question_prompt(row["question"], row["sentence"], evidence, QUESTION_VARIANTS[variant])
    if variant == "current":
        return judge_prompt(row["sentence"], evidence)
    return judge_prompt(row["sentence"], evidence, VARIANTS[variant][0], english=False, worked=variant == "long",
                        system=SYSTEM)

THRESHOLDS = tuple(round(x, 3) for x in np.arange(0.02, 0.99, 0.02))


def auc(scores: list[float], positives: list[bool]) -> float:
    pos = [s for s, y in zip(scores, positives, strict=True) if y]
    neg = [s for s, y in zip(scores, positives, strict=True) if not y]
    pairs = [(1.0 if p > n else 0.5 if p == n else 0.0) for p in pos for n in neg]
    return sum(pairs) / len(pairs) if pairs else float("nan")


def balanced_accuracy(predicted_ok: list[bool], labels: list[bool]) -> float:
    """« Unsupported » is the positive class, as in bench/calibrate_verifier.py."""
    tp = sum(not p and not y for p, y in zip(predicted_ok, labels, strict=True))
    fn = sum(p and not y for p, y in zip(predicted_ok, labels, strict=True))
    tn = sum(p and y for p, y in zip(predicted_ok, labels, strict=True))
    fp = sum(not p and y for p, y in zip(predicted_ok, labels, strict=True))
    recall = tp / (tp + fn) if tp + fn else 0.0
    specificity = tn / (tn + fp) if tn + fp else 0.0
    return (recall + specificity) / 2


def cross_validated(values: list[float], labels: list[bool], gate: list[bool], folds: int = 5) -> float:
    """Balanced accuracy of `value ≥ threshold and gate`, the threshold chosen on the other folds."""
    return balanced_accuracy(cv_predictions(values, labels, gate, folds), labels)


def cv_predictions(values: list[float], labels: list[bool], gate: list[bool], folds: int = 5) -> list[bool]:
    """« Supported » for each row, decided by a threshold chosen on the other folds."""
    order = np.random.default_rng(0).permutation(len(values))
    predicted = [False] * len(values)
    for fold in range(folds):
        test = set(order[fold::folds].tolist())
        train = [i for i in range(len(values)) if i not in test]

        def score(t: float, rows: list[int]) -> float:
            return balanced_accuracy([values[i] >= t and gate[i] for i in rows], [labels[i] for i in rows])

        best = max(THRESHOLDS, key=lambda t: score(t, train))
        for i in test:
            predicted[i] = values[i] >= best and gate[i]
    return predicted


def caught(predicted_ok: list[bool], rows: list[dict]) -> str:
    """Semantic errors flagged, as « n/m »."""
    semantic = [i for i, r in enumerate(rows) if not r["supported"] and r.get("note", "").startswith("semantic")]
    return f"{sum(not predicted_ok[i] for i in semantic)}/{len(semantic)}"


def read(text: str, span: tuple[int, int], window: int) -> str:
    return " ".join(text.split()) if window < 0 else window_around(text, span, window)


def passages_of(row: dict) -> list[Passage]:
    return [Passage(p["rank"], Chunk(str(p["rank"]), "x", 0, 0, p["text"]), 0.0) for p in row["passages"]]


def judge_all(generator, rows: list[dict], variant: str, n_passages: int, window: int):  # type: ignore[no-untyped-def]
    """Support read from the judge for each row (P(oui), or P(non) for an inverted wording), and seconds."""
    inverted = VARIANTS.get(variant, ("", False))[1]
    judged, seconds = [], []
    for row in rows:
        passages = passages_of(row)
        aligned = sorted(((*best_window(row["sentence"], p.chunk.text), p) for p in passages), key=lambda x: -x[0])
        t0 = time.perf_counter()
        probs = [generator.yes_probability(prompt_for(variant, row, read(p.chunk.text, span, window)))
                 for _, span, p in aligned[:n_passages]]
        seconds.append(time.perf_counter() - t0)
        probs = [1.0 - p for p in probs] if inverted else probs
        judged.append(max(probs) if probs else 0.0)
    return judged, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--profile", default="quality")
    parser.add_argument("--passages", type=int, default=1, help="passages the judge reads per sentence")
    parser.add_argument("--window", type=int, default=DEFAULT_JUDGE.window,
                        help="passage sentences read on each side of the aligned ones (-1: the whole passage)")
    parser.add_argument("--variant", nargs="+", default=["current"],
                        choices=[*VARIANTS, *QUESTION_VARIANTS, *SYSTEM_VARIANTS, "all"],
                        help="wording(s) of the judge's instruction, measured one after the other")
    parser.add_argument("--no-shipped", action="store_true", help="skip the shipped verifier's verdicts")
    parser.add_argument("--shipped-long", action="store_true",
                        help="also the shipped verifier with its claims asked in the « long » wording (the one before)")
    parser.add_argument("--held-out-from", type=int, default=69,
                        help="labels from this line on were not used to choose the shipped parameters")
    parser.add_argument("--out", type=Path, default=None,
                        help="write per sentence P(oui), overlap, cheap score and number/name check (JSONL)")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = [bool(r["supported"]) for r in rows]
    assistant = build_assistant(load_settings(profile=args.profile, memo="off"))
    if args.window >= 0:  # the shipped verifier reads the same window
        assistant.res.judge_params = replace(assistant.res.judge_params, window=args.window)
    generator = assistant.generator
    overlaps, clean = [], []
    for row in rows:
        passages = passages_of(row)
        overlaps.append(max((best_window(row["sentence"], p.chunk.text)[0] for p in passages), default=0.0))
        clean.append(not unsupported_terms(row["sentence"], passages))
    semantic = sum(not r["supported"] and r.get("note", "").startswith("semantic") for r in rows)
    print(f"{len(rows)} labelled sentences ({labels.count(False)} unsupported, {semantic} of them semantic errors), "
          f"judge {generator.name}, {args.passages} passage(s) read per sentence, window {args.window}")
    print(f"{'signal':40s} {'AUC':>6s} {'CV bal.acc':>10s} {'semantic caught':>16s}")
    always = [True] * len(rows)

    def line(name: str, values: list[float], gate: list[bool], with_auc: bool = True) -> None:
        predicted = cv_predictions(values, labels, gate)
        shown_auc = f"{auc(values, labels):6.3f}" if with_auc else " " * 6
        print(f"{name:40s} {shown_auc} {balanced_accuracy(predicted, labels):10.3f} {caught(predicted, rows):>16s}")

    variants = list(VARIANTS) if args.variant == ["all"] else args.variant
    first: list[float] = []
    for variant in variants:
        judged, seconds = judge_all(generator, rows, variant, args.passages, args.window)
        first = first or judged
        line(f"judge P(oui) [{variant}]", judged, always)
        line(f"judge [{variant}] + number/name check", judged, clean, with_auc=False)
        print(f"  judge seconds per sentence: median {np.median(seconds):.2f}, max {max(seconds):.2f}")
    line("word overlap", overlaps, always)
    line("word overlap + number/name check", overlaps, clean, with_auc=False)
    shipped_ways = [] if args.no_shipped else [("shipped verifier (fixed parameters)", stage.judge_prompt)]
    if args.shipped_long and shipped_ways:
        shipped_ways.append(("  its claims asked in the « long » wording", long_prompt))
    for name, prompt in shipped_ways:
        stage.judge_prompt = prompt
        shipped = []
        for row in rows:
            verification = assistant.check(row["sentence"], passages_of(row))
            shipped.append(bool(verification.sentences) and all(s.supported for s in verification.sentences))
        held = slice(args.held_out_from, None)
        print(f"{name:40s} {'':6s} {balanced_accuracy(shipped, labels):10.3f} {caught(shipped, rows):>16s}")
        print(f"{'  on the held-out labels only':40s} {'':6s} {balanced_accuracy(shipped[held], labels[held]):10.3f} "
              f"{caught(shipped[held], rows[held]):>16s}  ({len(rows[held])} labels)")
    stage.judge_prompt = judge_prompt
    if args.out:  # per sentence: the first variant's P(oui), overlap, and the verifier's cheap support score
        cheap = [cheap_score(assistant, r) for r in rows]
        args.out.write_text("".join(json.dumps({"key": r.get("key"), "supported": y, "p_yes": round(p, 4),
                                                "overlap": round(o, 4), "cheap": round(c, 4), "clean": g},
                                               ensure_ascii=False) + "\n"
                                    for r, y, p, o, c, g in zip(rows, labels, first, overlaps, cheap, clean,
                                                                strict=True)))


def cheap_score(assistant, row: dict) -> float:  # type: ignore[no-untyped-def]
    """The verifier's support score without the judge (overlap and embedding cosine, best passage)."""
    passages = passages_of(row)
    cosines = similarity(assistant.embedder, [row["sentence"]], passages)[0]
    params = assistant.res.verify_params
    return max(support_score(overlap_score(row["sentence"], p.chunk.text), float(c), params)
               for p, c in zip(passages, cosines, strict=True))


if __name__ == "__main__":
    main()
