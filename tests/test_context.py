"""Context selection (answer/context.py): what of the passages the model reads, with offsets kept exact."""

from __future__ import annotations

from dataclasses import replace

from assistant.answer.context import (
    ContextParams,
    lexical_scores,
    select_context,
    sentence_spans,
    window_text,
)
from assistant.answer.prompt import build_prompt
from assistant.documents import Chunk, Passage

MOVE = ("Le syndicat a été créé en 1985. Il compte quarante agents. Il emménagera à Vénissieux à la rentrée 2015. "
        "Les bureaux actuels sont trop petits. Le conseil a voté le budget.")
OTHER = ("Les écoles reçoivent des tablettes. Les enseignants sont formés. Le syndicat déploie LibreOffice. "
         "Les communes paient une cotisation.")
IDF = {"emmenag": 3.0, "venissieux": 3.0, "syndicat": 0.5, "quand": 1.0}


def _windows(question: str, texts: list[str], **params: int) -> list[tuple[tuple[int, int], ...]]:
    spans = sentence_spans(texts)
    return select_context(texts, spans, lexical_scores(question, texts, spans, IDF), ContextParams(**params))


def test_whole_passages_when_the_budget_is_zero_or_not_reached() -> None:
    texts = [MOVE, OTHER]
    assert _windows("Quand le syndicat emménage-t-il ?", texts, budget=0) == [(), ()]
    assert _windows("Quand le syndicat emménage-t-il ?", texts, budget=10_000) == [(), ()]


def test_the_answering_sentence_is_kept_with_exact_offsets_and_every_passage_keeps_one() -> None:
    texts = [OTHER, MOVE]
    windows = _windows("Quand le syndicat emménage-t-il à Vénissieux ?", texts, budget=80)
    kept = [window_text(t, w) for t, w in zip(texts, windows, strict=True)]
    assert all(w for w in windows)  # each passage keeps at least its best sentence
    start, end = next(w for w in windows[1] if "Vénissieux" in MOVE[w[0] : w[1]])
    assert MOVE[start:end] == "Il emménagera à Vénissieux à la rentrée 2015."
    assert "1985" not in kept[1] and "quarante" not in kept[1]
    assert kept[1].startswith("[…] ") and kept[1].endswith(" […]")
    assert sum(b - a for w in windows for a, b in w) <= 80


def test_the_first_passage_can_go_whole_and_adjacent_sentences_merge() -> None:
    texts = [MOVE, OTHER]
    windows = _windows("Quand le syndicat emménage-t-il ?", texts, budget=200, whole=1)
    assert windows[0] == () and windows[1]
    merged = _windows("emménage Vénissieux bureaux petits", [MOVE], budget=90)[0]
    assert len(merged) == 1  # two neighbouring sentences are one window, not two joined by « […] »


def test_the_prompt_carries_the_windows_and_the_passage_keeps_its_full_text() -> None:
    chunk = Chunk("c1", "doc.txt", 0, len(MOVE), MOVE, {"title": "Déménagement"})
    windows = _windows("Quand le syndicat emménage-t-il ?", [MOVE], budget=60)[0]
    passage = replace(Passage(1, chunk, 1.0), windows=windows)
    prompt = build_prompt("Quand le syndicat emménage-t-il ?", [passage]).messages[-1]["content"]
    assert "rentrée 2015" in prompt and "1985" not in prompt and "[…]" in prompt
    assert passage.chunk.text == MOVE and passage.to_json()["windows"] == [list(w) for w in windows]


def test_a_passage_read_back_from_a_stored_run_is_the_one_written() -> None:
    """The benches replay stored eval runs from `to_json`: text, offsets, title and windows come back."""
    chunk = Chunk("doc.txt#0", "doc.txt", 0, len(MOVE), MOVE, {"title": "Déménagement"})
    windows = _windows("Quand le syndicat emménage-t-il ?", [MOVE], budget=60)[0]
    passage = replace(Passage(2, chunk, 0.5), windows=windows)
    assert Passage.from_json(passage.to_json()) == passage
