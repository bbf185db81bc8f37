"""One challenge card played end to end in Chromium: flag, reveal, side-by-side verdict, confidence,
variability, facilitator summary and exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, wait_text
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.slow
TIMEOUT_MS = 240_000



def test_play_the_budget_card(page: Any, workshop_url: str, workshop: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(workshop_url)
    assert "Le budget introuvable" in page.locator("#card-info").inner_text()
    page.locator("#pseudonym input, #pseudonym textarea").first.fill("Renard")
    page.locator("#go").click()
    wait_text(page, "#ws-status", "cochez")
    # Before the reveal: numbered sentences, no verdict colours.
    assert page.locator("#alone .sent").count() == 0
    assert "A1" in page.locator("#alone").inner_text() and "B1" in page.locator("#grounded").inner_text()
    boxes = page.locator("#flags label")
    assert boxes.count() >= 2
    # Keyboard only: Space ticks A1 (the model alone's first sentence), Enter on the button reveals.
    boxes.first.locator("input").focus()
    page.keyboard.press("Space")
    page.locator("#reveal").focus()
    page.keyboard.press("Enter")
    wait_text(page, "#verdict", "points", 30_000)
    assert "Ce qui s'est passé" in page.locator("#verdict").inner_text()

    # Side by side, each sentence coloured by the verifier; the model alone invents the budget.
    alone, grounded = page.locator("#alone"), page.locator("#grounded")
    assert alone.locator(".sent").count() >= 1 and grounded.locator(".sent").count() >= 1
    assert alone.locator(".sent.bad").count() >= 1
    assert "absent des sources" in alone.inner_text() or "non étayé" in alone.inner_text()
    # The labels stay after the reveal, and the ticked A1 says what it was worth.
    assert "A1" in alone.inner_text() and "B1" in grounded.inner_text()
    assert "vous l'aviez cochée" in alone.locator("li").first.inner_text() or \
        "cochée, mais" in alone.locator("li").first.inner_text()
    assert_accessible(page, "workshop-after-reveal")
    attempt = workshop.session.attempts[-1]
    assert attempt.pseudonym == "Renard" and attempt.flags["alone"][0] is True
    assert attempt.score["caught"] + attempt.score["false_alarm"] >= 1

    page.get_by_text("Confiance du modèle, mot par mot").click()
    page.locator("#confidence span.tok").first.wait_for(timeout=10_000)
    assert page.locator("#confidence span.tok").count() > 3
    assert page.locator("#board").inner_text().count("Renard") == 1
    page.screenshot(path=str(ARTIFACTS / "workshop-reveal.png"), full_page=True)

    page.get_by_text("Redemander : la réponse change-t-elle ?").click()
    page.locator("#again").click()
    wait_text(page, "#variability", "Cohérence")
    assert page.locator("#variability .sample").count() == 3

    page.get_by_role("tab", name="Animation").click()
    # Up to date without « Actualiser » (refreshed at the reveal and every few seconds), in good French.
    wait_text(page, "#summary", "1 essai, 1 participant.", 30_000)
    summary = page.locator("#summary").inner_text()
    assert "Hallucinations par type" in summary and "Le budget introuvable" in summary  # the title, not the id
    page.locator("#export").click()
    wait_text(page, "#fac-status", "Session enregistrée", 30_000)
    assert str(workshop.root) not in page.locator("#fac-status").inner_text()  # no server path
    folder = Path(workshop.root) / "sessions" / workshop.session.id
    assert {p.name for p in folder.iterdir()} >= {"session.json", "session.csv", "recap.html"}
    assert (folder / "session.csv").read_bytes().startswith(b"\xef\xbb\xbfdate;pseudonyme;")
    with page.context.expect_page() as opened:
        page.locator("#print").click()
    recap = opened.value
    recap.wait_for_load_state()
    assert "Renard" in recap.locator("body").inner_text()
    recap.close()
    old_id = workshop.session.id
    page.locator("#reset").click()  # asks first
    page.locator("#confirm-reset-btn").wait_for(timeout=10_000)
    page.locator("#cancel-reset").click()
    page.locator("#confirm-reset-btn").wait_for(state="hidden", timeout=10_000)
    assert workshop.session.id == old_id
    page.locator("#reset").click()
    page.locator("#confirm-reset-btn").click()
    wait_text(page, "#fac-status", "Nouvelle session", 30_000)
    assert workshop.session.id != old_id and workshop.session.attempts == []
    assert (Path(workshop.root) / "sessions" / old_id / "session.json").is_file()
    page.screenshot(path=str(ARTIFACTS / "workshop-facilitator.png"), full_page=True)
    assert page.external_requests == []


def test_workshop_on_a_phone(browser: Any, workshop_url: str) -> None:
    """On a phone the card list and the scoreboard fit the screen (nothing cut at the right edge)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True)
    page = context.new_page()
    page.goto(workshop_url)
    page.locator("#card").wait_for()
    page.locator("#board th").first.wait_for()
    page.wait_for_timeout(500)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    for selector in ("#card", "#board"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 391
    assert page.locator("#card").bounding_box()["width"] >= 300  # the card's title is readable
    widths = page.evaluate("[...document.querySelectorAll('#board th')].map(th => th.scrollWidth <= th.clientWidth)")
    assert widths and all(widths)  # headers are not cut
    page.screenshot(path=str(ARTIFACTS / "workshop-phone.png"), full_page=True)
    context.close()
