"""`assistant verify`: check texts written by anyone (another AI, a colleague, a labelled benchmark) against
passages, with the same verifier as our own answers. One JSON line in, one JSON line out, resumable.

Input line: {"id", "answer", "passages": [str, …]} (passages given) or {"id", "answer", "question"} (passages
retrieved from the index with the question); other fields are ignored. Output line: {"id", "hallucinated",
"sentences": [verdicts], "passages": [...]}, `hallucinated` true when any sentence is unsupported.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from ..documents import Chunk, Passage
from ..errors import BadInput
from ..pipeline.assistant import Assistant
from ..verify.checks import claims
from .dataset import read_finished_rows, read_records


@dataclass(frozen=True)
class TextItem:
    id: str
    answer: str
    passages: list[str] | None  # None: retrieve them with the question
    question: str = ""


def read_items(path: Path) -> list[TextItem]:
    items: list[TextItem] = []
    for n, row in read_records(path, ("id", "answer")):
        passages = row.get("passages")
        if passages is not None and not (isinstance(passages, list) and all(isinstance(p, str) for p in passages)):
            raise BadInput(f"{path}:{n} : « passages » doit être une liste de textes")
        if passages is None and not str(row.get("question") or "").strip():
            raise BadInput(f"{path}:{n} : ni « passages » ni « question » : rien à quoi comparer le texte")
        items.append(TextItem(str(row["id"]), str(row["answer"] or ""), passages, str(row.get("question") or "")))
    return items


def given_passages(texts: Iterable[str]) -> list[Passage]:
    """Passages handed in with the text, ranked in the order given ([1] is the first)."""
    passages = []
    for rank, text in enumerate(texts, start=1):
        chunk_id = "given-" + hashlib.sha256(text.encode()).hexdigest()[:16]
        passages.append(Passage(rank, Chunk(chunk_id, f"passage {rank}", 0, len(text), text), 0.0))
    return passages


def passages_for(assistant: Assistant, text: str, question: str = "", per_claim: int = 2,
                 most: int = 8) -> list[Passage]:
    """What a pasted text is checked against: the passages found for its question, or, without one, the best
    passages of each of its claims (a text about several things needs several documents), ranked anew."""
    if question.strip():
        return assistant.search(question)
    found: dict[str, Passage] = {}
    for claim in claims(text) or [text]:
        for p in assistant.search(claim, k=per_claim):
            found.setdefault(p.chunk.chunk_id, p)
    return [replace(p, rank=rank) for rank, p in enumerate(list(found.values())[:most], start=1)]


def verify_item(assistant: Assistant, item: TextItem) -> dict[str, Any]:
    given = item.passages is not None
    passages = given_passages(item.passages or []) if given else passages_for(assistant, item.answer, item.question)
    verification = assistant.check(item.answer, passages)
    return {
        "id": item.id,
        "hallucinated": any(not s.supported for s in verification.sentences),
        "sentences": [asdict(s) for s in verification.sentences],
        "citations": [asdict(c) for c in verification.citations],
        **({"question": item.question} if item.question else {}),
        "passages": len(passages) if given else [p.to_json() for p in passages],
    }


def run(
    assistant: Assistant,
    items: list[TextItem],
    out: Path,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """Rows are appended as they are checked, so an interrupted run goes on where it stopped (`resume`)."""
    done = read_finished_rows(out) if resume else {}
    out.parent.mkdir(parents=True, exist_ok=True)
    wanted = {i.id for i in items}
    kept = [done[i] for i in done if i in wanted]
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
    if progress and kept:
        progress(len(kept))
    with out.open("a", encoding="utf-8") as sink:
        for item in items:
            if item.id in done:
                continue
            row = verify_item(assistant, item)
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")
            sink.flush()
            done[item.id] = row
            if progress:
                progress(1)
    return [done[i.id] for i in items]
