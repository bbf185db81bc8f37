"""The model as a judge: « does this passage fully justify this claim? », read as P(oui) from the next-token
logits (no generation). Word overlap passes a false sentence made of the passage's own words and refuses a
correct paraphrase; the judge reads the meaning. Prompt building is here (pure); the model call is the
generator's `yes_probability`.
"""

from __future__ import annotations

from ..answer.prompt import Prompt
from ..text import split_sentences

SYSTEM = "Tu vérifies des affirmations. Réponds uniquement par oui ou par non."
QUESTION = (
    "L'affirmation est-elle entièrement justifiée par le passage (mêmes chiffres, noms, lieux, dates, même sens) ?"
)


def judge_prompt(claim: str, evidence: str) -> Prompt:
    """Evidence first, claim last: claims judged against the same evidence share the prompt's prefix."""
    user = f"Passage : {evidence.strip()}\n\nAffirmation : {claim.strip()}\n\n{QUESTION}"
    return Prompt(
        messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
        completion=f"{SYSTEM}\n\n{user}\nRéponse :",
    )


def window_around(text: str, span: tuple[int, int], sentences: int = 1) -> str:
    """The passage's sentences around a span (`sentences` on each side): what the judge reads, short enough
    to cost about a second, wide enough to keep the subject of the sentence that holds the fact."""
    spans = split_sentences(text) or [(0, len(text))]
    inside = [i for i, (s, e) in enumerate(spans) if s < span[1] and e > span[0]] or [0]
    first, last = max(0, inside[0] - sentences), min(len(spans) - 1, inside[-1] + sentences)
    return " ".join(text[spans[first][0] : spans[last][1]].split())
