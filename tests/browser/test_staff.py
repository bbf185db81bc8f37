"""What staff see in the chat (issue 14): titles instead of file names, each answer's own citations, which
documents are searched, collections searched together, uploads in plain French (a scanned PDF read by OCR), the
documents view, conversations kept and exported, ratings per answer, keyboard use and accessibility (axe-core)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from assistant.app import collections_store as coll
from assistant.app import feedback
from assistant.ui.common import Pool
from tests.browser.conftest import assert_accessible, pick_files, wait_text
from tests.browser.test_chat import MOVE, TIMEOUT_MS, ask, extractive_mode
from tests.conftest import ARTIFACTS
from tests.test_ocr import PAGES, scanned_pdf

pytestmark = pytest.mark.slow
SEMINAR = "Combien de cadres territoriaux et d'élus le séminaire sur la transition numérique a-t-il réunis ?"
HASH_NAME = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")


def choose(page: Any, dropdown: str, text: str) -> None:
    """A Gradio dropdown, as a person uses it: open the list, click the option."""
    page.locator(f"{dropdown} input").click()
    page.locator(f"{dropdown} li[role=option]", has_text=text).first.click()



def test_titles_own_citations_feedback_and_keyboard(page: Any, chat_url: str, pool: Pool) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(chat_url)
    page.locator("#question").wait_for()
    page.wait_for_function("document.documentElement.lang === 'fr'", timeout=10_000)
    assert "Recherche dans : Documents principaux (5 documents)" in page.locator("#searching").inner_text()
    assert page.get_by_role("button", name="Ouvrir ou fermer les réglages").count() == 1

    # An empty question leaves no empty bubble.
    page.locator("#send").click()
    wait_text(page, "#info", "Écrivez d'abord une question", 10_000)
    assert page.locator("#chat .message").count() == 0

    extractive_mode(page)
    # Keyboard only: type the question, Enter sends it.
    page.locator("#question textarea").focus()
    page.keyboard.type(MOVE)
    before = page.locator("#chat .ans").count()
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('#chat .ans').length > {before}", timeout=TIMEOUT_MS)
    ask(page, SEMINAR)

    # Every card and « Documents utilisés » shows a title, never a bare file name.
    summaries = " ".join(page.locator("#sources section:not([hidden]) details.card summary").all_inner_texts())
    assert summaries and not HASH_NAME.search(summaries)
    assert not HASH_NAME.search(page.locator("#chat .ans").last.locator(".used").inner_text())
    assert "Séminaire sur la transition numérique" in summaries

    # A citation in the first answer opens the first answer's passage (keyboard: focus it, press Enter).
    first = page.locator("#chat .ans").first.locator("a.cite").first
    target = first.get_attribute("href").lstrip("#")
    assert target.startswith("a1-")
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.getElementById('{target}').open === true", timeout=5_000)
    assert page.locator("#set-a1").is_visible() and not page.locator("#set-a2").is_visible()
    assert "emménag" in page.locator(f"#{target}").inner_text()
    page.screenshot(path=str(ARTIFACTS / "chat-own-citations.png"), full_page=True)
    assert_accessible(page, "chat-after-answers")

    # Ratings concern the answer chosen, and a second rating replaces the first.
    path = pool.base.settings.feedback_path
    choose(page, "#fb-answer", "n° 1")
    page.locator("#fb-useful").click()
    wait_text(page, "#fb-status", "réponse n° 1", 10_000)
    page.locator("#fb-hallucination").click()
    wait_text(page, "#fb-status", "remplacé", 10_000)
    mine = [r for r in feedback.latest(feedback.read(path)) if r["question"] == MOVE and r.get("answer_key")]
    assert mine[-1]["kind"] == "hallucination"
    assert sum(r["answer_key"] == mine[-1]["answer_key"] for r in feedback.latest(feedback.read(path))) == 1

    # The conversation is kept: exported as Markdown with its sources, and resumed after « Nouvelle conversation ».
    page.get_by_text("Mes conversations").click()
    page.locator("#conv-export").click()
    wait_text(page, "#conv-status", "Conversation exportée", 30_000)
    link = page.locator("#conv-file a").first
    with page.expect_download() as download:
        link.click()
    markdown = Path(download.value.path()).read_text(encoding="utf-8")
    assert f"## 1. {MOVE}" in markdown and "Sources :" in markdown and "- [1] " in markdown
    assert f"## 2. {SEMINAR}" in markdown and "## 3." not in markdown  # this conversation only

    page.locator("#clear").click()
    page.wait_for_function("document.querySelectorAll('#chat .ans').length === 0", timeout=10_000)
    assert page.locator("#fb-status").inner_text().strip() == ""
    choose(page, "#conv-list", MOVE[:30])
    page.locator("#conv-resume").click()
    page.wait_for_function("document.querySelectorAll('#chat .ans').length === 2", timeout=10_000)
    wait_text(page, "#conv-status", "Conversation reprise : 2 questions", 10_000)
    assert page.locator("#set-a2").is_visible()
    page.screenshot(path=str(ARTIFACTS / "chat-conversations.png"), full_page=True)
    page.locator("#conv-delete").click()
    wait_text(page, "#conv-status", "Conversation supprimée", 10_000)
    assert_accessible(page, "chat-conversations")
    assert page.external_requests == []


def test_upload_collections_and_documents_view(page: Any, chat_url: str, pool: Pool, tmp_path: Path) -> None:
    good = tmp_path / "charte-velo.txt"
    good.write_text("Charte vélo du SITIV\n\nLe syndicat verse une prime de 312 euros aux agents qui viennent "
                    "au travail à vélo au moins trois jours par semaine.\n", encoding="utf-8")
    broken = tmp_path / "compte-rendu.docx"
    broken.write_bytes(b"ceci n'est pas un document Word")
    scan = scanned_pdf(tmp_path / "deliberation-scannee.pdf", PAGES)  # image only: read by OCR
    page.goto(chat_url)
    page.get_by_text("Ajouter des documents à une collection").click()
    page.locator("#coll-name textarea, #coll-name input").first.fill("Notes RH")
    pick_files(page, [good, broken, scan])
    wait_text(page, "#chosen", "3 fichiers choisis", 30_000)
    page.locator("#index-btn").click()
    wait_text(page, "#upload-status", "Collection", TIMEOUT_MS)
    status = page.locator("#upload-status").inner_text()
    assert "« notes-rh »" in status and "2 documents ajoutés" in status
    assert "compte-rendu.docx : fichier illisible" in status
    assert "zip" not in status.lower() and "/" not in status.replace("/s", "")  # no internals, no path
    folder = coll.files_dir(pool.base.settings, "notes-rh")
    assert not (folder / "compte-rendu.docx").exists()  # not reported again at the next upload
    page.screenshot(path=str(ARTIFACTS / "chat-upload-errors.png"), full_page=True)

    # The new collection is searched with the main documents, and the line under the question says so.
    wait_text(page, "#searching", "notes-rh (2 documents)", 30_000)
    extractive_mode(page)
    ask(page, "Quel est le montant de la prime vélo ?")
    assert "312 euros" in page.locator("#chat .ans").last.inner_text()
    assert "collection notes-rh" in page.locator("#sources section:not([hidden])").text_content()
    ask(page, MOVE)
    assert "2015" in page.locator("#chat .ans").last.inner_text()  # the main documents still answer
    ask(page, "Quand la livraison des ordinateurs portables est-elle prévue ?")
    assert "septembre" in page.locator("#chat .ans").last.inner_text()  # answered from the scan's OCR text
    assert "texte lu par OCR" in page.locator("#sources section:not([hidden])").text_content()

    # A file that is unreadable alone does not create a collection, and says so.
    page.locator("#coll-name textarea, #coll-name input").first.fill("vide")
    pick_files(page, [broken])
    wait_text(page, "#chosen", "1 fichier choisi", 30_000)
    page.locator("#index-btn").click()
    wait_text(page, "#upload-status", "n'a pas été créée", TIMEOUT_MS)
    assert "index existant" not in page.locator("#upload-status").inner_text()

    # The documents view lists titles; a document is removed after confirmation.
    page.get_by_text("Documents des collections").click()
    choose(page, "#docs-collection", "notes-rh")
    wait_text(page, "#docs-table", "Charte vélo du SITIV", 30_000)
    table = page.locator("#docs-table").inner_text()
    assert "notes-rh : 2 documents" in table and "deliberation-scannee.pdf · OCR" in table
    choose(page, "#doc-pick", "Charte vélo")
    page.locator("#doc-remove").click()
    wait_text(page, "#docs-status", "Je confirme", 10_000)
    page.locator("#doc-confirm input").check()
    page.locator("#doc-remove").click()
    wait_text(page, "#docs-status", "retiré", 60_000)
    assert not (folder / "charte-velo.txt").exists()
    wait_text(page, "#docs-table", "notes-rh : 1 document", 30_000)
    assert "Charte vélo" not in page.locator("#docs-table").inner_text()
    page.screenshot(path=str(ARTIFACTS / "chat-documents.png"), full_page=True)
    assert_accessible(page, "chat-documents-view")
    assert page.external_requests == []
