"""The parts of issue 13 that need no model: prompt-lookup drafts, the outputs memo, the model queue, the
progress line and the machine's model lock."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from assistant.app.machine_lock import claim_model, release_model
from assistant.app.model_queue import ModelQueue
from assistant.models.lookup import LookupParams, draft_tokens
from assistant.models.memo import Memo
from assistant.ui.progress import Speeds, Tracker, queue_line
from tests.fakes import MOVE, scripted_assistant


def test_drafts_continue_the_latest_earlier_occurrence_of_the_last_tokens() -> None:
    context = [1, 2, 3, 4, 5, 9, 9, 2, 3, 7, 8, 9, 2, 3]
    assert draft_tokens(context, LookupParams(max_ngram=2, min_ngram=2, max_draft=3)) == [7, 8, 9]
    assert draft_tokens([1, 2, 3, 4], LookupParams(min_ngram=2)) == []  # nothing written twice: no guess
    assert draft_tokens([5, 6, 7, 5, 6], LookupParams(max_draft=8)) == [7, 5, 6]


def test_the_memo_keeps_outputs_bounded_and_answers_a_repeated_question_without_generating(tmp_path: Path) -> None:
    memo = Memo(tmp_path / "m.sqlite", max_entries=3)
    for i in range(5):
        memo.put(f"k{i}", [["texte", i]])
        time.sleep(0.002)
    assert len(memo) == 3 and memo.get("k0") is None and memo.get("k4") == [["texte", 4]]

    assistant, generator = scripted_assistant(tmp_path, MOVE + " [1]")
    first = assistant.ask("Quand le syndicat emménage-t-il ?")
    pieces: list[str] = []
    second = assistant.ask("Quand le syndicat emménage-t-il ?", on_token=pieces.append)
    assert len(generator.prompts) == 1  # the second answer came from the memo
    assert second.raw_answer == first.raw_answer and pieces == [first.raw_answer]
    assert [s.supported for s in second.sentences] == [s.supported for s in first.sentences]
    assistant.ask("Quand le syndicat emménage-t-il ?", k=2)  # other passages, other prompt: generated
    assert len(generator.prompts) == 2


def test_the_memo_is_off_when_the_settings_say_so(tmp_path: Path) -> None:
    assistant, generator = scripted_assistant(tmp_path, MOVE + " [1]", memo="off")
    assistant.ask("Quand le syndicat emménage-t-il ?")
    assistant.ask("Quand le syndicat emménage-t-il ?")
    assert len(generator.prompts) == 2


def test_the_queue_serves_in_order_and_says_how_many_are_ahead() -> None:
    queue = ModelQueue()
    a, b, c = queue.take(), queue.take(), queue.take()
    assert (queue.ahead(a), queue.ahead(b), queue.ahead(c)) == (0, 1, 2)
    assert queue.wait(a, timeout=0) and not queue.wait(c, timeout=0)
    queue.release(b)  # gave up while waiting: c moves up
    assert queue.ahead(c) == 1
    served: list[str] = []
    worker = threading.Thread(target=lambda: (queue.wait(c), served.append("c")))
    worker.start()
    time.sleep(0.05)
    assert served == []
    queue.release(a)
    worker.join(timeout=2)
    assert served == ["c"]
    assert queue_line(2) == "En attente : 2 demandes avant la vôtre…"
    assert queue_line(1) == "En attente : 1 demande avant la vôtre…"


def test_the_progress_line_estimates_from_measured_speeds_only() -> None:
    speeds = Speeds()
    tracker = Tracker(speeds)
    assert tracker.line().startswith("Recherche dans les documents… 0 s")
    assert "estimée" not in tracker.line()  # nothing measured yet: no promise
    speeds.record_generation(prompt_tokens=1200, first_token_s=10.0, tokens=41, decode_s=2.0)
    speeds.record_step("verify", 2.0)
    tracker.enter("read", passages=5, prompt_tokens=600)
    assert tracker.line().startswith("Lecture de 5 passages… ")
    remaining = tracker.remaining_s()
    assert remaining is not None and 8.0 < remaining < 10.0  # 600/120 s reading + 41/20 s writing + 2 s checking


def test_a_second_process_on_the_model_is_told_it_will_be_slow(tmp_path: Path) -> None:
    lock = tmp_path / "model.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from assistant.app.machine_lock import claim_model; "
         f"assert claim_model('assistant chat', Path({str(lock)!r})) is None; print('ok', flush=True); "
         "time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        warning = claim_model("assistant eval", lock)
        assert warning is not None and "assistant chat" in warning and "4 fois plus lentement" in warning
    finally:
        holder.kill()
        holder.wait()
    assert claim_model("assistant eval", lock) is None  # the holder is gone: the lock is ours
    release_model(lock)
