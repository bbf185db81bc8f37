"""Staff feedback on answers (useful / wrong / hallucination), stored locally in JSON Lines.

Each record keeps the question, the shown and raw answers, the verifier's verdicts and the passages, so that it can
be turned into eval-set items (EVAL_FORMAT.md) for the next evaluation run.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..documents import Answer
from ..errors import BadInput

KINDS = {"useful": "Utile", "wrong": "Erronée", "hallucination": "Hallucination"}


def make_record(
    kind: str, answer: Answer | dict[str, Any], collection: str, retrieval_query: str = "", comment: str = "",
    answer_key: str = "",
) -> dict[str, Any]:
    """`answer` is the Answer or its `ask --json` object (a resumed conversation keeps only that). `answer_key`
    names the rated answer (conversation and turn): rating it again replaces the rating (`latest`), so one
    answer is never both « Utile » and « Hallucination »."""
    if kind not in KINDS:
        raise BadInput(f"avis inconnu : {kind!r} (attendu : {', '.join(KINDS)})")
    payload = answer if isinstance(answer, dict) else answer.to_json()
    created = datetime.now(UTC).isoformat(timespec="seconds")
    digest = hashlib.sha256(f"{created}{kind}{payload['question']}{payload['answer']}".encode()).hexdigest()[:12]
    return {
        "id": f"fb-{digest}",
        "created": created,
        "kind": kind,
        "answer_key": answer_key,
        "collection": collection,
        "retrieval_query": retrieval_query,
        "comment": comment.strip(),
        **{k: payload[k] for k in ("question", "answer", "raw_answer", "abstained", "sentences", "citations",
                                   "passages", "model", "mode")},
    }


def append(path: Path, record: dict[str, Any]) -> None:
    """One line per record, written under an exclusive lock: two staff clicking at once never interleave."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def read(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    records = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                raise BadInput(f"{path}, ligne {n} : JSON invalide") from None
    return records


def latest(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per rated answer, the last given (records without `answer_key` all count)."""
    keyed: dict[str, dict[str, Any]] = {}
    for n, r in enumerate(records):
        keyed[r.get("answer_key") or f"#{n}"] = r
    return list(keyed.values())


def to_eval_items(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Draft eval-set items. « Utile » answers become answerable items whose evidence is the cited spans; the
    others keep the staff verdict in `kind` and `review` so that someone writes the right answer before use."""
    items = []
    for r in records:
        by_rank = {p["rank"]: p for p in r.get("passages", [])}
        evidence = []
        for c in r.get("citations", []):
            passage = by_rank.get(c.get("passage_rank"))
            if passage and c.get("supported") and c.get("span"):
                s, e = c["span"]
                evidence.append(" ".join(passage["text"][s:e].split()))
        item = {
            "id": r["id"],
            "question": r["question"],
            "answerable": not r.get("abstained", False),
            "answer": r["answer"],
            "evidence": list(dict.fromkeys(evidence)),
            "kind": f"feedback_{r['kind']}",
        }
        if r["kind"] != "useful":
            item["review"] = f"signalée « {KINDS[r['kind']]} » par un agent : réponse de référence à écrire"
            item["flagged_answer"] = r.get("raw_answer") or r["answer"]
        if by_rank:
            item["source"] = by_rank[min(by_rank)]["doc"]
        items.append(item)
    return items
