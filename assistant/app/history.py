"""Staff conversations kept on disk (SQLite, standard library): listed by their first question, resumable,
deletable, per user when the chat runs with `--auth`; and one conversation as Markdown with its citations, for
pasting into a report (`to_markdown`, pure).

A turn keeps what the chat needs to show it again (the bubble and the cards as rendered) and the answer's
`ask --json` object (ratings and the export read it), so a resumed conversation is the one that was left.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..text import local_time, shorten

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY, user TEXT NOT NULL, title TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS turns (
  conversation TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, n INTEGER NOT NULL,
  question TEXT NOT NULL, bubble TEXT NOT NULL, cards TEXT NOT NULL, extra TEXT NOT NULL,
  PRIMARY KEY (conversation, n));
CREATE INDEX IF NOT EXISTS by_user ON conversations(user, updated);
"""


@dataclass(frozen=True)
class Summary:
    id: str
    title: str  # the first question
    updated: str
    turns: int


@dataclass(frozen=True)
class Turn:
    n: int
    question: str
    bubble: str  # the answer as the chat rendered it
    cards: str  # its passage cards
    extra: dict[str, Any]  # prefix, search query, collections, and the answer's `ask --json` object ("answer")


class History:
    """One SQLite file for every user; each call opens its own connection (Gradio runs handlers in threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._ready = False  # schema created (once per store, at the first use: no file until then)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30)
        try:
            con.execute("PRAGMA foreign_keys = ON")
            if not self._ready:
                con.executescript(SCHEMA)
                self._ready = True
            with con:
                yield con
        finally:
            con.close()

    def add_turn(self, user: str, conversation: str, question: str, bubble: str, cards: str,
                 extra: dict[str, Any]) -> int:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock, self._db() as con:
            row = con.execute("SELECT user FROM conversations WHERE id = ?", (conversation,)).fetchone()
            if row is None:
                con.execute("INSERT INTO conversations VALUES (?, ?, ?, ?, ?)",
                            (conversation, user, question, now, now))
            elif row[0] != user:
                raise PermissionError(conversation)
            else:
                con.execute("UPDATE conversations SET updated = ? WHERE id = ?", (now, conversation))
            n = con.execute("SELECT COALESCE(MAX(n), 0) + 1 FROM turns WHERE conversation = ?",
                            (conversation,)).fetchone()[0]
            con.execute("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)",
                        (conversation, n, question, bubble, cards, json.dumps(extra, ensure_ascii=False)))
            return int(n)

    def list(self, user: str) -> list[Summary]:
        with self._db() as con:
            rows = con.execute(
                "SELECT c.id, c.title, c.updated, COUNT(t.n) FROM conversations c LEFT JOIN turns t "
                "ON t.conversation = c.id WHERE c.user = ? GROUP BY c.id ORDER BY c.updated DESC", (user,)
            ).fetchall()
        return [Summary(*r) for r in rows]

    def turns(self, user: str, conversation: str) -> list[Turn]:
        """Only the user's own conversation: another user's id gives nothing."""
        with self._db() as con:
            rows = con.execute(
                "SELECT t.n, t.question, t.bubble, t.cards, t.extra FROM turns t JOIN conversations c "
                "ON c.id = t.conversation WHERE c.id = ? AND c.user = ? ORDER BY t.n", (conversation, user)
            ).fetchall()
        return [Turn(n, q, b, c, json.loads(e)) for n, q, b, c, e in rows]

    def delete(self, user: str, conversation: str) -> bool:
        with self._lock, self._db() as con:
            return con.execute("DELETE FROM conversations WHERE id = ? AND user = ?",
                               (conversation, user)).rowcount > 0


def label(summary: Summary) -> str:
    """« 26/11/2026 14:05 — Quand le syndicat… (3 questions) » in the conversations list."""
    title = shorten(summary.title, 69)
    count = f"{summary.turns} question" + ("s" if summary.turns > 1 else "")
    return f"{local_time(summary.updated)} — {title} ({count})"


def to_markdown(turns: list[Turn], title: str = "Conversation avec l'assistant documentaire") -> str:
    """Each question, the answer as shown (its [n] markers kept) and, under it, the passages it cites: title,
    file, page, and the sentence quoted."""
    out = [f"# {title}", ""]
    for t in turns:
        answer = t.extra.get("answer", {})
        out += [f"## {t.n}. {t.question}", "", answer.get("answer", "").strip() or "_(pas de réponse)_", ""]
        cited = sorted({r for s in answer.get("sentences", []) if s.get("supported") for r in s.get("cited", [])})
        by_rank = {p["rank"]: p for p in answer.get("passages", [])}
        if cited:
            out.append("Sources :")
            for rank in cited:
                p = by_rank.get(rank)
                if p is None:
                    continue
                page = p.get("metadata", {}).get("page")
                where = f"{p['title']} ({p['doc']}{', p. ' + page if page else ''})"
                spans = [s for s in answer.get("sentences", []) if rank in s.get("cited", [])]
                quote = _quote(p["text"], spans, rank)
                out.append(f"- [{rank}] {where}" + (f" : « {quote} »" if quote else ""))
            out.append("")
        if answer.get("abstained"):
            out += ["_Les documents ne permettent pas de répondre à cette question._", ""]
    return "\n".join(out).rstrip() + "\n"


def _quote(text: str, sentences: list[dict[str, Any]], rank: int) -> str:
    """The passage span that supports the citing sentence (the verifier's evidence), else the passage start."""
    for s in sentences:
        ev = s.get("evidence") or {}
        if ev.get("rank") == rank and ev.get("end", 0) > ev.get("start", 0):
            return " ".join(text[ev["start"]:ev["end"]].split())
    head = " ".join(text.split())
    return head[:200] + ("…" if len(head) > 200 else "")
