"""The honesty checks as staff see them, with the quality profile's judge (Qwen2.5-Coder-1.5B, fetched by
`setup.sh --dev`): a false premise named before any answer is written, and « Vérifier un texte » on a pasted
text. The premise is refused before generation, so the 1.5B only reads (a few seconds), never writes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from assistant.models.files import resolve_generator
from assistant.pipeline.assistant import Assistant
from assistant.pipeline.factory import make_generator
from assistant.ui.common import Pool
from tests.browser.conftest import free_port
from tests.browser.test_chat import TIMEOUT_MS, ask
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.slow

OFFICE = "Pourquoi le SITIV a-t-il choisi Microsoft Office 365 pour ses services collaboratifs ?"
PASTED = ("Le SITIV a choisi Microsoft Office 365 pour ses services collaboratifs. "
          "Le syndicat emménagera à la rentrée 2015 dans des locaux situés devant le tram.")


@pytest.fixture(scope="module")
def judged_chat_url(assistant: Assistant) -> Iterator[str]:
    from assistant.ui.chat import build_chat
    from assistant.ui.common import launch

    quality = assistant.settings.replace(profile="quality", judge="on")
    model = resolve_generator(quality)
    judged = assistant.derive(generator_factory=lambda: make_generator(quality, model), generator_name=model.name,
                              profile="quality", judge="on")
    demo = build_chat(Pool(judged))
    port = free_port()
    launch(demo, "127.0.0.1", port, None, judged.settings, prevent_thread_lock=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


def test_a_false_premise_is_named_and_a_pasted_text_is_checked(page: Any, judged_chat_url: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(judged_chat_url)
    ask(page, OFFICE)
    shown = page.locator("#chat .ans").last.inner_text()
    assert "Les documents ne disent pas que le SITIV a choisi Microsoft Office 365" in shown
    assert "Ce qu'ils disent de plus proche" in shown
    assert "LibreOffice" in (page.locator("#sources").text_content() or "")
    page.screenshot(path=str(ARTIFACTS / "chat-false-premise.png"), full_page=True)

    page.locator("#v-check-panel").get_by_text("Vérifier un texte").first.click()
    page.locator("#v-check-text textarea").fill(PASTED)
    page.locator("#v-check-btn").click()
    page.wait_for_function("document.querySelector('#v-check-verdict .check-summary') !== null", timeout=TIMEOUT_MS)
    verdict = page.locator("#v-check-verdict")
    assert "1 phrase sur 2" in verdict.inner_text()
    assert "Office 365" in verdict.locator(".sent.bad").first.inner_text()
    assert "2015" in verdict.locator(".sent.ok").first.inner_text()
    verdict.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "chat-check-text.png"), full_page=True)
    assert page.external_requests == []


def test_a_question_about_a_name_the_passages_lack_is_refused_at_once(page: Any, judged_chat_url: str) -> None:
    page.goto(judged_chat_url)
    ask(page, "Quel poste occupe Wan Jifei au SITIV ?")
    shown = page.locator("#chat .ans").last.inner_text()
    assert "Les passages trouvés ne mentionnent pas « Wan Jifei »" in shown
    assert "les documents fournis ne permettent pas de répondre à cette question" in shown
    page.screenshot(path=str(ARTIFACTS / "chat-absent-name.png"), full_page=True)
    assert page.external_requests == []


def test_a_number_taken_from_a_sentence_about_something_else_is_shown(page: Any, judged_chat_url: str) -> None:
    """« créé en 2024 » where the documents' only 2024 is the year new statutes apply: decided without the
    judge, said in words and underlined."""
    page.goto(judged_chat_url)
    page.locator("#v-check-panel").get_by_text("Vérifier un texte").first.click()
    page.locator("#v-check-text textarea").fill("Le SITIV a été créé en 2024.")
    page.locator("#v-check-btn").click()
    page.wait_for_function("document.querySelector('#v-check-verdict .check-summary') !== null", timeout=TIMEOUT_MS)
    verdict = page.locator("#v-check-verdict")
    assert "chiffre détourné : les sources donnent 2024 à propos d'autre chose" in verdict.inner_text()
    assert verdict.locator(".sent.bad u.term").first.inner_text() == "2024"
    verdict.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "chat-number-elsewhere.png"), full_page=True)
    assert page.external_requests == []
