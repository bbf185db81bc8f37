"""Can the judge be told a total it cannot add? (bench/README.md, « What the judge reads » and « Totals read as
their parts »).

    python bench/judge_sums.py

« 6 communes du Rhône et 2 de la Loire » supports « Le syndicat compte 8 communes » (the number check adds
counts: `verify/checks.py` `_totals`), but the 1.5B judge does not add and vetoes it. Appending the sum to the
passage it reads (« (6 + 2 = 8) ») would fix that only if the judge still refused a sum that does not mean what
the claim says (« 7 autres villes » + 2 = 9 communes). Prints P(oui) for each claim, without and with the sum,
and what the shipped verifier asks: the claim with its total written as the parts the passage gives
(`verify/checks.py` `total_in_parts`; « — » where no parts count what the claim counts, the claim itself is read).
"""

from __future__ import annotations

from assistant.config import load_settings
from assistant.pipeline.factory import build_assistant
from assistant.verify.checks import total_in_parts
from assistant.verify.judge import judge_prompt

PASSAGE = ("Nous emménagerons à la rentrée 2015 dans des locaux situés devant le tram, à quelques pas du métro et du "
           "centre ville de Vénissieux, directement accessible depuis le BUS pour les élus et agents des 7 autres "
           "villes du syndicat, puisque, vous le savez, nous sommes désormais 6 communes du Rhône et 2 de la Loire "
           "dans notre syndicat.")
# (claim, the sum shown with it, whether the claim holds)
CASES = [
    ("Le syndicat compte 8 communes.", "6 + 2 = 8", True),
    ("Le syndicat compte 9 communes.", "7 + 2 = 9", False),
    ("Le syndicat compte 13 communes.", "7 + 6 = 13", False),
    ("Le syndicat compte 15 communes.", "7 + 6 + 2 = 15", False),
    ("Le syndicat compte 8 communes du Rhône.", "6 + 2 = 8", False),
]


def main() -> None:
    judge = build_assistant(load_settings(profile="quality", memo="off")).generator
    print(f"{'P(oui) alone':>12s} {'with the sum':>12s} {'as parts':>9s}  holds  claim")
    for claim, total, holds in CASES:
        alone = judge.yes_probability(judge_prompt(claim, PASSAGE))
        shown = judge.yes_probability(judge_prompt(claim, f"{PASSAGE} ({total})"))
        rewritten = total_in_parts(claim, PASSAGE)
        parts = f"{judge.yes_probability(judge_prompt(rewritten, PASSAGE)):9.3f}" if rewritten else f"{'—':>9s}"
        print(f"{alone:12.3f} {shown:12.3f} {parts}  {'yes' if holds else 'no ':5s}  {claim}")


if __name__ == "__main__":
    main()
