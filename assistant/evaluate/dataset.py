"""Reader for eval sets in the JSON Lines format of EVAL_FORMAT.md (field names are a contract)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BadInput


@dataclass(frozen=True)
class EvalItem:
    id: str
    question: str
    answerable: bool
    evidence: list[str] = field(default_factory=list)
    answer: str = ""
    answer_keys: list[str] = field(default_factory=list)
    source: str = ""
    kind: str = ""


def read_records(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) of a JSON Lines input; a bad line, a missing field or a repeated id is an error
    that names the file and the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path} : lecture impossible ({exc})") from None
    seen: set[str] = set()
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadInput(f"{path}:{n} : JSON invalide ({exc.msg})") from None
        if not isinstance(row, dict):
            raise BadInput(f"{path}:{n} : un objet JSON est attendu par ligne")
        for key in required:
            if key not in row:
                raise BadInput(f"{path}:{n} : champ obligatoire « {key} » absent")
        if str(row["id"]) in seen:
            raise BadInput(f"{path}:{n} : id « {row['id']} » en double")
        seen.add(str(row["id"]))
        yield n, row


def read_finished_rows(path: Path) -> dict[str, dict[str, Any]]:
    """The rows an interrupted run already wrote, by id; a line cut by the interruption is left out (redone)."""
    rows: dict[str, dict[str, Any]] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            rows[row["id"]] = row
    return rows


def read_eval_set(path: Path) -> list[EvalItem]:
    return [
        EvalItem(
            id=str(row["id"]),
            question=str(row["question"]),
            answerable=bool(row["answerable"]),
            evidence=list(row.get("evidence") or []),
            answer=str(row.get("answer") or ""),
            answer_keys=list(row.get("answer_keys") or []),
            source=str(row.get("source") or ""),
            kind=str(row.get("kind") or ""),
        )
        for _, row in read_records(path, ("id", "question", "answerable"))
    ]
