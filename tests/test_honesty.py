"""The honesty stages with a scripted judge: the premise check, the judge's verdict on each sentence, the
« does it answer? » check and the quotation shown instead of a needless refusal. Exact outcomes in
milliseconds; the real judge's quality is measured by bench/judge.py and bench/honesty.py."""

from __future__ import annotations

from pathlib import Path

from assistant.answer.prompt import ABSTENTION
from assistant.documents import NAME_ABSENT, NOT_ENTAILED, NUMBER_ELSEWHERE, Chunk, Passage, Reason, SentenceVerdict
from assistant.pipeline.absent import absent_terms
from assistant.pipeline.fallback import CLOSEST, FOUND, points_at_answer
from assistant.pipeline.premise import WHAT_THEY_SAY, aligned_windows
from assistant.pipeline.relevance import adds_nothing
from assistant.verify.checks import best_window, is_abstention
from assistant.verify.judge import (
    ANSWERS,
    DEFAULT_JUDGE,
    QUESTION,
    SHORT,
    answers_prompt,
    gives_answer,
    window_around,
)
from assistant.verify.premise import predicate_of, premise_of, unsupported_premise_text
from assistant.verify.wording import describe, off_topic
from tests.fakes import MOVE, ScriptedJudge, scripted_assistant

DEPLOY = "Le syndicat déploie LibreOffice sur tous les postes des communes adhérentes."


def rank_of(assistant, question: str, doc: str) -> int:  # type: ignore[no-untyped-def]
    return next(p.rank for p in assistant.search(question) if p.chunk.doc == doc)


def test_question_forms_and_their_premises() -> None:
    assert premise_of("Pourquoi le SITIV a-t-il choisi Microsoft Office 365 ?") == (
        "le SITIV a choisi Microsoft Office 365")
    assert premise_of("Quand le SITIV a-t-il quitté Vénissieux pour s'installer à Lyon ?") == (
        "le SITIV a quitté Vénissieux pour s'installer à Lyon")
    assert premise_of("Pourquoi Michèle Picard a-t-elle démissionné ?") == "Michèle Picard a démissionné"
    assert premise_of("Le SITIV a bien signé un partenariat avec Google, n'est-ce pas ? Combien rapporte-t-il ?") == (
        "le SITIV a signé un partenariat avec Google")
    assert premise_of("Pourquoi est-ce que le syndicat utilise Azure ?") == "le syndicat utilise Azure"
    # Inversion typed without hyphens: the pronoun is not part of what is presupposed.
    assert premise_of("Pourquoi Edward Dickinson Baker est il critiqué ?") == "Edward Dickinson Baker est critiqué"
    assert premise_of("Pourquoi il pleut ?") == "il pleut"
    # Questions that presuppose nothing beyond their subject are left alone.
    assert premise_of("Combien de communes le syndicat regroupe-t-il ?") is None
    assert premise_of("Qui est le président ?") is None
    assert premise_of("Le syndicat a-t-il abandonné LibreOffice ?") is None  # a yes/no question asks, not assumes
    assert unsupported_premise_text("il a démissionné") == "Les documents ne disent pas qu'il a démissionné."
    # What the premise says of its subject, for finding where the passages say it.
    assert predicate_of("Edward Dickinson Baker est critiqué") == "critiqué"
    assert predicate_of("le SITIV a choisi Microsoft Office 365") == "choisi Microsoft Office 365"
    assert predicate_of("l'article a été mis en ligne") == "été mis en ligne"
    assert predicate_of("Roger rejette sa famille") == "Roger rejette sa famille"  # no auxiliary: all of it
    assert predicate_of("il est là") == "il est là"  # nothing to align with after the verb


