"""What the judge reads for a claim, chosen in other ways: the shipped verifier on the hand labels with each
variant of `verify/checks.py` `evidence_text` in turn, in one process (same model, same labels).

    python bench/evidence_reads.py eval/verifier_labels.jsonl [--variant shipped same-passage-names joined-2 adjacent]
        [--out /tmp/fr]

The judge reads the passage sentences a claim aligns with (an English claim also the sentence next to them that
holds some of what they lack) and, for the terms still missing, the sentences of another passage that hold most
of them. Other rules were candidates (issue 12, nineteenth and twentieth passes):

- `same-passage-names`: the rest may also come from elsewhere in the same passage, for a name or number the
  aligned sentences lack. The case that asked for it: « Martin Rohmer a été lauréat du prix Nobel de
  littérature en 1986 » passed, read against « en 1986 l'auteur se voit décerné le prix Nobel », where Martin
  Rohmer is the critic quoted two sentences before.
- `joined-2`: another passage is read only when it holds at least two of the missing terms. On sitiv 16 of the
  25 second readings hold one term only (« lauréat » in a sentence on a cycling race, « Europe » in
  « les Pères de l'Europe »): noise the judge reads at ~5 ms a token.
- `adjacent`: the sentence next to the aligned ones for French claims too, as shipped for English ones.

`--out OUT` writes OUT-VARIANT.jsonl: per label the judge's P(oui) on that reading, the cheap score and the
number/name check, the values `bench/judge_mix.py` chooses a mix from.

For each variant: balanced accuracy of the shipped verifier on all labels and on those held out from every
parameter choice, the semantic errors caught, the characters the judge reads per claim, and the labels whose
verdict changes against the shipped rule. `shipped` is a copy of the product's rule with the knobs as shipped;
the script checks that it reads exactly what the product reads before measuring anything.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path

from judge import balanced_accuracy, caught, passages_of

import assistant.pipeline.verify as stage
import assistant.verify.checks as checks
from assistant.config import load_settings
from assistant.documents import Passage
from assistant.pipeline.factory import build_assistant
from assistant.text import terms
from assistant.verify.checks import _NUMBER, _PROPER, best_window, evidence_text, first_reading
from assistant.verify.judge import DEFAULT_JUDGE, window_around

Reader = Callable[..., str]


def reader(names_in_same: bool, min_gain: int, neighbour: bool | None = None) -> Reader:
    """`evidence_text` with the knobs: `names_in_same` looks in the claim's own passage for its missing
    names and numbers; `min_gain` is how many missing terms another window must hold to be read; `neighbour`
    (None: English claims only, as shipped; True: every claim) first gives the aligned sentences the one just
    before or after them that holds most of the missing terms."""

    def read(claim: str, passages: Sequence[Passage], rank: int, span: tuple[int, int],
             window: int = DEFAULT_JUDGE.window) -> str:
        first, missing = first_reading(claim, next(p for p in passages if p.rank == rank).chunk.text, span,
                                       window, neighbour)
        named = set(terms(" ".join(_PROPER.findall(claim) + _NUMBER.findall(claim)))) & missing
        best: tuple[int, str] = (0, "")
        for p in passages:
            wanted = (named if names_in_same else set()) if p.rank == rank else missing
            if not wanted:
                continue
            _, other_span = best_window(" ".join(sorted(wanted)), p.chunk.text, window=1)
            other = window_around(p.chunk.text, other_span, window)
            gain = len(wanted & set(terms(other)))
            if gain > best[0] and gain >= min_gain:
                best = (gain, other)
        return f"{first} […] {best[1]}" if best[0] else first

    return read


VARIANTS: dict[str, Reader] = {
    "shipped": reader(names_in_same=False, min_gain=1),
    "same-passage-names": reader(names_in_same=True, min_gain=1),
    "joined-2": reader(names_in_same=False, min_gain=2),
    "adjacent": reader(names_in_same=False, min_gain=1, neighbour=True),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--profile", default="quality")
    parser.add_argument("--variant", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--out", type=Path, default=None,
                        help="write, per variant, OUT-VARIANT.jsonl with each label's P(oui), cheap score and "
                             "number/name check, for bench/judge_mix.py")
    parser.add_argument("--held-out-from", type=int, default=69,
                        help="labels from this line on were not used to choose the shipped parameters")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = [bool(r["supported"]) for r in rows]
    assistant = build_assistant(load_settings(profile=args.profile, memo="off"))
    window = assistant.res.judge_params.window
    shipped_reader = checks.evidence_text
    # Each row's passages embedded once, not at every check (the labels' passages are in no index).
    vectors = {tuple(p["text"] for p in row["passages"]): assistant.res.embedder.encode_documents(
        [p["text"] for p in row["passages"]]) for row in rows}
    stage.stored_vectors = lambda res, passages: vectors.get(tuple(p.chunk.text for p in passages))
    cheap = assistant.derive(judge="off")
    spans: list[list[tuple[str, int, tuple[int, int]]]] = []
    cheap_checks = [cheap.check(row["sentence"], passages_of(row)) for row in rows]
    for verification in cheap_checks:  # each claim's evidence as the verifier aligns it before the judge reads it
        spans.append([(s.text, s.evidence.rank, (s.evidence.start, s.evidence.end))
                      for s in verification.sentences if s.evidence is not None])
    for row, claims in zip(rows, spans, strict=True):
        for text, rank, span in claims:
            assert VARIANTS["shipped"](text, passages_of(row), rank, span, window) == evidence_text(
                text, passages_of(row), rank, span, window), f"the copy drifted from the product: {row['key']}"
    held = slice(args.held_out_from, None)
    print(f"{len(rows)} labelled sentences, judge {assistant.generator.name}, window {window}")
    print(f"{'variant':20s} {'bal.acc':>8s} {'held out':>9s} {'semantic':>9s} {'chars read':>11s}")
    verdicts: dict[str, list[bool]] = {}
    judged: list[dict[int, float]] = []
    shipped_judge = stage.judge_claims

    def recorded(*args, **kwargs):  # type: ignore[no-untyped-def]
        judged.append(shipped_judge(*args, **kwargs))
        return judged[-1]

    stage.judge_claims = recorded
    try:
        for name in args.variant:
            checks.evidence_text = VARIANTS[name]
            verdicts[name] = []
            values = []
            for row, before in zip(rows, cheap_checks, strict=True):
                judged.clear()
                verification = assistant.check(row["sentence"], passages_of(row))
                verdicts[name].append(bool(verification.sentences) and all(s.supported for s in verification.sentences))
                p_yes = min(judged[0].values(), default=1.0) if judged else 1.0  # not asked: a quotation
                values.append({"key": row.get("key"), "supported": bool(row["supported"]), "p_yes": round(p_yes, 4),
                               "cheap": min((s.score for s in before.sentences), default=0.0),
                               "clean": all(not s.term_fault for s in before.sentences)})
            if args.out:
                Path(f"{args.out}-{name}.jsonl").write_text(
                    "".join(json.dumps(v, ensure_ascii=False) + "\n" for v in values), encoding="utf-8")
            read = [len(VARIANTS[name](text, passages_of(row), rank, span, window))
                    for row, claims in zip(rows, spans, strict=True) for text, rank, span in claims]
            print(f"{name:20s} {balanced_accuracy(verdicts[name], labels):8.3f} "
                  f"{balanced_accuracy(verdicts[name][held], labels[held]):9.3f} "
                  f"{caught(verdicts[name], rows):>9s} {statistics.mean(read):11.0f}", flush=True)
    finally:
        checks.evidence_text = shipped_reader
        stage.judge_claims = shipped_judge
    reference = verdicts.get("shipped")
    for name, shown in verdicts.items():
        if reference is None or name == "shipped":
            continue
        for row, before, after in zip(rows, reference, shown, strict=True):
            if before != after:
                print(f"  {name}: {row['key']} labelled {'supported' if row['supported'] else 'unsupported'}, "
                      f"{'passes' if after else 'flagged'} now: {row['sentence'][:100]}")


if __name__ == "__main__":
    main()
