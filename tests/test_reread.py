"""The second reading (pipeline/reread.py): a question the model refused over every passage is asked again over
the best-ranked passage alone. Scripted model, exact outcomes; what it does with the real model on the eval sets
is measured by bench/reread.py and the full runs (bench/README.md)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from assistant.answer.prompt import ABSTENTION, Prompt
from assistant.pipeline.fallback import CLOSEST
from assistant.pipeline.resources import Resources
from assistant.pipeline.turn import Turn
from assistant.pipeline.verify import Verify
from assistant.ui.common import follow_answer
from assistant.ui.progress import Speeds, Tracker
from assistant.verify.judge import ANSWERS
from assistant.verify.wording import reread_note
from tests.fakes import MOVE, ScriptedJudge, scripted_assistant

QUESTION = "Quand le syndicat emménagera-t-il dans ses nouveaux locaux de Vénissieux ?"


def passages_read(prompt: Prompt) -> int:
    return prompt.messages[-1]["content"].count("<passage ")


def test_a_refusal_over_every_passage_is_read_again_over_the_first_alone(tmp_path: Path) -> None:
    assistant, generator = scripted_assistant(
        tmp_path, lambda prompt: ABSTENTION if passages_read(prompt) > 1 else f"{MOVE} [1]")
    answer = assistant.ask(QUESTION)
    assert answer.passages[0].chunk.doc == "demenagement.txt" and len(answer.passages) == 3
    assert [passages_read(p) for p in generator.prompts] == [3, 1]
    assert not answer.abstained and answer.reread and answer.answer == f"{MOVE} [1]"
    assert answer.sentences[0].supported and answer.sentences[0].cited == [1]
    # Shown among every passage found, with the second reading's own view of the first.
    assert [p.rank for p in answer.passages] == [1, 2, 3] and answer.passages[0].windows == ()
    assert answer.to_json()["reread"] is True
    assert answer.raw_answer == f"{MOVE} [1]"
    assert reread_note(3).startswith("Le modèle n'avait d'abord rien trouvé dans les 3 passages ; en relisant")


def premise_stated(user: str) -> float:
    """The judge reads the question's premise as stated and no closest sentence as an answer."""
    return 0.05 if ANSWERS in user else 0.9


def test_when_the_second_reading_refuses_too_the_first_refusal_stands(tmp_path: Path) -> None:
    assistant, generator = scripted_assistant(tmp_path, ABSTENTION, verdict=premise_stated)
    assert isinstance(generator, ScriptedJudge)
    answer = assistant.ask(QUESTION)
    assert [passages_read(p) for p in generator.prompts] == [3, 1]
    assert answer.abstained and not answer.reread and answer.fallback
    # The closest sentences of every passage, not of the one read again.
    assert answer.answer.startswith(f"{ABSTENTION}\n\n{CLOSEST} «") and len(answer.passages) == 3
    # A bare second refusal is not verified (nor are its closest sentences read by the judge): the first
    # reading's quotations stand. A refusal after a fact is: the fallback may quote where the fact was found.
    verified: list[str] = []

    class Recording(Verify):
        def run(self, turn: Turn, res: Resources) -> Turn:
            verified.append(turn.raw)
            return super().run(turn, res)

    stages = tuple(Recording() if isinstance(s, Verify) else s for s in assistant.reread_stages)
    again = replace(assistant, reread_stages=stages).ask(QUESTION.replace("Quand", "À quelle date"))
    assert again.abstained and verified == []
    generator.script = lambda prompt: ABSTENTION if passages_read(prompt) > 1 else f"{MOVE} [1] {ABSTENTION}"
    again = replace(assistant, reread_stages=stages).ask(QUESTION.replace("Quand", "En quelle année"))
    assert again.abstained and verified == [f"{MOVE} [1] {ABSTENTION}"]


def test_only_the_model_s_own_refusal_is_read_again(tmp_path: Path) -> None:
    """An answer the verifier refused is not asked for again: over one passage the model then writes verified
    answers to questions the documents do not answer (bench/README.md)."""
    assistant, generator = scripted_assistant(tmp_path, "Les agents travaillent entièrement à distance.")
    answer = assistant.ask("Où travaillent les agents du syndicat ?")
    assert answer.abstained and not answer.reread and len(generator.prompts) == 1
    # Nor is a question refused before generation (guard, premise, absent name), nor extractive mode.
    assistant, generator = scripted_assistant(tmp_path / "guard", ABSTENTION, min_coverage=0.9)
    assert assistant.ask("Combien de kilomètres de fibre ont été posés en Patagonie ?").guard
    assert generator.prompts == []
    assistant, generator = scripted_assistant(tmp_path / "extractive", ABSTENTION)
    assert not assistant.ask(QUESTION, mode="extractive").reread and generator.prompts == []
    # Nor a question asked over one passage only: there is nothing to leave out.
    assistant, generator = scripted_assistant(tmp_path / "one", ABSTENTION)
    assert assistant.ask(QUESTION, k=1).abstained and len(generator.prompts) == 1


def test_the_page_shows_the_second_reading_in_place_of_the_first(tmp_path: Path) -> None:
    """The chat streams what the model writes: the refusal of the first reading, then the second reading's
    answer in its place (not after it), and the time estimate counts the second writing's own tokens."""
    assistant, _ = scripted_assistant(
        tmp_path, lambda prompt: ABSTENTION if passages_read(prompt) > 1 else f"{MOVE} [1]")
    tracker = Tracker(Speeds())
    updates = list(follow_answer(lambda on_token, on_step: assistant.ask(QUESTION, on_token=on_token,
                                                                            on_step=on_step), tracker))
    texts = [u.text for u in updates]
    assert any(t.startswith("Les documents fournis") for t in texts)
    assert updates[-1].done and updates[-1].text == f"{MOVE} [1]"
    assert len(updates[-1].passages or []) == 3  # the passages found stay listed while the first is read again
    assert tracker.tokens == -(-len(updates[-1].text) // 7)  # the scripted model streams 7 characters a piece
