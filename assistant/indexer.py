"""Ingestion: files → documents → chunks → vectors → a new index version, reusing unchanged vectors.

The index reflects the ingested paths: new and changed files are (re)embedded, files gone from the
folder are dropped, and a file that fails to read keeps its previous chunks (nothing indexed is lost).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import index as index_store
from .documents import Chunk, Document
from .embed import Embedder
from .errors import BadInput, IndexCorrupt, IndexMissing
from .ingest import FileError, discover, iter_documents
from .ingest.chunking import ChunkerSettings, chunk_document


@dataclass
class IngestReport:
    indexed: list[str] = field(default_factory=list)
    reused_chunks: int = 0
    embedded_chunks: int = 0
    removed: list[str] = field(default_factory=list)
    kept_previous: list[str] = field(default_factory=list)
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


def _previous(
    index_dir: Path, embedder: Embedder, chunker: ChunkerSettings, rebuild: bool
) -> index_store.IndexData | None:
    if rebuild:
        return None
    try:
        data = index_store.load(index_dir)
    except IndexMissing:
        return None
    except IndexCorrupt as exc:
        raise IndexCorrupt(f"{exc} (l'index existant n'a pas été modifié)") from None
    index_store.check_compatible(data.manifest, embedder_info(embedder), chunker_info(chunker), index_dir)
    return data


Progress = Callable[[str, int, int], None]  # (stage, done, total), for the UI's progress bar


def ingest(
    paths: Sequence[Path],
    index_dir: Path,
    embedder: Embedder,
    chunker: ChunkerSettings,
    rebuild: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    started = time.perf_counter()
    report_progress = progress or (lambda stage, done, total: None)
    report = IngestReport()
    with index_store.write_lock(index_dir):
        previous = _previous(index_dir, embedder, chunker, rebuild)
        files, errors, report.skipped = discover(paths)
        report.errors.extend(errors)
        documents: dict[str, Document] = {}
        bar = _progress(len(files), "lecture")
        for n, (doc_id, document, reason, warnings) in enumerate(iter_documents(files), 1):
            bar.update(1)
            report_progress("lecture", n, len(files))
            report.warnings.extend(warnings)
            if document is None:
                report.errors.append(FileError(doc_id, reason))
                if previous and doc_id in previous.documents:
                    documents[doc_id] = previous.documents[doc_id]
                    report.kept_previous.append(doc_id)
            else:
                documents[doc_id] = document
                report.indexed.append(doc_id)
        bar.close()
        if not documents:
            raise BadInput(
                "aucun document lisible dans "
                + ", ".join(str(p) for p in paths)
                + (" : " + "; ".join(e.reason for e in report.errors[:5]) if report.errors else "")
                + " — l'index existant n'a pas été modifié"
            )
        if previous:
            report.removed = sorted(set(previous.documents) - set(documents))
        chunks: list[Chunk] = [c for doc in documents.values() for c in chunk_document(doc, chunker)]
        old_rows = previous.row_of if previous else {}
        vectors = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
        todo = [i for i, c in enumerate(chunks) if c.chunk_id not in old_rows]
        for i, c in enumerate(chunks):
            if c.chunk_id in old_rows and previous is not None:
                vectors[i] = previous.vectors[old_rows[c.chunk_id]]
        report.reused_chunks = len(chunks) - len(todo)
        report.embedded_chunks = len(todo)
        if todo:
            bar = _progress(len(todo), "embedding")
            done = [0]

            def advance(n: int) -> None:
                bar.update(n)
                done[0] += n
                report_progress("embedding", done[0], len(todo))

            vectors[todo] = embedder.encode_documents([chunks[i].text for i in todo], progress=advance)
            bar.close()
        manifest = index_store.make_manifest(embedder_info(embedder), chunker_info(chunker), documents, len(chunks))
        data = index_store.IndexData(manifest=manifest, chunks=chunks, documents=documents, vectors=vectors)
        report.version = index_store.save(index_dir, data).name
    report.chunks = len(chunks)
    report.seconds = round(time.perf_counter() - started, 2)
    return report
