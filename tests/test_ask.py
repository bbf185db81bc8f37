"""Every branch of `Assistant.ask`, with the scripted generator and the hashing embedder: exact outcomes in
milliseconds. The same flow with the real models is tested in tests/integration/."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer.prompt import ABSTENTION, build_prompt
from assistant.documents import DECORATIVE_CITATION, LOW_SUPPORT, MISSING_PASSAGE, NAME_ABSENT, NUMBER_ABSENT
from assistant.errors import BadInput
from assistant.pipeline.fallback import CLOSEST
from tests.fakes import MOVE, scripted_assistant


def passage_rank(answer_passages: list, doc: str) -> int:
    return next(p.rank for p in answer_passages if p.chunk.doc == doc)


def test_supported_answer_with_its_citation(tmp_path: Path) -> None:
    assistant, generator = scripted_assistant(tmp_path, "")
    passages = assistant.search("Quand le syndicat emménage-t-il dans ses nouveaux locaux ?")
    n = passage_rank(passages, "demenagement.txt")
    generator.script = f"{MOVE} [{n}]"
    answer = assistant.ask("Quand le syndicat emménage-t-il dans ses nouveaux locaux ?")
    assert not answer.abstained and not answer.fallback
    assert [s.supported for s in answer.sentences] == [True]
    assert answer.sentences[0].reasons == []
    assert [(c.marker, c.supported) for c in answer.citations] == [(n, True)]
    evidence = answer.sentences[0].evidence
    cited = next(p for p in answer.passages if p.rank == n)
    assert evidence is not None and evidence.rank == n
    assert cited.chunk.text[evidence.start : evidence.end].strip() == MOVE
    assert answer.citations[0].span == (evidence.start, evidence.end)
    assert answer.answer == f"{MOVE} [{n}]"
    assert set(answer.timings_ms) == {"retrieve", "generate", "verify"}


def test_wrong_and_missing_citations_are_corrected_to_the_evidence(tmp_path: Path) -> None:
    assistant, generator = scripted_assistant(tmp_path, "")
    question = "Quand le syndicat emménage-t-il dans ses nouveaux locaux ?"
    passages = assistant.search(question)
    n = passage_rank(passages, "demenagement.txt")
    other = next(p.rank for p in passages if p.rank != n)
    generator.script = f"{MOVE} [{other}] [9]"
    answer = assistant.ask(question)
    sentence = answer.sentences[0]
    assert sentence.supported and sentence.flagged and not answer.abstained
    assert [(r.kind, r.marker, r.replacement) for r in sentence.reasons] == [
        (DECORATIVE_CITATION, other, n), (MISSING_PASSAGE, 9, n)]
    assert [(c.marker, c.passage_rank, c.supported) for c in answer.citations] == [(other, other, False),
                                                                                  (9, None, False)]
    assert sentence.cited == [n] and answer.answer == f"{MOVE} [{n}]"  # shown: the passage that says it
    assert answer.raw_answer == f"{MOVE} [{other}] [9]"  # the model's own markers stay in the raw text


def test_a_sentence_without_citation_is_attributed(tmp_path: Path) -> None:
    assistant, _ = scripted_assistant(tmp_path, MOVE)
    answer = assistant.ask("Quand le syndicat emménage-t-il dans ses nouveaux locaux ?")
    n = passage_rank(answer.passages, "demenagement.txt")
    assert answer.citations == [] and answer.sentences[0].cited == [n] and answer.answer == f"{MOVE} [{n}]"
    assert not answer.sentences[0].flagged


def test_absent_fact_is_flagged_and_abstained_exactly(tmp_path: Path) -> None:
    """The real-model test can only hedge (abstained or flagged); here the outcome is certain."""
    script = "Le budget annuel du syndicat est de 12 millions d'euros, voté à Lyon. [1]"
    assistant, _ = scripted_assistant(tmp_path, script)
    answer = assistant.ask("Quel est le budget annuel du syndicat en euros ?")
    sentence = answer.sentences[0]
    assert not sentence.supported
    kinds = [r.kind for r in sentence.reasons]
    assert kinds[:2] == [NUMBER_ABSENT, NAME_ABSENT] and DECORATIVE_CITATION in kinds
    assert sentence.reasons[0].terms == ["12"] and sentence.reasons[1].terms == ["Lyon"]
    assert answer.abstained and answer.answer.startswith(ABSTENTION)
    assert answer.raw_answer.startswith("Le budget annuel")


def test_unsupported_answer_falls_back_to_quoted_passages(tmp_path: Path) -> None:
    script = "Les agents travaillent désormais entièrement à distance depuis leur domicile."
    assistant, _ = scripted_assistant(tmp_path, script)
    answer = assistant.ask("Où travaillent les agents du syndicat ?")
    assert answer.abstained and answer.fallback
    assert [r.kind for r in answer.sentences[0].reasons] == [LOW_SUPPORT]
    assert answer.answer.startswith(f"{ABSTENTION}\n\n{CLOSEST} « ")
    quoted = {p.rank for p in answer.passages}
    assert any(f"[{r}]" in answer.answer for r in quoted)


def test_model_abstention_is_an_abstention_with_quotes(tmp_path: Path) -> None:
    assistant, _ = scripted_assistant(tmp_path, ABSTENTION)
    answer = assistant.ask("Le syndicat déploie-t-il LibreOffice ?")
    assert answer.abstained and answer.sentences == [] and answer.fallback
    assert "LibreOffice" in answer.answer


def test_guard_refuses_before_generation(tmp_path: Path) -> None:
    assistant, generator = scripted_assistant(tmp_path, "jamais appelé", min_coverage=0.9)
    answer = assistant.ask("Combien de kilomètres de fibre optique ont été posés en Patagonie ?")
    assert answer.abstained and answer.guard.startswith("couverture") and answer.answer == ABSTENTION
    assert generator.prompts == [] and answer.raw_answer == ""


def test_context_fitting_drops_the_last_passages_and_says_so(tmp_path: Path) -> None:
    assistant, generator = scripted_assistant(tmp_path, ABSTENTION, max_tokens=256)
    question = "Que reçoivent les écoles des communes et le syndicat ?"
    found = assistant.search(question)
    assert len(found) == 3
    # Room for the prompt with two passages and the answer, not for the third passage.
    generator.context = generator.prompt_tokens(build_prompt(question, found[:2])) + 256
    answer = assistant.ask(question)
    assert answer.dropped == 1 and answer.passages == found[:2]
    assert answer.to_json()["dropped_passages"] == 1
    sent = generator.prompts[0].messages[-1]["content"]  # the first reading (the model refused: it read one again)
    assert 'n="1"' in sent and 'n="2"' in sent and 'n="3"' not in sent


def test_model_alone_uses_no_passage_and_is_not_an_abstention(tmp_path: Path) -> None:
    assistant, generator = scripted_assistant(tmp_path, "Un syndicat intercommunal regroupe des communes.")
    answer = assistant.ask("Qu'est-ce qu'un syndicat intercommunal ?", no_retrieval=True)
    assert answer.passages == [] and not answer.abstained and not answer.fallback
    assert "<passage" not in generator.prompts[-1].messages[-1]["content"]
    assert answer.sentences[0].reasons[0].kind == LOW_SUPPORT  # nothing to check it against: shown as such


def test_extractive_mode_quotes_without_the_generator(tmp_path: Path) -> None:
    assistant, generator = scripted_assistant(tmp_path, "jamais appelé")
    answer = assistant.ask("Le syndicat déploie-t-il LibreOffice dans les communes ?", mode="extractive")
    assert generator.prompts == []
    assert answer.raw_answer.startswith("« ") and "LibreOffice" in answer.raw_answer
    assert not answer.abstained and all(s.supported for s in answer.sentences)


def test_confidence_records_every_piece(tmp_path: Path) -> None:
    assistant, _ = scripted_assistant(tmp_path, f"{MOVE} [1]")
    streamed: list[str] = []
    answer = assistant.ask("Quand le syndicat emménage-t-il ?", confidence=True, on_token=streamed.append)
    assert "".join(t for t, _ in answer.tokens) == "".join(streamed) == f"{MOVE} [1]"
    assert {p for _, p in answer.tokens} == {0.5}


def test_follow_up_query_searches_but_the_question_is_answered(tmp_path: Path) -> None:
    assistant, generator = scripted_assistant(tmp_path, ABSTENTION)
    answer = assistant.ask("Et où ?", query="nouveaux locaux déménagement syndicat")
    assert answer.question == "Et où ?" and answer.passages[0].chunk.doc == "demenagement.txt"
    assert "Et où ?" in generator.prompts[-1].messages[-1]["content"]


def test_bad_requests(tmp_path: Path) -> None:
    assistant, _ = scripted_assistant(tmp_path, "")
    with pytest.raises(BadInput, match="vide"):
        assistant.ask("  ")
    with pytest.raises(BadInput, match="mode inconnu"):
        assistant.ask("Une question ?", mode="poétique")
