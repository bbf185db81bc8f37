"""What the chat and the workshop share: offline Gradio, answers followed from a worker thread (steps, tokens),
the pool of assistants per collection and model with its one queue in front of the model, launching."""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..answer.prompt import build_prompt
from ..app import collections_store as coll
from ..app.model_queue import ModelQueue
from ..documents import Passage
from ..errors import AssistantError, BadInput
from ..index import store as index_store
from ..index.catalog import DocumentRow, document_rows, remove_documents
from ..models.base import GenerationOptions, Generator
from ..models.files import available_generators
from ..pipeline.assistant import Assistant
from ..pipeline.factory import make_generator
from ..pipeline.search import Search
from ..pipeline.turn import Turn
from ..text import plural
from .progress import Speeds, Tracker
from .render import CSS, HEAD_JS

log = logging.getLogger(__name__)

# Set before gradio is imported: no analytics ping, no version check, no hub call from any library.
OFFLINE_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "DO_NOT_TRACK": "1",
}


def go_offline() -> None:
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value


def import_gradio() -> Any:
    go_offline()
    try:
        import gradio as gr
    except ImportError as exc:  # pragma: no cover - depends on the install
        from ..errors import DependencyMissing

        raise DependencyMissing("gradio manque : lancez `bash setup.sh`") from exc
    return gr


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """« utilisateur:motdepasse » from --auth or ASSISTANT_AUTH; None: no password (local use)."""
    value = value or os.environ.get("ASSISTANT_AUTH") or ""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise BadInput("--auth attend « utilisateur:motdepasse »")
    return user, password


