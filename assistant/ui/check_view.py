"""« Vérifier un texte »: staff paste what another AI (or a colleague) wrote and see, sentence by sentence, what
the documents support, with the same verifier and the same words as our own answers. One panel, mounted in the
chat and in the workshop."""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape

from ..app.model_queue import ModelQueue
from ..documents import Answer
from ..errors import AssistantError
from ..evaluate.verify_texts import passages_for
from ..pipeline.assistant import Assistant
from .common import import_gradio, user_message
from .render import cards_html, sentences_html

log = logging.getLogger(__name__)

MAX_CHARS = 5000
INTRO = (
    "Collez une réponse obtenue ailleurs (une autre IA, un courriel, une note) : chaque phrase est comparée aux "
    "documents et marquée comme étayée ou non, avec la raison. La question d'origine, si vous l'avez, aide à "
    "trouver les bons passages."
)


def check_text(assistant: Assistant, text: str, question: str = "", prefix: str = "v") -> tuple[str, str]:
    """(verdict HTML, passage cards HTML) for a pasted text."""
    text = text.strip()
    if not text:
        return "<p>Collez d'abord un texte à vérifier.</p>", ""
    if len(text) > MAX_CHARS:
        too_long = f"Texte trop long ({len(text)} caractères, {MAX_CHARS} au plus) : vérifiez-le en plusieurs fois."
        return f"<p>{too_long}</p>", ""
    passages = passages_for(assistant, text, question)
    verification = assistant.check(text, passages)
    if not verification.sentences:
        return "<p>Aucune affirmation vérifiable dans ce texte (phrases trop courtes ou sans contenu).</p>", ""
    answer = Answer(question=question or text[:80], answer=verification.shown_answer,
                    abstained=verification.abstained, passages=passages, sentences=verification.sentences,
                    citations=verification.citations, model=dict(assistant.model_names), timings_ms={})
    ok = sum(s.supported for s in verification.sentences)
    total = len(verification.sentences)
    head = (f"<p class=\"check-summary\"><b>{ok} phrase{'s' if ok > 1 else ''} sur {total}</b> "
            f"étayée{'s' if ok > 1 else ''} par les documents.</p>")
    return f'<div class="ans">{head}<p>{sentences_html(answer, prefix)}</p></div>', cards_html(answer, prefix)


def build_check_panel(get_assistant: Callable[[], Assistant], model_queue: ModelQueue, prefix: str = "v") -> None:
    """The panel's widgets and wiring, inside the caller's Blocks."""
    gr = import_gradio()
    with gr.Accordion("Vérifier un texte", open=False, elem_id=f"{prefix}-check-panel"):
        gr.Markdown(INTRO)
        text = gr.Textbox(label="Texte à vérifier", lines=5, max_lines=15, elem_id=f"{prefix}-check-text")
        question = gr.Textbox(label="Question d'origine (facultatif)", max_lines=2, elem_id=f"{prefix}-check-question")
        button = gr.Button("Vérifier", elem_id=f"{prefix}-check-btn")
        verdict = gr.HTML("", elem_id=f"{prefix}-check-verdict")
        with gr.Accordion("Passages comparés", open=False):
            cards = gr.HTML("", elem_id=f"{prefix}-check-cards")

        def on_check(t: str, q: str) -> tuple[str, str]:
            try:
                with model_queue.hold():
                    return check_text(get_assistant(), t, q, prefix)
            except AssistantError as exc:
                return f"<p>{escape(user_message(exc))}</p>", ""
            except Exception as exc:
                log.exception("text check failed")
                return f"<p>{escape(user_message(exc))}</p>", ""

        button.click(on_check, [text, question], [verdict, cards], api_visibility="private")
