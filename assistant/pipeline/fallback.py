"""Stage: a generated answer with no supported sentence (or one that does not answer) becomes an abstention
followed by the closest passage sentences, quoted; the model's text stays in `raw_answer`.

With a judge, a refusal that would hide a found fact is avoided: when the judge reads a quoted sentence as
giving what the question asks, that quotation is the answer (not an abstention). Near the bar, a second
reading decides: asked for a short answer from that sentence alone, the model copies a term the question lacks
(« Cap Periaz » for « Où s'est tenu le séminaire … ? ») or says « aucune ». The sentences judged are the
closest to the question and those where the verifier aligned the model's sentences: a paraphrase the judge
does not accept (« La série For All Mankind est évoquée dans les vœux ») often points at the sentence that holds
the answer, and so does a supported sentence the model followed with its refusal; the document's own words are
then shown instead of the model's. Each sentence is read after its document's title, so that « il » or « la
bataille » is read knowing what it is about (bench/answers_judge.py: sentence AUC 0.866 → 0.887 and 0.819 →
0.836 on the two PIAF sets)."""

from __future__ import annotations

from dataclasses import replace

from ..answer.extractive import Extract, best_sentences, evidence_sentences, format_extracts
from ..answer.prompt import ABSTENTION
from ..documents import TERM_REASONS, SentenceVerdict
from ..models.base import GenerationOptions
from ..models.memo import generation_key
from ..text import tokenize
from ..verify.checks import best_window, verify
from ..verify.judge import SHORT_TOKENS, answers_prompt, gives_answer, short_answer_prompt
from ..verify.wording import off_topic
from .resources import Resources
from .turn import Turn

CLOSEST = "Passages les plus proches de la question :"
FOUND = "D'après les documents :"


_ALIGNED_READ = 2  # model sentences whose evidence sentence the judge reads as a possible answer


def points_at_answer(sentence: SentenceVerdict, question: str) -> bool:
    """A sentence with an invented or misplaced term points at no answer: its alignment is a coincidence of
    words. Unless every such term is the question's own: the model said back what was asked (« Le projet de
    centre d'hébergement public est cité parmi les projets du mandat 2014 », 2014 far from the sentence that
    names the project) and its alignment still shows where it found the answer."""
    if not sentence.term_fault:
        return True
    asked = set(tokenize(question))
    faulty = [term for reason in sentence.reasons if reason.kind in TERM_REASONS for term in reason.terms]
    return bool(faulty) and all(set(tokenize(term)) <= asked for term in faulty)


def _aligned(turn: Turn, res: Resources) -> list[Extract]:
    v = turn.verification
    if v is None:
        return []
    # A supported sentence is here when the model wrote its refusal after it (« La dernière source de volcanisme
    # est une fissure … Les documents fournis ne permettent pas de répondre ») and comes first; one the judge
    # read as not answering (`off_topic`) is not asked again.
    question = turn.request.question
    written = [s.text for s in sorted(v.sentences, key=lambda s: not s.supported)
               if points_at_answer(s, question) and not (s.supported and turn.off_topic)][:_ALIGNED_READ]
    aligned = []
    for claim in written:  # aligned again here: a sentence the judge vetoed has no evidence on record
        score, span, passage = max(((*best_window(claim, p.chunk.text, window=1), p) for p in turn.passages),
                                   key=lambda x: (x[0], -x[2].rank))
        if score > 0:
            aligned.append((claim, passage, span))
    return evidence_sentences(turn.request.question, aligned, res.bm25.idf)


def short_answer(res: Resources, question: str, text: str) -> str:
    """The few words of `text` the model gives as the answer (greedy; kept in the outputs memo like answers)."""
    prompt = short_answer_prompt(question, text)
    options = GenerationOptions(max_tokens=SHORT_TOKENS, temperature=0.0)

    def said() -> str:
        return "".join(res.generator.generate(prompt, options)).strip()

    if (memo := res.memo) is None:
        return said()
    return str(memo.fetch(generation_key(res.model_names.get("generator", ""), prompt, options, False), said))


def _answering(extracts: list[Extract], turn: Turn, res: Resources) -> Extract | None:
    judge = res.judge
    if judge is None or turn.request.mode != "generative":
        return None
    aligned = {e.text: e for e in _aligned(turn, res)}
    # A sentence both closest to the question and aligned with the model's answer is the aligned one.
    candidates = [aligned.pop(e.text, e) for e in extracts] + list(aligned.values())
    if not candidates:
        return None
    params = res.judge_params
    question = turn.request.question
    scored = [(judge.yes_probability(answers_prompt(question, e.text, e.title)), e) for e in candidates]
    echoed_bar = min(params.rescue_echoed, params.rescue)

    def passes(p: float, e: Extract) -> bool:
        if p >= (echoed_bar if e.echoed else params.rescue):
            return True
        return p >= params.rescue_short and gives_answer(short_answer(res, question, e.text), question, e.text)

    passing = [(p, e) for p, e in scored if passes(p, e)]
    # Where the model found its answer comes first; then the judge's preference.
    return max(passing, key=lambda x: (x[1].echoed, x[0]))[1] if passing else None


class Fallback:
    timing = "verify"
    step = "verify"

    def run(self, turn: Turn, res: Resources) -> Turn:
        if not turn.abstained:
            return turn
        request = turn.request
        # Quoted from the passages actually in the prompt, so every [n] points to one of them.
        extracts = best_sentences(request.question, turn.passages, res.bm25.idf) if request.mode == "generative" else []
        found = _answering(extracts, turn, res)
        if found is not None:
            quoted = format_extracts([found])
            verification = verify(quoted, turn.passages, None, res.verify_params)
            return replace(turn, shown=f"{FOUND} {quoted}", verification=verification, abstained=False,
                           off_topic=False, fallback=True)
        notice = f"{off_topic()}\n\n" if turn.off_topic else ""
        shown = ABSTENTION + (f"\n\n{notice}{CLOSEST} {format_extracts(extracts)}" if extracts else "")
        return replace(turn, shown=shown, fallback=bool(extracts))
