"""The on-disk index: FAISS vectors + chunk store + documents + manifest, saved atomically.

Layout of an index folder:
    current -> v-20261122T213000-ab12cd   (a symlink, swapped atomically by rename)
    v-…/manifest.json  chunks.jsonl  documents.jsonl  vectors.faiss
A write builds a new version folder beside the live one, fsyncs it, then renames a new `current` link over
the old; a crash at any moment leaves the previous version loadable. Old versions are removed afterwards.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..documents import Chunk, Document
from ..errors import IndexBusy, IndexCorrupt, IndexMismatch, IndexMissing
from ..hashing import file_sha256

FORMAT = "assistant-index v1"
FILES = ("chunks.jsonl", "documents.jsonl", "vectors.faiss")
REBUILD_HINT = "relancez `assistant ingest --rebuild`"


@dataclass
class IndexData:
    """Everything an index holds in memory; rows of `vectors` follow `chunks`."""

    manifest: dict[str, Any]
    chunks: list[Chunk]
    documents: dict[str, Document]
    vectors: np.ndarray
    faiss_index: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.faiss_index is None:
            self.faiss_index = build_faiss(self.vectors)
        self.row_of = {c.chunk_id: i for i, c in enumerate(self.chunks)}


# Index type by corpus size, from bench/retrieval_scale.py (table in bench/README.md): exact search stays under
# ~10 ms up to 50k chunks; beyond, HNSW keeps recall@10 ≥ 0.95 against exact search at a fraction of its latency.
HNSW_FROM = 50_000
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 80, 128


def faiss_kind(n: int) -> str:
    return "IndexFlatIP" if n < HNSW_FROM else f"IndexHNSWFlat(M={HNSW_M})"


def build_faiss(vectors: np.ndarray, kind: str | None = None) -> Any:
    import faiss

    dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else 1
    kind = kind or faiss_kind(len(vectors))
    if kind.startswith("IndexHNSWFlat"):
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def dense_search(index: Any, query_vec: np.ndarray, n: int) -> list[tuple[int, float]]:
    """(row, inner product) of the n nearest chunks, best first, through the FAISS index (exact or HNSW)."""
    if index.ntotal == 0:
        return []
    if hasattr(index, "hnsw"):
        index.hnsw.efSearch = max(HNSW_EF_SEARCH, n)
    scores, rows = index.search(np.asarray(query_vec, dtype=np.float32).reshape(1, -1), min(n, index.ntotal))
    return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]


def make_manifest(
    embedder: dict[str, Any], chunker: dict[str, Any], documents: dict[str, Document], chunk_count: int
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "embedder": embedder,
        "chunker": chunker,
        "faiss": faiss_kind(chunk_count),
        "files": {doc: d.source_sha256 for doc, d in sorted(documents.items())},
        "chunks": chunk_count,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def check_compatible(manifest: dict[str, Any], embedder: dict[str, Any], chunker: dict[str, Any], where: Path) -> None:
    """Refuse to mix vectors of another embedder or chunks cut with other settings."""
    if manifest.get("embedder") != embedder:
        raise IndexMismatch(
            f"{where} : index construit avec un autre modèle d'embedding ({manifest.get('embedder')}) "
            f"que celui demandé ({embedder}) ; {REBUILD_HINT}, ou choisissez le même modèle"
        )
    if manifest.get("chunker") != chunker:
        raise IndexMismatch(
            f"{where} : index découpé avec d'autres réglages ({manifest.get('chunker')}) "
            f"que ceux demandés ({chunker}) ; {REBUILD_HINT}"
        )


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    with path.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def save(index_dir: Path, data: IndexData) -> Path:
    """Write a new version and switch `current` to it atomically; return the version folder."""
    import faiss

    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    version = index_dir / f"v-{stamp}-{uuid.uuid4().hex[:6]}"
    tmp = index_dir / f".tmp-{version.name}"
    tmp.mkdir()
    try:
        _write_file(
            tmp / "chunks.jsonl",
            "".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in data.chunks).encode(),
        )
        _write_file(
            tmp / "documents.jsonl",
            "".join(
                json.dumps(
                    {"doc": d.doc, "metadata": d.metadata, "source_sha256": d.source_sha256, "text": d.text},
                    ensure_ascii=False,
                )
                + "\n"
                for d in data.documents.values()
            ).encode(),
        )
        _write_file(tmp / "vectors.faiss", faiss.serialize_index(data.faiss_index).tobytes())
        manifest = dict(data.manifest, checksums={name: file_sha256(tmp / name) for name in FILES})
        _write_file(tmp / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode())
        _fsync_dir(tmp)
        tmp.rename(version)
        link_tmp = index_dir / f".current-{uuid.uuid4().hex[:6]}"
        link_tmp.symlink_to(version.name)
        os.replace(link_tmp, index_dir / "current")  # the atomic switch
        _fsync_dir(index_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    data.manifest = manifest
    _remove_stale(index_dir, keep=version.name)
    return version


def _remove_stale(index_dir: Path, keep: str) -> None:
    """Old versions and leftovers of interrupted writes; never the live one."""
    for entry in index_dir.iterdir():
        if entry.name in (keep, "current", ".lock"):
            continue
        if entry.name.startswith(("v-", ".tmp-", ".current-")):
            if entry.is_symlink() or entry.is_file():
                entry.unlink(missing_ok=True)
            else:
                shutil.rmtree(entry, ignore_errors=True)


def live_version(index_dir: Path) -> Path:
    link = index_dir / "current"
    if not link.exists():
        raise IndexMissing(f"aucun index dans {index_dir} : lancez d'abord `assistant ingest --index {index_dir}`")
    return link.resolve()


def read_manifest(index_dir: Path) -> dict[str, Any]:
    path = live_version(index_dir) / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise IndexCorrupt(f"{path} : manifeste illisible ({exc}) ; {REBUILD_HINT}") from None
    if manifest.get("format") != FORMAT:
        raise IndexCorrupt(f"{path} : format {manifest.get('format')!r} inconnu (attendu {FORMAT!r}) ; {REBUILD_HINT}")
    return manifest


def load(index_dir: Path, verify_checksums: bool = True) -> IndexData:
    """Load the live version; a file that disagrees with the manifest is reported, never half-loaded."""
    import faiss

    manifest = read_manifest(index_dir)
    version = live_version(index_dir)
    for name in FILES:
        path = version / name
        if not path.is_file():
            raise IndexCorrupt(f"{path} : fichier d'index manquant ; {REBUILD_HINT}")
        if verify_checksums and manifest.get("checksums", {}).get(name) != file_sha256(path):
            raise IndexCorrupt(f"{path} : fichier d'index corrompu ou tronqué (somme de contrôle) ; {REBUILD_HINT}")
    try:
        chunks = [
            Chunk.from_dict(json.loads(line))
            for line in (version / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
            if line
        ]
        documents = {}
        for line in (version / "documents.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            documents[row["doc"]] = Document(
                doc=row["doc"], text=row["text"], metadata=row["metadata"], source_sha256=row["source_sha256"]
            )
        faiss_index = faiss.deserialize_index(np.fromfile(version / "vectors.faiss", dtype=np.uint8))
        vectors = (
            faiss_index.reconstruct_n(0, faiss_index.ntotal)
            if faiss_index.ntotal
            else np.zeros((0, manifest["embedder"]["dim"]), dtype=np.float32)
        )
    except (ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexCorrupt(f"{version} : index illisible ({exc}) ; {REBUILD_HINT}") from None
    if len(chunks) != faiss_index.ntotal or len(chunks) != manifest.get("chunks"):
        raise IndexCorrupt(f"{version} : {len(chunks)} passages pour {faiss_index.ntotal} vecteurs ; {REBUILD_HINT}")
    return IndexData(manifest=manifest, chunks=chunks, documents=documents, vectors=vectors, faiss_index=faiss_index)


@contextlib.contextmanager
def write_lock(index_dir: Path, timeout_s: float = 600.0) -> Iterator[None]:
    """One writer at a time per index folder; readers never need it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("w") as fh:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IndexBusy(
                        f"{index_dir} : un autre processus écrit l'index depuis {timeout_s:.0f} s (verrou .lock) : "
                        "attendez la fin de cette indexation puis relancez"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
