"""The second reading as staff see it (pipeline/reread.py): the model's refusal over every passage gives way to
the answer it found in passage [1] read alone, and a line under the answer says why it rests on that passage.
Scripted model (the refusal and the answer must be certain here); the real model's second readings are measured
by bench/reread.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from assistant.answer.prompt import ABSTENTION
from assistant.ui.common import Pool
from tests.browser.conftest import assert_accessible, free_port
from tests.browser.test_chat import ask
from tests.conftest import ARTIFACTS
from tests.fakes import MOVE, scripted_assistant

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reread_chat_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from assistant.ui.chat import build_chat
    from assistant.ui.common import launch

    def script(prompt: Any) -> str:
        return ABSTENTION if prompt.messages[-1]["content"].count("<passage ") > 1 else f"{MOVE} [1]"

    assistant, _ = scripted_assistant(tmp_path_factory.mktemp("reread"), script)
    demo = build_chat(Pool(assistant))
    port = free_port()
    launch(demo, "127.0.0.1", port, None, assistant.settings, prevent_thread_lock=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


def test_the_answer_found_on_a_second_reading_says_which_passage_it_rests_on(page: Any,
                                                                             reread_chat_url: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(reread_chat_url)
    ask(page, "Quand le syndicat emménagera-t-il dans ses nouveaux locaux de Vénissieux ?")
    answer = page.locator("#chat .ans").last
    text = answer.inner_text()
    assert MOVE in text and "Les documents fournis" not in text
    assert "rien trouvé dans les 3 passages ; en relisant le passage [1] seul, il y a trouvé cette réponse" in text
    page.screenshot(path=str(ARTIFACTS / "chat-reread.png"), full_page=True)
    assert_accessible(page, "chat, second reading")
    assert page.external_requests == []
