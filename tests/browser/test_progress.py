"""What a person sees while an answer is prepared, in Chromium with the real models: the passage cards within
1.5 s of « Envoyer », the step and elapsed time in French, the place in the queue instead of Gradio's English
banner; the chat and the workshop served by one process, and a prepared workshop card revealed at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.ui.common import Pool
from tests.browser.conftest import free_port
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.slow
TIMEOUT_MS = 180_000
QUESTION = "Quelles communes font partie du syndicat ?"


def test_cards_come_first_then_steps_in_french_and_the_place_in_the_queue(page: Any, chat_url: str,
                                                                           pool: Pool) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pool.warm_up().join()  # as `assistant chat` does at start
    page.goto(chat_url)
    page.locator("#question textarea").fill(QUESTION)
    started = time.monotonic()
    page.locator("#send").click()
    page.locator("#sources details.card").first.wait_for(timeout=TIMEOUT_MS)
    first_content_s = time.monotonic() - started
    line = page.locator("#chat .progress").last
    line.wait_for(timeout=10_000)
    text = line.inner_text()
    assert any(w in text for w in ("Lecture de", "Rédaction", "Vérification")), text
    assert " s" in text  # elapsed time
    page.screenshot(path=str(ARTIFACTS / "chat-progress.png"), full_page=True)
    page.wait_for_function("document.querySelectorAll('#chat .ans').length > 0", timeout=TIMEOUT_MS)
    assert "réponse en" in page.locator("#info").inner_text()
    assert first_content_s <= 1.5, f"passage cards after {first_content_s:.2f} s"

    # Someone else holds the model: the page says how many are ahead, in French, and goes on when it is free.
    ticket = pool.queue.take()
    try:
        page.locator("#question textarea").fill("Quel logiciel le syndicat déploie-t-il ?")
        page.locator("#send").click()
        page.wait_for_function(
            "document.querySelector('#chat').innerText.includes('1 demande avant la vôtre')", timeout=20_000
        )
        body = page.locator("body").inner_text()
        assert "queue" not in body.lower()  # no Gradio banner (« queue: 1/1 | 5.2/70.3s »)
        page.screenshot(path=str(ARTIFACTS / "chat-queue.png"), full_page=True)
    finally:
        pool.queue.release(ticket)
    page.wait_for_function("document.querySelectorAll('#chat .ans').length > 1", timeout=TIMEOUT_MS)
    assert page.external_requests == []


@pytest.fixture
def own_workshop(pool: Pool, tmp_path: Path) -> Any:
    """A room of its own: the shared one's session is counted by tests/browser/test_workshop.py."""
    from assistant.workshop.deck import load_deck
    from assistant.workshop.room import Workshop

    return Workshop(pool.get, load_deck(), tmp_path / "workshop")


@pytest.fixture
def one_server(pool: Pool, own_workshop: Any) -> Iterator[tuple[str, Any]]:
    """`assistant workshop` as the CLI builds it: both apps on one server, the first card prepared."""
    import uvicorn

    from assistant.ui.server import build_app
    from assistant.workshop.prepare import Preparation, prepare_deck

    workshop = own_workshop
    prep = Preparation(total=1)
    prepare_deck(pool.get, workshop.deck[:1], pool.queue.hold, prep).join()
    app = build_app(pool, workshop, None, prep, workshop_first=True)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.config.port}", prep
    server.should_exit = True
    thread.join(timeout=10)


def test_one_process_serves_chat_and_a_prepared_workshop(page: Any, one_server: tuple[str, Any],
                                                         own_workshop: Any) -> None:
    workshop = own_workshop
    base, prep = one_server
    assert prep.finished and prep.line().startswith("La carte est prête")
    page.goto(base + "/chat")  # the chat, from the same process
    page.locator("#question textarea").wait_for(timeout=30_000)
    page.goto(base + "/")
    assert workshop.deck[0].title in page.locator("#card-info").inner_text()
    page.locator("#pseudonym input, #pseudonym textarea").first.fill("Hibou")
    started = time.monotonic()
    page.locator("#go").click()
    page.wait_for_function(
        "(document.querySelector('#ws-status') || {innerText: ''}).innerText.includes('cochez')", timeout=60_000
    )
    prepared_s = time.monotonic() - started
    page.get_by_role("tab", name="Animation").click()
    page.wait_for_function(
        "(document.querySelector('#prep-status') || {innerText: ''}).innerText.includes('prête')", timeout=10_000
    )
    page.screenshot(path=str(ARTIFACTS / "workshop-prepared.png"), full_page=True)
    assert prepared_s <= 2.0, f"prepared card on screen after {prepared_s:.2f} s"
    assert page.external_requests == []
