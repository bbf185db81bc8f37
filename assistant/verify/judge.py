"""The model as a judge: « does this passage fully justify this claim? », read as P(oui) from the next-token
logits (no generation). Word overlap passes a false sentence made of the passage's own words and refuses a
correct paraphrase; the judge reads the meaning. Prompt building and the way its probability is combined with
the cheap signals are here (pure); the model call is the generator's `yes_probability`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..answer.prompt import Prompt
from ..text import is_english, split_sentences

SYSTEM = "Tu vérifies des affirmations. Réponds uniquement par oui ou par non."
QUESTION = (
    "L'affirmation est-elle entièrement justifiée par le passage (mêmes chiffres, noms, lieux, dates, même sens) ?"
)
ANSWERS = "Ce texte donne-t-il l'information que la question demande (pas seulement un fait voisin) ?"
# The same, for English texts: asked in French about English text, the 1.5B judge refused correct paraphrases
# (bench/verify_labelled.py: balanced accuracy 0.906 in English vs 0.781 in French on eval/verify-en.jsonl,
# 0.833 vs 0.875 on eval/verify-en-heldout.jsonl; 0.875 vs 0.821 over both).
SYSTEM_EN = "You check claims. Answer only yes or no."
QUESTION_EN = "Is the claim fully supported by the passage (same numbers, names, places, dates, same meaning)?"
ANSWERS_EN = "Does this text give the information the question asks for (not just a related fact)?"


@dataclass(frozen=True)
class JudgeParams:
    """Chosen on data (bench/judge.py on eval/verifier_labels.jsonl, bench/honesty.py on stored eval runs;
    numbers in bench/README.md). The judge's P(oui) is mixed with the cheap support score (overlap + cosine):
    together they separate supported from unsupported sentences better than either alone."""

    weight: float = 0.5  # share of the judge in the combined score
    threshold: float = 0.5  # combined score from which a sentence is supported
    # P(oui) below which a sentence is unsupported whatever its overlap: a falsehood made of the passage's own
    # words has overlap 1.0 and would pass any mix. On the 69 labels, no supported sentence fell below 0.1.
    floor: float = 0.1
    premise: float = 0.1  # P(oui) below which the question's presupposition is unsupported
    answers: float = 0.1  # P(oui) below which a supported answer does not answer the question
    rescue: float = 0.4  # P(oui) from which a quoted passage sentence answers a question the model refused
    # The same for the passage sentence that holds every word the model's refused sentence added to the question
    # (`Extract.echoed`): two readings agree there, the model's and the judge's, so less of the judge is asked.
    rescue_echoed: float = 0.25
    # Passage sentences the judge reads on each side of the aligned ones (`window_around`), for an answer's
    # claims and for the question's premise; every sentence read is prompt tokens to evaluate. Claims: the
    # aligned sentences alone separate better on the 271 labels (AUC 0.889 vs 0.880), and the judge's time per
    # question falls by a fifth. Premises: without their neighbours 2 of the 6 false premises of
    # eval/sitiv.jsonl pass (the sentence that says otherwise is the neighbour).
    window: int = 0
    premise_window: int = 1


DEFAULT_JUDGE = JudgeParams()


def combined(p_yes: float, cheap: float, params: JudgeParams = DEFAULT_JUDGE) -> float:
    """The support score of a judged sentence; 0 under the floor (the judge vetoes)."""
    return 0.0 if p_yes < params.floor else params.weight * p_yes + (1 - params.weight) * cheap


def yes_no_prompt(user: str, english: bool = False) -> Prompt:
    """A question the judge answers by oui or non (yes or no: its P(yes) is read, nothing generated)."""
    system = SYSTEM_EN if english else SYSTEM
    return Prompt(
        messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
        completion=f"{system}\n\n{user}\n{'Answer:' if english else 'Réponse :'}",
    )


def judge_prompt(claim: str, evidence: str, question: str = QUESTION, english: bool | None = None) -> Prompt:
    """Evidence first, claim last: claims judged against the same evidence share the prompt's prefix.
    `question` is the judge's instruction (bench/judge.py measures variants of it); the default one is asked in
    English when what the judge reads is English (`english` None: told by `is_english`)."""
    if english is None:
        english = question == QUESTION and is_english(f"{claim} {evidence}")
    if english:
        return yes_no_prompt(f"Passage: {evidence.strip()}\n\nClaim: {claim.strip()}\n\n{QUESTION_EN}", True)
    return yes_no_prompt(f"Passage : {evidence.strip()}\n\nAffirmation : {claim.strip()}\n\n{question}")


def answers_prompt(question: str, text: str) -> Prompt:
    """Supported is not answering: a true sentence about something else is a refusal, not an answer."""
    if is_english(f"{question} {text}"):
        return yes_no_prompt(f"Question: {question.strip()}\n\nText: {text.strip()}\n\n{ANSWERS_EN}", True)
    return yes_no_prompt(f"Question : {question.strip()}\n\nTexte : {text.strip()}\n\n{ANSWERS}")


def window_around(text: str, span: tuple[int, int], sentences: int = 1) -> str:
    """The passage's sentences around a span (`sentences` on each side): what the judge reads, short enough
    to cost about a second, wide enough to keep the subject of the sentence that holds the fact."""
    spans = split_sentences(text) or [(0, len(text))]
    inside = [i for i, (s, e) in enumerate(spans) if s < span[1] and e > span[0]] or [0]
    first, last = max(0, inside[0] - sentences), min(len(spans) - 1, inside[-1] + sentences)
    return " ".join(text[spans[first][0] : spans[last][1]].split())
