"""A text written by another system, in English, checked by the real judge (quality profile): a sentence that
merges two consecutive passage sentences is supported, an inverted comparison told in the passage's words is
not (bench/verify_labelled.py measures both on eval/verify-en*.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.evaluate.verify_texts import given_passages
from assistant.models.files import resolve_generator
from assistant.pipeline.assistant import Assistant
from assistant.pipeline.factory import make_generator

pytestmark = pytest.mark.slow
LONG = Path(__file__).resolve().parents[2] / "eval" / "verify-en-long.jsonl"


@pytest.fixture(scope="module")
def judged(assistant: Assistant) -> Assistant:
    quality = assistant.settings.replace(profile="quality", judge="on")
    model = resolve_generator(quality)
    return assistant.derive(generator_factory=lambda: make_generator(quality, model), generator_name=model.name,
                            profile="quality", judge="on")


def passages(topic: str) -> list[str]:
    rows = [json.loads(line) for line in LONG.read_text(encoding="utf-8").splitlines() if line.strip()]
    return next(r["passages"] for r in rows if r["id"].startswith(f"{topic}-"))


def test_a_merged_sentence_is_supported_and_an_inverted_one_is_not(judged: Assistant) -> None:
    bridge = given_passages(passages("ggb"))
    merged = ("Construction started on January 5, 1933, and the bridge opened to pedestrians on May 27, 1937, "
              "with cars allowed on it the next day, May 28, 1937.")
    verdict = judged.check(merged, bridge).sentences[0]
    # The judge read the sentence after the aligned one (« May 28 »), not a sentence of another passage.
    assert verdict.supported, verdict
    reptiles = given_passages(passages("croc"))
    inverted = judged.check("Alligators are generally more aggressive toward humans.", reptiles).sentences[0]
    # Every word is the passage's (overlap ~0.85): only the judge's P(yes), deciding alone, refuses it.
    assert not inverted.supported and inverted.reasons[0].kind == "not_entailed", inverted
