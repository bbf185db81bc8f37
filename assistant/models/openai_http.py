"""Generator and embedder adapters for any OpenAI-compatible server (llama.cpp's llama-server, llama-cpp-python's
server, vLLM, Text Embeddings Inference).

We do not run a server: users who outgrow one machine point `--generator openai --base-url URL` (and/or
`--embedder openai`) at theirs. The prompt is the same chat messages as the local path; token counts come from
the server's tokenize endpoint when it has one (llama-cpp-python `/extras/tokenize`, vLLM and llama-server
`/tokenize`), else an estimate. Embeddings go in batches, several at once, to `/v1/embeddings`.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from ..answer.prompt import Prompt
from ..errors import BadInput, ServerUnavailable
from .base import GenerationOptions, chat_prompt_tokens

_CHARS_PER_TOKEN = 3.0  # French text with Qwen/Llama tokenizers: ~3.5 chars per token; 3 keeps a margin


class _Server:
    """One HTTP client per server, with the errors worded for staff."""

    what = "serveur"

    def __init__(self, base_url: str, timeout_s: float) -> None:
        import httpx

        if not base_url.startswith(("http://", "https://")):
            raise BadInput(f"--base-url doit commencer par http:// ou https:// (reçu : {base_url!r})")
        self.base = base_url.rstrip("/").removesuffix("/v1")
        key = os.environ.get("ASSISTANT_API_KEY", "")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.client = httpx.Client(timeout=timeout_s, headers=headers)

    def _post(self, path: str, payload: dict[str, Any]) -> Any:
        import httpx

        try:
            response = self.client.post(self.base + path, json=payload)
        except httpx.HTTPError as exc:
            raise ServerUnavailable(f"{self.what} injoignable ({self.base}) : {exc}") from None
        if response.status_code >= 400:
            raise ServerUnavailable(
                f"{self.what} ({self.base}{path}) : erreur {response.status_code} {response.text[:200]}"
            )
        return response.json()


class OpenAIEmbedder(_Server):
    """Vectors from `/v1/embeddings`, L2-normalised here (servers differ); per-token vectors (a server
    without pooling) are mean-pooled. The query and document prefixes are the model's own prompts (e.g.
    EmbeddingGemma's « task: search result | query: »), which a local sentence-transformers folder applies
    by itself. The name recorded in the index manifest is the model's as the server reports it, so an index
    built by one model is refused by another."""

    what = "serveur d'embedding"

    def __init__(self, base_url: str, model: str = "", batch_size: int = 32, concurrency: int = 4,
                 query_prefix: str = "", document_prefix: str = "", timeout_s: float = 300.0) -> None:
        super().__init__(base_url, timeout_s)
        self.model, self.batch_size, self.concurrency = model, max(1, batch_size), max(1, concurrency)
        self.query_prefix, self.document_prefix = query_prefix, document_prefix
        probe = self._post("/v1/embeddings", self._payload(["test"]))
        self.dim = len(self._vectors(probe)[0])
        self.name = f"openai:{model or probe.get('model') or 'serveur'}"

    def _payload(self, texts: Sequence[str]) -> dict[str, Any]:
        payload: dict[str, Any] = {"input": list(texts), "encoding_format": "float"}
        if self.model:
            payload["model"] = self.model
        return payload

    @staticmethod
    def _vectors(data: Any) -> list[np.ndarray]:
        rows = sorted(data["data"], key=lambda d: d.get("index", 0))
        vectors = []
        for row in rows:
            vec = np.asarray(row["embedding"], dtype=np.float32)
            vectors.append(vec.mean(axis=0) if vec.ndim == 2 else vec)
        return vectors

    def _encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        from concurrent.futures import ThreadPoolExecutor

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        batches = [list(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]

        def one(batch: list[str]) -> list[np.ndarray]:
            vectors = self._vectors(self._post("/v1/embeddings", self._payload(batch)))
            if len(vectors) != len(batch):
                raise ServerUnavailable(f"{self.what} : {len(vectors)} vecteurs reçus pour {len(batch)} textes")
            if progress:
                progress(len(batch))
            return vectors

        with ThreadPoolExecutor(self.concurrency) as pool:
            out = np.stack([v for vectors in pool.map(one, batches) for v in vectors]).astype(np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)

    def encode_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        return self._encode([self.document_prefix + t for t in texts], progress)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])


class OpenAIGenerator(_Server):
    what = "serveur de génération"

    def __init__(self, base_url: str, model: str = "", context: int = 4096, timeout_s: float = 300.0) -> None:
        super().__init__(base_url, timeout_s)
        self.model = model
        self.context = context
        self.name = f"{model or 'serveur'}@{self.base}"
        self._tokenize: str | bool | None = False  # False: not probed yet; None: no endpoint

    def count_tokens(self, text: str) -> int:
        if self._tokenize is False:
            self._tokenize = None
            for path in ("/extras/tokenize", "/tokenize"):
                try:
                    self._count(path, "ok")
                    self._tokenize = path
                    break
                except ServerUnavailable:
                    continue
        if self._tokenize:
            return self._count(str(self._tokenize), text)
        return math.ceil(len(text) / _CHARS_PER_TOKEN)

    def _count(self, path: str, text: str) -> int:
        data = self._post(path, {"input": text, "content": text, "prompt": text, "model": self.model})
        if isinstance(data, dict) and "count" in data:
            return int(data["count"])
        return len(data["tokens"])

    def context_length(self) -> int:
        return self.context

    def prompt_tokens(self, prompt: Prompt) -> int:
        return chat_prompt_tokens(prompt.messages, self.count_tokens)

    def _stream(self, prompt: Prompt, options: GenerationOptions, logprobs: bool) -> Iterator[dict[str, Any]]:
        import httpx

        payload: dict[str, Any] = {
            "messages": prompt.messages,
            "max_tokens": options.max_tokens,
            "temperature": options.temperature,
            "seed": options.seed,
            "stream": True,
        }
        if self.model:
            payload["model"] = self.model
        if logprobs:
            payload["logprobs"] = True
        try:
            with self.client.stream("POST", self.base + "/v1/chat/completions", json=payload) as response:
                if response.status_code >= 400:
                    response.read()
                    raise ServerUnavailable(
                        f"serveur de génération : erreur {response.status_code} {response.text[:200]}"
                    )
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    chunk = json.loads(data)
                    if chunk.get("choices"):
                        yield chunk["choices"][0]
        except httpx.HTTPError as exc:
            raise ServerUnavailable(f"serveur de génération injoignable ({self.base}) : {exc}") from None

    def generate(self, prompt: Prompt, options: GenerationOptions) -> Iterator[str]:
        for choice in self._stream(prompt, options, logprobs=False):
            piece = (choice.get("delta") or {}).get("content")
            if piece:
                yield piece

    def generate_scored(self, prompt: Prompt, options: GenerationOptions) -> Iterator[tuple[str, float]]:
        """Probabilities when the server returns logprobs; NaN otherwise (the UI says « indisponible »)."""
        for choice in self._stream(prompt, options, logprobs=True):
            piece = (choice.get("delta") or {}).get("content")
            if not piece:
                continue
            content = (choice.get("logprobs") or {}).get("content") or []
            prob = math.exp(sum(t["logprob"] for t in content)) if content else math.nan
            yield piece, prob
