"""One challenge card played end to end in Chromium: flag, reveal, side-by-side verdict, confidence,
variability, facilitator summary and exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.slow
TIMEOUT_MS = 240_000


def wait_text(page: Any, selector: str, text: str, timeout: int = TIMEOUT_MS) -> None:
    page.wait_for_function(
        f"(document.querySelector({selector!r}) || {{innerText: ''}}).innerText.includes({text!r})", timeout=timeout
    )


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
    boxes.first.click()  # A1: the model alone's first sentence
    page.locator("#reveal").click()
    wait_text(page, "#verdict", "points", 30_000)
    assert "Ce qui s'est passé" in page.locator("#verdict").inner_text()

    # Side by side, each sentence coloured by the verifier; the model alone invents the budget.
    alone, grounded = page.locator("#alone"), page.locator("#grounded")
    assert alone.locator(".sent").count() >= 1 and grounded.locator(".sent").count() >= 1
    assert alone.locator(".sent.bad").count() >= 1
    assert "absent des sources" in alone.inner_text() or "non étayé" in alone.inner_text()
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
    page.locator("#refresh").click()
    # The summary shown at page load already has its headings: wait for the refreshed count, not a heading.
    wait_text(page, "#summary", "1 essais", 30_000)
    assert "Hallucinations par type" in page.locator("#summary").inner_text()
    page.locator("#export").click()
    wait_text(page, "#fac-status", "Enregistré", 30_000)
    folder = Path(workshop.root) / "sessions" / workshop.session.id
    assert {p.name for p in folder.iterdir()} >= {"session.json", "session.csv", "recap.html"}
    old_id = workshop.session.id
    page.locator("#reset").click()
    wait_text(page, "#fac-status", "Nouvelle session", 30_000)
    assert workshop.session.id != old_id and workshop.session.attempts == []
    assert (Path(workshop.root) / "sessions" / old_id / "session.json").is_file()
    page.screenshot(path=str(ARTIFACTS / "workshop-facilitator.png"), full_page=True)
    assert page.external_requests == []
