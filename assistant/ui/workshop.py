"""The hallucination-discovery workshop (Gradio): participants play challenge cards, flag the sentences they
think invented, then see the verifier's verdict side by side (model alone / with documents), the token
confidence and the variability of resampled answers; the facilitator follows the session and exports it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from ..documents import Answer
from ..errors import AssistantError
from ..workshop.deck import Card
from ..workshop.scoring import FlagScore, hallucination_types, invented, score_flags
from ..workshop.session import Attempt, Session, check_pseudonym
from ..workshop.variability import compare_samples, consistency
from .common import Pool, import_gradio, user_message
from .render import cards_html, numbered_html, samples_html, sentences_html, token_html

ALONE, GROUNDED = "A", "B"
SAMPLES = 3
SAMPLE_TEMPERATURE = 0.8


@dataclass
class Workshop:
    """The room's shared state: one open session, saved after every attempt."""

    pool: Pool
    deck: list[Card]
    root: Path
    session: Session = field(default_factory=Session.new)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def card(self, card_id: str) -> Card:
        return next((c for c in self.deck if c.id == card_id), self.deck[0])

    def record(self, attempt: Attempt) -> int:
        with self.lock:
            self.session.attempts.append(attempt)
            self.session.save(self.root)
            return len(self.session.attempts) - 1

    def update(self, index: int, **changes: Any) -> Attempt:
        with self.lock:
            attempt = self.session.attempts[index]
            for key, value in changes.items():
                setattr(attempt, key, value)
            self.session.save(self.root)
            return attempt

    def reset(self) -> Path:
        """Close and save the session, open a new one; returns the closed session's folder."""
        from datetime import UTC, datetime

        with self.lock:
            self.session.closed = datetime.now(UTC).isoformat(timespec="seconds")
            folder = self.session.save(self.root)
            self.session = Session.new()
            return folder


def _side(answer: Answer, sentences: list[Any], citations: list[Any]) -> dict[str, Any]:
    return {
        "answer": answer.raw_answer or answer.answer,
        "sentences": [s.text for s in sentences],
        "invented": invented(sentences, citations),
        "verdicts": [asdict(s) for s in sentences],
        "citations": [asdict(c) for c in citations],
        "tokens": [[t, round(p, 4)] for t, p in answer.tokens],
    }


def play(ws: Workshop, pseudonym: str, card_id: str, question: str) -> dict[str, Any]:
    """Both answers, verified against the same retrieved passages; stored before anything is revealed."""
    pseudonym = check_pseudonym(pseudonym)
    assistant = ws.pool.get()
    question = assistant.check_question(question)
    grounded = assistant.ask(question, confidence=True)
    alone = assistant.ask(question, no_retrieval=True, confidence=True)
    # The model alone is checked against the documents the assistant found: what would it have invented?
    alone_check = assistant.check(alone.raw_answer, grounded.passages)
    card = ws.card(card_id)
    types = hallucination_types(alone_check.sentences, alone_check.citations) + hallucination_types(
        grounded.sentences, grounded.citations
    )
    attempt = Attempt(
        pseudonym=pseudonym, card_id=card.id, card_kind=card.kind, question=question,
        alone=_side(alone, alone_check.sentences, alone_check.citations),
        grounded=_side(grounded, grounded.sentences, grounded.citations),
        types=dict(types),
    )
    index = ws.record(attempt)
    return {"index": index, "grounded": grounded, "alone": alone, "alone_check": alone_check}


def choices(attempt: Attempt) -> list[str]:
    return [f"{ALONE}{i}" for i in range(1, len(attempt.alone["sentences"]) + 1)] + [
        f"{GROUNDED}{i}" for i in range(1, len(attempt.grounded["sentences"]) + 1)
    ]


def reveal(ws: Workshop, index: int, flagged: list[str]) -> Attempt:
    attempt = ws.session.attempts[index]
    flags = {
        side: [f"{tag}{i}" in flagged for i in range(1, len(attempt.__dict__[side]["sentences"]) + 1)]
        for side, tag in (("alone", ALONE), ("grounded", GROUNDED))
    }
    score = score_flags(flags["alone"] + flags["grounded"], attempt.alone["invented"] + attempt.grounded["invented"])
    return ws.update(index, flags=flags, score=asdict(score))


