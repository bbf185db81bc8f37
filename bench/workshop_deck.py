"""Plays every card of the workshop deck with a model and reports what the room would see: invented sentences
without and with documents, low-confidence tokens, and the consistency of resampled answers.

    python bench/workshop_deck.py --index index --profile fast
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from assistant.config import load_settings
from assistant.pipeline.factory import build_assistant
from assistant.workshop.deck import load_deck
from assistant.workshop.room import Workshop, play, resample


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--profile", default="fast")
    parser.add_argument("--out", type=Path, default=Path("bench/out/workshop_deck.json"))
    args = parser.parse_args()
    assistant = build_assistant(load_settings(profile=args.profile, index_dir=args.index))
    # The room's own code path (play, resample), with its session kept in a scratch folder.
    room = Workshop(lambda: assistant, load_deck(), Path(tempfile.mkdtemp(prefix="bench-workshop-")))
    rows = []
    for card in room.deck:
        if card.kind == "libre":
            continue
        t0 = time.perf_counter()
        played = play(room, "bench", card.id, card.question)
        alone, grounded = played.alone, played.grounded
        sampled = resample(assistant, card.question)
        attempt = room.session.attempts[played.index]
        inv_alone, inv_grounded = attempt.alone["invented"], attempt.grounded["invented"]
        low = [t for t, p in grounded.tokens + alone.tokens if p < 0.3]
        rows.append({
            "card": card.id, "kind": card.kind,
            "alone_sentences": len(inv_alone), "alone_invented": sum(inv_alone),
            "grounded_sentences": len(inv_grounded), "grounded_invented": sum(inv_grounded),
            "grounded_abstained": grounded.abstained,
            "types": attempt.types,
            "low_confidence_share": round(len(low) / max(1, len(grounded.tokens) + len(alone.tokens)), 3),
            "consistency": sampled.consistency,
            "seconds": round(time.perf_counter() - t0, 1),
        })
        print(json.dumps(rows[-1], ensure_ascii=False))

    def share(key: str, total: str) -> float:
        return sum(r[key] for r in rows) / max(1, sum(r[total] for r in rows))
    summary = {
        "model": assistant.model_names, "cards": len(rows),
        "invented_share_alone": round(share("alone_invented", "alone_sentences"), 3),
        "invented_share_grounded": round(share("grounded_invented", "grounded_sentences"), 3),
        "cards_with_a_hallucination_alone": sum(r["alone_invented"] > 0 for r in rows),
        "cards_with_a_hallucination_grounded": sum(r["grounded_invented"] > 0 for r in rows),
        "grounded_abstained": sum(r["grounded_abstained"] for r in rows),
        "mean_consistency": round(sum(r["consistency"] or 0 for r in rows) / len(rows), 3),
        "seconds_per_card": round(sum(r["seconds"] for r in rows) / len(rows), 1),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "rows": rows}, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
