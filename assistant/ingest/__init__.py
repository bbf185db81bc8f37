"""Files → cleaned documents: walks the paths, loads each file by suffix, cleans it, reads its metadata.

One bad file never stops the others: it becomes a FileError in the report.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ..documents import Document
from ..errors import AssistantError, BadInput
from ..hashing import file_sha256
from .chunking import PAGE_STARTS
from .clean import clean_pages, clean_text
from .loaders import LOADERS, load_file
from .metadata import extract_metadata, fallback_title


@dataclass(frozen=True)
class FileError:
    path: str
    reason: str


def discover(paths: Iterable[Path]) -> tuple[list[tuple[Path, str]], list[FileError], list[str]]:
    """(file, doc id) pairs to read; a folder is read recursively and ids are relative to it. A symbolic link
    that leads out of the folder (or nowhere) is refused: ingesting `corpus/` must never read /etc."""
    found: list[tuple[Path, str]] = []
    errors: list[FileError] = []
    skipped: list[str] = []
    for path in paths:
        if not path.exists():
            errors.append(FileError(str(path), "chemin introuvable"))
        elif path.is_dir():
            root = path.resolve()
            for file in sorted(path.rglob("*")):
                rel_parts = file.relative_to(path).parts
                if any(part.startswith(".") for part in rel_parts):
                    continue
                rel = file.relative_to(path).as_posix()
                if file.is_symlink():
                    try:
                        target = file.resolve(strict=True)
                    except (OSError, RuntimeError):
                        errors.append(FileError(rel, "lien symbolique cassé ou en boucle : ignoré"))
                        continue
                    if not target.is_relative_to(root):
                        errors.append(FileError(rel, f"lien symbolique vers {target}, hors du dossier : refusé"))
                        continue
                if not file.is_file():
                    continue
                if file.suffix.lower() in LOADERS:
                    found.append((file, rel))
                else:
                    skipped.append(rel)
        else:
            found.append((path, path.name))
    return found, errors, skipped


def read_failure(exc: OSError) -> str:
    """In French: the system's own message is English (« Permission denied »)."""
    if isinstance(exc, PermissionError):
        return "lecture impossible (droits insuffisants sur le fichier)"
    if isinstance(exc, FileNotFoundError):
        return "lecture impossible (le fichier a disparu pendant la lecture)"
    return "lecture impossible (erreur du système de fichiers)"


def read_document(path: Path, doc_id: str) -> tuple[Document, list[str]]:
    try:
        loaded = load_file(path)  # checks type and size before reading the bytes
    except OSError as exc:
        raise BadInput(f"{path} : {read_failure(exc)}") from exc
    page_starts: list[int] = []
    if loaded.pages and len(loaded.pages) > 1:
        text, page_starts = clean_pages(loaded.pages)
    else:
        text = clean_text(loaded.text)
    if not text.strip():
        raise BadInput(f"{path} : aucun texte après nettoyage")
    metadata = extract_metadata(text, loaded.metadata, path.stem)
    if page_starts:
        metadata[PAGE_STARTS] = ",".join(map(str, page_starts))
    return Document(doc=doc_id, text=text, metadata=metadata, source_sha256=loaded.sha256), loaded.warnings


def with_title(document: Document, stem: str) -> Document:
    """A document indexed before every document had a title gets one (same text: nothing re-embedded)."""
    if document.metadata.get("title"):
        return document
    return replace(document, metadata={**document.metadata, "title": fallback_title(document.text, stem)})


def iter_documents(
    files: list[tuple[Path, str]], known: dict[str, Document] | None = None
) -> Iterator[tuple[str, Document | None, str, list[str], bool]]:
    """Yield (doc id, document or None, error reason, warnings, unchanged) file by file. A file whose bytes hash
    to the `known` document's is not parsed again: its previous document is yielded with unchanged=True."""
    known = known or {}
    for path, doc_id in files:
        previous = known.get(doc_id)
        try:
            if previous is not None and previous.source_sha256 == file_sha256(path):
                yield doc_id, with_title(previous, path.stem), "", [], True
                continue
            document, warnings = read_document(path, doc_id)
        except OSError as exc:
            yield doc_id, None, f"{path} : {read_failure(exc)}", [], False
        except AssistantError as exc:
            yield doc_id, None, str(exc), [], False
        except Exception as exc:
            yield doc_id, None, f"{path} : fichier illisible (erreur inattendue {type(exc).__name__})", [], False
        else:
            yield doc_id, document, "", warnings, False
