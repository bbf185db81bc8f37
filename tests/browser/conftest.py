"""The chat and workshop apps served in-process on a free port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from assistant.pipeline.assistant import Assistant
from assistant.ui.common import Pool

CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def pool(assistant: Assistant) -> Pool:
    return Pool(assistant)


@pytest.fixture(scope="session")
def chat_url(pool: Pool) -> Iterator[str]:
    from assistant.ui.chat import build_chat
    from assistant.ui.common import launch

    demo = build_chat(pool)
    port = free_port()
    launch(demo, "127.0.0.1", port, None, pool.base.settings, prevent_thread_lock=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} manque : `apt-get install chromium` (bash setup.sh --dev le fait)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records every request leaving the machine (there must be none)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    pg = context.new_page()
    pg.external_requests = []  # type: ignore[attr-defined]
    local = ("http://127.0.0.1", "data:", "blob:", "about:")
    pg.on("request", lambda r: None if r.url.startswith(local) else pg.external_requests.append(r.url))
    yield pg
    context.close()


@pytest.fixture(scope="session")
def workshop(pool: Pool, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from assistant.workshop.deck import load_deck
    from assistant.workshop.room import Workshop

    return Workshop(pool.get, load_deck(), tmp_path_factory.mktemp("workshop"))


@pytest.fixture(scope="session")
def workshop_url(workshop: Any, pool: Pool) -> Iterator[str]:
    from assistant.ui.common import launch
    from assistant.ui.render import CSS
    from assistant.ui.workshop import build_workshop
    from assistant.ui.workshop_view import WORKSHOP_CSS

    demo = build_workshop(workshop, pool)
    port = free_port()
    launch(demo, "127.0.0.1", port, None, workshop.assistant().settings, prevent_thread_lock=True,
           css=CSS + WORKSHOP_CSS, allowed_paths=[str(workshop.root)])
    yield f"http://127.0.0.1:{port}/"
    demo.close()


def assert_accessible(page: Any, name: str) -> None:
    """axe-core (bundled by axe-playwright-python, run in the page: nothing leaves the machine) finds no serious
    or critical violation of WCAG 2.1 A/AA (what RGAA asks of French public bodies)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                                              "wcag21aa"]}})
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    details = "; ".join(f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}" for v in bad)
    assert not bad, f"{name}: {details}"


def pick_files(page: Any, files: list[Any], button: str = "#files") -> None:
    """Through the upload button and the browser's file chooser, as a person does."""
    with page.expect_file_chooser() as chooser:
        page.locator(button).click()
    chooser.value.set_files([str(f) for f in files])


def wait_text(page: Any, selector: str, text: str, timeout: int = 240_000) -> None:
    page.wait_for_function(
        f"(document.querySelector({selector!r}) || {{innerText: ''}}).innerText.includes({text!r})", timeout=timeout
    )
