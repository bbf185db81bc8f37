"""Builds the Assistant from settings: resolves models, wires adapters. The only place objects are built."""

from __future__ import annotations

from .config import Settings
from .embed import Embedder, SentenceTransformerEmbedder
from .generate import Generator, LlamaCppGenerator
from .models import ResolvedModel, resolve_embedder, resolve_generator
from .pipeline import Assistant

# Tokens of context the prompt may need: k passages of ~max_chars/3 tokens, instructions, answer.
_CHARS_PER_TOKEN = 3


def context_size(settings: Settings) -> int:
    needed = settings.k * (settings.chunk_max_chars // _CHARS_PER_TOKEN + 40) + 400 + settings.max_tokens
    return max(1024, -(-needed // 256) * 256)


def make_generator(settings: Settings, model: ResolvedModel) -> Generator:
    return LlamaCppGenerator(model.path, model.name, n_ctx=context_size(settings), threads=settings.threads)


REMOTE = "openai"


def remote_generator(settings: Settings) -> Generator:
    from .errors import BadInput
    from .generate_remote import OpenAIGenerator

    if not settings.base_url:
        raise BadInput("--generator openai demande --base-url (ex. http://127.0.0.1:8080/v1)")
    return OpenAIGenerator(settings.base_url, settings.remote_model, context=settings.remote_context)


def build_assistant(settings: Settings, need_generator: bool = True) -> Assistant:
    """Resolve model paths now (so a missing model fails before any work), load them on first use."""
    emb = resolve_embedder(settings)
    remote = settings.generator == REMOTE
    gen = resolve_generator(settings) if need_generator and not remote else None
    names = {"embedder": emb.name, "generator": gen.name if gen else ""}
    if remote and need_generator:
        names["generator"] = f"{settings.remote_model or 'serveur'}@{settings.base_url}"

    def load_embedder() -> Embedder:
        return SentenceTransformerEmbedder(
            emb.path, emb.name, batch_size=settings.embed_batch_size, threads=settings.threads
        )

    def load_generator() -> Generator:
        if remote:
            return remote_generator(settings)
        if gen is None:
            raise RuntimeError("assistant built without a generator")
        return make_generator(settings, gen)

    return Assistant(
        settings=settings, embedder_factory=load_embedder, generator_factory=load_generator, model_names=names
    )
