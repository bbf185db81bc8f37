"""Plain dataclasses shared by every step: files → documents → chunks → passages → answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """A cleaned document. `doc` is the file name relative to the ingested folder."""

    doc: str
    text: str
    metadata: dict[str, str] = field(default_factory=dict)
    source_sha256: str = ""

    @property
    def title(self) -> str:
        return self.metadata.get("title") or self.doc


@dataclass(frozen=True)
class Chunk:
    """A span of a document's cleaned text: `text == document.text[start:end]`."""

    chunk_id: str
    doc: str
    start: int
    end: int
    text: str
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """The document's title as shown: its own, else its file name."""
        return self.own_title or self.doc

    @property
    def own_title(self) -> str:
        """The title the document gives itself, "" when it has none: what the judge reads before a passage
        sentence (a file name such as « 000_4a81b808765739a6.txt » would only mislead it)."""
        return self.metadata.get("title", "")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        return cls(**data)


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its rank (1-based, as cited `[n]`) and fused score."""

    rank: int
    chunk: Chunk
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None
    # What of the chunk the model read (answer/context.py): spans in `chunk.text`; empty = the whole chunk.
    windows: tuple[tuple[int, int], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "doc": self.chunk.doc,
            "title": self.chunk.title,
            "text": self.chunk.text,
            "score": round(self.score, 6),
            "start": self.chunk.start,
            "end": self.chunk.end,
            "metadata": dict(self.chunk.metadata),
            "windows": [list(w) for w in self.windows],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Passage:
        """A passage as `to_json` wrote it (a stored eval run replayed by the benches); its chunk id is
        rebuilt from the document and offset, the only ones the JSON keeps."""
        chunk = Chunk(f"{data['doc']}#{data['start']}", data["doc"], data["start"], data["end"], data["text"],
                      dict(data.get("metadata") or {}))
        return cls(data["rank"], chunk, data["score"], windows=tuple(tuple(w) for w in data.get("windows") or ()))


# Why a sentence is flagged. The verifier is the only code that decides these; verify/wording.py says them in
# French; everything else (CLI, chat, workshop, report, feedback) only displays them. A new kind is one constant
# here, the check that emits it, and its wording.
NUMBER_ABSENT = "number_absent"  # a number or date of the sentence is in no passage
NAME_ABSENT = "name_absent"  # a proper name of the sentence is in no passage
NUMBER_ELSEWHERE = "number_elsewhere"  # a number the passages hold, but only in sentences about something else
LOW_SUPPORT = "low_support"  # no passage holds enough of what the sentence says
NOT_ENTAILED = "not_entailed"  # the judge (the model read as a yes/no reader) finds the meaning not in the passage
DECORATIVE_CITATION = "decorative_citation"  # the cited passage does not support the sentence
MISSING_PASSAGE = "missing_passage"  # the sentence cites a passage number that was not retrieved
# Decided by the sentence's own numbers and names: no judge is asked.
TERM_REASONS = (NUMBER_ABSENT, NAME_ABSENT, NUMBER_ELSEWHERE)
# The sentence itself is unsupported.
SENTENCE_REASONS = (*TERM_REASONS, LOW_SUPPORT, NOT_ENTAILED)
CITATION_REASONS = (DECORATIVE_CITATION, MISSING_PASSAGE)  # the sentence may hold, its citation does not


@dataclass(frozen=True)
class Reason:
    """One reason a sentence is flagged, with what the wording needs to explain it."""

    kind: str
    terms: list[str] = field(default_factory=list)  # the absent numbers or names
    marker: int | None = None  # the citation at fault
    score: float | None = None  # the support score, for LOW_SUPPORT and NOT_ENTAILED
    replacement: int | None = None  # the passage shown instead of a citation that does not hold


@dataclass(frozen=True)
class Evidence:
    """Where a sentence's support lies: a span of a passage's text (the span the UI highlights)."""

    rank: int
    start: int
    end: int


@dataclass(frozen=True)
class SentenceVerdict:
    text: str
    supported: bool
    score: float
    evidence_rank: int | None
    unsupported_terms: list[str] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    evidence: Evidence | None = None
    cited: list[int] = field(default_factory=list)  # the passages shown as its support (the model's, corrected)

    @property
    def flagged(self) -> bool:
        """Shown as a problem: unsupported, or carrying a citation that does not hold."""
        return bool(self.reasons)

    @property
    def term_fault(self) -> bool:
        """A number or name of its own is at fault (absent, or taken from something else): decided without
        reading its meaning, so no judge is asked and its alignment points at no answer."""
        return any(r.kind in TERM_REASONS for r in self.reasons)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SentenceVerdict:
        evidence = data.get("evidence")
        return cls(
            text=data["text"], supported=data["supported"], score=data["score"],
            evidence_rank=data.get("evidence_rank"), unsupported_terms=list(data.get("unsupported_terms", [])),
            reasons=[Reason(**r) for r in data.get("reasons", [])],
            evidence=Evidence(**evidence) if evidence else None,
            cited=list(data.get("cited", [])),
        )


@dataclass(frozen=True)
class Citation:
    marker: int
    passage_rank: int | None  # None: the marker points to no retrieved passage
    sentence: int
    supported: bool
    span: tuple[int, int] | None = None  # the cited passage's sentence closest to the citing sentence


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    abstained: bool
    passages: list[Passage]
    sentences: list[SentenceVerdict]
    citations: list[Citation]
    model: dict[str, str]
    timings_ms: dict[str, float]
    raw_answer: str = ""
    mode: str = "generative"
    fallback: bool = False  # the generated answer failed verification: closest passages shown instead
    guard: str = ""  # why the answer was refused before generation, if it was
    premise: str = ""  # what the question takes for granted and the documents do not say (then abstained)
    off_topic: bool = False  # the answer's sentences hold but do not answer the question (then abstained)
    dropped: int = 0  # retrieved passages left out of the prompt for want of context room
    reread: bool = False  # the model refused over every passage and answered over the best-ranked one alone
    tokens: list[tuple[str, float]] = field(default_factory=list)  # (piece, probability), when asked for

    def to_json(self) -> dict[str, Any]:
        """The `ask --json` object of EVAL_FORMAT.md (field names are a contract)."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "passages": [p.to_json() for p in self.passages],
            "citations": [asdict(c) for c in self.citations],
            "sentences": [asdict(s) for s in self.sentences],
            "model": dict(self.model),
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "raw_answer": self.raw_answer,
            "mode": self.mode,
            "fallback": self.fallback,
            "guard": self.guard,
            "premise": self.premise,
            "off_topic": self.off_topic,
            "dropped_passages": self.dropped,
            "reread": self.reread,
            **({"tokens": [[t, round(p, 4)] for t, p in self.tokens]} if self.tokens else {}),
        }
