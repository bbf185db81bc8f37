"""Generator adapter for any OpenAI-compatible server (llama.cpp's llama-server, llama-cpp-python's server, vLLM).

We do not run a server: users who outgrow one machine point `--generator openai --base-url URL` at theirs. The
prompt is the same chat messages as the local path; token counts come from the server's tokenize endpoint when
it has one (llama-cpp-python `/extras/tokenize`, vLLM and llama-server `/tokenize`), else an estimate.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from typing import Any

from ..answer.prompt import Prompt
from ..errors import BadInput, ServerUnavailable
from .base import GenerationOptions, chat_prompt_tokens

_CHARS_PER_TOKEN = 3.0  # French text with Qwen/Llama tokenizers: ~3.5 chars per token; 3 keeps a margin


class OpenAIGenerator:
    def __init__(self, base_url: str, model: str = "", context: int = 4096, timeout_s: float = 300.0) -> None:
        import httpx

        if not base_url.startswith(("http://", "https://")):
            raise BadInput(f"--base-url doit commencer par http:// ou https:// (reçu : {base_url!r})")
        self.base = base_url.rstrip("/").removesuffix("/v1")
        self.model = model
        self.context = context
        key = os.environ.get("ASSISTANT_API_KEY", "")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.client = httpx.Client(timeout=timeout_s, headers=headers)
        self.name = f"{model or 'serveur'}@{self.base}"
        self._tokenize: str | bool | None = False  # False: not probed yet; None: no endpoint

    def _post(self, path: str, payload: dict[str, Any]) -> Any:
        import httpx

        try:
            response = self.client.post(self.base + path, json=payload)
        except httpx.HTTPError as exc:
            raise ServerUnavailable(f"serveur de génération injoignable ({self.base}) : {exc}") from None
        if response.status_code >= 400:
            raise ServerUnavailable(
                f"serveur de génération ({self.base}{path}) : erreur {response.status_code} {response.text[:200]}"
            )
        return response.json()

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
