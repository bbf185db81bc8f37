"""The hallucination-discovery workshop's page (Gradio): layout and event wiring only. The rules of a round
(play, reveal, scoring, resampling) live in `assistant/workshop/`."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import Any

from ..errors import AssistantError
from ..text import plural
from ..workshop.deck import Card
from ..workshop.prepare import Preparation
from ..workshop.room import ALONE, GROUNDED, SAMPLES, Round, Workshop, choices, play, points, resample, reveal
from .check_view import build_check_panel
from .common import Pool, follow_in_turn, import_gradio, user_message
from .progress import Tracker, queue_line
from .render import cards_html
from .workshop_view import numbered_html, revealed_html, samples_html, token_html

EXPORTS = ("session.json", "session.csv", "recap.html")
EXPORTED = ("Session enregistrée : téléchargez ci-dessous le JSON (archive complète), le CSV (à ouvrir dans un "
            "tableur) et le récapitulatif.")
PRINT_JS = """() => {
  const recap = document.querySelector('#summary');
  const w = window.open('', '_blank');
  if (!recap || !w) return;
  w.document.write('<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Récapitulatif de l\\'atelier'
    + '</title><style>body{font-family:system-ui,sans-serif;margin:2em} table{border-collapse:collapse;width:100%}'
    + 'td,th{border:1px solid #999;padding:.3em;text-align:left}</style></head><body>'
    + '<h1>Atelier « découvrir les hallucinations »</h1>' + recap.innerHTML + '</body></html>');
  w.document.close();
  w.focus();
}"""


def _status(line: str) -> str:
    return f'<p class="progress" role="status">{escape(line)}</p>'


def _card_html(card: Card) -> str:
    return (f"<h3>{escape(card.title)}</h3><p><i>{escape(card.kind_label)}</i></p>"
            f"<p><b>À observer :</b> {escape(card.look_for)}</p>")


def build_workshop(ws: Workshop, pool: Pool, prep: Preparation | None = None) -> Any:
    """`pool` is the chat's when both are served by one process (one model, one queue); `prep` reports the
    deck's preparation on the facilitator tab."""
    gr = import_gradio()
    titles = [(f"{c.title} — {c.kind_label}", c.id) for c in ws.deck]
    with gr.Blocks(title="Atelier hallucinations", analytics_enabled=False) as demo:
        current = gr.State({})
        gr.Markdown("## Atelier : faire apparaître les hallucinations\nChoisissez une carte, posez la question, "
                    "repérez les phrases que vous croyez inventées, puis découvrez le verdict.")
        with gr.Tab("Participants"):
            with gr.Row(elem_id="ws-top"):
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
                                 label="Classement de la session", elem_id="board", interactive=False, wrap=True)
            build_check_panel(ws.assistant, pool.queue, prefix="wv")
        with gr.Tab("Animation", elem_id="facilitator-tab"):
            prep_line = gr.Markdown(prep.line() if prep else "", elem_id="prep-status")
            summary = gr.HTML("", elem_id="summary")
            refresh = gr.Button("Actualiser", elem_id="refresh")
            with gr.Row():
                export_btn = gr.Button("Exporter (JSON, tableur CSV, récapitulatif)", elem_id="export")
                print_btn = gr.Button("Ouvrir le récapitulatif à imprimer", elem_id="print")
                reset_btn = gr.Button("Nouvelle session…", variant="stop", elem_id="reset")
            with gr.Row(visible=False, elem_id="confirm-reset") as confirm_row:
                gr.Markdown("**Clore la session en cours ?** Ses résultats sont enregistrés, le classement repart "
                            "de zéro.")
                confirm_btn = gr.Button("Oui, clore et commencer une nouvelle session", variant="stop",
                                        elem_id="confirm-reset-btn")
                cancel_btn = gr.Button("Annuler", elem_id="cancel-reset")
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
            tracker = Tracker(pool.speeds, step="queue")
            try:
                for update in follow_in_turn(pool.queue, lambda _token, on_step: play(ws, name, card_id, q, on_step),
                                             tracker):
                    if update.done:
                        result: Round = update.result
                        break
                    line = queue_line(update.ahead) if update.ahead is not None else tracker.line()
                    yield (_status(line), *empty, {})
            except AssistantError as exc:
                yield (escape(user_message(exc)), *empty, {})
                return
            attempt = ws.session.attempts[result.index]
            yield (
                "Lisez les deux réponses et cochez les phrases qui vous semblent inventées.",
                numbered_html("Modèle seul, sans documents", ALONE, attempt.alone["sentences"]),
                numbered_html("Assistant avec les documents", GROUNDED, attempt.grounded["sentences"]),
                gr.update(choices=choices(attempt), value=[]),
                gr.update(interactive=True),
                "", "", "", cards_html(result.grounded, prefix="w"),
                {"round": result},
            )

        go.click(on_go, [pseudonym, card, question],
                 [status, left, right, flags, check_btn, verdict, confidence, variability, passages, current],
                 show_progress="hidden", api_visibility="private")

        def on_reveal(flagged: list[str], cur: dict[str, Any]) -> tuple[Any, ...]:
            if not cur:
                return "Posez d'abord une question.", gr.update(), gr.update(), "", "", board_rows(), gr.update()
            played = cur["round"]
            attempt = reveal(ws, played.index, flagged)
            s = points(attempt)
            text = (
                f'<div class="score-box">Vous avez repéré <b>{plural(s.caught, "phrase inventée", "phrases inventées")}'
                f"</b>, manqué <b>{s.missed}</b>, donné <b>{plural(s.false_alarm, 'fausse alerte', 'fausses alertes')}"
                f"</b> : <b>{plural(s.points, 'point')}</b>.</div>"
                f"<p><b>Ce qui s'est passé :</b> {escape(ws.card(attempt.card_id).explanation)}</p>"
            )
            alone, grounded = played.revealed()
            left_html = revealed_html("Modèle seul, sans documents", ALONE, alone, attempt.alone["invented"],
                                      attempt.flags.get("alone", []))
            right_html = revealed_html("Assistant avec les documents", GROUNDED, grounded,
                                       attempt.grounded["invented"], attempt.flags.get("grounded", []))
            conf = ("<h4>Modèle seul</h4>" + token_html(played.alone.tokens) + "<h4>Avec les documents</h4>"
                    + token_html(played.grounded.tokens))
            return text, left_html, right_html, conf, gr.update(interactive=False), board_rows(), \
                ws.session.summary_html()

        check_btn.click(on_reveal, [flags, current], [verdict, left, right, confidence, check_btn, board, summary],
                        api_visibility="private")

        def on_again(cur: dict[str, Any]) -> str:
            if not cur:
                return "Posez d'abord une question."
            with pool.queue.hold():
                sampled = resample(ws.assistant(), cur["round"].grounded.question)
            return samples_html(sampled.answers, sampled.sentences, sampled.consistency)

        again.click(on_again, current, variability, api_visibility="private")

        def on_refresh() -> tuple[str, list[list[Any]]]:
            return ws.session.summary_html(), board_rows()

        refresh.click(on_refresh, None, [summary, board], api_visibility="private")

        def on_export() -> tuple[list[str], str]:
            folder = ws.session.save(ws.root)
            return [str(folder / n) for n in EXPORTS], EXPORTED

        export_btn.click(on_export, None, [exports, fac_status], api_visibility="private")
        # The recap opens in a new tab, ready to print (a downloaded .html is one more step for the room).
        print_btn.click(None, None, None, js=PRINT_JS)

        def on_reset() -> tuple[Any, ...]:
            folder = ws.reset()
            files = [str(folder / n) for n in EXPORTS]
            return files, f"Session close (fichiers ci-dessous). Nouvelle session ouverte : {ws.session.id}.", \
                ws.session.summary_html(), [], gr.update(visible=False)

        reset_btn.click(lambda: gr.update(visible=True), None, confirm_row, api_visibility="private")
        cancel_btn.click(lambda: gr.update(visible=False), None, confirm_row, api_visibility="private")
        confirm_btn.click(on_reset, None, [exports, fac_status, summary, board, confirm_row], api_visibility="private")
        demo.load(on_refresh, None, [summary, board], show_progress="hidden", api_visibility="private")
        # Other participants' attempts appear on the facilitator tab without « Actualiser ».
        gr.Timer(5.0).tick(on_refresh, None, [summary, board], show_progress="hidden", api_visibility="private")
        if prep is not None:
            timer = gr.Timer(2.0)
            timer.tick(lambda: prep.line(), None, prep_line, show_progress="hidden", api_visibility="private")
    return demo

