"""Embedder adapters (protocol in models/base.py). Vectors are L2-normalised float32, so inner product = cosine."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..errors import DependencyMissing


class SentenceTransformerEmbedder:
    """Any sentence-transformers folder on disk; uses the model's own query/document prompts if it has them."""

    def __init__(self, path: Path, name: str, batch_size: int = 16, threads: int = 0) -> None:
        # Offline by construction: a folder path never reaches a hub, and these make sure nothing tries.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise DependencyMissing("sentence-transformers manque : lancez `bash setup.sh`") from exc
        if threads:
            torch.set_num_threads(threads)
        with contextlib.suppress(ImportError):
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
            hf_logging.set_verbosity_error()
        self.model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self.name = name
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 0)
        self.batch_size = batch_size
        prompts = getattr(self.model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._doc_prompt = "document" if "document" in prompts else None

    def _encode(
        self, texts: Sequence[str], prompt_name: str | None, progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Batches of similar length, longest first, as encode() does internally: padding costs little and a
        # length-mixed batch is padded to its longest text. Calling encode() batch by batch (for the progress
        # bar) on unsorted texts cost ~20 % (bench/ingest.py).
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            out[rows] = self.model.encode(
                [texts[i] for i in rows],
                prompt_name=prompt_name,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
            )
            if progress:
                progress(len(rows))
        return out

    def encode_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        return self._encode(texts, self._doc_prompt, progress)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt)


class HashingEmbedder:
    """Deterministic bag-of-words hashing: a fake for unit tests of plumbing, never for quality claims."""

    def __init__(self, dim: int = 256, name: str = "hashing-test") -> None:
        self.dim = dim
        self.name = name

    def _vec(self, text: str) -> np.ndarray:
        from ..text import content_tokens

        v = np.zeros(self.dim, dtype=np.float32)
        for tok in content_tokens(text):
            v[hash_token(tok) % self.dim] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def encode_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        if progress:
            progress(len(texts))
        return np.array([self._vec(t) for t in texts], dtype=np.float32).reshape(len(texts), self.dim)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_documents(texts)


def hash_token(token: str) -> int:
    """Stable across processes (Python's hash() is salted)."""
    import zlib

    return zlib.crc32(token.encode())
