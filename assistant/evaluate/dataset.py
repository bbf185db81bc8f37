"""Reader for eval sets in the JSON Lines format of EVAL_FORMAT.md (field names are a contract)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

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


def read_eval_set(path: Path) -> list[EvalItem]:
    items: list[EvalItem] = []
    seen: set[str] = set()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path} : lecture impossible ({exc})") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadInput(f"{path}:{n} : JSON invalide ({exc.msg})") from None
        for key in ("id", "question", "answerable"):
            if key not in row:
                raise BadInput(f"{path}:{n} : champ obligatoire « {key} » absent")
        if row["id"] in seen:
            raise BadInput(f"{path}:{n} : id « {row['id']} » en double")
        seen.add(row["id"])
        items.append(
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
        )
    return items