def test_the_premise_is_looked_for_where_its_predicate_is_not_where_its_subject_is_named() -> None:
    """Every passage about Baker names him: aligned with the whole premise, the window read was the one with his
    full name, and the judge refused a premise the next sentences state (« Il est critiqué … »)."""
    text = ("Edward Dickinson Baker est un avocat de l'Illinois. Edward Dickinson Baker est né à Londres en 1811. "
            "Il mesure un mètre quatre-vingts. Baker plaide en 1855 dans une affaire célèbre. "
            "Il est critiqué pour la défense de Charles Cora.")
    other = "Edward Dickinson Baker devient sénateur de l'Oregon. Edward Dickinson Baker meurt en 1861."
    passages = [Passage(1, Chunk("a", "a.txt", 0, len(other), other), 0.5),
                Passage(2, Chunk("b", "b.txt", 0, len(text), text), 0.4)]
    (span, passage), _ = aligned_windows("Edward Dickinson Baker est critiqué", passages)
    assert passage.rank == 2 and "critiqué" in window_around(text, span, 0)
    # Before, the whole premise's best window: the sentences with the full name, in the first passage.
    whole = max(((*best_window("Edward Dickinson Baker est critiqué", p.chunk.text), p) for p in passages),
                key=lambda x: (x[0], -x[2].rank))
    assert whole[2].rank == 1 and "critiqué" not in window_around(whole[2].chunk.text, whole[1], 0)


def test_a_premise_the_judge_does_not_read_in_the_passages_is_named_and_nothing_is_generated(tmp_path: Path) -> None:
    def verdict(user: str) -> float:
        return 0.02 if "Affirmation : le syndicat a abandonné LibreOffice" in user else 0.9

    assistant, generator = scripted_assistant(tmp_path, "ne doit pas être généré", verdict=verdict)
    answer = assistant.ask("Pourquoi le syndicat a-t-il abandonné LibreOffice ?")
    assert answer.abstained and answer.premise == "le syndicat a abandonné LibreOffice"
    # Refused only once both of the premise's best-aligned windows have been read.
    assert sum("Affirmation : le syndicat a abandonné" in u for u in generator.judged) == 2
    assert answer.answer.startswith("Les documents ne disent pas que le syndicat a abandonné LibreOffice.")
    n = next(p.rank for p in answer.passages if p.chunk.doc == "logiciels.txt")
    assert f"{WHAT_THEY_SAY} « {DEPLOY} » [{n}]" in answer.answer
    assert generator.prompts == []  # refused before generation: no seconds spent writing a justification
    assert answer.to_json()["premise"] == "le syndicat a abandonné LibreOffice"


def test_a_premise_the_passages_state_lets_the_question_through(tmp_path: Path) -> None:
    assistant, _ = scripted_assistant(tmp_path, "", verdict=lambda user: 0.95)
    question = "Pourquoi le syndicat déploie-t-il LibreOffice ?"
    n = rank_of(assistant, question, "logiciels.txt")
    assistant.res.generator.script = f"Cette migration permet de se passer de Office 365 et de ses abonnements. [{n}]"
    answer = assistant.ask(question)
    assert not answer.abstained and answer.premise == ""
    assert answer.sentences[0].supported
    # The best-aligned window states it: the second is not read (a judge call saved).
    assert sum("Affirmation : le syndicat déploie LibreOffice" in u for u in assistant.res.generator.judged) == 1


def test_without_a_judge_an_absent_name_in_the_premise_still_refuses(tmp_path: Path) -> None:
    assistant, generator = scripted_assistant(tmp_path, "ne doit pas être généré")
    answer = assistant.ask("Pourquoi le syndicat a-t-il choisi Azure ?")
    assert answer.abstained and answer.premise == "le syndicat a choisi Azure"
    assert generator.prompts == []


def test_the_judge_refuses_a_falsehood_made_of_the_passage_words(tmp_path: Path) -> None:
    falsehood = "Le syndicat déploie Office 365 sur tous les postes des communes adhérentes."

    def verdict(user: str) -> float:
        return 0.01 if f"Affirmation : {falsehood}" in user or ANSWERS in user else 0.9

    assistant, generator = scripted_assistant(tmp_path, "", verdict=verdict)
    question = "Que déploie le syndicat sur les postes ?"
    n = rank_of(assistant, question, "logiciels.txt")
    generator.script = f"{falsehood} [{n}]"
    answer = assistant.ask(question)
    sentence = answer.sentences[0]
    assert not sentence.supported and [r.kind for r in sentence.reasons][:1] == [NOT_ENTAILED]
    assert "n'est pas celui des passages" in describe(sentence.reasons[0])
    # The same words without the judge pass: that is the hole the judge closes.
    plain, _ = scripted_assistant(tmp_path / "plain", f"{falsehood} [{n}]")
    assert plain.ask(question).sentences[0].supported