def with_request(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Gradio passes the request (the signed-in user) to a handler whose `request` parameter is annotated
    gr.Request; with postponed annotations that name cannot be resolved from inside a builder, so it is set."""
    fn.__annotations__["request"] = import_gradio().Request
    return fn


@dataclass
class Pool:
    """One Assistant per (collection, model), all sharing the embedder and each generator loaded once, one
    queue in front of the models (app/model_queue.py) and the speeds measured here (ui/progress.py)."""

    base: Assistant
    queue: ModelQueue = field(default_factory=ModelQueue)
    speeds: Speeds = field(default_factory=Speeds)
    _generators: dict[str, Generator] = field(default_factory=dict)
    _assistants: dict[tuple[str, str], Assistant] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def models(self) -> list[str]:
        names = [m.name for m in available_generators(self.base.settings)]
        current = self.base.model_names.get("generator")
        return [current, *[n for n in names if n != current]] if current else names

    def collections(self) -> list[str]:
        return coll.list_collections(self.base.settings)

    def _generator(self, name: str) -> Generator:
        if name not in self._generators:
            if name == self.base.model_names.get("generator"):
                self._generators[name] = self.base.generator
            else:
                model = next((m for m in available_generators(self.base.settings) if m.name == name), None)
                if model is None:
                    raise BadInput(f"modèle inconnu : {name}")
                self._generators[name] = make_generator(self.base.settings, model)
        return self._generators[name]

    def get(self, collection: str | Sequence[str] = coll.DEFAULT, model: str = "") -> Assistant:
        """The assistant of one collection, or of several searched together (ranked as one list)."""
        names = [collection] if isinstance(collection, str) else list(dict.fromkeys(collection)) or [coll.DEFAULT]
        model = model or self.base.model_names.get("generator", "")
        if len(names) > 1:
            first, others = self.get(names[0], model), [self.get(n, model) for n in names[1:]]
            return first.with_stages(Search(names[0], tuple((n, a.res) for n, a in zip(names[1:], others,
                                                                                        strict=True))))
        key = (names[0], model)
        with self._lock:
            if key not in self._assistants:
                self._assistants[key] = self.base.derive(
                    index_dir=coll.index_dir(self.base.settings, names[0]),
                    generator_factory=lambda: self._generator(model),
                    generator_name=model,
                )
            return self._assistants[key]

    def warm_up(self) -> threading.Thread:
        """Load the index and both models, and time a short generation, in the background at start: the first
        question does not pay for the loading, and the first estimate on screen is measured, not assumed."""

        def work() -> None:
            try:
                with self.queue.hold():
                    assistant = self.get()
                    assistant.search("Quel est l'objet de ce document ?")
                    if assistant.model_names.get("generator"):
                        calibrate(assistant.generator, self.speeds)
            except AssistantError as exc:  # reported again at the first question, in French
                log.warning("préchauffage impossible : %s", exc)
            except Exception:
                log.warning("préchauffage impossible", exc_info=True)

        thread = threading.Thread(target=work, daemon=True, name="warm-up")
        thread.start()
        return thread

    def documents(self, collection: str) -> list[DocumentRow]:
        return document_rows(self.get(collection).index)

    def _files(self, collection: str) -> set[str]:
        """The documents of a collection, read from its manifest (no index load)."""
        return set(index_store.read_manifest(coll.index_dir(self.base.settings, collection)).get("files", {}))

    def document_count(self, collection: str) -> str:
        """« 5 documents » for the line under the question box."""
        try:
            return plural(len(self._files(collection)), "document")
        except AssistantError:
            return "pas encore indexée"

    def remove_documents(self, collection: str, docs: list[str]) -> None:
        """Out of the index (a new version, nothing re-embedded) and, for a named collection, out of its folder;
        a named collection left with no document is deleted."""
        settings = self.base.settings
        with self.queue.hold():
            held = self._files(collection)
            if collection != coll.DEFAULT and held and held <= set(docs):
                coll.delete_collection(settings, collection)
            else:
                remove_documents(coll.index_dir(settings, collection), docs)
                if collection != coll.DEFAULT:
                    coll.delete_files(settings, collection, docs)
        self.forget(collection)

    def forget(self, collection: str) -> None:
        """After an ingest: the next question reloads the collection's index."""
        with self._lock:
            for key in [k for k in self._assistants if k[0] == collection]:
                del self._assistants[key]


def calibrate(generator: Generator, speeds: Speeds, answer_tokens: int = 12) -> None:
    """Prompt and decoding speeds from one short real generation (the system prompt of every answer, so its
    KV cache is warm afterwards too)."""
    prompt = build_prompt("Que fait le syndicat ?", [])
    started, first, tokens = time.monotonic(), None, 0
    for _ in generator.generate(prompt, GenerationOptions(max_tokens=answer_tokens)):
        first = first or time.monotonic()
        tokens += 1
    if first is not None:
        speeds.record_generation(generator.prompt_tokens(prompt), first - started, tokens, time.monotonic() - first)


@dataclass(frozen=True)
class Update:
    """What the page can show so far: its place in the queue while it waits (`ahead`), then the answer's text,
    the passages once found, the result at the end (the Answer, or what the caller's function returned)."""

    text: str = ""
    passages: list[Passage] | None = None
    result: Any = None
    done: bool = False
    ahead: int | None = None


AskFn = Callable[[Callable[[str], None], Callable[[str, Turn], None]], Any]


def follow_answer(ask: AskFn, tracker: Tracker, on_finish: Callable[[], None] | None = None, every_s: float = 0.15,
                  tick_s: float = 0.5) -> Iterator[Update]:
    """Run `ask(on_token, on_step)` in a worker thread; yield at each step (the passages as soon as the search
    is done), with the text so far at most every `every_s`, and every `tick_s` anyway (the elapsed time on
    screen moves); the last Update is `done` and holds the result. An error raised by ask is re-raised here.
    `on_finish` runs in the worker when ask returns, also when the page was closed meanwhile: the model's turn
    is given back only once the model is really free."""
    events: queue.Queue[tuple[Any, ...] | None] = queue.Queue()
    result: dict[str, Any] = {}

    def work() -> None:
        try:
            result["answer"] = ask(lambda piece: events.put(("token", piece)),
                                   lambda step, turn: events.put(("step", step, turn)))
        except BaseException as exc:
            result["error"] = exc
        finally:
            if on_finish:
                on_finish()
            events.put(None)

    threading.Thread(target=work, daemon=True).start()
    text, passages, last = "", None, 0.0
    while True:
        try:
            event = events.get(timeout=tick_s)
        except queue.Empty:
            yield Update(text, passages)
            continue
        if event is None:
            break
        if event[0] == "token":
            text += event[1]
            tracker.token()
            if time.monotonic() - last < every_s:
                continue
            last = time.monotonic()
        else:
            _, step, turn = event
            if turn.passages and len(turn.passages) >= len(passages or []):  # a second reading has fewer: keep all
                passages = turn.passages
            if step == "write":
                text = ""  # a second reading writes its answer anew
            tracker.enter(step, len(turn.passages), turn.prompt_tokens)
        yield Update(text, passages)
    tracker.finish()
    if "error" in result:
        raise result["error"]
    yield Update(text, passages, result["answer"], done=True)


def follow_in_turn(model_queue: ModelQueue, ask: AskFn, tracker: Tracker, tick_s: float = 0.5) -> Iterator[Update]:
    """`follow_answer` once the model is free: first the requests ahead (`Update.ahead`, at once and every
    `tick_s`), then the answer. The turn is given back by the worker when the model is done, or here if the
    page was closed while waiting."""
    ticket, working = model_queue.take(), False
    try:
        yield Update(ahead=model_queue.ahead(ticket))
        while not model_queue.wait(ticket, timeout=tick_s):
            yield Update(ahead=model_queue.ahead(ticket))
        working = True
        yield from follow_answer(ask, tracker, on_finish=lambda: model_queue.release(ticket))
    finally:
        if not working:
            model_queue.release(ticket)


def user_message(exc: Exception) -> str:
    """What a staff member reads when something fails: our French message, or a generic one (logged)."""
    if isinstance(exc, AssistantError):
        return f"Erreur : {exc}"
    return f"Erreur inattendue ({type(exc).__name__}) : réessayez ; si cela persiste, prévenez l'administrateur."


def app_options(settings: Any, auth: tuple[str, str] | None) -> dict[str, Any]:
    """What every served page shares, whether launched alone (`launch`) or mounted with the other
    (ui/server.py): offline, system fonts, French login, the click-to-open-a-citation script."""
    gr = import_gradio()
    return dict(
        auth=auth,
        auth_message="Assistant documentaire : identifiez-vous." if auth else None,
        theme=gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"]),
        head=HEAD_JS,
        max_file_size=settings.max_upload_bytes,
        footer_links=[],
        show_error=True,
        pwa=False,
        ssr_mode=False,
        enable_monitoring=False,
    )


def queue_events(demo: Any, settings: Any) -> None:
    """Events that use the model run at once and wait in the pool's own queue, which tells each person how many
    requests are ahead (app/model_queue.py); Gradio's queue only bounds how many may wait."""
    demo.queue(default_concurrency_limit=settings.queue_size, max_size=settings.queue_size)


def launch(
    demo: Any,
    host: str,
    port: int,
    auth: tuple[str, str] | None,
    settings: Any,
    prevent_thread_lock: bool = False,
    css: str = CSS,
    allowed_paths: list[str] | None = None,
) -> Any:
    """One app on its own server (the tests; the CLI serves both apps together, ui/server.py)."""
    queue_events(demo, settings)
    return demo.launch(server_name=host, server_port=port, share=False, css=css, allowed_paths=allowed_paths,
                       prevent_thread_lock=prevent_thread_lock, quiet=True, **app_options(settings, auth))
