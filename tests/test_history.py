"""Conversations on disk: listed by first question, resumed as left, per user, deleted; Markdown export."""

from __future__ import annotations

from pathlib import Path

from assistant.app.history import History, label, to_markdown

PASSAGE = {"rank": 1, "doc": "discours.txt", "title": "Vœux 2015", "text": "Nous emménagerons à la rentrée 2015.",
           "metadata": {"page": "2"}}
ANSWER = {"question": "Quand ?", "answer": "À la rentrée 2015. [1]", "abstained": False, "passages": [PASSAGE],
          "sentences": [{"text": "À la rentrée 2015.", "supported": True, "cited": [1],
                         "evidence": {"rank": 1, "start": 0, "end": 36}}]}


def test_conversations_are_kept_per_user_and_resumed(tmp_path: Path) -> None:
    store = History(tmp_path / "c.sqlite")
    assert store.add_turn("alice", "c1", "Quand ?", "<p>bulle</p>", "<cards/>", {"answer": ANSWER}) == 1
    assert store.add_turn("alice", "c1", "Et où ?", "<p>b2</p>", "<c2/>", {"answer": ANSWER}) == 2
    store.add_turn("bob", "c2", "Budget ?", "<p>b</p>", "", {})
    [mine] = store.list("alice")
    assert mine.title == "Quand ?" and mine.turns == 2 and "Quand ? (2 questions)" in label(mine)
    assert [t.question for t in store.turns("alice", "c1")] == ["Quand ?", "Et où ?"]
    assert store.turns("bob", "c1") == []  # another user's conversation is not readable
    assert not store.delete("bob", "c1")
    assert store.delete("alice", "c1") and store.list("alice") == [] and store.turns("alice", "c1") == []
    assert [c.title for c in History(tmp_path / "c.sqlite").list("bob")] == ["Budget ?"]  # survives a restart


def test_markdown_export_keeps_citations_and_their_passages(tmp_path: Path) -> None:
    store = History(tmp_path / "c.sqlite")
    store.add_turn("", "c1", "Quand ?", "", "", {"answer": ANSWER})
    md = to_markdown(store.turns("", "c1"))
    assert md.startswith("# Conversation avec l'assistant documentaire")
    assert "## 1. Quand ?" in md and "À la rentrée 2015. [1]" in md
    assert "- [1] Vœux 2015 (discours.txt, p. 2) : « Nous emménagerons à la rentrée 2015. »" in md
