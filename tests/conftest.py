"""Real packaged models, loaded once per session (fast profile: Qwen2.5-Coder-0.5B + EmbeddingGemma)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings, load_settings
from assistant.pipeline.assistant import Assistant
from assistant.pipeline.factory import build_assistant

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("work")
    return load_settings(
        env={},
        profile="fast",
        index_dir=root / "index",
        collections_dir=root / "collections",
        feedback_path=root / "feedback" / "feedback.jsonl",
        history_path=root / "conversations" / "conversations.sqlite",
        memo_path=root / "cache" / "outputs.sqlite",
    )


@pytest.fixture(scope="session")
def assistant(settings: Settings) -> Assistant:
    a = build_assistant(settings)
    a.ingest([CORPUS])
    return a
