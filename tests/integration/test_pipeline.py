"""The backbone on real files and the real packaged models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.answer.prompt import ABSTENTION
from assistant.errors import BadInput, IndexMismatch
from assistant.index import store as index_store
from assistant.models.llama_cpp import LlamaCppGenerator
from assistant.pipeline.assistant import Assistant
from assistant.pipeline.factory import build_assistant
from assistant.text import STOPWORDS, tokenize
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_corpus_ingested_cleanly(assistant: Assistant) -> None:
    data = assistant.index
    assert sorted(data.documents) == sorted(p.name for p in CORPUS.iterdir())
    for chunk in data.chunks:
        assert data.documents[chunk.doc].text[chunk.start : chunk.end] == chunk.text
    for doc in data.documents.values():
        assert "â€" not in doc.text and "Ã©" not in doc.text, doc.doc
    dated = {d.doc: d.metadata for d in data.documents.values() if "date" in d.metadata}
    assert dated["001_eb411bdef86b250c.txt"]["date"] == "2015-01-20"
    assert dated["002_6a47bb3fd1ae3a7a.txt"]["date"] == "2014-04-29"
    seminar = dict(dated["003_6f4a46b29403df7d.txt"])
    assert seminar.pop("added") >= "2026"  # when it entered the index (documents view, docs list)
    assert seminar == {"date": "2018-03-05", "author": "Thierry BILLET",
                       "title": "Séminaire sur la transition numérique"}
    assert data.documents["001_eb411bdef86b250c.txt"].metadata["url"].startswith("https://")
    assert data.manifest["embedder"] == {"name": "embeddinggemma-300m", "dim": 768}


# « Quand et où le SITIV va-t-il déménager ? » misses (rank 6): the answer chunk says « syndicat », never
# « SITIV », and the dense ranking follows the acronym. Recorded in the issue note, not hidden.
@pytest.mark.parametrize(
    "question",
    [
        "Quand le syndicat emménage-t-il dans ses nouveaux locaux ?",
        "Où seront situés les nouveaux locaux du syndicat ?",
    ],
)
def test_move_passage_in_top3(assistant: Assistant, question: str) -> None:
    passages = assistant.search(question, k=3)
    assert any("Nous emménagerons à la rentrée 2015" in p.chunk.text for p in passages), [
        p.chunk.text[:80] for p in passages
    ]


def test_answer_is_cited_french(assistant: Assistant) -> None:
    answer = assistant.ask("Quand le syndicat emménage-t-il dans ses nouveaux locaux ?")
    assert answer.model == {"generator": "qwen2.5-coder-0.5b-instruct-q4_k_m", "embedder": "embeddinggemma-300m"}
    assert answer.passages and answer.raw_answer
    assert answer.timings_ms["generate"] > 0
    assert any("Nous emménagerons" in p.chunk.text for p in answer.passages)
    words = tokenize(answer.raw_answer)
    assert sum(w in STOPWORDS for w in words) / len(words) > 0.15, answer.raw_answer  # French, not English
    ranks = {p.rank for p in answer.passages}
    for s in answer.sentences:
        assert s.evidence_rank is None or s.evidence_rank in ranks
        assert not s.supported or s.unsupported_terms == []
    assert answer.abstained or answer.sentences


def test_absent_fact_is_abstained_or_flagged(assistant: Assistant) -> None:
    answer = assistant.ask("Quel est le budget annuel du SITIV en euros ?")
    flagged = [s for s in answer.sentences if not s.supported]
    assert answer.abstained or flagged, answer.raw_answer
    if answer.abstained:
        assert ABSTENTION in answer.answer or not answer.raw_answer


def test_no_retrieval_uses_no_passage(assistant: Assistant) -> None:
    answer = assistant.ask("Qu'est-ce qu'un syndicat intercommunal ?", no_retrieval=True)
    assert answer.passages == [] and answer.raw_answer


def test_bad_questions(assistant: Assistant) -> None:
    with pytest.raises(BadInput, match="vide"):
        assistant.ask("   ")
    with pytest.raises(BadInput, match="trop longue"):
        assistant.ask("x" * 5000)


def test_index_with_other_settings_is_refused(assistant: Assistant) -> None:
    other = build_assistant(assistant.settings.replace(chunk_max_chars=500), need_generator=False)
    with pytest.raises(IndexMismatch, match="rebuild"):
        other.search("déménagement")
    # The refusal costs nothing and changes nothing.
    assert index_store.read_manifest(assistant.settings.index_dir)["chunks"] == len(assistant.index.chunks)


def _cli(*args: str, index: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_PROFILE": "fast"}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args, "--index", str(index)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )


def test_cli_ask_json_contract(assistant: Assistant) -> None:
    proc = _cli(
        "ask", "Quel président a pris ses fonctions en 2014 ?", "--json", "-k", "3", index=assistant.settings.index_dir
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)  # exactly one JSON object on stdout
    assert set(data) >= {"question", "answer", "abstained", "passages", "citations", "sentences", "model", "timings_ms"}
    assert len(data["passages"]) == 3
    assert set(data["passages"][0]) >= {"rank", "doc", "title", "text", "score", "start", "end"}
    assert set(data["timings_ms"]) == {"retrieve", "generate", "verify"}
    for s in data["sentences"]:
        assert set(s) >= {"text", "supported", "score", "evidence_rank", "unsupported_terms"}


def test_cli_errors_are_french_lines(tmp_path: Path, assistant: Assistant) -> None:
    proc = _cli("ask", "", index=assistant.settings.index_dir)
    assert proc.returncode == 2 and proc.stderr.startswith("Erreur : question vide")
    proc = _cli("ask", "Bonjour ?", index=tmp_path / "none")
    assert proc.returncode == 2 and "aucun index" in proc.stderr and "Traceback" not in proc.stderr


def test_confidence_tokens_match_the_answer(assistant: Assistant) -> None:
    answer = assistant.ask("Quel est le budget annuel du SITIV ?", no_retrieval=True, confidence=True)
    assert answer.tokens, "no scored tokens"
    assert "".join(t for t, _ in answer.tokens).strip() == answer.raw_answer
    assert all(0.0 < p <= 1.0 for _, p in answer.tokens)
    # Greedy decoding: the model's own choice is its most likely token, rarely a coin flip for every token.
    assert sum(p > 0.5 for _, p in answer.tokens) > len(answer.tokens) / 2
    sampled = [assistant.ask("Quel est le budget annuel du SITIV ?", no_retrieval=True, temperature=1.2, seed=s)
               for s in (1, 2)]
    assert sampled[0].raw_answer != sampled[1].raw_answer


def test_reingest_of_an_unchanged_corpus_is_a_second_and_loads_no_model(assistant: Assistant) -> None:
    fresh = build_assistant(assistant.settings, need_generator=False)
    t0 = time.perf_counter()
    report = fresh.ingest([CORPUS])
    elapsed = time.perf_counter() - t0
    assert sorted(report.unchanged) == sorted(p.name for p in CORPUS.iterdir())
    assert report.indexed == [] and report.embedded_chunks == 0
    assert not fresh.res.embedder_lazy.loaded, "the embedding model was loaded for nothing"
    assert elapsed < 3.0, elapsed


def test_cli_ingest_status(assistant: Assistant) -> None:
    run = _cli("ingest", "--status", "--json", index=assistant.settings.index_dir)
    assert run.returncode == 0, run.stderr
    status = json.loads(run.stdout)
    assert {d["doc"] for d in status["documents"]} == {p.name for p in CORPUS.iterdir()}
    assert sum(d["chunks"] for d in status["documents"]) == status["manifest"]["chunks"]
    listed = _cli("docs", "list", "--json", index=assistant.settings.index_dir)
    assert listed.returncode == 0, listed.stderr
    titles = {d["doc"]: d["title"] for d in json.loads(listed.stdout)["documents"]}
    assert all(titles.values()) and titles["004_39514ed65fd8ad6e.txt"].startswith("Merci aux élus")
    refused = _cli("docs", "remove", "absent.txt", index=assistant.settings.index_dir)
    assert refused.returncode == 2 and "absent.txt" in refused.stderr and "pas été modifié" in refused.stderr


def test_the_generator_as_a_yes_no_judge(assistant: Assistant) -> None:
    """P(oui) read from the next-token logits (bench/judge.py measures it on the hand labels)."""
    from assistant.verify.judge import judge_prompt

    judge = assistant.generator
    passage = "Le syndicat emménagera dans ses nouveaux locaux de Vénissieux à la rentrée 2015."
    same = judge.yes_probability(judge_prompt("Le syndicat emménagera à Vénissieux à la rentrée 2015.", passage))
    other = judge.yes_probability(judge_prompt("Le syndicat a fermé ses portes à Paris en 1990.", passage))
    assert 0.0 <= other < same <= 1.0, (same, other)
    # English text is judged with the English instruction, and « yes » is read as « oui » was.
    passage = "The union will move into its new offices in Vénissieux at the start of the 2015 school year."
    english = judge_prompt("The union will move to Vénissieux in 2015.", passage)
    assert english.messages[0]["content"].startswith("You check claims")
    same = judge.yes_probability(english)
    other = judge.yes_probability(judge_prompt("The union closed its offices in Paris in 1990.", passage))
    assert 0.0 <= other < same <= 1.0, (same, other)


def test_the_model_copies_a_short_answer_from_a_sentence_or_says_none(assistant: Assistant) -> None:
    """The fallback's second reading near its bar (bench/answers_judge.py measures it on both eval sets)."""
    from assistant.pipeline.fallback import short_answer
    from assistant.verify.judge import gives_answer

    question = "Dans quelle ville le syndicat emménagera-t-il ?"
    move = "Le syndicat emménagera dans ses nouveaux locaux de Vénissieux à la rentrée 2015."
    schools = "Les écoles des communes reçoivent des tablettes pour les élèves de CM2."
    said = short_answer(assistant.res, question, move)
    assert "Vénissieux" in said and gives_answer(said, question, move), said
    said = short_answer(assistant.res, question, schools)
    assert not gives_answer(said, question, schools), said


