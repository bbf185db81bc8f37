"""Files → cleaned documents: walks the paths, loads each file by suffix, cleans it, reads its metadata.

One bad file never stops the others: it becomes a FileError in the report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..documents import Document
from ..errors import AssistantError, BadInput
from .clean import clean_text
from .loaders import LOADERS, load_file
from .metadata import extract_metadata


@dataclass(frozen=True)
class FileError:
    path: str
    reason: str


@dataclass
class ReadReport:
    documents: list[Document] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def discover(paths: Iterable[Path]) -> tuple[list[tuple[Path, str]], list[FileError], list[str]]:
    """(file, doc id) pairs to read; a folder is read recursively and ids are relative to it."""
    found: list[tuple[Path, str]] = []
    errors: list[FileError] = []
    skipped: list[str] = []
    for path in paths:
        if not path.exists():
            errors.append(FileError(str(path), "chemin introuvable"))
        elif path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = file.relative_to(path).as_posix()
                if any(part.startswith(".") for part in file.relative_to(path).parts):
                    continue
                if file.suffix.lower() in LOADERS:
                    found.append((file, rel))
                else:
                    skipped.append(rel)
        else:
            found.append((path, path.name))
    return found, errors, skipped


def read_document(path: Path, doc_id: str) -> tuple[Document, list[str]]:
    try:
        data_hash = hashlib.sha256(path.read_bytes()).hexdigest()
        loaded = load_file(path)
    except OSError as exc:
        raise BadInput(f"{path} : lecture impossible ({exc.strerror or exc})") from exc
    text = clean_text(loaded.text)
    if not text.strip():
        raise BadInput(f"{path} : aucun texte après nettoyage")
    metadata = extract_metadata(text, loaded.metadata)
    return Document(doc=doc_id, text=text, metadata=metadata, source_sha256=data_hash), loaded.warnings


def iter_documents(files: list[tuple[Path, str]]) -> Iterator[tuple[str, Document | None, str, list[str]]]:
    """Yield (doc id, document or None, error reason, warnings) file by file, for progress reporting."""
    for path, doc_id in files:
        try:
            document, warnings = read_document(path, doc_id)
        except AssistantError as exc:
            yield doc_id, None, str(exc), []
        else:
            yield doc_id, document, "", warnings
