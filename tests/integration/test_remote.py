"""The OpenAI-compatible backend against a real server: llama-cpp-python's own server on loopback, serving the
packaged model. Used by ask and eval (with concurrent requests) exactly as the local generator is."""

from __future__ import annotations

import json
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


def serve_model(model: Path, *options: str) -> Iterator[str]:
    """llama-cpp-python's own server on a free loopback port; yields its /v1 URL, stops it after."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
         "--port", str(port), "--n_threads", "2", *options],
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
def server(settings: Settings) -> Iterator[str]:
    yield from serve_model(resolve_generator(settings).path, "--n_ctx", "4096")


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


@pytest.fixture(scope="module")
def embedding_server(settings: Settings) -> Iterator[str]:
    """The server in embedding mode, serving the packaged GGUF (a generation model without pooling: the server
    answers per-token vectors, which the adapter mean-pools)."""
    yield from serve_model(resolve_generator(settings).path, "--n_ctx", "2048", "--embedding", "true")


def test_ingest_and_search_through_an_embeddings_server(settings: Settings, embedding_server: str,
                                                        tmp_path: Path) -> None:
    from assistant.errors import IndexMismatch

    remote_settings = settings.replace(embedder="openai", base_url=embedding_server, index_dir=tmp_path / "idx",
                                       embed_concurrency=3, embed_batch_size=4)
    remote = build_assistant(remote_settings, need_generator=False)
    report = remote.ingest([ROOT / "corpus"])
    assert report.chunks > 20 and not report.errors
    manifest = json.loads(next((tmp_path / "idx").glob("*/manifest.json")).read_text(encoding="utf-8"))
    assert manifest["embedder"]["name"].startswith("openai:") and manifest["embedder"]["dim"] == remote.embedder.dim
    passages = remote.search("Quand le syndicat emménage-t-il dans ses nouveaux locaux ?")
    assert len(passages) == 5
    # The index made by the served model is refused to the packaged embedder, as any other mismatch.
    local = build_assistant(settings.replace(index_dir=tmp_path / "idx"), need_generator=False)
    with pytest.raises(IndexMismatch):
        local.search("Quand le syndicat emménage-t-il ?")
