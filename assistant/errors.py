"""Errors the library raises; only the CLI and the UI turn them into messages for people."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: its message is French, names the file or field at fault and says what to do."""


class BadInput(AssistantError):
    """A file, a question or a setting the user supplied cannot be used."""


class NothingReadable(BadInput):
    """No file of an ingest could be read; `errors` holds each file's reason (the UI lists them)."""

    def __init__(self, message: str, errors: list | None = None, kept_index: bool = False) -> None:  # type: ignore[type-arg]
        super().__init__(message)
        self.errors = errors or []
        self.kept_index = kept_index  # an index existed before, and is left as it was


class IndexMissing(AssistantError):
    """No index where one was expected."""


class IndexMismatch(AssistantError):
    """The index was built with another embedder or other settings: refuse rather than mix."""


class IndexCorrupt(AssistantError):
    """An index file is unreadable or disagrees with its manifest."""


class ModelFileMissing(AssistantError):
    """A model path or packaged model is not on disk."""


class DependencyMissing(AssistantError):
    """An optional heavy dependency is not installed."""


class IndexBusy(AssistantError):
    """Another process holds the index's write lock for too long."""


class ServerUnavailable(AssistantError):
    """The OpenAI-compatible server cannot be reached or answered with an error."""
