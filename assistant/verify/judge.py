"""The model as a judge: « does this passage fully justify this claim? », read as P(oui) from the next-token
logits (no generation). Word overlap passes a false sentence made of the passage's own words and refuses a
correct paraphrase; the judge reads the meaning. Prompt building and the way its probability is combined with
the cheap signals are here (pure); the model call is the generator's `yes_probability`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..answer.prompt import Prompt
from ..text import content_tokens, fold, is_english, split_sentences

SYSTEM = "Tu vérifies des affirmations. Réponds uniquement par oui ou par non."
# The claims' judge is told what « justified » means once, in its system message (whose KV cells are kept between
# readings), and asked a short question after each claim: each reading evaluates 23 tokens fewer. On the 271
# hand labels (bench/judge.py): AUC 0.909 either way, balanced accuracy 0.835 -> 0.849 (0.865 -> 0.867 with the
# number/name check), 1.13 -> 0.96 s per sentence. CHECK after each claim under SYSTEM was the wording before;
# the question's premise is still read so (`premise_prompt`).
CHECK = "L'affirmation est-elle entièrement justifiée par le passage (mêmes chiffres, noms, lieux, dates, même sens) ?"
CLAIM_SYSTEM = f"Tu vérifies des affirmations : {CHECK[0].lower()}{CHECK[1:]} Réponds uniquement par oui ou par non."
QUESTION = "L'affirmation est-elle justifiée ?"
ANSWERS = "Ce texte donne-t-il l'information que la question demande (pas seulement un fait voisin) ?"
# The same, for English texts: asked in French about English text, the 1.5B judge refused correct paraphrases
# (bench/verify_labelled.py: balanced accuracy 0.906 in English vs 0.781 in French on eval/verify-en.jsonl,
# 0.833 vs 0.875 on eval/verify-en-heldout.jsonl; 0.875 vs 0.821 over both).
SYSTEM_EN = "You check claims. Answer only yes or no."
CHECK_EN = "Is the claim fully supported by the passage (same numbers, names, places, dates, same meaning)?"
# English claims keep the whole instruction after each claim: in the short form of the French claims
# (« You check claims: is the claim fully supported … ? Answer only yes or no. », then « Is the claim
# supported? »), bench/verify_labelled.py passed as many clean texts and caught one hallucinated text fewer
# (balanced accuracy 0.875 -> 0.875 on eval/verify-en.jsonl, 0.875 -> 0.833 on eval/verify-en-heldout.jsonl).
ANSWERS_EN = "Does this text give the information the question asks for (not just a related fact)?"
# « Copy the few words that answer »: a short answer the model writes from one sentence. Read where P(oui) of
# « does it answer? » is near the bar (`JudgeParams.rescue_short`): copying a new term of the sentence is a
# second reading that the sentence answers, « aucune » one that it does not (bench/answers_judge.py).
SHORT_SYSTEM = "Tu réponds en recopiant quelques mots du texte."
SHORT = ("Recopie du texte les quelques mots qui répondent à la question. Si le texte ne donne pas cette "
         "information, écris seulement : aucune.")
SHORT_SYSTEM_EN = "You answer by copying a few words of the text."
SHORT_EN = ("Copy from the text the few words that answer the question. If the text does not give this "
            "information, write only: none.")
SHORT_TOKENS = 24  # a name, a date, a number, a short phrase; « aucune » is two tokens


# Worked examples the judge reads before each claim, as earlier turns of the chat: invented facts on subjects of
# no eval set, half supported (paraphrases, a fact among others), half not (a changed number, swapped roles, a
# negation, an added fact). On the 271 hand labels (bench/judge.py) the judge's AUC goes 0.887 -> 0.907-0.910 and
# the verifier's balanced accuracy 0.831 -> 0.856 (0.838 -> 0.854 on the 202 held out from every choice); the
# local model keeps their KV cells aside (`Prompt.kept`), so each reading still evaluates only the passage and the
# claim.
EXAMPLES: tuple[tuple[str, str, bool], ...] = (
    ("La piscine intercommunale de Brignais, rénovée en 2019, accueille chaque année près de 85 000 baigneurs.",
     "Environ 85 000 personnes fréquentent chaque année la piscine de Brignais.", True),
    ("La piscine intercommunale de Brignais, rénovée en 2019, accueille chaque année près de 85 000 baigneurs.",
     "La piscine de Brignais a été rénovée en 2009.", False),
    ("Le conseil a confié à la société Altair la maintenance du réseau, tandis que la société Boréal assure "
     "l'hébergement des serveurs.", "La société Boréal est chargée de la maintenance du réseau.", False),
    ("Marie Dupuis, adjointe à la culture, a inauguré la nouvelle médiathèque le 3 mars devant les habitants.",
     "C'est l'adjointe à la culture qui a inauguré la médiathèque.", True),
    ("Faute de budget, la commune a renoncé cette année à ouvrir une seconde crèche.",
     "La commune a ouvert une seconde crèche cette année.", False),
    ("Le plan numérique prévoit de remplacer 300 ordinateurs dans les écoles. Les tablettes seront renouvelées "
     "plus tard.", "Le plan numérique prévoit le remplacement de 300 ordinateurs dans les écoles.", True),
    ("Le plan numérique prévoit de remplacer 300 ordinateurs dans les écoles.",
     "Le plan numérique prévoit de remplacer 300 ordinateurs dans les écoles et les mairies.", False),
    ("Après deux ans de travaux, le pont de la Guillotière a rouvert aux piétons ; les voitures n'y passeront "
     "qu'en 2027.", "Le pont de la Guillotière est de nouveau ouvert aux piétons.", True),
)
EXAMPLES_EN: tuple[tuple[str, str, bool], ...] = (
    ("The Brignais community pool, renovated in 2019, welcomes nearly 85,000 swimmers every year.",
     "About 85,000 people use the Brignais pool each year.", True),
    ("The Brignais community pool, renovated in 2019, welcomes nearly 85,000 swimmers every year.",
     "The Brignais pool was renovated in 2009.", False),
    ("The council gave network maintenance to Altair, while Boreal hosts the servers.",
     "Boreal is in charge of network maintenance.", False),
    ("Marie Dupuis, deputy mayor for culture, opened the new library on March 3 in front of residents.",
     "The library was opened by the deputy mayor for culture.", True),
    ("For lack of funds, the town gave up opening a second nursery this year.",
     "The town opened a second nursery this year.", False),
    ("The digital plan will replace 300 computers in schools. Tablets will be renewed later.",
     "The digital plan includes replacing 300 school computers.", True),
    ("The digital plan will replace 300 computers in schools.",
     "The digital plan will replace 300 computers in schools and town halls.", False),
    ("After two years of works, the Guillotière bridge has reopened to pedestrians; cars will use it only in "
     "2027.", "Pedestrians can cross the Guillotière bridge again.", True),
)


@dataclass(frozen=True)
class JudgeParams:
    """Chosen on data (bench/judge.py on eval/verifier_labels.jsonl, bench/honesty.py on stored eval runs;
    numbers in bench/README.md). The judge's P(oui) is mixed with the cheap support score (overlap + cosine):
    together they separate supported from unsupported sentences better than either alone."""

    weight: float = 0.5  # share of the judge in the combined score
    # The same for a claim the judge reads in English (its own instruction and worked examples, and the sentence
    # next to the evidence: `checks.evidence_text`): P(yes) alone. On the 72 English texts written in the manner
    # of other systems (eval/verify-en*.jsonl, bench/verify_labelled.py) texts caught / clean texts passed go
    # 28/36 / 33/36 -> 34/36 / 32/36 (balanced accuracy 0.847 -> 0.917); P(yes) alone without that sentence,
    # or that sentence with P(yes) mixed, do worse (bench/README.md, twentieth pass).
    weight_en: float = 1.0
    threshold: float = 0.5  # combined score from which a sentence is supported
    # P(oui) below which a sentence is unsupported whatever its overlap: a falsehood made of the passage's own
    # words has overlap 1.0 and would pass any mix. On the 69 labels, no supported sentence fell below 0.1.
    floor: float = 0.1
    premise: float = 0.1  # P(oui) below which the question's presupposition is unsupported
    # P(oui) below which a supported answer does not answer the question, read on the passage sentences it rests
    # on after their title (`pipeline/relevance.py`); 0.1 when the judge read the model's own words. Swept on
    # sitiv and PIAF set 1 (0.2 / 0.25 / 0.3: answerable questions refused from 0.25 on both), checked on set 2.
    answers: float = 0.2
    rescue: float = 0.45  # P(oui) from which a quoted passage sentence answers a question the model refused
    # The same for a sentence from which the model, asked for a short answer, copies a term the question lacks
    # (`short_answer_prompt`, `gives_answer`): two readings agree. Both bars on bench/answers_judge.py and
    # bench/honesty.py --grid short (bench/README.md); before, one bar of 0.4 without the short answer.
    rescue_short: float = 0.35
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


def combined(p_yes: float, cheap: float, params: JudgeParams = DEFAULT_JUDGE, english: bool = False) -> float:
    """The support score of a judged sentence; 0 under the floor (the judge vetoes). `english`: the judge was
    asked in English (`reads_english`)."""
    weight = params.weight_en if english else params.weight
    return 0.0 if p_yes < params.floor else weight * p_yes + (1 - weight) * cheap


def reads_english(claim: str, evidence: str) -> bool:
    """The language the judge is asked in for a claim and its evidence (`judge_prompt`), hence which weight."""
    return is_english(f"{claim} {evidence}")


def yes_no_prompt(user: str, english: bool = False,
                  examples: tuple[tuple[str, str], ...] = (), system: str = "") -> Prompt:
    """A question the judge answers by oui or non (yes or no: its P(yes) is read, nothing generated), after
    `examples` (question, answer) answered in earlier turns. `system`: another system message than the
    language's default one."""
    system = system or (SYSTEM_EN if english else SYSTEM)
    cue = "Answer:" if english else "Réponse :"
    turns = [m for asked, said in examples
             for m in ({"role": "user", "content": asked}, {"role": "assistant", "content": said})]
    shots = "".join(f"{asked}\n{cue} {said}\n\n" for asked, said in examples)
    return Prompt(
        messages=[{"role": "system", "content": system}, *turns, {"role": "user", "content": user}],
        completion=f"{system}\n\n{shots}{user}\n{cue}",
        kept=1 + len(turns),
    )


