"""What the chat and the workshop share: offline Gradio, token streaming from a worker thread, the pool of
assistants per collection and model, launching with auth and a queue."""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..app import collections_store as coll
from ..documents import Answer
from ..errors import AssistantError, BadInput
from ..models.base import Generator
from ..models.files import available_generators
from ..pipeline.assistant import Assistant
from ..pipeline.factory import make_generator
from .render import CSS, HEAD_JS

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


@dataclass
class Pool:
    """One Assistant per (collection, model), all sharing the embedder and each generator loaded once."""

    base: Assistant
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

    def get(self, collection: str = coll.DEFAULT, model: str = "") -> Assistant:
        model = model or self.base.model_names.get("generator", "")
        key = (collection, model)
        with self._lock:
            if key not in self._assistants:
                self._assistants[key] = self.base.derive(
                    index_dir=coll.index_dir(self.base.settings, collection),
                    generator_factory=lambda: self._generator(model),
                    generator_name=model,
                )
            return self._assistants[key]

    def forget(self, collection: str) -> None:
        """After an ingest: the next question reloads the collection's index."""
        with self._lock:
            for key in [k for k in self._assistants if k[0] == collection]:
                del self._assistants[key]


def stream_answer(ask: Callable[[Callable[[str], None]], Answer], every_s: float = 0.15) -> Iterator[str | Answer]:
    """Run `ask(on_token)` in a worker thread; yield the text so far (at most every `every_s`), then the Answer.
    An AssistantError raised by ask is re-raised here, in the caller's thread."""
    tokens: queue.Queue[str | None] = queue.Queue()
    result: dict[str, Any] = {}

    def work() -> None:
        try:
            result["answer"] = ask(tokens.put)
        except BaseException as exc:
            result["error"] = exc
        finally:
            tokens.put(None)

    threading.Thread(target=work, daemon=True).start()
    text, last = "", 0.0
    while True:
        piece = tokens.get()
        if piece is None:
            break
        text += piece
        if time.monotonic() - last >= every_s:
            last = time.monotonic()
            yield text
    if "error" in result:
        raise result["error"]
    yield result["answer"]


def user_message(exc: Exception) -> str:
    """What a staff member reads when something fails: our French message, or a generic one (logged)."""
    if isinstance(exc, AssistantError):
        return f"Erreur : {exc}"
    return f"Erreur inattendue ({type(exc).__name__}) : réessayez ; si cela persiste, prévenez l'administrateur."


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
    """One answer at a time on the model (llama.cpp is not thread-safe); others wait in a bounded queue and are
    told so, or are refused with a message when it is full."""
    gr = import_gradio()
    demo.queue(default_concurrency_limit=1, max_size=settings.queue_size)
    return demo.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        auth_message="Assistant documentaire : identifiez-vous." if auth else None,
        share=False,
        theme=gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"]),
        css=css,
        allowed_paths=allowed_paths,
        head=HEAD_JS,
        max_file_size=settings.max_upload_bytes,
        footer_links=[],
        show_error=True,
        prevent_thread_lock=prevent_thread_lock,
        quiet=True,
        pwa=False,
        ssr_mode=False,
        enable_monitoring=False,
    )
