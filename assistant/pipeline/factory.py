"""Builds the Assistant from settings: resolves models, wires adapters. The only place objects are built."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from ..app.machine_lock import claim_model
from ..config import MAX_K_OFFERED, Settings
from ..models.base import Embedder, Generator
from ..models.embedders import SentenceTransformerEmbedder
from ..models.files import ResolvedModel, resolve_embedder, resolve_generator
from ..models.llama_cpp import LlamaCppGenerator
from ..models.lookup import LookupParams
from .assistant import Assistant

log = logging.getLogger(__name__)

# Tokens of context the prompt may need: k passages of ~max_chars/3 tokens, instructions, answer.
_CHARS_PER_TOKEN = 3


def context_size(settings: Settings) -> int:
    """Sized for the largest k anyone may ask for (the chat's slider goes to MAX_K_OFFERED), not the default k:
    a question with more passages must not lose them silently to a context sized for fewer."""
    k = max(settings.k, MAX_K_OFFERED)
    needed = k * (settings.chunk_max_chars // _CHARS_PER_TOKEN + 40) + 400 + settings.max_tokens
    return max(1024, -(-needed // 256) * 256)


def make_generator(settings: Settings, model: ResolvedModel) -> Generator:
    """A local model: this process claims the machine's model lock, and is told when another holds it."""
    busy = claim_model(f"{model.name}, {' '.join(Path(a).name for a in sys.argv[:2]) or 'python'}")
    if busy:
        log.warning(busy)
    lookup = LookupParams() if settings.speculative == "prompt" else None
    return LlamaCppGenerator(
        model.path, model.name, n_ctx=context_size(settings), threads=settings.threads, lookup=lookup
    )


REMOTE = "openai"


def remote_generator(settings: Settings) -> Generator:
    from ..errors import BadInput
    from ..models.openai_http import OpenAIGenerator

    if not settings.base_url:
        raise BadInput("--generator openai demande --base-url (ex. http://127.0.0.1:8080/v1)")
    return OpenAIGenerator(settings.base_url, settings.remote_model, context=settings.remote_context)


def remote_embedder_of(settings: Settings) -> Embedder:
    from ..errors import BadInput
    from ..models.openai_http import OpenAIEmbedder

    url = settings.embed_base_url or settings.base_url
    if not url:
        raise BadInput("--embedder openai demande --base-url (ex. http://127.0.0.1:8080/v1)")
    return OpenAIEmbedder(url, settings.embed_model, batch_size=max(settings.embed_batch_size, 32),
                          concurrency=settings.embed_concurrency, query_prefix=settings.embed_query_prefix,
                          document_prefix=settings.embed_document_prefix)


def build_assistant(settings: Settings, need_generator: bool = True) -> Assistant:
    """Resolve model paths now (so a missing model fails before any work), load them on first use. Without a
    generator there is no judge either."""
    if not need_generator:
        settings = settings.replace(judge="off")
    remote_embedder = settings.embedder == REMOTE
    emb = None if remote_embedder else resolve_embedder(settings)
    remote = settings.generator == REMOTE
    gen = resolve_generator(settings) if need_generator and not remote else None
    # A served embedder is named by what the server reports, known once it answers (the search checks it).
    names = {"embedder": emb.name if emb else "", "generator": gen.name if gen else ""}
    if remote and need_generator:
        names["generator"] = f"{settings.remote_model or 'serveur'}@{settings.base_url}"

    def load_embedder() -> Embedder:
        if emb is None:
            return remote_embedder_of(settings)
        return SentenceTransformerEmbedder(
            emb.path, emb.name, batch_size=settings.embed_batch_size, threads=settings.threads
        )

    def load_generator() -> Generator:
        if remote:
            return remote_generator(settings)
        if gen is None:
            raise RuntimeError("assistant built without a generator")
        return make_generator(settings, gen)

    return Assistant.create(settings, load_embedder, load_generator, names)