def _claim_question(claim: str, evidence: str, english: bool, question: str = QUESTION) -> str:
    if english:
        return f"Passage: {evidence.strip()}\n\nClaim: {claim.strip()}\n\n{question}"
    return f"Passage : {evidence.strip()}\n\nAffirmation : {claim.strip()}\n\n{question}"


def judge_prompt(claim: str, evidence: str, question: str | None = None, english: bool | None = None,
                 worked: bool = True, system: str | None = None) -> Prompt:
    """The worked examples, then the evidence and the claim, asked as the examples were. `question` is what is
    asked after each claim and `system` the system message (bench/judge.py measures other wordings, and `worked`
    False: no worked examples); without them, the claims' wording in the language of what the judge reads
    (`english` None: told by `is_english`)."""
    if english is None:
        english = question is None and reads_english(claim, evidence)
    if question is None:
        question = CHECK_EN if english else QUESTION
    if system is None:
        system = SYSTEM_EN if english else CLAIM_SYSTEM
    examples = (EXAMPLES_EN if english else EXAMPLES) if worked else ()
    yes, no = ("yes", "no") if english else ("oui", "non")
    return yes_no_prompt(
        _claim_question(claim, evidence, english, question),
        english,
        tuple((_claim_question(said, passage, english, question), yes if ok else no)
              for passage, said, ok in examples),
        system,
    )


