"""Real packaged models, loaded once per session (fast profile: Qwen2.5-Coder-0.5B + EmbeddingGemma)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings, load_settings
from assistant.factory import build_assistant
from assistant.pipeline import Assistant

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(env={}, profile="fast", index_dir=tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="session")
def assistant(settings: Settings) -> Assistant:
    a = build_assistant(settings)
    a.ingest([CORPUS])
    return a