def test_the_judges_worked_examples_are_evaluated_once(assistant: Assistant) -> None:
    """The examples the judge reads before each claim are kept aside like a system message: after another
    prompt, a judge reading evaluates only its passage and claim, and reads exactly the same P(oui) as before,
    whatever came between (a prompt is always evaluated from the same start)."""
    from assistant.verify.judge import EXAMPLES, answers_prompt, judge_prompt

    judge = assistant.generator
    assert isinstance(judge, LlamaCppGenerator)
    passage = "Le syndicat emménagera dans ses nouveaux locaux de Vénissieux à la rentrée 2015."
    prompt = judge_prompt("Le syndicat déménage à Vénissieux en 2015.", passage)
    assert len(prompt.messages) == 2 * len(EXAMPLES) + 2 and prompt.kept == 2 * len(EXAMPLES) + 1
    tokens = judge.llm.tokenize(judge._prompt_text(prompt).encode("utf-8"), add_bos=True, special=True)
    judge.keep_system = False
    whole = judge.yes_probability(prompt)  # in one piece
    judge.keep_system = True
    evaluated: list[int] = []
    original = judge.llm.eval
    judge.llm.eval = lambda batch: (evaluated.append(len(batch)), original(batch))[1]  # type: ignore[method-assign]
    try:
        first = judge.yes_probability(prompt)  # the examples are kept aside, if no earlier test kept them
        judge.yes_probability(answers_prompt("Où le syndicat déménage-t-il ?", passage))  # another prompt between
        judge.yes_probability(judge_prompt("Le syndicat déménage à Vénissieux.", passage))  # a shared beginning
        evaluated.clear()
        again = judge.yes_probability(prompt)
    finally:
        del judge.llm.eval
    examples = judge._kept_length(prompt, tokens)
    assert examples > 400 and tuple(tokens[:examples]) in judge._kept_prefixes
    assert evaluated == [len(tokens) - examples] and len(tokens) - examples < 150, evaluated
    assert again == first and abs(again - whole) < 0.02, (again, first, whole)
