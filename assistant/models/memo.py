"""Model outputs kept on disk, keyed by everything that decides them: the same question asked again (a
workshop deck, a question staff ask every week) costs a lookup, not a generation.

A key is a hash of (kind, model, prompt, options): the prompt holds the passages, so a re-ingested document
or another k gives another key, and nothing needs invalidating. Greedy decoding is deterministic and a
sampled answer is fixed by its seed, so a stored output is the one the model would write again. SQLite from
the standard library; one connection shared by the threads of a server, guarded by a lock.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..answer.prompt import Prompt
    from .base import GenerationOptions, Judge

FORMAT = "assistant-memo v1"


def memo_key(kind: str, model: str, prompt: Prompt, **extra: Any) -> str:
    parts = [FORMAT, kind, model, prompt.messages, prompt.completion, extra]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def generation_key(model: str, prompt: Prompt, options: GenerationOptions, scored: bool) -> str:
    return memo_key("generate", model, prompt, max_tokens=options.max_tokens, temperature=options.temperature,
                    seed=options.seed, scored=scored)


class Memo:
    """A bounded key → JSON store; the oldest entries go first when it is full."""

    def __init__(self, path: Path, max_entries: int = 20_000) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS memo (key TEXT PRIMARY KEY, value TEXT NOT NULL, at REAL)")

    def get(self, key: str) -> Any | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM memo WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO memo VALUES (?, ?, ?)",
                             (key, json.dumps(value, ensure_ascii=False), time.time()))
            (count,) = self._db.execute("SELECT COUNT(*) FROM memo").fetchone()
            if count > self.max_entries:
                self._db.execute("DELETE FROM memo WHERE key IN (SELECT key FROM memo ORDER BY at LIMIT ?)",
                                 (count - self.max_entries,))

    def fetch(self, key: str, compute: Callable[[], Any]) -> Any:
        """What is kept under `key`, or `compute()` kept there first."""
        stored = self.get(key)
        if stored is None:
            stored = compute()
            self.put(key, stored)
        return stored

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM memo").fetchone()[0])


class MemoJudge:
    """The generator read as a judge, each verdict kept: a prepared or repeated question is verified at once."""

    def __init__(self, judge: Judge, model: str, memo: Memo) -> None:
        self.judge, self.model, self.memo = judge, model, memo

    def yes_probability(self, prompt: Prompt) -> float:
        return float(self.memo.fetch(memo_key("judge", self.model, prompt), lambda: self.judge.yes_probability(prompt)))
