"""The model's refusal read again over fewer passages (`pipeline/reread.py`): over a stored run, each question the
model itself refused is asked again over its first N passages, through the stages the second reading runs (absent
names, context, generation, verification, « does it answer? », quotation), and the outcome is counted:

    python bench/reread.py /tmp/sitiv-33/report.json --index index --passages 1 2
    python bench/reread.py /tmp/piaf2-33/report.json --index /tmp/piaf2-kept-index-q --passages 1 2 --refused any

Only the questions the run left refused count (a quotation the fallback already showed is kept by the product).
For each N: answerable questions now answered with their keys, answered without them, and unanswerable questions
now answered (each such answer is wrong: the documents do not hold it). `--refused any` reads again every refusal
that came after generation, the verifier's too, not only the model's own.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from honesty import replayable, stored_turn

from assistant.config import load_settings
from assistant.evaluate.metrics import answer_has_keys
from assistant.models.base import GenerationOptions
from assistant.pipeline.assistant import REREAD, run_stages
from assistant.pipeline.factory import build_assistant
from assistant.pipeline.reread import wants_reread
from assistant.pipeline.turn import Turn


def refused(row: dict[str, Any], any_refusal: bool) -> bool:
    """Left refused by the stored run: by the model itself, as the product decides to read it again
    (`wants_reread`), or by anything after generation (`any_refusal`; not a guard or a premise: those have no
    raw answer)."""
    turn = replace(stored_turn(row), abstained=row["abstained"])
    return turn.abstained and bool(turn.raw) if any_refusal else wants_reread(turn)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path)
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--passages", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--refused", choices=["model", "any"], default="model")
    parser.add_argument("--out", type=Path, default=None, help="each second reading (JSONL)")
    args = parser.parse_args()
    rows = [r for r in replayable(json.loads(args.report.read_text(encoding="utf-8"))["items"])
            if refused(r, args.refused == "any")]
    assistant = build_assistant(load_settings(profile="quality", index_dir=args.index, judge="on", memo="off"))
    s = assistant.settings
    options = GenerationOptions(max_tokens=s.max_tokens, temperature=s.temperature, seed=s.seed)
    print(f"{args.report}: {len(rows)} questions refused after generation "
          f"({sum(r['answerable'] for r in rows)} answerable), refusal: {args.refused}")
    turns = [stored_turn(row) for row in rows]
    out = args.out.open("w", encoding="utf-8") if args.out else None
    for n in args.passages:
        keyed = unkeyed = wrong = 0
        seconds = []
        for row, first in zip(rows, turns, strict=True):
            started = time.perf_counter()
            turn = run_stages(Turn(replace(first.request, k=n, options=options), passages=first.passages[:n]),
                              assistant.res, REREAD, {})
            seconds.append(time.perf_counter() - started)
            answered = not turn.abstained
            has_keys = answered and answer_has_keys(turn.shown, row.get("answer_keys") or [])
            if answered and row["answerable"]:
                keyed += has_keys
                unkeyed += not has_keys
            wrong += answered and not row["answerable"]
            if answered:
                print(f"  N={n} {'answerable' if row['answerable'] else 'UNANSWERABLE'} keys={has_keys}: "
                      f"{row['question'][:70]} → {turn.shown[:110]!r}")
            if out:
                out.write(json.dumps({"id": row["id"], "passages": n, "answerable": row["answerable"],
                                      "answered": answered, "keys": has_keys, "shown": turn.shown,
                                      "raw": turn.raw, "seconds": round(seconds[-1], 2)}, ensure_ascii=False) + "\n")
        print(f"N = {n}: answerable answered with their keys {keyed}, without {unkeyed}; unanswerable answered "
              f"{wrong}; median {statistics.median(seconds):.1f} s a second reading" if seconds else f"N = {n}: none")
    if out:
        out.close()


if __name__ == "__main__":
    main()
