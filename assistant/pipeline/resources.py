"""What the stages work with: settings, the two models and the loaded index, each built on first use.

Explicit holders instead of cached properties: a model is loaded once even when two threads ask for it at the
same moment, an index is reloaded by one call after an ingest, and `derive` shares what is already loaded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ..config import Settings
from ..index import store as index_store
from ..index.update import chunker_info
from ..ingest.chunking import ChunkerSettings
from ..models.base import Embedder, Generator, Judge
from ..models.memo import Memo, MemoJudge
from ..search.retrieve import BM25
from ..verify.checks import DEFAULT_PARAMS, VerifyParams
from ..verify.judge import DEFAULT_JUDGE, JudgeParams

T = TypeVar("T")


class Lazy(Generic[T]):
    """A value built on first use, once."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._build()
        return self._value

    @property
    def loaded(self) -> bool:
        return self._value is not None

    def reset(self) -> None:
        with self._lock:
            self._value = None


@dataclass
class Resources:
    settings: Settings
    embedder_lazy: Lazy[Embedder]
    generator_lazy: Lazy[Generator]
    model_names: dict[str, str] = field(default_factory=dict)
    verify_params: VerifyParams = DEFAULT_PARAMS
    judge_params: JudgeParams = DEFAULT_JUDGE

    memo_lazy: Lazy[Memo | None] | None = None

    def __post_init__(self) -> None:
        if self.memo_lazy is None:
            path = self.settings.memo_path
            self.memo_lazy = Lazy(lambda: Memo(path) if self.settings.memo == "on" else None)
        self._index: Lazy[index_store.IndexData] = Lazy(self._load_index)
        self._bm25: Lazy[BM25] = Lazy(lambda: BM25([c.text for c in self.index.chunks]))

    @property
    def embedder(self) -> Embedder:
        return self.embedder_lazy.get()

    @property
    def generator(self) -> Generator:
        return self.generator_lazy.get()

    @property
    def judge(self) -> Judge | None:
        """The generator read as a judge, where the settings want one and the generator can be read so."""
        if not self.settings.wants_judge():
            return None
        generator = self.generator
        if not isinstance(generator, Judge):
            return None
        memo = self.memo
        return MemoJudge(generator, self.model_names.get("generator", ""), memo) if memo else generator

    @property
    def memo(self) -> Memo | None:
        """Where model outputs are kept, None when the settings turn it off."""
        return self.memo_lazy.get() if self.memo_lazy else None

    @property
    def chunker(self) -> ChunkerSettings:
        return ChunkerSettings(max_chars=self.settings.chunk_max_chars, overlap_chars=self.settings.chunk_overlap_chars)

    @property
    def index(self) -> index_store.IndexData:
        return self._index.get()

    def loaded_index(self) -> index_store.IndexData | None:
        """The index if it is in memory, without loading it: passages handed in from elsewhere (`assistant
        verify`) need no index."""
        return self.index if self._index.loaded else None

    @property
    def bm25(self) -> BM25:
        """Built once per loaded index, never per query."""
        return self._bm25.get()

    def share_index(self, other: Resources) -> None:
        """Same index folder: use the index (and BM25) the other has loaded or will load."""
        self._index, self._bm25 = other._index, other._bm25

    def reload_index(self) -> None:
        """After an ingest: the next question loads the new version."""
        self._index.reset()
        self._bm25.reset()

    def _load_index(self) -> index_store.IndexData:
        data = index_store.load(self.settings.index_dir)
        # Compare against the manifest before loading the embedder: a mismatch must not cost a model load.
        if self.model_names.get("embedder"):
            expected = {"name": self.model_names["embedder"], "dim": data.manifest["embedder"].get("dim")}
            index_store.check_compatible(data.manifest, expected, chunker_info(self.chunker), self.settings.index_dir)
        return data
