"""The staff chat (Gradio): streamed cited answers, passage cards, follow-ups, settings, uploads, feedback.

Also exposes `/ask` for other tools (gradio_client): one call, the `ask --json` object back.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

from ..answer.extractive import best_sentences, format_extracts
from ..app import collections_store as coll
from ..app import feedback
from ..app.conversation import retrieval_query
from ..app.history import History, label, to_markdown
from ..config import MAX_K_OFFERED
from ..documents import Answer
from ..errors import AssistantError, NothingReadable
from ..text import french_date, local_time, plural, shorten
from ..verify.wording import dropped_passages
from .check_view import build_check_panel
from .common import Pool, follow_in_turn, import_gradio, user_message, with_request
from .progress import Tracker, queue_line
from .render import answer_html, card_sets_html, cards_html, passages_html, progress_html

log = logging.getLogger(__name__)

MODES = {"Réponse rédigée et vérifiée": "generative", "Extraits des documents uniquement": "extractive"}
EMPTY_SOURCES = card_sets_html([])
LEGEND = (
    '<p class="legend">Surligné en rouge : phrase non étayée par les documents (raison indiquée) ; en orange : '
    "citation qui ne dit pas ce que la phrase affirme. Cliquez sur [n] pour ouvrir le passage.</p>"
)


def new_state() -> dict[str, Any]:
    """`answers`: one entry per answer of the conversation (its question, its `ask --json` object, search query,
    collections and cards), so that citations and ratings concern that answer, not the latest; `id` names the
    conversation on disk (app/history.py), given at the first answer: Gradio copies a State's initial value into
    every session, so an id drawn here would be shared by every browser."""
    return {"id": "", "questions": [], "answers": []}


def searching_line(pool: Pool, collections: list[str]) -> str:
    """Next to the question box: which documents the next question searches."""
    if not collections:
        return '<p class="searching">Recherche dans : <b>aucune collection</b> — cochez-en au moins une dans ' \
               "« Documents interrogés ».</p>"
    parts = [f"<b>{escape(coll.label(c))}</b> ({pool.document_count(c)})" for c in collections]
    return f'<p class="searching">Recherche dans : {" + ".join(parts)}</p>'


def _card_sets(state: dict[str, Any], current: tuple[str, str, str] | None = None) -> str:
    sets = [(a["prefix"], a["question"], a["cards"]) for a in state["answers"]]
    return card_sets_html([*sets, current] if current else sets)


def respond(
    pool: Pool,
    question: str,
    history: list[dict[str, Any]],
    state: dict[str, Any],
    k: int,
    mode_label: str,
    model: str,
    use_retrieval: bool,
    collections: list[str],
    store: History | None = None,
    user: str = "",
) -> Iterator[tuple[Any, ...]]:
    """Yields (chat, sources, info, state, question box, rated answer, conversations list) as the answer goes:
    its place in the queue, then each step with the elapsed time and an estimate, the passage cards as soon as
    they are found, the text as it is written, and the verified answer (kept in `store` for `user`)."""
    keep = gr_update()
    if not question.strip():
        yield history, _card_sets(state), "Écrivez d'abord une question.", state, question, keep, keep
        return
    if use_retrieval and not collections:
        yield history, _card_sets(state), "Cochez au moins une collection dans « Documents interrogés ».", state, \
            question, keep, keep
        return
    history = [*history, {"role": "user", "content": question}, {"role": "assistant", "content": ""}]
    query = retrieval_query(question, state["questions"]) if use_retrieval else ""
    tracker = Tracker(pool.speeds, step="queue")
    prefix = f"a{len(state['answers']) + 1}"
    try:
        assistant = pool.get(collections, model)
        asking = assistant.check_question(question)

        def ask(on_token: Any, on_step: Any) -> Answer:
            return assistant.ask(asking, k=int(k), no_retrieval=not use_retrieval, on_token=on_token,
                                 mode=MODES[mode_label], query=query, on_step=on_step)

        sources, extract, found = _card_sets(state), "", False
        for update in follow_in_turn(pool.queue, ask, tracker):
            if update.ahead is not None:
                history[-1] = {"role": "assistant", "content": progress_html(queue_line(update.ahead))}
                yield history, sources, "", state, "", keep, keep
                continue
            if update.done:
                answer = update.result
                break
            if update.passages is not None and not found:
                found = True
                sources = _card_sets(state, (prefix, asking, passages_html(update.passages, prefix)))
                extract = format_extracts(best_sentences(asking, update.passages, assistant.bm25.idf, 1))
            history[-1] = {"role": "assistant", "content": progress_html(tracker.line(), update.text, extract)}
            yield history, sources, "", state, "", keep, keep
    except Exception as exc:
        if not isinstance(exc, AssistantError):
            log.exception("question failed")
        history[-1] = {"role": "assistant", "content": escape(user_message(exc))}
        yield history, _card_sets(state), "", state, question, keep, keep
        return
    entry = {"prefix": prefix, "question": asking, "answer": answer.to_json(), "query": query,
             "collection": "+".join(collections), "cards": cards_html(answer, prefix)}
    state = {**state, "id": state.get("id") or uuid.uuid4().hex[:12], "questions": [*state["questions"], asking],
             "answers": [*state["answers"], entry]}
    bubble = answer_html(answer, prefix)
    history[-1] = {"role": "assistant", "content": bubble}
    listed = keep
    if store is not None:
        try:
            store.add_turn(user, state["id"], asking, bubble, entry["cards"],
                           {k: v for k, v in entry.items() if k not in ("question", "cards")})
            listed = conversation_choices(store, user)
        except (OSError, sqlite3.Error):  # the answer is shown even if the disk is full
            log.exception("conversation not saved")
    info = []
    if query and query != asking:
        info.append(f"Question de suivi : recherche lancée avec « {escape(query)} »")
    if answer.dropped:
        info.append(dropped_passages(answer.dropped))
    seconds = time.monotonic() - tracker.started
    searched = " + ".join(coll.label(c) for c in collections) if use_retrieval else "aucun document"
    info.append(
        f"Recherche dans : {escape(searched)} · modèle : {escape(answer.model.get('generator') or '—')} · "
        f"réponse en {seconds:.1f} s"
    )
    yield history, _card_sets(state), "<br>".join(info), state, "", rated_choices(state), listed


def conversation_choices(store: History, user: str, value: str | None = None) -> Any:
    return gr_update(choices=[(label(c), c.id) for c in store.list(user)], value=value)


def resume(store: History, user: str, conversation: str | None) -> tuple[Any, ...]:
    """(chat, sources, info, state, rated answer) of a kept conversation, as it was left."""
    turns = store.turns(user, conversation) if conversation else []
    if not turns:
        return gr_update(), gr_update(), "Choisissez une conversation de la liste.", gr_update(), gr_update()
    chat: list[dict[str, Any]] = []
    answers = []
    for t in turns:
        chat += [{"role": "user", "content": t.question}, {"role": "assistant", "content": t.bubble}]
        answers.append({**t.extra, "question": t.question, "cards": t.cards})
    state = {"id": conversation, "questions": [t.question for t in turns], "answers": answers}
    return chat, _card_sets(state), f"Conversation reprise : {plural(len(turns), 'question')}.", state, \
        rated_choices(state)


def export_conversation(store: History, user: str, conversation: str | None) -> tuple[str | None, str]:
    turns = store.turns(user, conversation) if conversation else []
    if not turns:
        return None, "Posez d'abord une question, ou choisissez une conversation de la liste."
    out = Path(tempfile.mkdtemp(prefix="conversation-")) / f"conversation-{conversation}.md"
    out.write_text(to_markdown(turns), encoding="utf-8")
    return str(out), f"Conversation exportée ({plural(len(turns), 'question')}) : fichier Markdown ci-dessous."


def rated_choices(state: dict[str, Any]) -> Any:
    """The answers that can be rated, the latest chosen."""
    choices = [(f"n° {n} : {shorten(a['question'], 59)}", n) for n, a in enumerate(state["answers"], 1)]
    return gr_update(choices=choices, value=len(choices) or None)


def give_feedback(pool: Pool, kind: str, comment: str, state: dict[str, Any], number: int | None) -> tuple[str, str]:
    answers = state.get("answers") or []
    if not answers:
        return "Posez d'abord une question : l'avis porte sur une réponse de la conversation.", comment
    n = int(number) if number else len(answers)
    entry = answers[min(max(n, 1), len(answers)) - 1]
    key = f"{state['id']}#{n}"
    path = pool.base.settings.feedback_path
    before = [r for r in feedback.read(path) if r.get("answer_key") == key]
    record = feedback.make_record(kind, entry["answer"], entry["collection"], entry["query"], comment, answer_key=key)
    feedback.append(path, record)
    label = feedback.KINDS[kind]
    if before:
        previous = feedback.KINDS[before[-1]["kind"]]
        return f"Avis sur la réponse n° {n} remplacé : « {label} » (au lieu de « {previous} »).", ""
    return f"Merci : avis « {label} » enregistré pour la réponse n° {n}.", ""


def export_feedback(pool: Pool) -> tuple[str | None, str]:
    records = feedback.latest(feedback.read(pool.base.settings.feedback_path))
    if not records:
        return None, "Aucun avis enregistré pour l'instant."
    out = Path(tempfile.mkdtemp(prefix="avis-")) / "avis-eval.jsonl"
    items = feedback.to_eval_items(records)
    out.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return str(out), f"{len(items)} avis exportés au format des jeux d'évaluation (à relire avant usage)."


def gr_update(**changes: Any) -> Any:
    return import_gradio().update(**changes)


def chosen_files(files: list[str] | None) -> str:
    names = [Path(f).name for f in files or []]
    return f"{plural(len(names), 'fichier choisi', 'fichiers choisis')} : " + ", ".join(names) if names \
        else "Aucun fichier choisi."


def _reason(reason: str) -> str:
    """« /srv/…/files/note.docx : PDF illisible » → « PDF illisible »: the card names the file already."""
    return reason.split(" : ", 1)[1] if " : " in reason else reason


def upload(pool: Pool, files: list[str] | None, typed_name: str, progress: Any) -> tuple[str, Any]:
    """Copy the files into the collection and index them. A refused or unreadable file is named with its reason
    in French and removed from the collection's folder (it would be reported again at every upload)."""
    gr = import_gradio()
    if not files:
        return "Choisissez d'abord au moins un fichier à téléverser.", gr.update()
    settings = pool.base.settings
    try:
        name = coll.check_name(typed_name)
        lines = [] if name == typed_name.strip() else [f"Nom de collection utilisé : « {escape(name)} »."]
        results = coll.add_files(settings, name, [Path(f) for f in files])
        lines += [f"✗ {escape(r.name)} : {escape(r.error)}" for r in results if r.error]
        accepted = [r.name for r in results if not r.error]
        if not accepted:
            return "<br>".join([*lines, "Aucun fichier n'a été indexé."]), gr.update()

        def step(stage: str, done: int, total: int) -> None:
            label = "lecture des fichiers" if stage == "lecture" else "calcul des vecteurs"
            progress(done / max(total, 1), desc=f"{label} : {done} sur {total}")

        try:
            report = pool.get(name).ingest([coll.files_dir(settings, name)], progress=step)
        except NothingReadable as exc:
            coll.delete_files(settings, name, [e.path for e in exc.errors] or accepted)
            lines += [f"✗ {escape(e.path)} : {escape(_reason(e.reason))}" for e in exc.errors]
            lines.append(f"Aucun fichier lisible : la collection « {escape(name)} » "
                         + ("n'a pas été modifiée." if exc.kept_index else "n'a pas été créée."))
            return "<br>".join(lines), gr.update()
        pool.forget(name)
        coll.delete_files(settings, name, [e.path for e in report.errors])
        added = plural(len(report.indexed), "document ajouté", "documents ajoutés")
        lines.insert(0, f"✓ Collection « {escape(name)} » : {added} ou mis à jour, "
                        f"{plural(report.chunks, 'passage')} en tout, en {report.seconds:.0f} s.")
        lines += [f"✗ {escape(e.path)} : {escape(_reason(e.reason))} (fichier retiré)" for e in report.errors]
    except AssistantError as exc:
        return escape(user_message(exc)), gr.update()
    choices = pool.collections()
    return "<br>".join(lines), gr.update(choices=[(coll.label(c), c) for c in choices],
                                         value=choices)


