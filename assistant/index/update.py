"""Ingestion: files → documents → chunks → vectors → a new index version, reusing unchanged vectors.

The index reflects the ingested paths: new and changed files are (re)embedded, files gone from the
folder are dropped, and a file that fails to read keeps its previous chunks (nothing indexed is lost).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ..documents import Chunk, Document
from ..errors import IndexCorrupt, IndexMissing, NothingReadable
from ..ingest import FileError, discover, iter_documents
from ..ingest.chunking import ChunkerSettings, chunk_document
from ..models.base import Embedder
from . import store as index_store
from .catalog import ADDED


@dataclass
class IngestReport:
    indexed: list[str] = field(default_factory=list)
    reused_chunks: int = 0
    embedded_chunks: int = 0
    removed: list[str] = field(default_factory=list)
    kept_previous: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # same bytes as in the live index: not parsed again
    errors: list[FileError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0
    version: str = ""

    def to_json(self) -> dict[str, object]:
        return {k: ([e.__dict__ for e in v] if k == "errors" else v) for k, v in self.__dict__.items()}


def embedder_info(embedder: Embedder) -> dict[str, object]:
    return {"name": embedder.name, "dim": int(embedder.dim)}


def chunker_info(settings: ChunkerSettings) -> dict[str, object]:
    return {
        "max_chars": settings.max_chars,
        "overlap_chars": settings.overlap_chars,
        "min_chars": settings.min_chars,
        "version": 2,
    }


def _progress(total: int, desc: str):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="", disable=not sys.stderr.isatty(), file=sys.stderr, leave=False)


EmbedderSource = Embedder | Callable[[], Embedder]


def _previous(
    index_dir: Path, embedder_name: str, chunker: ChunkerSettings, rebuild: bool
) -> index_store.IndexData | None:
    """The live index, checked against the embedder name and the chunker before any model is loaded."""
    if rebuild:
        return None
    try:
        data = index_store.load(index_dir)
    except IndexMissing:
        return None
    except IndexCorrupt as exc:
        raise IndexCorrupt(f"{exc} (l'index existant n'a pas été modifié)") from None
    expected = {"name": embedder_name, "dim": data.manifest.get("embedder", {}).get("dim")}
    index_store.check_compatible(data.manifest, expected, chunker_info(chunker), index_dir)
    return data


Progress = Callable[[str, int, int], None]  # (stage, done, total), for the UI's progress bar


def ingest(
    paths: Sequence[Path],
    index_dir: Path,
    embedder: EmbedderSource,
    chunker: ChunkerSettings,
    rebuild: bool = False,
    progress: Progress | None = None,
    embedder_name: str | None = None,
) -> IngestReport:
    """`embedder` may be a factory: with `embedder_name` given, an ingest with nothing new to embed never loads
    the model (re-ingesting an unchanged corpus takes about a second)."""
    started = time.perf_counter()
    report = IngestReport()
    report_progress = progress or (lambda stage, done, total: None)
    if callable(embedder) and not hasattr(embedder, "encode_documents"):
        factory = embedder
    else:
        loaded_embedder = embedder
        factory = lambda: loaded_embedder  # noqa: E731
        embedder_name = embedder_name or loaded_embedder.name  # type: ignore[union-attr]
    if embedder_name is None:
        embedder_name = factory().name
    with index_store.write_lock(index_dir):
        previous = _previous(index_dir, embedder_name, chunker, rebuild)
        files, errors, report.skipped = discover(paths)
        report.errors.extend(errors)
        documents: dict[str, Document] = {}
        unchanged: set[str] = set()
        bar = _progress(len(files), "lecture")
        known = previous.documents if previous else {}
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for n, (doc_id, document, reason, warnings, same) in enumerate(iter_documents(files, known), 1):
            bar.update(1)
            report_progress("lecture", n, len(files))
            report.warnings.extend(warnings)
            if document is None:
                report.errors.append(FileError(doc_id, reason))
                if previous and doc_id in previous.documents:
                    documents[doc_id] = previous.documents[doc_id]
                    report.kept_previous.append(doc_id)
                    unchanged.add(doc_id)
            else:
                if not same:
                    document = replace(document, metadata={**document.metadata, ADDED: now})
                documents[doc_id] = document
                (report.unchanged if same else report.indexed).append(doc_id)
                if same:
                    unchanged.add(doc_id)
        bar.close()
        if not documents:
            raise NothingReadable(
                "aucun document lisible dans "
                + ", ".join(str(p) for p in paths)
                + (" : " + "; ".join(e.reason for e in report.errors[:5]) if report.errors else "")
                + (" — l'index existant n'a pas été modifié" if previous else " — aucun index n'a été créé"),
                report.errors,
                kept_index=previous is not None,
            )
        if previous:
            report.removed = sorted(set(previous.documents) - set(documents))
        retitled = {d for d in unchanged if previous and d in previous.documents
                     and documents[d].metadata.get("title") != previous.documents[d].metadata.get("title")}
        if previous and not report.indexed and not report.removed and not retitled:
            # Nothing new, changed or deleted: the live index stays as it is (no new version written).
            report.chunks = len(previous.chunks)
            report.reused_chunks = len(previous.chunks)
            report.version = index_store.live_version(index_dir).name
            report.seconds = round(time.perf_counter() - started, 2)
            return report
        old_chunks: dict[str, list[Chunk]] = {}
        for c in previous.chunks if previous else []:
            old_chunks.setdefault(c.doc, []).append(c)
        chunks: list[Chunk] = []
        for doc_id, doc in documents.items():
            reuse = doc_id in unchanged and doc_id in old_chunks
            if reuse and doc_id in retitled:
                title = doc.metadata["title"]
                chunks.extend(replace(c, metadata={**c.metadata, "title": title}) for c in old_chunks[doc_id])
            else:
                chunks.extend(old_chunks[doc_id] if reuse else chunk_document(doc, chunker))
        old_rows = previous.row_of if previous else {}
        todo = [i for i, c in enumerate(chunks) if c.chunk_id not in old_rows]
        model = factory() if todo or previous is None else None
        dim = model.dim if model is not None else int(previous.vectors.shape[1])  # type: ignore[union-attr]
        if model is not None and previous is not None:
            index_store.check_compatible(previous.manifest, embedder_info(model), chunker_info(chunker), index_dir)
        vectors = np.zeros((len(chunks), dim), dtype=np.float32)
        for i, c in enumerate(chunks):
            if c.chunk_id in old_rows and previous is not None:
                vectors[i] = previous.vectors[old_rows[c.chunk_id]]
        report.reused_chunks = len(chunks) - len(todo)
        report.embedded_chunks = len(todo)
        if todo and model is not None:
            bar = _progress(len(todo), "embedding")
            done = [0]

            def advance(n: int) -> None:
                bar.update(n)
                done[0] += n
                report_progress("embedding", done[0], len(todo))

            vectors[todo] = model.encode_documents([chunks[i].text for i in todo], progress=advance)
            bar.close()
        info = embedder_info(model) if model is not None else dict(previous.manifest["embedder"])  # type: ignore[union-attr]
        manifest = index_store.make_manifest(info, chunker_info(chunker), documents, len(chunks))
        data = index_store.IndexData(manifest=manifest, chunks=chunks, documents=documents, vectors=vectors)
        report.version = index_store.save(index_dir, data).name
    report.chunks = len(chunks)
    report.seconds = round(time.perf_counter() - started, 2)
    return report
