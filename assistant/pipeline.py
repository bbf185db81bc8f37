"""ask(question) → Answer: the one place that wires retrieval, prompting, generation and verification."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from . import index as index_store
from .config import Settings
from .documents import Answer, Passage
from .embed import Embedder
from .errors import BadInput
from .extractive import best_sentences, format_extracts, question_coverage
from .generate import GenerationOptions, Generator
from .indexer import IngestReport, Progress, chunker_info, embedder_info, ingest
from .ingest.chunking import ChunkerSettings
from .prompt import ABSTENTION, build_prompt
from .retrieve import BM25, retrieve
from .verify import DEFAULT_PARAMS, Verification, VerifyParams, claims, verify

MODES = ("generative", "extractive")
CLOSEST = "Passages les plus proches de la question :"


@dataclass
class Assistant:
    """Built once by the factory; the CLI and the UI receive it ready. Models load on first use."""

    settings: Settings
    embedder_factory: Callable[[], Embedder]
    generator_factory: Callable[[], Generator]
    model_names: dict[str, str] = field(default_factory=dict)
    verify_params: VerifyParams = DEFAULT_PARAMS

    def derive(self, generator_factory: Callable[[], Generator] | None = None, generator_name: str = "",
               **changes: object) -> Assistant:
        """Same loaded models, other settings (another collection, k, mode): the UI switches without reloading.
        A new generator factory swaps the generator only."""
        names = dict(self.model_names)
        if generator_name:
            names["generator"] = generator_name
        return Assistant(
            settings=self.settings.replace(**changes),
            embedder_factory=lambda: self.embedder,
            generator_factory=generator_factory or (lambda: self.generator),
            model_names=names,
            verify_params=self.verify_params,
        )

    @cached_property
    def embedder(self) -> Embedder:
        return self.embedder_factory()

    @cached_property
    def generator(self) -> Generator:
        return self.generator_factory()

    @property
    def chunker(self) -> ChunkerSettings:
        return ChunkerSettings(max_chars=self.settings.chunk_max_chars, overlap_chars=self.settings.chunk_overlap_chars)

    @cached_property
    def index(self) -> index_store.IndexData:
        data = index_store.load(self.settings.index_dir)
        # Compare against the manifest before loading the embedder: a mismatch must not cost a model load.
        expected = {"name": self.model_names.get("embedder"), "dim": data.manifest["embedder"].get("dim")}
        if self.model_names.get("embedder"):
            index_store.check_compatible(data.manifest, expected, chunker_info(self.chunker), self.settings.index_dir)
        return data

    @cached_property
    def bm25(self) -> BM25:
        return BM25([c.text for c in self.index.chunks])

    def ingest(self, paths: list[Path], rebuild: bool = False, progress: Progress | None = None) -> IngestReport:
        report = ingest(
            paths,
            self.settings.index_dir,
            lambda: self.embedder,
            self.chunker,
            rebuild=rebuild,
            progress=progress,
            embedder_name=self.model_names.get("embedder") or None,
        )
        for name in ("index", "bm25"):
            self.__dict__.pop(name, None)
        return report

    def check_question(self, question: str) -> str:
        question = question.strip()
        if not question:
            raise BadInput("question vide : posez une question en une phrase")
        if len(question) > self.settings.max_question_chars:
            raise BadInput(
                f"question trop longue ({len(question)} caractères, maximum {self.settings.max_question_chars})"
            )
        return question

    def search(self, question: str, k: int | None = None) -> list[Passage]:
        s = self.settings
        index = self.index
        index_store.check_compatible(
            index.manifest, embedder_info(self.embedder), chunker_info(self.chunker), s.index_dir
        )
        query_vec = self.embedder.encode_queries([question])[0]
        params = s.retrieval_params(k)
        hits = index_store.dense_search(index.faiss_index, query_vec, params.candidates)
        return retrieve(question, query_vec, index.chunks, index.vectors, self.bm25, params, dense_hits=hits)

    def _fit(self, question: str, passages: list[Passage]) -> list[Passage]:
        """Drop the lowest-ranked passages until prompt + answer fit the model's context."""
        generator = self.generator
        budget = generator.context_length() - self.settings.max_tokens
        while passages and generator.prompt_tokens(build_prompt(question, passages)) > budget:
            passages = passages[:-1]
        return passages

    def _similarity(self, texts: list[str], passages: list[Passage]) -> np.ndarray | None:
        """Cosine of each claim with each passage, reusing the passage vectors stored in the index."""
        if not texts or not passages:
            return None
        index = self.index
        rows = [index.row_of[p.chunk.chunk_id] for p in passages]
        return self.embedder.encode_queries(texts) @ index.vectors[rows].T

    def _generate(
        self,
        question: str,
        passages: list[Passage] | None,
        on_token: Callable[[str], None] | None,
        options: GenerationOptions,
        scored: list[tuple[str, float]] | None,
    ) -> str:
        prompt = build_prompt(question, passages)
        if scored is None:
            stream = ((piece, math.nan) for piece in self.generator.generate(prompt, options))
        else:
            stream = self.generator.generate_scored(prompt, options)
        pieces: list[str] = []
        for piece, prob in stream:
            pieces.append(piece)
            if scored is not None:
                scored.append((piece, prob))
            if on_token:
                on_token(piece)
        return "".join(pieces).strip()

    def check(self, raw: str, passages: list[Passage]) -> Verification:
        """Verify any text against passages (the workshop checks the model-alone answer against the documents)."""
        return verify(raw, passages, self._similarity(claims(raw), passages), self.verify_params)

    def _abstain(
        self, question: str, passages: list[Passage], timings: dict[str, float], mode: str, reason: str
    ) -> Answer:
        return Answer(
            question=question,
            answer=ABSTENTION,
            abstained=True,
            passages=passages,
            sentences=[],
            citations=[],
            model=dict(self.model_names),
            timings_ms=timings,
            raw_answer="",
            mode=mode,
            guard=reason,
        )

    def ask(
        self,
        question: str,
        k: int | None = None,
        no_retrieval: bool = False,
        on_token: Callable[[str], None] | None = None,
        mode: str | None = None,
        query: str | None = None,
        temperature: float | None = None,
        seed: int | None = None,
        confidence: bool = False,
    ) -> Answer:
        """Retrieve, answer, verify. A generated answer with no supported sentence becomes an abstention
        followed by the closest passage sentences (quoted); the model's text stays in `raw_answer`.
        `query` replaces the question for the search only (a follow-up rewritten from the conversation);
        `confidence` records each generated piece with its probability (`Answer.tokens`)."""
        question = self.check_question(question)
        mode = mode or self.settings.mode
        if mode not in MODES:
            raise BadInput(f"mode inconnu : {mode!r} (attendu : {', '.join(MODES)})")
        timings: dict[str, float] = {"retrieve": 0.0, "generate": 0.0, "verify": 0.0}
        s = self.settings
        scored: list[tuple[str, float]] | None = [] if confidence else None
        t0 = time.perf_counter()
        passages: list[Passage] = [] if no_retrieval else self.search(query or question, k)
        timings["retrieve"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        if passages and self.settings.min_coverage > 0:
            coverage = question_coverage(question, " ".join(p.chunk.text for p in passages), self.bm25.idf)
            if coverage < self.settings.min_coverage:
                # Guard before generation: the passages miss most of what the question asks about.
                return self._abstain(question, passages, timings, mode, reason=f"couverture {coverage:.2f}")
        if mode == "extractive":
            raw = format_extracts(best_sentences(question, passages, self.bm25.idf))
        else:
            if passages:
                passages = self._fit(question, passages)
            options = GenerationOptions(
                max_tokens=s.max_tokens,
                temperature=s.temperature if temperature is None else temperature,
                seed=s.seed if seed is None else seed,
            )
            raw = self._generate(question, None if no_retrieval else passages, on_token, options, scored)
        timings["generate"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        verification = self.check(raw, passages)
        timings["verify"] = (time.perf_counter() - t0) * 1000
        shown, fallback = verification.shown_answer, False
        if verification.abstained and not no_retrieval:
            # Quoted from the passages actually shown (after _fit), so every [n] points to one of them.
            extracts = best_sentences(question, passages, self.bm25.idf) if mode == "generative" else []
            fallback = bool(extracts)
            shown = ABSTENTION + (f"\n\n{CLOSEST} {format_extracts(extracts)}" if fallback else "")
        return Answer(
            question=question,
            answer=shown,
            abstained=verification.abstained and not no_retrieval,
            passages=passages,
            sentences=verification.sentences,
            citations=verification.citations,
            model=dict(self.model_names),
            timings_ms=timings,
            raw_answer=raw,
            mode=mode,
            fallback=fallback,
            tokens=scored or [],
        )
