"""Time to prepare the workshop deck, and time to play a prepared card, with the real models.

    python bench/prepare_deck.py [--index index] [--profile quality]

A fresh memo in a scratch folder (nothing prepared before), then: every card prepared as `assistant workshop`
does at start (`workshop/prepare.py`: both answers, verdicts, token confidence, three « Redemander » samples),
timed per card and in all; then every card played as a participant would (`room.play`, the page's own call)
and resampled, timed: what a prepared card costs on screen is that play, without the page's transfers.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from assistant.config import load_settings
from assistant.pipeline.factory import build_assistant
from assistant.workshop.deck import load_deck
from assistant.workshop.prepare import prepare_card
from assistant.workshop.room import Workshop, play, resample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--profile", default="quality")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-prepare-"))
    assistant = build_assistant(load_settings(profile=args.profile, index_dir=args.index,
                                              memo_path=scratch / "outputs.sqlite"))
    deck = load_deck()
    assistant.search(deck[0].question)  # models and index loaded before timing
    prepared = []
    for card in deck:
        started = time.perf_counter()
        prepare_card(assistant, card.question)
        prepared.append(time.perf_counter() - started)
    room = Workshop(lambda: assistant, deck, scratch / "workshop")
    played, again = [], []
    for card in deck:
        started = time.perf_counter()
        play(room, "bench", card.id, card.question)
        played.append(time.perf_counter() - started)
        started = time.perf_counter()
        resample(assistant, card.question)
        again.append(time.perf_counter() - started)
    print(f"{len(deck)} cards, {args.profile} profile ({assistant.model_names['generator']}), "
          f"judge {assistant.settings.wants_judge()}")
    print(f"preparing the deck: {sum(prepared):.0f} s in all, median {statistics.median(prepared):.0f} s per card")
    print(f"a prepared card, question to verdicts: median {statistics.median(played):.2f} s, "
          f"max {max(played):.2f} s; « Redemander »: median {statistics.median(again):.2f} s")


if __name__ == "__main__":
    main()