def _card_html(card: Card) -> str:
    return (f"<h3>{escape(card.title)}</h3><p><i>{escape(card.kind_label)}</i></p>"
            f"<p><b>À observer :</b> {escape(card.look_for)}</p>")


def build_workshop(ws: Workshop) -> Any:
    gr = import_gradio()
    titles = [(f"{c.title} — {c.kind_label}", c.id) for c in ws.deck]
    with gr.Blocks(title="Atelier hallucinations", analytics_enabled=False) as demo:
        current = gr.State({})
        gr.Markdown("## Atelier : faire apparaître les hallucinations\nChoisissez une carte, posez la question, "
                    "repérez les phrases que vous croyez inventées, puis découvrez le verdict.")
        with gr.Tab("Participants"):
            with gr.Row():
                pseudonym = gr.Textbox(label="Votre pseudonyme (pas votre nom)", elem_id="pseudonym", max_lines=1)
                card = gr.Dropdown(titles, value=ws.deck[0].id, label="Carte défi", elem_id="card")
            card_info = gr.HTML(_card_html(ws.deck[0]), elem_id="card-info")
            question = gr.Textbox(ws.deck[0].question, label="Question", elem_id="ws-question", max_lines=3)
            go = gr.Button("Poser la question aux deux", variant="primary", elem_id="go")
            status = gr.HTML("", elem_id="ws-status")
            with gr.Row():
                left = gr.HTML("", elem_id="alone")
                right = gr.HTML("", elem_id="grounded")
            flags = gr.CheckboxGroup([], label="Cochez les phrases que vous pensez inventées", elem_id="flags")
            check_btn = gr.Button("Valider mes repérages et voir le verdict", elem_id="reveal", interactive=False)
            verdict = gr.HTML("", elem_id="verdict")
            with gr.Accordion("Confiance du modèle, mot par mot", open=False, elem_id="confidence-panel"):
                confidence = gr.HTML("", elem_id="confidence")
            with gr.Accordion("Redemander : la réponse change-t-elle ?", open=False, elem_id="variability-panel"):
                again = gr.Button(f"Redemander {SAMPLES} fois (plus de hasard)", elem_id="again")
                variability = gr.HTML("", elem_id="variability")
            with gr.Accordion("Passages trouvés dans les documents", open=False):
                passages = gr.HTML("")
            board = gr.Dataframe(headers=["Pseudonyme", "Points", "Accord avec le vérificateur"],
                                 label="Classement de la session", elem_id="board", interactive=False)
        with gr.Tab("Animation", elem_id="facilitator-tab"):
            summary = gr.HTML("", elem_id="summary")
            refresh = gr.Button("Actualiser", elem_id="refresh")
            with gr.Row():
                export_btn = gr.Button("Exporter (JSON, CSV, récapitulatif HTML)", elem_id="export")
                reset_btn = gr.Button("Nouvelle session", variant="stop", elem_id="reset")
            exports = gr.File(label="Fichiers de la session", file_count="multiple", interactive=False,
                              elem_id="exports")
            fac_status = gr.Markdown("", elem_id="fac-status")

        def board_rows() -> list[list[Any]]:
            return [[n, p, "—" if g is None else f"{g:.0%}"] for n, p, g in ws.session.board().ranking()]

        def on_card(card_id: str) -> tuple[str, str]:
            c = ws.card(card_id)
            return _card_html(c), c.question

        card.change(on_card, card, [card_info, question], api_visibility="private")

        def on_go(name: str, card_id: str, q: str) -> Iterator[tuple[Any, ...]]:
            empty = ("", "", gr.update(choices=[], value=[]), gr.update(interactive=False), "", "", "", "")
            yield ("Les deux réponses se préparent (une dizaine de secondes)…", *empty, {})
            try:
                result = play(ws, name, card_id, q)
            except AssistantError as exc:
                yield (escape(user_message(exc)), *empty, {})
                return
            attempt = ws.session.attempts[result["index"]]
            yield (
                "Lisez les deux réponses et cochez les phrases qui vous semblent inventées.",
                numbered_html("Modèle seul, sans documents", ALONE, attempt.alone["sentences"]),
                numbered_html("Assistant avec les documents", GROUNDED, attempt.grounded["sentences"]),
                gr.update(choices=choices(attempt), value=[]),
                gr.update(interactive=True),
                "", "", "", cards_html(result["grounded"], prefix="w"),
                {"index": result["index"], "grounded": result["grounded"], "alone": result["alone"],
                 "alone_check": result["alone_check"]},
            )

        go.click(on_go, [pseudonym, card, question],
                 [status, left, right, flags, check_btn, verdict, confidence, variability, passages, current],
                 concurrency_id="model", api_visibility="private")

        def on_reveal(flagged: list[str], cur: dict[str, Any]) -> tuple[Any, ...]:
            if not cur:
                return "Posez d'abord une question.", gr.update(), gr.update(), "", "", board_rows()
            attempt = reveal(ws, cur["index"], flagged)
            alone, check, grounded = cur["alone"], cur["alone_check"], cur["grounded"]
            alone_view = Answer(**{**alone.__dict__, "sentences": check.sentences, "citations": check.citations,
                                   "passages": grounded.passages, "abstained": False, "fallback": False})
            grounded_view = Answer(**{**grounded.__dict__, "abstained": False, "fallback": False})
            card_obj = ws.card(attempt.card_id)
            s = attempt.score
            text = (
                f'<div class="score-box">Vous avez repéré <b>{s["caught"]}</b> phrase(s) inventée(s), manqué '
                f'<b>{s["missed"]}</b>, donné <b>{s["false_alarm"]}</b> fausse(s) alerte(s) : '
                f"<b>{FlagScore(**s).points} points</b>.</div>"
                f"<p><b>Ce qui s'est passé :</b> {escape(card_obj.explanation)}</p>"
            )
            left_html = ('<div class="side ans"><h4>Modèle seul, sans documents</h4>'
                         f"<p>{sentences_html(alone_view, 'w') or '<i>(rien)</i>'}</p></div>")
            right_html = ('<div class="side ans"><h4>Assistant avec les documents</h4>'
                          f"<p>{sentences_html(grounded_view, 'w') or '<i>(rien)</i>'}</p></div>")
            conf = ("<h4>Modèle seul</h4>" + token_html(alone.tokens) + "<h4>Avec les documents</h4>"
                    + token_html(grounded.tokens))
            return text, left_html, right_html, conf, gr.update(interactive=False), board_rows()

        check_btn.click(on_reveal, [flags, current], [verdict, left, right, confidence, check_btn, board],
                        api_visibility="private")

        def on_again(cur: dict[str, Any]) -> str:
            if not cur:
                return "Posez d'abord une question."
            assistant = ws.pool.get()
            question_text = cur["grounded"].question
            answers = [assistant.ask(question_text, temperature=SAMPLE_TEMPERATURE, seed=seed).raw_answer
                       for seed in range(1, SAMPLES + 1)]
            sampled = compare_samples(answers)
            return samples_html(answers, sampled, consistency(sampled))

        again.click(on_again, current, variability, concurrency_id="model", api_visibility="private")

        def on_refresh() -> tuple[str, list[list[Any]]]:
            return ws.session.summary_html(), board_rows()

        refresh.click(on_refresh, None, [summary, board], api_visibility="private")

        def on_export() -> tuple[list[str], str]:
            folder = ws.session.save(ws.root)
            return [str(folder / n) for n in ("session.json", "session.csv", "recap.html")], f"Enregistré dans {folder}"

        export_btn.click(on_export, None, [exports, fac_status], api_visibility="private")

        def on_reset() -> tuple[list[str], str, str, list[list[Any]]]:
            folder = ws.reset()
            files = [str(folder / n) for n in ("session.json", "session.csv", "recap.html")]
            return files, f"Session close, exports gardés dans {folder}. Nouvelle session : {ws.session.id}.", \
                ws.session.summary_html(), []

        reset_btn.click(on_reset, None, [exports, fac_status, summary, board], api_visibility="private")
        demo.load(on_refresh, None, [summary, board], api_visibility="private")
    return demo

