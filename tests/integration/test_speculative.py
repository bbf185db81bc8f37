"""Greedy decoding with prompt-lookup drafts gives the same text as plain greedy decoding, byte for byte, on real
answer prompts with the packaged model, and both the same as llama.cpp's own sampler when the prompt is
evaluated the same way; the drafts are really used."""

from __future__ import annotations

from functools import partial

import pytest

from assistant.answer.prompt import build_prompt
from assistant.models.base import GenerationOptions
from assistant.models.llama_cpp import LlamaCppGenerator
from assistant.models.lookup import LookupParams
from assistant.pipeline.assistant import Assistant, run_stages
from assistant.pipeline.select import SelectContext
from assistant.pipeline.turn import Request, Turn

pytestmark = pytest.mark.slow

QUESTIONS = [
    "Quand le syndicat emménage-t-il dans ses nouveaux locaux ?",
    "Quelles communes font partie du syndicat ?",
    "Quel logiciel de bureautique le syndicat déploie-t-il ?",
]


def test_prompt_lookup_decoding_is_byte_identical_to_plain_greedy(assistant: Assistant) -> None:
    generator = assistant.generator
    assert isinstance(generator, LlamaCppGenerator)
    generator.draft_stats = [0, 0]
    try:
        for keep_system in (False, True):
            generator.keep_system = keep_system
            for question in QUESTIONS:
                turn = run_stages(Turn(Request(question=question, query=question, k=5)), assistant.res,
                                  (*assistant.retrieval_stages, SelectContext()), {})
                prompt = build_prompt(question, turn.passages)
                runs = [
                    partial(generator.generate_greedy, prompt, 96, None),
                    partial(generator.generate_greedy, prompt, 96, LookupParams()),
                ]
                if not keep_system:  # evaluated in one piece, as llama.cpp's own generate() does
                    runs.append(partial(generator.generate_native, prompt, GenerationOptions(max_tokens=96)))
                texts = []
                for run in runs:
                    generator.llm.reset()
                    texts.append("".join(run()))
                assert texts[0].strip(), question
                assert all(text == texts[0] for text in texts[1:]), (question, texts)
    finally:
        generator.keep_system = True
    drafted, kept = generator.draft_stats
    assert kept > 5 and drafted > kept  # drafts were proposed, some kept, some refused: the check was exercised


def test_a_prompt_reads_the_same_whatever_was_evaluated_before(assistant: Assistant) -> None:
    """The same question gets the same answer after any other: a prompt is evaluated from its kept system
    message and then in one piece, never from whatever prefix the previous prompt happened to share (a prompt
    split at another place rounds otherwise, which tipped near ties of greedy decoding)."""
    import numpy as np

    from assistant.verify.judge import judge_prompt

    generator = assistant.generator
    assert isinstance(generator, LlamaCppGenerator)
    turn = run_stages(Turn(Request(question=QUESTIONS[0], query=QUESTIONS[0], k=5)), assistant.res,
                      (*assistant.retrieval_stages, SelectContext()), {})
    prompt = build_prompt(QUESTIONS[0], turn.passages)
    sharing = build_prompt(QUESTIONS[2], turn.passages)  # the same system message and passages, another question
    generator._eval_prompt(prompt)
    alone = generator._last_logits().copy()
    answer = "".join(generator.generate_greedy(prompt, 48, LookupParams()))
    for before in (sharing, judge_prompt("Le syndicat déménage.", turn.passages[0].chunk.text), sharing):
        generator._eval_prompt(before)
        generator._eval_prompt(prompt)
        assert np.array_equal(generator._last_logits(), alone)
    assert "".join(generator.generate_greedy(prompt, 48, LookupParams())) == answer
