"""The OpenAI-compatible backend against a real server: llama-cpp-python's own server on loopback, serving the
packaged model. Used by ask and eval (with concurrent requests) exactly as the local generator is."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.config import Settings
from assistant.evaluate import runner
from assistant.evaluate.dataset import read_eval_set
from assistant.models.files import resolve_generator
from assistant.pipeline.assistant import Assistant
from assistant.pipeline.factory import build_assistant

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server(settings: Settings) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    model = resolve_generator(settings)
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model.path), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "4096", "--n_threads", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(240):
        try:
            if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("llama_cpp.server did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def remote(settings: Settings, server: str, assistant: Assistant) -> Assistant:
    remote_settings = settings.replace(generator="openai", base_url=server)
    # Same packaged embedder, loaded once per session.
    return build_assistant(remote_settings).derive(embedder=assistant.embedder)


def test_ask_through_the_server_streams_a_verified_cited_answer(remote: Assistant) -> None:
    pieces: list[str] = []
    answer = remote.ask("Quand le syndicat emménage-t-il dans ses nouveaux locaux ?", on_token=pieces.append)
    assert "@http://127.0.0.1" in answer.model["generator"]
    assert len(pieces) > 3 and "".join(pieces).strip() == answer.raw_answer
    assert answer.passages and answer.passages[0].chunk.doc == "000_4a81b808765739a6.txt"
    assert answer.sentences  # verified like a local answer
    assert remote.generator.count_tokens("Bonjour à tous") < 10  # the server's tokenizer, not the estimate
    assert remote.generator._tokenize  # type: ignore[attr-defined]


def test_eval_sends_concurrent_requests(remote: Assistant, tmp_path: Path) -> None:
    items = read_eval_set(ROOT / "eval" / "sitiv.jsonl")[:4]
    options = runner.EvalOptions(k=3, concurrency=3)
    report = runner.run(remote, items, tmp_path, options)
    assert report["counts"]["errors"] == 0
    assert len(report["items"]) == 4 and all(r["status"] == "ok" for r in report["items"])
    assert report["metrics"]["retrieval_recall_at_k"] is not None
