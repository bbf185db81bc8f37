"""The chat and the workshop served by one process: one loaded model, one queue (issue 13).

Both Gradio apps are mounted on one FastAPI app: `assistant chat` puts the chat at the root and the workshop
under /atelier, `assistant workshop` the workshop at the root and the chat under /chat. A room running a
workshop while staff use the chat then shares the model instead of running a second copy on the same cores.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import Settings
from ..workshop.prepare import Preparation
from ..workshop.room import Workshop
from .common import Pool, app_options, import_gradio, queue_events
from .render import CSS

WORKSHOP_PATH = "/atelier"
CHAT_PATH = "/chat"


def build_app(pool: Pool, ws: Workshop, auth: tuple[str, str] | None, prep: Preparation | None = None,
              workshop_first: bool = False) -> Any:
    """`workshop_first`: the workshop at the root (the facilitator's URL), the chat under /chat."""
    from fastapi import FastAPI
    from fastapi.responses import RedirectResponse

    from .chat import build_chat
    from .workshop import build_workshop
    from .workshop_view import WORKSHOP_CSS

    gr = import_gradio()
    settings: Settings = pool.base.settings
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    sub = CHAT_PATH if workshop_first else WORKSHOP_PATH

    @app.get(sub, include_in_schema=False)
    def with_slash() -> RedirectResponse:  # the root mount would answer « Not Found » for the bare path
        return RedirectResponse(sub + "/")

    common = app_options(settings, auth)
    workshop = build_workshop(ws, pool, prep)
    queue_events(workshop, settings)
    workshop_mount = dict(css=CSS + WORKSHOP_CSS, allowed_paths=[str(Path(ws.root).resolve())], **common)
    chat = build_chat(pool)
    queue_events(chat, settings)
    # The sub-path first: a mount at the root would answer for it too.
    if workshop_first:
        gr.mount_gradio_app(app, chat, path=CHAT_PATH, css=CSS, **common)
        gr.mount_gradio_app(app, workshop, path="/", **workshop_mount)
    else:
        gr.mount_gradio_app(app, workshop, path=WORKSHOP_PATH, **workshop_mount)
        gr.mount_gradio_app(app, chat, path="/", css=CSS, **common)
    return app


def serve(app: Any, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning")