def test_the_judge_accepts_a_paraphrase_word_overlap_refuses(tmp_path: Path) -> None:
    paraphrase = "Le personnel est désormais à l'étroit dans l'immeuble actuel."
    assistant, generator = scripted_assistant(tmp_path, "", verdict=lambda user: 0.97)
    question = "Pourquoi le syndicat déménage-t-il ?"
    n = rank_of(assistant, question, "demenagement.txt")
    generator.script = f"{paraphrase} [{n}]"
    answer = assistant.ask(question)
    assert not answer.abstained and answer.sentences[0].supported and answer.sentences[0].cited == [n]
    plain, _ = scripted_assistant(tmp_path / "plain", f"{paraphrase} [{n}]")
    assert plain.ask(question).abstained


def test_a_total_is_judged_as_the_parts_the_passage_gives(tmp_path: Path) -> None:
    """The 1.5B judge refuses « 8 communes » beside « 6 communes du Rhône et 2 de la Loire » (it does not add):
    it is asked about the parts, in the passage's words, and the sentence is decided on that reading."""
    parts = "6 communes du Rhône et 2 de la Loire"

    def verdict(user: str) -> float:
        return 0.95 if f"Affirmation : Le syndicat compte {parts}." in user else 0.02

    assistant, generator = scripted_assistant(tmp_path, "", verdict=verdict)
    members = [Passage(1, Chunk("m", "m.txt", 0, 10, f"Nous sommes désormais {parts} dans notre syndicat."), 1.0)]
    checked = assistant.check("Le syndicat compte 8 communes. [1]", members).sentences[0]
    assert checked.supported and checked.cited == [1]
    assert generator.judged and f"compte {parts}." in generator.judged[0] and "8 communes" not in generator.judged[0]
    # Another count of the same sentence read as the claim said it: the judge's refusal stands.
    refused = assistant.check("Le syndicat compte 6 communes. [1]", members).sentences[0]
    assert not refused.supported and [r.kind for r in refused.reasons][:1] == [NOT_ENTAILED]


def test_a_true_sentence_that_does_not_answer_is_a_refusal(tmp_path: Path) -> None:
    def verdict(user: str) -> float:
        return 0.01 if ANSWERS in user else 0.95

    assistant, generator = scripted_assistant(tmp_path, "", verdict=verdict)
    question = "Combien d'élèves reçoivent une tablette ?"
    n = rank_of(assistant, question, "demenagement.txt")
    generator.script = f"{MOVE} [{n}]"
    answer = assistant.ask(question)
    assert answer.sentences[0].supported  # true, but beside the question
    assert answer.abstained and answer.off_topic
    assert answer.answer.startswith(ABSTENTION) and off_topic() in answer.answer and CLOSEST in answer.answer


def test_does_it_answer_reads_what_the_answer_rests_on_not_its_wording(tmp_path: Path) -> None:
    """An answer that restates the question's frame reads as an answer whatever it then says (« La
    caractéristique de la première partie de la bataille est que 10 000 personnes … »): the judge reads the
    passage sentence the answer rests on, after its document's title, not the model's words."""
    rests_on = f"(Déménagement du syndicat) {MOVE}"
    said = "Les agents découvriront leurs nouveaux bureaux de Vénissieux à la rentrée 2015."

    def verdict(user: str) -> float:  # only the model's own wording reads as an answer
        return (0.95 if said in user else 0.05) if ANSWERS in user else 0.95

    assistant, generator = scripted_assistant(tmp_path, "", verdict=verdict)
    question = "Quand les agents découvriront-ils leurs nouveaux bureaux ?"
    n = rank_of(assistant, question, "demenagement.txt")
    generator.script = f"{said} [{n}]"
    answer = assistant.ask(question)
    assert answer.sentences[0].supported and answer.abstained and answer.off_topic
    assert isinstance(generator, ScriptedJudge)
    asked = [user for user in generator.judged if ANSWERS in user]
    assert asked and rests_on in asked[0] and said not in asked[0]


