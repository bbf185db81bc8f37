"""The staff chat (Gradio): streamed cited answers, passage cards, follow-ups, settings, uploads, feedback.

Also exposes `/ask` for other tools (gradio_client): one call, the `ask --json` object back.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

from ..answer.extractive import best_sentences, format_extracts
from ..app import collections_store as coll
from ..app import feedback
from ..app.conversation import retrieval_query
from ..config import MAX_K_OFFERED
from ..documents import Answer
from ..errors import AssistantError
from ..verify.wording import dropped_passages
from .check_view import build_check_panel
from .common import Pool, follow_in_turn, import_gradio, user_message
from .progress import Tracker, queue_line
from .render import answer_html, cards_html, passages_html, progress_html

log = logging.getLogger(__name__)

MODES = {"Réponse rédigée et vérifiée": "generative", "Extraits des documents uniquement": "extractive"}
EMPTY_SOURCES = '<div class="cards"><p class="legend">Les passages cités s\'afficheront ici.</p></div>'
LEGEND = (
    '<p class="legend">Surligné en rouge : phrase non étayée par les documents (raison indiquée) ; en orange : '
    "citation qui ne dit pas ce que la phrase affirme. Cliquez sur [n] pour ouvrir le passage.</p>"
)


def new_state() -> dict[str, Any]:
    return {"questions": [], "last": None, "query": ""}


def respond(
    pool: Pool,
    question: str,
    history: list[dict[str, Any]],
    state: dict[str, Any],
    k: int,
    mode_label: str,
    model: str,
    use_retrieval: bool,
    collection: str,
) -> Iterator[tuple[Any, ...]]:
    """Yields (chat, sources, info, state, question box) as the answer goes: its place in the queue, then each
    step with the elapsed time and an estimate, the passage cards as soon as they are found, the text as it is
    written, and the verified answer."""
    history = [*history, {"role": "user", "content": question}, {"role": "assistant", "content": ""}]
    query = retrieval_query(question, state["questions"]) if use_retrieval else ""
    tracker = Tracker(pool.speeds, step="queue")
    try:
        assistant = pool.get(collection, model)
        asking = assistant.check_question(question)

        def ask(on_token: Any, on_step: Any) -> Answer:
            return assistant.ask(asking, k=int(k), no_retrieval=not use_retrieval, on_token=on_token,
                                 mode=MODES[mode_label], query=query, on_step=on_step)

        sources, extract = EMPTY_SOURCES, ""
        for update in follow_in_turn(pool.queue, ask, tracker):
            if update.ahead is not None:
                history[-1] = {"role": "assistant", "content": progress_html(queue_line(update.ahead))}
                yield history, EMPTY_SOURCES, "", state, ""
                continue
            if update.done:
                answer = update.result
                break
            if update.passages is not None and sources == EMPTY_SOURCES:
                sources = passages_html(update.passages)
                extract = format_extracts(best_sentences(asking, update.passages, assistant.bm25.idf, 1))
            history[-1] = {"role": "assistant", "content": progress_html(tracker.line(), update.text, extract)}
            yield history, sources, "", state, ""
    except Exception as exc:
        if not isinstance(exc, AssistantError):
            log.exception("question failed")
        history[-1] = {"role": "assistant", "content": escape(user_message(exc))}
        yield history, EMPTY_SOURCES, "", state, question
        return
    state = {"questions": [*state["questions"], asking], "last": answer, "query": query, "collection": collection}
    history[-1] = {"role": "assistant", "content": answer_html(answer)}
    info = []
    if query and query != asking:
        info.append(f"Question de suivi : recherche lancée avec « {escape(query)} »")
    if answer.dropped:
        info.append(dropped_passages(answer.dropped))
    seconds = time.monotonic() - tracker.started
    info.append(
        f"Collection : {escape(collection)} · modèle : {escape(answer.model.get('generator') or '—')} · "
        f"réponse en {seconds:.1f} s"
    )
    yield history, cards_html(answer), "<br>".join(info), state, ""


def give_feedback(pool: Pool, kind: str, comment: str, state: dict[str, Any]) -> tuple[str, str]:
    answer = state.get("last")
    if answer is None:
        return "Posez d'abord une question : l'avis porte sur la dernière réponse.", comment
    record = feedback.make_record(kind, answer, state.get("collection", coll.DEFAULT), state.get("query", ""), comment)
    feedback.append(pool.base.settings.feedback_path, record)
    return f"Merci : avis « {feedback.KINDS[kind]} » enregistré ({record['id']}).", ""


def export_feedback(pool: Pool) -> tuple[str | None, str]:
    records = feedback.read(pool.base.settings.feedback_path)
    if not records:
        return None, "Aucun avis enregistré pour l'instant."
    out = Path(tempfile.mkdtemp(prefix="avis-")) / "avis-eval.jsonl"
    items = feedback.to_eval_items(records)
    out.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return str(out), f"{len(items)} avis exportés au format des jeux d'évaluation (à relire avant usage)."


def upload(pool: Pool, files: list[str] | None, name: str, progress: Any) -> tuple[str, Any]:
    gr = import_gradio()
    if not files:
        return "Choisissez au moins un fichier.", gr.update()
    try:
        name = coll.check_name(name)
        results = coll.add_files(pool.base.settings, name, [Path(f) for f in files])
        lines = [f"✗ {escape(r.name)} : {escape(r.error)}" for r in results if r.error]
        if any(not r.error for r in results):
            target = pool.get(name)

            def step(stage: str, done: int, total: int) -> None:
                progress((done, total), desc="lecture des fichiers" if stage == "lecture" else "calcul des vecteurs")

            report = target.ingest([coll.files_dir(pool.base.settings, name)], progress=step)
            pool.forget(name)
            lines.insert(
                0,
                f"✓ Collection « {name} » : {len(report.indexed)} document(s), {report.chunks} passages "
                f"({report.embedded_chunks} nouveaux) en {report.seconds} s.",
            )
            lines += [f"✗ {escape(e.path)} : {escape(e.reason)}" for e in report.errors]
    except AssistantError as exc:
        return escape(user_message(exc)), gr.update()
    return "<br>".join(lines), gr.update(choices=pool.collections(), value=name)


def build_chat(pool: Pool) -> Any:
    gr = import_gradio()
    settings = pool.base.settings
    with gr.Blocks(title="Assistant documentaire", analytics_enabled=False) as demo:
        state = gr.State(new_state())
        gr.Markdown(
            "## Assistant documentaire\nPosez une question sur les documents du syndicat. Chaque réponse cite ses "
            "passages ; ce qui n'est pas étayé par les documents est signalé."
        )
        with gr.Sidebar(label="Réglages", open=False, position="right", elem_id="settings"):
            k = gr.Slider(1, MAX_K_OFFERED, value=settings.k, step=1, label="Nombre de passages (k)", elem_id="k")
            mode = gr.Radio(list(MODES), value=next(m for m, v in MODES.items() if v == settings.mode),
                            label="Mode de réponse", elem_id="mode")
            models = pool.models()
            model = gr.Dropdown(models, value=models[0] if models else None, label="Modèle", elem_id="model")
            use_retrieval = gr.Checkbox(value=True, label="Chercher dans les documents", elem_id="retrieval")
            collection = gr.Dropdown(pool.collections(), value=coll.DEFAULT, label="Collection", elem_id="collection")
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Conversation", height=480, elem_id="chat", feedback_options=None,
                                  buttons=["copy"])
                with gr.Row():
                    question = gr.Textbox(placeholder="Votre question…", show_label=False, scale=5,
                                          elem_id="question", max_lines=4)
                    send = gr.Button("Envoyer", variant="primary", scale=1, elem_id="send")
                info = gr.HTML("", elem_id="info")
                with gr.Row():
                    useful = gr.Button("✓ Utile", size="sm", elem_id="fb-useful")
                    wrong = gr.Button("✗ Erronée", size="sm", elem_id="fb-wrong")
                    hallu = gr.Button("⚠ Hallucination", size="sm", elem_id="fb-hallucination")
                comment = gr.Textbox(placeholder="Commentaire (facultatif)", show_label=False, elem_id="fb-comment")
                fb_status = gr.Markdown("", elem_id="fb-status")
                clear = gr.Button("Nouvelle conversation", size="sm")
            with gr.Column(scale=2):
                gr.HTML(LEGEND)
                sources = gr.HTML(EMPTY_SOURCES, elem_id="sources")
        with gr.Accordion("Ajouter des documents à une collection", open=False, elem_id="upload-panel"):
            gr.Markdown(
                f"Formats : {', '.join(coll.supported_suffixes())} ; {settings.max_upload_bytes // 1_000_000} Mo "
                "au plus par fichier. Les documents vont dans une collection nommée, indexée à la suite."
            )
            coll_name = gr.Textbox(label="Nom de la collection", placeholder="ex. deliberations-2025",
                                   elem_id="coll-name")
            # No file_types filter: the browser would drop a wrong file silently; the server names it and says why.
            files = gr.File(file_count="multiple", label="Fichiers", elem_id="files")
            index_btn = gr.Button("Indexer", elem_id="index-btn")
            upload_status = gr.HTML("", elem_id="upload-status")
        build_check_panel(lambda: pool.get(coll.DEFAULT), pool.queue, prefix="v")
        with gr.Accordion("Avis des agents", open=False):
            export_btn = gr.Button("Exporter les avis (JSONL pour l'évaluation)")
            export_file = gr.File(label="Export", interactive=False)
            export_status = gr.Markdown("")

        inputs = [question, chat, state, k, mode, model, use_retrieval, collection]
        outputs = [chat, sources, info, state, question]

        def on_ask(*args: Any) -> Iterator[tuple[Any, ...]]:
            yield from respond(pool, *args)

        for trigger in (question.submit, send.click):
            trigger(on_ask, inputs, outputs, show_progress="hidden", api_visibility="private")
        for button, kind in ((useful, "useful"), (wrong, "wrong"), (hallu, "hallucination")):
            button.click(lambda c, s, kind=kind: give_feedback(pool, kind, c, s), [comment, state],
                         [fb_status, comment], api_visibility="private")
        clear.click(lambda: ([], EMPTY_SOURCES, "", new_state()), None, [chat, sources, info, state],
                    api_visibility="private")
        export_btn.click(lambda: export_feedback(pool), None, [export_file, export_status], api_visibility="private")

        def on_upload(f: list[str] | None, n: str, progress: Any = gr.Progress()) -> tuple[str, Any]:  # noqa: B008
            return upload(pool, f, n, progress)

        index_btn.click(on_upload, [files, coll_name], [upload_status, collection], concurrency_id="ingest",
                        api_visibility="private")

        def ask(question: str, k: int = settings.k, mode: str = settings.mode, collection: str = coll.DEFAULT,
                no_retrieval: bool = False) -> dict[str, Any]:
            """Pose une question ; renvoie l'objet de `assistant ask --json`."""
            if mode not in MODES.values():
                mode = MODES.get(mode, mode)
            with pool.queue.hold():
                return pool.get(collection).ask(question, k=int(k), mode=mode, no_retrieval=no_retrieval).to_json()

        gr.api(ask, api_name="ask")
    return demo