def premise_prompt(premise: str, evidence: str) -> Prompt:
    """The question's presupposition read as a claim, in the wording its bar was chosen on (`JudgeParams.premise`):
    the whole instruction after it, under the bare system message. In the claims' shorter wording the judge reads
    the premises of answerable questions as less stated (median P(oui) 0.63 against 0.80 on PIAF set 1, one
    question refused for its premise; bench/premise_wording.py)."""
    english = is_english(f"{premise} {evidence}")
    return judge_prompt(premise, evidence, CHECK_EN if english else CHECK, english, system=SYSTEM_EN if english
                        else SYSTEM)


def answers_prompt(question: str, text: str, title: str = "") -> Prompt:
    """Supported is not answering: a true sentence about something else is a refusal, not an answer. A sentence
    quoted from a document is read after its title (« (Bataille de Bannockburn) Il y perd … »): what « il » or
    « la bataille » is, the question often names and the sentence does not."""
    if title:
        text = f"({title.strip()}) {text.strip()}"
    if is_english(f"{question} {text}"):
        return yes_no_prompt(f"Question: {question.strip()}\n\nText: {text.strip()}\n\n{ANSWERS_EN}", True)
    return yes_no_prompt(f"Question : {question.strip()}\n\nTexte : {text.strip()}\n\n{ANSWERS}")


def short_answer_prompt(question: str, text: str) -> Prompt:
    """Ask for the few words of `text` that answer `question`, or « aucune »: generated (greedy, `SHORT_TOKENS`)."""
    english = is_english(f"{question} {text}")
    system, ask = (SHORT_SYSTEM_EN, SHORT_EN) if english else (SHORT_SYSTEM, SHORT)
    user = (f"Text: {text.strip()}\n\nQuestion: {question.strip()}\n\n{ask}" if english
            else f"Texte : {text.strip()}\n\nQuestion : {question.strip()}\n\n{ask}")
    cue = "Answer:" if english else "Réponse :"
    return Prompt(messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                  completion=f"{system}\n\n{user}\n{cue}")


_NONE = ("aucun", "none", "no ", "rien", "pas ")


def gives_answer(short: str, question: str, text: str) -> bool:
    """The short answer is copied from the text (most of its words are the text's) and adds a term the question
    lacks: the model found what is asked there. « aucune », an empty answer or words of its own are not."""
    folded = fold(short).strip(" «»\"'.:")
    if not folded or folded.startswith(_NONE):
        return False
    said = set(content_tokens(short))
    copied = said & set(content_tokens(text))
    return bool(said) and len(copied) >= 0.6 * len(said) and bool(copied - set(content_tokens(question)))


def window_around(text: str, span: tuple[int, int], sentences: int = 1) -> str:
    """The passage's sentences around a span (`sentences` on each side): what the judge reads, short enough
    to cost about a second, wide enough to keep the subject of the sentence that holds the fact."""
    spans = split_sentences(text) or [(0, len(text))]
    inside = [i for i, (s, e) in enumerate(spans) if s < span[1] and e > span[0]] or [0]
    first, last = max(0, inside[0] - sentences), min(len(spans) - 1, inside[-1] + sentences)
    return " ".join(text[spans[first][0] : spans[last][1]].split())
