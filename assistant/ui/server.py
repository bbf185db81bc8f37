"""The chat and the workshop served by one process: one loaded model, one queue (issue 13).

Both Gradio apps are mounted on one FastAPI app: the workshop under /atelier, the chat at the root. A room
running a workshop while staff use the chat then shares the model instead of running a second copy of it on
the same cores.
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


def build_app(pool: Pool, ws: Workshop, auth: tuple[str, str] | None, prep: Preparation | None = None) -> Any:
    from fastapi import FastAPI
    from fastapi.responses import RedirectResponse

    from .chat import build_chat
    from .workshop import build_workshop
    from .workshop_view import WORKSHOP_CSS

    gr = import_gradio()
    settings: Settings = pool.base.settings
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get(WORKSHOP_PATH, include_in_schema=False)
    def workshop_slash() -> RedirectResponse:  # the root mount would answer « Not Found » for /atelier
        return RedirectResponse(WORKSHOP_PATH + "/")

    common = app_options(settings, auth)
    # The longer path first: a mount at the root would answer for /atelier too.
    workshop = build_workshop(ws, pool, prep)
    queue_events(workshop, settings)
    gr.mount_gradio_app(app, workshop, path=WORKSHOP_PATH, css=CSS + WORKSHOP_CSS,
                        allowed_paths=[str(Path(ws.root).resolve())], **common)
    chat = build_chat(pool)
    queue_events(chat, settings)
    gr.mount_gradio_app(app, chat, path="/", css=CSS, **common)
    return app


def serve(app: Any, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning")