def docs_table(pool: Pool, collection: str) -> tuple[str, Any]:
    """The documents view: what a collection holds, and the choices of the « retirer » list."""
    gr = import_gradio()
    try:
        rows = pool.documents(collection)
    except AssistantError as exc:
        return f"<p>{escape(user_message(exc))}</p>", gr.update(choices=[], value=None)
    body = "".join(
        f"<tr><td>{escape(r.title)}<br><small>{escape(r.doc)}{' · OCR' if r.ocr else ''}</small></td>"
        f"<td>{escape(french_date(r.date) or '—')}</td><td>{r.pages or '—'}</td><td>{r.passages}</td>"
        f"<td>{escape(local_time(r.added) or '—')}</td></tr>"
        for r in rows
    )
    table = (f'<table class="docs"><caption>{escape(coll.label(collection))} : '
             f"{plural(len(rows), 'document')}</caption><thead><tr><th scope=\"col\">Titre et fichier</th>"
             '<th scope="col">Date</th><th scope="col">Pages</th><th scope="col">Passages</th>'
             f'<th scope="col">Ajouté le</th></tr></thead><tbody>{body}</tbody></table>')
    return table, gr.update(choices=[(f"{r.title} ({r.doc})", r.doc) for r in rows], value=None)


def remove_document(pool: Pool, collection: str, doc: str | None, confirmed: bool,
                    searched: list[str]) -> tuple[Any, ...]:
    """(status, table, document choices, confirmation box, collections searched, line under the question, the
    view's collection list)."""
    gr = import_gradio()
    same = (gr.update(), gr.update(), gr.update())
    if not doc or not confirmed:
        say = ("Choisissez le document à retirer." if not doc else
               "Cochez « Je confirme le retrait », puis cliquez à nouveau : le document ne sera plus cherché.")
        return say, gr.update(), gr.update(), confirmed, *same
    try:
        pool.remove_documents(collection, [doc])
    except AssistantError as exc:
        return escape(user_message(exc)), *docs_table(pool, collection), False, *same
    note = "" if collection != coll.DEFAULT else (" Le fichier reste dans le dossier du corpus : retirez-le aussi, "
                                                 "sinon la prochaine indexation le reprendra.")
    existing = pool.collections()
    if collection not in existing:
        note += " La collection, vide, a été supprimée."
        collection = coll.DEFAULT
    kept = [c for c in searched if c in existing]
    table, choices = docs_table(pool, collection)
    labelled = [(coll.label(c), c) for c in existing]
    return (f"✓ « {escape(doc)} » retiré.{note}", table, choices, gr.update(value=False),
            gr.update(choices=labelled, value=kept), searching_line(pool, kept),
            gr.update(choices=labelled, value=collection))


