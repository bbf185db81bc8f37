"""Plays every card of the workshop deck with a model and reports what the room would see: invented sentences
without and with documents, low-confidence tokens, and the consistency of resampled answers.

    python bench/workshop_deck.py --index index --profile fast
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from assistant.config import load_settings
from assistant.factory import build_assistant
from assistant.workshop.deck import load_deck
from assistant.workshop.scoring import hallucination_types, invented
from assistant.workshop.variability import compare_samples, consistency


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--profile", default="fast")
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("bench/out/workshop_deck.json"))
    args = parser.parse_args()
    assistant = build_assistant(load_settings(profile=args.profile, index_dir=args.index))
    rows = []
    for card in load_deck():
        if card.kind == "libre":
            continue
        t0 = time.perf_counter()
        grounded = assistant.ask(card.question, confidence=True)
        alone = assistant.ask(card.question, no_retrieval=True, confidence=True)
        check = assistant.check(alone.raw_answer, grounded.passages)
        samples = [assistant.ask(card.question, temperature=0.8, seed=s).raw_answer for s in range(1, args.samples + 1)]
        inv_alone = invented(check.sentences, check.citations)
        inv_grounded = invented(grounded.sentences, grounded.citations)
        low = [t for t, p in grounded.tokens + alone.tokens if p < 0.3]
        rows.append({
            "card": card.id, "kind": card.kind,
            "alone_sentences": len(inv_alone), "alone_invented": sum(inv_alone),
            "grounded_sentences": len(inv_grounded), "grounded_invented": sum(inv_grounded),
            "grounded_abstained": grounded.abstained,
            "types": dict(hallucination_types(check.sentences, check.citations)
                          + hallucination_types(grounded.sentences, grounded.citations)),
            "low_confidence_share": round(len(low) / max(1, len(grounded.tokens) + len(alone.tokens)), 3),
            "consistency": consistency(compare_samples(samples)),
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
