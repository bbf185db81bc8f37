"""The staff chat in a real Chromium, and through gradio_client (the API other tools call)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from assistant.app import feedback
from assistant.ui.common import Pool
from tests.browser.conftest import pick_files
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.slow

MOVE = "Quand le syndicat emménage-t-il dans ses nouveaux locaux ?"
MOVE_DOC = "000_4a81b808765739a6.txt"
TIMEOUT_MS = 180_000


def ask(page: Any, question: str) -> None:
    before = page.locator("#chat .ans").count()
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    page.wait_for_function(
        f"document.querySelectorAll('#chat .ans').length > {before}", timeout=TIMEOUT_MS
    )


def extractive_mode(page: Any) -> None:
    """Through the settings drawer, as a user would (it slides in: wait until the choice is on screen)."""
    page.locator("#settings button.toggle-button").click()
    choice = page.get_by_label("Extraits des documents uniquement")
    page.wait_for_function(
        "(() => { const r = document.querySelector('#mode').getBoundingClientRect();"
        " return r.right <= window.innerWidth && r.left >= 0; })()",
        timeout=5_000,
    )
    choice.check()
    page.locator("#settings button.toggle-button").click()


def test_chat_answers_with_cards_follow_up_and_feedback(page: Any, chat_url: str, pool: Pool) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(chat_url)
    ask(page, MOVE)
    first_card = page.locator("#sources details.card").first
    assert MOVE_DOC in first_card.text_content()  # the file name under the title, once the card is opened
    assert "Documents utilisés" in page.locator("#chat .ans").last.inner_text()

    # Settings drawer: extractive answers always cite, so the cited card and its highlighted span are certain.
    extractive_mode(page)
    ask(page, MOVE)
    cited = page.locator("#sources details.card.cited").first
    assert MOVE_DOC in cited.text_content()
    assert "2015" in " ".join(cited.locator("mark.span").all_inner_texts())
    page.screenshot(path=str(ARTIFACTS / "chat-extractive.png"), full_page=True)

    # Clicking a citation opens its passage card.
    page.evaluate("document.querySelectorAll('#sources details.card').forEach(d => d.open = false)")
    link = page.locator("#chat .ans").last.locator("a.cite").first
    target = link.get_attribute("href").lstrip("#")
    link.click()
    page.wait_for_function(f"document.getElementById('{target}').open === true", timeout=5_000)

    # A follow-up is searched with the conversation's subject, and says so.
    ask(page, "Et où se trouvent-ils ?")
    info = page.locator("#info").inner_text()
    assert "Question de suivi" in info and "locaux" in info
    assert "Vénissieux" in page.locator("#sources").text_content()

    # Feedback is stored locally with the question, the answer and the passages.
    path = pool.base.settings.feedback_path
    before = len(feedback.read(path))
    page.locator("#fb-comment textarea").fill("adresse exacte attendue")
    page.locator("#fb-hallucination").click()
    page.wait_for_function("document.querySelector('#fb-status').innerText.includes('enregistré')", timeout=10_000)
    records = feedback.read(path)
    assert len(records) == before + 1
    last = records[-1]
    assert last["kind"] == "hallucination" and last["comment"] == "adresse exacte attendue"
    assert last["question"] == "Et où se trouvent-ils ?" and last["passages"]
    assert "locaux" in last["retrieval_query"]
    page.screenshot(path=str(ARTIFACTS / "chat-follow-up.png"), full_page=True)
    assert page.external_requests == []


def test_upload_into_collection_then_ask_it(page: Any, chat_url: str, tmp_path: Path) -> None:
    doc = tmp_path / "charte-velo.txt"
    doc.write_text(
        "Charte vélo du SITIV\n\nLe syndicat verse une prime de 312 euros aux agents qui viennent au travail "
        "à vélo au moins trois jours par semaine. La prime est versée en mars.\n",
        encoding="utf-8",
    )
    bad = tmp_path / "image.exe"
    bad.write_bytes(b"MZ\x00\x01")
    page.goto(chat_url)
    page.get_by_text("Ajouter des documents à une collection").click()
    page.locator("#coll-name textarea").fill("essai-velo")
    pick_files(page, [doc, bad])
    page.locator("#index-btn").click()
    page.wait_for_function(
        "document.querySelector('#upload-status').innerText.includes('Collection')", timeout=TIMEOUT_MS
    )
    status = page.locator("#upload-status").inner_text()
    assert "1 document ajouté" in status
    assert "image.exe" in status and "type non pris en charge" in status
    extractive_mode(page)
    ask(page, "Quel est le montant de la prime vélo ?")
    assert "312 euros" in page.locator("#chat .ans").last.inner_text()
    assert "charte-velo.txt" in page.locator("#sources").text_content()
    assert "essai-velo" in page.locator("#info").inner_text()
    page.screenshot(path=str(ARTIFACTS / "chat-upload.png"), full_page=True)
    assert page.external_requests == []


def test_gradio_client_api(chat_url: str) -> None:
    from gradio_client import Client

    client = Client(chat_url, verbose=False)
    result = client.predict(MOVE, api_name="/ask")
    assert set(result) >= {"question", "answer", "abstained", "passages", "citations", "sentences", "model"}
    assert result["passages"][0]["doc"] == MOVE_DOC
    extractive = client.predict(MOVE, 3, "extractive", api_name="/ask")
    assert len(extractive["passages"]) <= 3 and "[1]" in extractive["answer"]
    assert json.dumps(extractive, ensure_ascii=False)

    # Parallel callers are served in turn by the queue, none is lost.
    with ThreadPoolExecutor(4) as ex:
        jobs = [ex.submit(Client(chat_url, verbose=False).predict, MOVE, 2, "extractive", api_name="/ask")
                for _ in range(4)]
        answers = [j.result(timeout=300) for j in jobs]
    assert all(a["passages"] for a in answers)

    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="question vide"):
        client.predict("   ", api_name="/ask")