def test_a_found_fact_is_quoted_instead_of_a_needless_refusal(tmp_path: Path) -> None:
    def verdict(user: str) -> float:
        return 0.9 if ANSWERS in user and "rentrée 2015" in user else 0.05

    assistant, generator = scripted_assistant(tmp_path, ABSTENTION, verdict=verdict)
    question = "Quand le syndicat emménagera-t-il dans ses nouveaux locaux de Vénissieux ?"
    assert isinstance(generator, ScriptedJudge)
    answer = assistant.ask(question.replace("Quand le syndicat emménagera-t-il", "À quelle date a lieu l'emménagement"))
    n = next(p.rank for p in answer.passages if p.chunk.doc == "demenagement.txt")
    assert not answer.abstained and answer.fallback
    assert answer.answer == f"{FOUND} « {MOVE} » [{n}]"
    assert answer.sentences and all(s.supported for s in answer.sentences)
    assert answer.raw_answer == ABSTENTION  # the model's own refusal stays on record


def test_a_quoted_sentence_is_read_after_its_document_title(tmp_path: Path) -> None:
    """A sentence that says « il » or « ces locaux » answers only for a reader who knows what its document is
    about: the judge reads the title (« Déménagement du syndicat ») before the quoted sentence."""
    prompt = answers_prompt("Quand le syndicat déménage-t-il ?", MOVE, "Déménagement du syndicat")
    assert f"Texte : (Déménagement du syndicat) {MOVE}" in prompt.messages[-1]["content"]
    assert answers_prompt("Q ?", MOVE).messages[-1]["content"] == answers_prompt("Q ?", MOVE, "").messages[-1][
        "content"]

    def verdict(user: str) -> float:  # the sentence answers only under its title
        return 0.9 if ANSWERS in user and f"(Déménagement du syndicat) {MOVE}" in user else 0.05

    assistant, _ = scripted_assistant(tmp_path, ABSTENTION, verdict=verdict)
    answer = assistant.ask("À quelle date a lieu l'emménagement dans les locaux de Vénissieux ?")
    n = next(p.rank for p in answer.passages if p.chunk.doc == "demenagement.txt")
    assert answer.passages[n - 1].chunk.metadata["title"] == "Déménagement du syndicat"
    assert not answer.abstained and answer.answer == f"{FOUND} « {MOVE} » [{n}]"


def test_an_invented_name_is_decided_without_asking_the_judge(tmp_path: Path) -> None:
    assistant, generator = scripted_assistant(tmp_path, "", verdict=lambda user: 0.01 if ANSWERS in user else 0.99)
    question = "Que déploie le syndicat sur les postes ?"
    n = rank_of(assistant, question, "logiciels.txt")
    generator.script = f"Le syndicat déploie Azure sur tous les postes des communes adhérentes. [{n}]"
    answer = assistant.ask(question)
    assert [r.kind for r in answer.sentences[0].reasons][:1] == [NAME_ABSENT]
    assert isinstance(generator, ScriptedJudge)
    assert not any(QUESTION in user for user in generator.judged)


def test_a_quotation_of_a_passage_is_not_judged_but_must_still_answer(tmp_path: Path) -> None:
    assistant, generator = scripted_assistant(tmp_path, "", verdict=lambda user: 0.01)  # vetoes all it reads
    question = "Que déploie le syndicat sur les postes ?"
    n = rank_of(assistant, question, "logiciels.txt")
    generator.script = f"« {DEPLOY} » [{n}]"
    answer = assistant.ask(question)
    assert answer.sentences[0].supported  # word for word: the judge is not asked whether it says the same
    assert isinstance(generator, ScriptedJudge)
    assert not any(QUESTION in user for user in generator.judged)
    assert any(ANSWERS in user for user in generator.judged) and answer.abstained and answer.off_topic


def test_the_sentence_where_the_model_found_its_answer_is_quoted_when_the_judge_hesitates(tmp_path: Path) -> None:
    """The judge refuses the model's wording and reads the quotations as hesitant answers (0.3, under the
    rescue threshold): the passage sentence that holds every word the model added to the question is quoted;
    a model sentence whose added words are in no passage sentence leaves the refusal standing."""
    def verdict(user: str) -> float:
        return 0.3 if ANSWERS in user else 0.05

    assistant, generator = scripted_assistant(tmp_path, "", verdict=verdict)
    question = "À quel moment les agents changeront de bureaux ?"  # no premise to check
    n = rank_of(assistant, question, "demenagement.txt")
    generator.script = f"Les agents changeront de locaux à la rentrée 2015 à Vénissieux. [{n}]"
    answer = assistant.ask(question)
    assert answer.sentences and not answer.abstained and answer.fallback
    assert answer.answer == f"{FOUND} « {MOVE} » [{n}]"
    assert answer.raw_answer.startswith("Les agents changeront")  # the model's wording stays on record

    generator.script = f"Les agents changeront de bureaux après les élections. [{n}]"
    refused = assistant.ask("À quel moment les agents vont changer de bureaux ?")  # not the memo of the first
    assert refused.abstained and refused.answer.startswith(ABSTENTION) and CLOSEST in refused.answer