def build_chat(pool: Pool) -> Any:
    gr = import_gradio()
    settings = pool.base.settings
    with gr.Blocks(title="Assistant documentaire", analytics_enabled=False) as demo:
        state = gr.State(new_state())
        gr.Markdown(
            "## Assistant documentaire\nPosez une question sur les documents du syndicat. Chaque réponse cite ses "
            "passages ; ce qui n'est pas étayé par les documents est signalé."
        )
        all_collections = pool.collections()
        with gr.Sidebar(label="Réglages", open=False, position="right", elem_id="settings"):
            collections = gr.CheckboxGroup([(coll.label(c), c) for c in all_collections], value=all_collections,
                                           label="Documents interrogés", elem_id="collections")
            k = gr.Slider(1, MAX_K_OFFERED, value=settings.k, step=1, label="Nombre de passages (k)", elem_id="k")
            mode = gr.Radio(list(MODES), value=next(m for m, v in MODES.items() if v == settings.mode),
                            label="Mode de réponse", elem_id="mode")
            models = pool.models()
            model = gr.Dropdown(models, value=models[0] if models else None, label="Modèle", elem_id="model")
            use_retrieval = gr.Checkbox(value=True, label="Chercher dans les documents", elem_id="retrieval")
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Conversation", height=480, elem_id="chat", feedback_options=None,
                                  buttons=["copy"])
                with gr.Row():
                    question = gr.Textbox(placeholder="Votre question…", label="Votre question", show_label=False,
                                          scale=5, elem_id="question", max_lines=4)
                    send = gr.Button("Envoyer", variant="primary", scale=1, elem_id="send")
                searching = gr.HTML(searching_line(pool, all_collections), elem_id="searching")
                info = gr.HTML("", elem_id="info")
                with gr.Group(elem_id="feedback"):
                    rated = gr.Dropdown([], value=None, label="Réponse à évaluer", elem_id="fb-answer")
                    with gr.Row():
                        useful = gr.Button("✓ Utile", size="sm", elem_id="fb-useful")
                        wrong = gr.Button("✗ Erronée", size="sm", elem_id="fb-wrong")
                        hallu = gr.Button("⚠ Hallucination", size="sm", elem_id="fb-hallucination")
                    comment = gr.Textbox(placeholder="Commentaire (facultatif)", label="Commentaire",
                                         show_label=False, elem_id="fb-comment")
                fb_status = gr.Markdown("", elem_id="fb-status")
                clear = gr.Button("Nouvelle conversation", size="sm", elem_id="clear")
            with gr.Column(scale=2):
                gr.HTML(LEGEND)
                sources = gr.HTML(EMPTY_SOURCES, elem_id="sources")
        with gr.Accordion("Mes conversations", open=False, elem_id="conv-panel"):
            gr.Markdown("Vos conversations sont gardées sur cette machine. Reprenez-en une, supprimez-la, ou "
                        "exportez la conversation en cours (Markdown, avec ses sources) pour un rapport.")
            conv_list = gr.Dropdown([], value=None, label="Conversations enregistrées", elem_id="conv-list")
            with gr.Row():
                conv_resume = gr.Button("Reprendre", elem_id="conv-resume")
                conv_delete = gr.Button("Supprimer", variant="stop", elem_id="conv-delete")
                conv_export = gr.Button("Exporter la conversation en cours", elem_id="conv-export")
            conv_file = gr.File(label="Export", interactive=False, elem_id="conv-file")
            conv_status = gr.Markdown("", elem_id="conv-status")
        with gr.Accordion("Documents des collections", open=False, elem_id="docs-panel"):
            docs_coll = gr.Dropdown([(coll.label(c), c) for c in all_collections], value=coll.DEFAULT,
                                    label="Collection", elem_id="docs-collection")
            docs_html = gr.HTML("", elem_id="docs-table")
            with gr.Row():
                doc_pick = gr.Dropdown([], value=None, label="Document à retirer", elem_id="doc-pick", scale=3)
                doc_confirm = gr.Checkbox(value=False, label="Je confirme le retrait", elem_id="doc-confirm", scale=1)
                doc_remove = gr.Button("Retirer le document", variant="stop", elem_id="doc-remove", scale=1)
            docs_status = gr.HTML("", elem_id="docs-status")
        with gr.Accordion("Ajouter des documents à une collection", open=False, elem_id="upload-panel"):
            gr.Markdown(
                f"Formats : {', '.join(coll.supported_suffixes())} ; {settings.max_upload_bytes // 1_000_000} Mo "
                "au plus par fichier. Les documents vont dans une collection nommée, indexée à la suite ; elle est "
                "ensuite interrogée avec les autres."
            )
            coll_name = gr.Textbox(label="Nom de la collection", placeholder="ex. Délibérations 2025",
                                   elem_id="coll-name")
            # No file_types filter: the browser would drop a wrong file silently; the server names it and says why.
            files = gr.UploadButton("Choisir les fichiers à téléverser…", file_count="multiple", elem_id="files")
            chosen = gr.Markdown("Aucun fichier choisi.", elem_id="chosen")
            index_btn = gr.Button("Téléverser et indexer", variant="primary", elem_id="index-btn")
            upload_status = gr.HTML("", elem_id="upload-status")
        build_check_panel(lambda: pool.get(coll.DEFAULT), pool.queue, prefix="v")
        with gr.Accordion("Avis des agents", open=False):
            export_btn = gr.Button("Exporter les avis (JSONL pour l'évaluation)")
            export_file = gr.File(label="Export", interactive=False)
            export_status = gr.Markdown("")

        inputs = [question, chat, state, k, mode, model, use_retrieval, collections]
        outputs = [chat, sources, info, state, question, rated, conv_list]
        store = History(settings.history_path)

        def user_of(request: Any) -> str:
            """The signed-in user with --auth; everyone shares one list without it (one machine, one team)."""
            return getattr(request, "username", None) or ""

        @with_request
        def on_ask(question: str, history: list[dict[str, Any]], cur: dict[str, Any], k: int, mode: str, model: str,
                   use_retrieval: bool, searched: list[str], request: Any) -> Iterator[tuple[Any, ...]]:
            yield from respond(pool, question, history, cur, k, mode, model, use_retrieval, searched, store=store,
                               user=user_of(request))

        @with_request
        def on_conversations(request: Any) -> Any:
            return conversation_choices(store, user_of(request))

        @with_request
        def on_resume(conversation: str | None, request: Any) -> tuple[Any, ...]:
            return resume(store, user_of(request), conversation)

        @with_request
        def on_delete(conversation: str | None, request: Any) -> tuple[Any, str]:
            user = user_of(request)
            if not conversation or not store.delete(user, conversation):
                return conversation_choices(store, user), "Choisissez une conversation de la liste."
            return conversation_choices(store, user), "Conversation supprimée."

        @with_request
        def on_export_conversation(cur: dict[str, Any], request: Any) -> tuple[str | None, str]:
            return export_conversation(store, user_of(request), cur.get("id"))

        conv_resume.click(on_resume, conv_list, [chat, sources, conv_status, state, rated], api_visibility="private")
        conv_delete.click(on_delete, conv_list, [conv_list, conv_status], api_visibility="private")
        conv_export.click(on_export_conversation, state, [conv_file, conv_status], api_visibility="private")
        demo.load(on_conversations, None, conv_list, show_progress="hidden", api_visibility="private")

        for trigger in (question.submit, send.click):
            trigger(on_ask, inputs, outputs, show_progress="hidden", api_visibility="private")
        for button, kind in ((useful, "useful"), (wrong, "wrong"), (hallu, "hallucination")):
            button.click(lambda c, s, n, kind=kind: give_feedback(pool, kind, c, s, n), [comment, state, rated],
                         [fb_status, comment], api_visibility="private")
        clear.click(lambda: ([], EMPTY_SOURCES, "", new_state(), "", gr.update(choices=[], value=None), ""), None,
                    [chat, sources, info, state, fb_status, rated, comment], api_visibility="private")
        collections.change(lambda c: searching_line(pool, c), collections, searching, show_progress="hidden",
                           api_visibility="private")
        export_btn.click(lambda: export_feedback(pool), None, [export_file, export_status], api_visibility="private")
        docs_coll.change(lambda c: docs_table(pool, c), docs_coll, [docs_html, doc_pick], show_progress="hidden",
                         api_visibility="private")
        doc_remove.click(lambda c, d, ok, s: remove_document(pool, c, d, ok, s),
                         [docs_coll, doc_pick, doc_confirm, collections],
                         [docs_status, docs_html, doc_pick, doc_confirm, collections, searching, docs_coll],
                         show_progress="hidden", api_visibility="private")
        files.upload(lambda f: chosen_files(f), files, chosen, api_visibility="private")

        def on_upload(f: list[str] | None, n: str, progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
            status, choices = upload(pool, f, n, progress)
            return status, choices, searching_line(pool, pool.collections()), \
                gr.update(choices=[(coll.label(c), c) for c in pool.collections()]), None, "Aucun fichier choisi."

        index_btn.click(on_upload, [files, coll_name], [upload_status, collections, searching, docs_coll, files,
                                                        chosen], concurrency_id="ingest", api_visibility="private")
        def on_load(shown: str) -> tuple[Any, ...]:
            """A page opened later sees the collections added since the app was built."""
            names = pool.collections()
            labelled = [(coll.label(c), c) for c in names]
            shown = shown if shown in names else coll.DEFAULT
            return (gr.update(choices=labelled, value=names), searching_line(pool, names),
                    gr.update(choices=labelled, value=shown), *docs_table(pool, shown))

        demo.load(on_load, docs_coll, [collections, searching, docs_coll, docs_html, doc_pick],
                  show_progress="hidden", api_visibility="private")

        def ask(question: str, k: int = settings.k, mode: str = settings.mode, collection: str = coll.DEFAULT,
                no_retrieval: bool = False) -> dict[str, Any]:
            """Pose une question ; renvoie l'objet de `assistant ask --json`."""
            if mode not in MODES.values():
                mode = MODES.get(mode, mode)
            with pool.queue.hold():
                return pool.get(collection).ask(question, k=int(k), mode=mode, no_retrieval=no_retrieval).to_json()

        gr.api(ask, api_name="ask")
    return demo
