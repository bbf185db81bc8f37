import json
import multiprocessing
from pathlib import Path

import pytest

from assistant.app import feedback
from assistant.documents import Answer, Chunk, Citation, Passage, SentenceVerdict
from assistant.errors import BadInput

TEXT = "Le syndicat a été créé en 1990. Nous emménagerons à la rentrée 2015 à Vénissieux."
PASSAGE = Passage(rank=1, chunk=Chunk("c1", "discours.txt", 0, len(TEXT), TEXT, {"title": "Discours"}), score=0.9)


def answer(supported: bool = True) -> Answer:
    return Answer(
        question="Quand le syndicat emménage-t-il ?",
        answer="Il emménage à la rentrée 2015 [1].",
        abstained=False,
        passages=[PASSAGE],
        sentences=[SentenceVerdict("Il emménage à la rentrée 2015.", supported, 0.8, 1)],
        citations=[Citation(1, 1, 0, supported, (TEXT.index("Nous"), len(TEXT)))],
        model={"generator": "g", "embedder": "e"},
        timings_ms={},
    )


def test_record_round_trip_and_eval_export(tmp_path: Path) -> None:
    path = tmp_path / "fb" / "feedback.jsonl"
    feedback.append(path, feedback.make_record("useful", answer(), "principal", comment=" bien "))
    feedback.append(path, feedback.make_record("hallucination", answer(False), "principal"))
    records = feedback.read(path)
    assert [r["kind"] for r in records] == ["useful", "hallucination"]
    assert records[0]["comment"] == "bien" and records[0]["passages"][0]["doc"] == "discours.txt"
    items = feedback.to_eval_items(records)
    assert items[0]["answerable"] is True
    assert items[0]["evidence"] == ["Nous emménagerons à la rentrée 2015 à Vénissieux."]
    assert items[0]["source"] == "discours.txt" and "review" not in items[0]
    assert items[1]["evidence"] == [] and "review" in items[1] and items[1]["kind"] == "feedback_hallucination"
    for item in items:  # the fields every eval set needs (EVAL_FORMAT.md)
        assert {"id", "question", "answerable", "evidence"} <= set(item)
        json.dumps(item)


def test_unknown_kind_and_corrupt_line(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="avis inconnu"):
        feedback.make_record("great", answer(), "principal")
    path = tmp_path / "feedback.jsonl"
    path.write_text('{"kind": "useful"}\nnot json\n', encoding="utf-8")
    with pytest.raises(BadInput, match="ligne 2"):
        feedback.read(path)


def _write_many(path: str, n: int) -> None:
    for _ in range(n):
        feedback.append(Path(path), feedback.make_record("wrong", answer(), "principal", comment="x" * 5000))


def test_concurrent_writers_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    procs = [multiprocessing.Process(target=_write_many, args=(str(path), 20)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    assert len(feedback.read(path)) == 80


def test_rating_an_answer_again_replaces_its_rating(tmp_path: Path) -> None:
    path = tmp_path / "fb.jsonl"
    feedback.append(path, feedback.make_record("useful", answer(), "principal", answer_key="conv#1"))
    feedback.append(path, feedback.make_record("hallucination", answer(), "principal", answer_key="conv#1"))
    feedback.append(path, feedback.make_record("useful", answer(), "principal", answer_key="conv#2"))
    kept = feedback.latest(feedback.read(path))
    assert [(r["answer_key"], r["kind"]) for r in kept] == [("conv#1", "hallucination"), ("conv#2", "useful")]
