"""Batch evaluation: every question through the same code path as `ask`, one row per item, resumable.

Rows are appended to OUT/items.jsonl as they finish, so an interrupted run restarts where it stopped
(`--resume`); report.json and report.html are written at the end from all rows.
"""

from __future__ import annotations

import json
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import AssistantError, BadInput
from ..pipeline.assistant import Assistant
from .dataset import EvalItem, read_finished_rows
from .metrics import answer_has_keys, compute_metrics, evidence_hit

ROWS = "items.jsonl"


@dataclass(frozen=True)
class EvalOptions:
    k: int = 5
    retrieval_only: bool = False
    mode: str = "generative"
    no_retrieval: bool = False
    concurrency: int = 1  # questions in flight at once: only for a remote generator (llama.cpp is not thread-safe)


def item_row(item: EvalItem, assistant: Assistant, options: EvalOptions) -> dict[str, Any]:
    """Run one item; an exception becomes status "error" so that one failure does not stop the run."""
    row: dict[str, Any] = {**asdict(item), "status": "ok"}
    row["reference_answer"] = row.pop("answer")  # "answer" is the assistant's, as in `ask --json`
    started = time.perf_counter()
    try:
        if options.retrieval_only:
            passages = assistant.search(item.question, k=options.k)
            row.update(answer=None, abstained=False, timings_ms={"retrieve": (time.perf_counter() - started) * 1000})
        else:
            answer = assistant.ask(item.question, k=options.k, mode=options.mode, no_retrieval=options.no_retrieval)
            passages = answer.passages
            data = answer.to_json()
            keys = ("answer", "abstained", "sentences", "citations", "timings_ms", "guard", "premise", "off_topic",
                    "reread")
            row.update({key: data[key] for key in keys})
            row.update(raw_answer=answer.raw_answer, fallback=answer.fallback, model=answer.model)
            # The answer the user reads: a quotation shown instead of a refusal counts, a model text not shown not.
            row["answer_keys_ok"] = not answer.abstained and answer_has_keys(answer.answer, item.answer_keys)
        hits = [bool(item.evidence) and evidence_hit(p.chunk.text, item.evidence) for p in passages]
        row["passages"] = [{**p.to_json(), "hit": hit} for p, hit in zip(passages, hits, strict=True)]
        row["first_hit_rank"] = next((p.rank for p, hit in zip(passages, hits, strict=True) if hit), None)
    except AssistantError as exc:
        row.update(status="error", error=str(exc))
    except Exception as exc:  # a bug on one item is reported in its row, the run goes on
        row.update(status="error", error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())
    row["seconds"] = round(time.perf_counter() - started, 3)
    return row


def run(
    assistant: Assistant,
    items: Sequence[EvalItem],
    out_dir: Path,
    options: EvalOptions,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    done = read_finished_rows(out_dir / ROWS) if resume else {}
    if not resume:
        (out_dir / ROWS).unlink(missing_ok=True)
    known = {i.id for i in items}
    done = {k: v for k, v in done.items() if k in known and v.get("status") == "ok"}
    if progress and done:
        progress(len(done))
    todo = [item for item in items if item.id not in done]
    lock = threading.Lock()
    with (out_dir / ROWS).open("a", encoding="utf-8") as sink:

        def one(item: EvalItem) -> None:
            row = item_row(item, assistant, options)
            with lock:
                sink.write(json.dumps(row, ensure_ascii=False) + "\n")
                sink.flush()
                done[item.id] = row
                if progress:
                    progress(1)

        if options.concurrency > 1 and todo:
            _ = assistant.index, assistant.bm25, assistant.embedder  # built once, before the threads share them
            with ThreadPoolExecutor(options.concurrency) as pool:
                list(pool.map(one, todo))
        else:
            for item in todo:
                one(item)
    rows = [done[i.id] for i in items]
    return build_report(rows, options, assistant)


def build_report(rows: list[dict[str, Any]], options: EvalOptions, assistant: Assistant) -> dict[str, Any]:
    metrics = compute_metrics(rows, options.k)
    seconds = [r["seconds"] for r in rows if r.get("status") == "ok"]
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "config": {**asdict(options), "settings": assistant.settings.to_json(), "model": dict(assistant.model_names)},
        "metrics": metrics,
        "counts": {
            "items": len(rows),
            "answerable": sum(r["answerable"] for r in rows),
            "unanswerable": sum(not r["answerable"] for r in rows),
            "errors": sum(r.get("status") != "ok" for r in rows),
            "fallbacks": sum(bool(r.get("fallback")) for r in rows),
            "rereads": sum(bool(r.get("reread")) for r in rows),
        },
        "timing": {
            "mean_seconds_per_item": round(sum(seconds) / len(seconds), 3) if seconds else None,
            "total_seconds": round(sum(seconds), 1),
        },
        "items": rows,
    }


def write_report(report: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    from .report import render_html

    json_path, html_path = out_dir / "report.json", out_dir / "report.html"
    tmp = json_path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(json_path)
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path


def read_report(path: Path) -> dict[str, Any]:
    path = path / "report.json" if path.is_dir() else path
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BadInput(f"{path} : rapport illisible ({exc})") from None
    if "metrics" not in report:
        raise BadInput(f"{path} : pas de champ « metrics », ce n'est pas un report.json")
    return report
