"""The flow, wired in one place: search → guard → premise → absent terms → context → fit → generate → verify →
relevance → fallback; then, when the model itself refused, the same from absent terms on over the best-ranked
passage alone (`reread.py`).

`Assistant` is what the CLI, the UI, the eval runner and the benches receive (built by `factory.py`): every
question goes through the same list of stages, whoever asks it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..documents import Answer, Passage
from ..errors import BadInput
from ..index.store import IndexData
from ..index.update import IngestReport, Progress, ingest
from ..models.base import Embedder, GenerationOptions, Generator
from ..search.retrieve import BM25
from ..verify.checks import DEFAULT_PARAMS, Verification, VerifyParams
from .absent import AbsentTerms
from .fallback import Fallback
from .generate import Generate
from .guard import CoverageGuard
from .premise import Premise
from .relevance import Relevance
from .reread import RefusedAgain, kept, reread_turn, wants_reread
from .resources import Lazy, Resources
from .search import Search
from .select import FitToContext, SelectContext
from .turn import MODES, Request, Stage, Turn
from .verify import Verify, check_with

# The flow. A new stage is one module and one entry here; `search()` runs the retrieval part alone.
RETRIEVAL: tuple[Stage, ...] = (Search(),)
ANSWER: tuple[Stage, ...] = (
    CoverageGuard(), Premise(), AbsentTerms(), SelectContext(), FitToContext(), Generate(), Verify(), Relevance(),
    Fallback(),
)
# The second reading, over the best-ranked passage alone, of a question the model refused (`reread.py`).
REREAD: tuple[Stage, ...] = (
    AbsentTerms(), SelectContext(), FitToContext(), Generate(), RefusedAgain(), Verify(), Relevance(), Fallback(),
)


def run_stages(turn: Turn, res: Resources, stages: Sequence[Stage], timings: dict[str, float]) -> Turn:
    for stage in stages:
        if turn.done:
            break
        if turn.request.on_step:
            turn.request.on_step(stage.step, turn)
        started = time.perf_counter()
        turn = stage.run(turn, res)
        timings[stage.timing] = timings.get(stage.timing, 0.0) + (time.perf_counter() - started) * 1000
    return turn


@dataclass
class Assistant:
    """Built once by the factory; models and index load on first use. A bench may run other stages
    (`with_stages`); the product runs RETRIEVAL and ANSWER."""

    res: Resources
    retrieval_stages: tuple[Stage, ...] = RETRIEVAL
    answer_stages: tuple[Stage, ...] = ANSWER
    reread_stages: tuple[Stage, ...] = REREAD  # empty: no second reading

    @classmethod
    def create(
        cls,
        settings: Settings,
        embedder_factory: Callable[[], Embedder],
        generator_factory: Callable[[], Generator],
        model_names: dict[str, str] | None = None,
        verify_params: VerifyParams = DEFAULT_PARAMS,
    ) -> Assistant:
        return cls(Resources(settings, Lazy(embedder_factory), Lazy(generator_factory), dict(model_names or {}),
                             verify_params))

    def derive(self, generator_factory: Callable[[], Generator] | None = None, generator_name: str = "",
               embedder: Embedder | None = None, **changes: object) -> Assistant:
        """Same loaded models, other settings (another collection, k, mode): the UI switches without reloading.
        A new generator factory swaps the generator only."""
        names = dict(self.res.model_names)
        if generator_name:
            names["generator"] = generator_name
        settings = self.res.settings.replace(**changes)
        derived = Resources(
            settings,
            Lazy(lambda: embedder) if embedder is not None else self.res.embedder_lazy,
            Lazy(generator_factory) if generator_factory else self.res.generator_lazy,
            names,
            self.res.verify_params,
            self.res.judge_params,
            self.res.memo_lazy,
        )
        if settings.index_dir == self.res.settings.index_dir:
            derived.share_index(self.res)
        return Assistant(derived, self.retrieval_stages, self.answer_stages, self.reread_stages)

    def with_stages(self, *stages: Stage) -> Assistant:
        """The same assistant with some stages swapped for others of the same type (benches compare variants)."""
        def swap(flow: tuple[Stage, ...]) -> tuple[Stage, ...]:
            return tuple(next((s for s in stages if type(s) is type(old)), old) for old in flow)

        return Assistant(self.res, swap(self.retrieval_stages), swap(self.answer_stages), swap(self.reread_stages))

    # What callers read; the stages get `res` itself.
    @property
    def settings(self) -> Settings:
        return self.res.settings

    @property
    def model_names(self) -> dict[str, str]:
        return self.res.model_names

    @property
    def embedder(self) -> Embedder:
        return self.res.embedder

    @property
    def generator(self) -> Generator:
        return self.res.generator

    @property
    def index(self) -> IndexData:
        return self.res.index

    @property
    def bm25(self) -> BM25:
        return self.res.bm25

    def ingest(self, paths: list[Path], rebuild: bool = False, progress: Progress | None = None) -> IngestReport:
        report = ingest(
            paths,
            self.settings.index_dir,
            self.res.embedder_lazy.get,
            self.res.chunker,
            rebuild=rebuild,
            progress=progress,
            embedder_name=self.model_names.get("embedder") or None,
        )
        self.res.reload_index()
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
        """The retrieval stages alone (eval --retrieval-only, benches)."""
        turn = Turn(Request(question=question, query=question, k=k or self.settings.k))
        return run_stages(turn, self.res, self.retrieval_stages, {}).passages

    def check(self, text: str, passages: list[Passage]) -> Verification:
        """Verify any text against passages (the workshop checks the model-alone answer against the documents)."""
        return check_with(self.res, text, passages)

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
        on_step: Callable[[str, Turn], None] | None = None,
    ) -> Answer:
        """Retrieve, answer, verify. `query` replaces the question for the search only (a follow-up rewritten
        from the conversation); `confidence` records each generated piece with its probability (`Answer.tokens`);
        `on_step` is told before each stage, with the turn so far (the passages once the search is done)."""
        question = self.check_question(question)
        s = self.settings
        mode = mode or s.mode
        if mode not in MODES:
            raise BadInput(f"mode inconnu : {mode!r} (attendu : {', '.join(MODES)})")
        options = GenerationOptions(
            max_tokens=s.max_tokens,
            temperature=s.temperature if temperature is None else temperature,
            seed=s.seed if seed is None else seed,
        )
        request = Request(question=question, query=query or question, k=k or s.k, mode=mode,
                          no_retrieval=no_retrieval, options=options, confidence=confidence, on_token=on_token,
                          on_step=on_step)
        timings = {"retrieve": 0.0, "generate": 0.0, "verify": 0.0}
        turn = run_stages(Turn(request), self.res, self.retrieval_stages + self.answer_stages, timings)
        if self.reread_stages and wants_reread(turn):
            turn = kept(turn, run_stages(reread_turn(turn), self.res, self.reread_stages, timings))
        return self._answer(turn, timings)

    def _answer(self, turn: Turn, timings: dict[str, float]) -> Answer:
        v = turn.verification
        return Answer(
            question=turn.request.question,
            answer=turn.shown,
            abstained=turn.abstained,
            passages=turn.passages,
            sentences=v.sentences if v else [],
            citations=v.citations if v else [],
            model=dict(self.model_names),
            timings_ms=timings,
            raw_answer=turn.raw,
            mode=turn.request.mode,
            fallback=turn.fallback,
            guard=turn.guard,
            premise=turn.premise,
            off_topic=turn.off_topic,
            dropped=turn.dropped,
            reread=turn.reread,
            tokens=turn.tokens,
        )