def test_a_short_answer_copied_from_the_sentence_decides_near_the_bar() -> None:
    question = "Où s'est tenu le séminaire du 1er mars ?"
    text = "Un séminaire a réuni 150 élus le 1er mars pour rejoindre Cap Periaz sur la transition numérique."
    assert gives_answer("Cap Periaz", question, text)
    assert gives_answer("« à Cap Periaz ».", question, text)
    assert not gives_answer("aucune", question, text) and not gives_answer("Aucune.", question, text)
    assert not gives_answer("none", question, text) and not gives_answer("", question, text)
    assert not gives_answer("le 1er mars", question, text)  # the question's own words: nothing found
    assert not gives_answer("Paris", question, text)  # not in the text: the model's own words
    assert not gives_answer("Lyon, place Bellecour, Cap Periaz", question, text)  # mostly its own words


def test_near_the_bar_the_quotation_answers_only_if_the_model_copies_the_answer_from_it(tmp_path: Path) -> None:
    """P(« answers ») between the two bars: the quotation is shown when the model, asked for the few words that
    answer, copies a term of the sentence the question lacks; « aucune » leaves the refusal standing."""
    hesitant = (DEFAULT_JUDGE.rescue_short + DEFAULT_JUDGE.rescue) / 2
    short = {"said": "à la rentrée 2015"}

    def verdict(user: str) -> float:
        return hesitant if ANSWERS in user and "rentrée 2015" in user else 0.05

    def script(prompt) -> str:  # type: ignore[no-untyped-def]
        return short["said"] if SHORT in prompt.messages[-1]["content"] else ABSTENTION

    assistant, generator = scripted_assistant(tmp_path, "", verdict=verdict)
    generator.script = script
    question = "À quelle date a lieu l'emménagement dans les nouveaux locaux de Vénissieux ?"
    answer = assistant.ask(question)
    n = next(p.rank for p in answer.passages if p.chunk.doc == "demenagement.txt")
    assert not answer.abstained and answer.fallback and answer.answer == f"{FOUND} « {MOVE} » [{n}]"
    assert any(SHORT in p.messages[-1]["content"] for p in generator.prompts)

    short["said"] = "aucune"
    refused = assistant.ask(question.replace("À quelle date a lieu", "Quelle est la date de"))
    assert refused.abstained and refused.answer.startswith(ABSTENTION) and CLOSEST in refused.answer


def test_a_question_about_a_name_no_passage_holds_is_refused_before_generating(tmp_path: Path) -> None:
    assistant, generator = scripted_assistant(tmp_path, "ne doit pas être généré")
    answer = assistant.ask("Quel poste occupe Wan Jifei au syndicat ?")
    assert answer.abstained and answer.guard == "absent des passages : Wan Jifei"
    assert answer.answer.startswith("Les passages trouvés ne mentionnent pas « Wan Jifei » : les documents")
    assert is_abstention(answer.answer) and CLOSEST in answer.answer
    assert generator.prompts == [] and answer.premise == ""
    # A number counts as a name does; a capital after « ? » starts a sentence and is none.
    assert assistant.ask("Que devient le syndicat en 2031 ?").guard == "absent des passages : 2031"
    assert absent_terms("Le syndicat déploie-t-il LibreOffice ? Combien de postes ?", answer.passages) == []
    assert absent_terms("Le syndicat déploie-t-il LibreOffice ? Et Azure ?", answer.passages) == ["Azure"]
    assert absent_terms("Que fit Wan Jifei en 2031 ?", answer.passages) == ["Wan Jifei", "2031"]
    # Switched off, the model answers (and the verifier flags what it invents).
    off, generator_off = scripted_assistant(tmp_path / "off", "Wan Jifei dirige le syndicat.", absent_guard="off")
    answer = off.ask("Quel poste occupe Wan Jifei au syndicat ?")
    assert generator_off.prompts and answer.guard == "" and answer.abstained


