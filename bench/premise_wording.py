"""The question's premise read by the judge in two wordings: the claims' (instruction in the system message, a
short question after the claim, shipped for claims since issue 12's seventeenth pass) and the premise's own
(`premise_prompt`: the whole instruction after the premise, the wording its bar was chosen on).

    python bench/premise_wording.py /tmp/sitiv-run/report.json --index index

The Premise stage asks the judge whether the passages state what the question takes for granted
(`pipeline/premise.py`: the two best-aligned windows, P(oui) under `JudgeParams.premise` = unsupported). This
reads every premise of a stored run both ways, on the passages the run retrieved, and counts against the bar:
premises of answerable questions refused (false alarms), of false-premise questions caught, of other
unanswerable questions (left-out articles) refused. A premise with a number or name found in no passage is
decided without the judge and is left out.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

from abstention_guard import auc
from honesty import stored_run, stored_turn

from assistant.answer.prompt import Prompt
from assistant.pipeline.premise import WINDOWS_READ, aligned_windows
from assistant.verify.checks import unsupported_terms
from assistant.verify.judge import judge_prompt, premise_prompt, window_around
from assistant.verify.premise import premise_of

WORDINGS: dict[str, Callable[[str, str], Prompt]] = {
    "claims' wording (instruction in the system message)": judge_prompt,
    "shipped (instruction after the premise)": premise_prompt,
}


def main() -> None:
    report, rows, assistant = stored_run(__doc__)
    res = assistant.res
    judge, params = res.judge, res.judge_params
    read: dict[str, dict[str, list[float]]] = {w: {"answerable": [], "false premise": [], "unanswerable": []}
                                                for w in WORDINGS}
    for row in rows:
        premise = premise_of(row["question"])
        turn = stored_turn(row)
        if premise is None or not turn.passages or unsupported_terms(premise, turn.passages):
            continue
        group = ("answerable" if row["answerable"] else
                 "false premise" if row.get("kind") == "false_premise" else "unanswerable")
        windows = [window_around(p.chunk.text, span, params.premise_window)
                   for span, p in aligned_windows(premise, turn.passages)[:WINDOWS_READ]]
        for wording, prompt in WORDINGS.items():
            read[wording][group].append(max(judge.yes_probability(prompt(premise, w)) for w in windows))
    print(f"{report}: premises read by the judge, bar {params.premise} (under it: unsupported)")
    print("| wording | answerable refused (false alarms) | false premises caught | other unanswerable refused "
          "| AUC answerable vs the rest | median P(oui), answerable |")
    print("| --- | --- | --- | --- | --- | --- |")
    for wording, groups in read.items():
        def under(values: list[float]) -> str:
            return f"{sum(p < params.premise for p in values)}/{len(values)}"
        rest = groups["false premise"] + groups["unanswerable"]
        median = statistics.median(groups["answerable"]) if groups["answerable"] else float("nan")
        print(f"| {wording} | {under(groups['answerable'])} | {under(groups['false premise'])} | "
              f"{under(groups['unanswerable'])} | {auc(groups['answerable'], rest):.3f} | {median:.3f} |")


if __name__ == "__main__":
    main()