def test_the_model_saying_the_documents_do_not_answer_is_a_refusal_whatever_else_it_wrote(tmp_path: Path) -> None:
    assistant, generator = scripted_assistant(tmp_path, "")
    question = "Combien d'élèves reçoivent une tablette ?"
    n = rank_of(assistant, question, "demenagement.txt")
    generator.script = f"{MOVE} [{n}]\n\n{ABSTENTION}"
    answer = assistant.ask(question)
    assert answer.sentences[0].supported  # true, but the model itself says it answers nothing
    assert answer.abstained and answer.answer.startswith(ABSTENTION) and MOVE not in answer.answer.split(CLOSEST)[0]
    generator.script = f"{MOVE} [{n}]"
    assert not assistant.ask("Quand le syndicat emménagera-t-il à Vénissieux ?").abstained


def test_a_supported_sentence_the_model_follows_with_its_refusal_points_at_the_answer(tmp_path: Path) -> None:
    """The model writes the fact, then says the documents do not answer: the passage sentence its supported
    sentence aligns with holds every word it added, so it is quoted from the lower (echoed) bar; to a question
    it does not answer, the refusal stands."""
    def verdict(user: str) -> float:
        if QUESTION in user:
            return 0.95
        return 0.3 if ANSWERS in user and "emménag" in user and "bureaux" in user else 0.05

    assert DEFAULT_JUDGE.rescue_echoed <= 0.3 < DEFAULT_JUDGE.rescue_short
    assistant, generator = scripted_assistant(tmp_path, "", verdict=verdict)
    question = "À quel moment les agents changeront de bureaux ?"
    n = rank_of(assistant, question, "demenagement.txt")
    generator.script = f"{MOVE} [{n}]\n\n{ABSTENTION}"
    answer = assistant.ask(question)
    assert not answer.abstained and answer.fallback and answer.answer == f"{FOUND} « {MOVE} » [{n}]"
    assert answer.raw_answer.endswith(ABSTENTION)

    refused = assistant.ask("Combien d'élèves reçoivent une tablette ?")
    assert refused.abstained and refused.answer.startswith(ABSTENTION) and CLOSEST in refused.answer


def test_a_term_the_question_holds_does_not_hide_where_the_model_found_its_answer() -> None:
    """« … cité parmi les projets du mandat 2014 »: 2014 is far from the sentence naming the project, so the
    sentence is flagged; but the model only said the question's year back, and the sentence it aligns with holds
    the answer. An invented name of its own still points at nothing."""
    question = "Quel projet d'hébergement public est cité parmi les projets du mandat 2014 ?"

    def said(term: str, kind: str = NUMBER_ELSEWHERE) -> SentenceVerdict:
        return SentenceVerdict(f"Le projet de centre d'hébergement public est cité en {term}.", False, 0.3, 1,
                               reasons=[Reason(kind, [term])])

    assert points_at_answer(said("2014"), question)
    assert not points_at_answer(said("2016"), question)
    assert not points_at_answer(said("Pierre-Réalain", NAME_ABSENT), question)
    assert points_at_answer(SentenceVerdict("Le projet est cité.", True, 0.9, 1), question)


def test_an_answer_that_only_says_the_question_back_is_no_answer(tmp_path: Path) -> None:
    question = "Où le syndicat emménagera-t-il à la rentrée 2015 ?"
    assert adds_nothing(question, "Le syndicat emménagera à la rentrée 2015.")
    assert not adds_nothing(question, "Le syndicat emménagera à Vénissieux à la rentrée 2015.")
    assert not adds_nothing("Le syndicat emménagera-t-il à la rentrée 2015 ?", "Oui, le syndicat emménagera.")
    assert adds_nothing("Que déploie le syndicat ?", "Le syndicat déploie.")
    assistant, generator = scripted_assistant(tmp_path, "", memo="off")  # no judge: the rule needs none
    n = rank_of(assistant, question, "demenagement.txt")
    generator.script = f"Le syndicat emménagera à la rentrée 2015. [{n}]"
    answer = assistant.ask(question)
    assert answer.sentences[0].supported and answer.abstained and answer.off_topic
    generator.script = f"{MOVE} [{n}]"
    assert not assistant.ask(question).abstained
