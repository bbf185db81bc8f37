import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.errors import BadInput, IndexCorrupt, IndexMismatch, IndexMissing
from assistant.index import store as index_store
from assistant.index.catalog import document_rows, remove_documents
from assistant.index.update import ingest
from assistant.ingest.chunking import ChunkerSettings
from assistant.models.embedders import HashingEmbedder

CHUNKER = ChunkerSettings()


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Le syndicat déménagera en 2015. " * 40, encoding="utf-8")
    (folder / "b.md").write_text("# Budget\n\nLe budget des écoles est voté. " + "Phrase. " * 30, encoding="utf-8")
    return folder


def test_round_trip_and_manifest(tmp_path: Path) -> None:
    folder, ix = _corpus(tmp_path), tmp_path / "ix"
    report = ingest([folder], ix, HashingEmbedder(), CHUNKER)
    data = index_store.load(ix)
    assert report.indexed == ["a.txt", "b.md"] and len(data.chunks) == report.chunks == data.faiss_index.ntotal
    m = data.manifest
    assert m["embedder"] == {"name": "hashing-test", "dim": 256} and m["chunker"]["max_chars"] == 900
    assert set(m["files"]) == {"a.txt", "b.md"} and len(m["files"]["a.txt"]) == 64 and m["created"]
    for c in data.chunks:
        assert data.documents[c.doc].text[c.start : c.end] == c.text


def test_reingest_reuses_vectors_and_tracks_changes(tmp_path: Path) -> None:
    folder, ix = _corpus(tmp_path), tmp_path / "ix"
    first = ingest([folder], ix, HashingEmbedder(), CHUNKER)
    again = ingest([folder], ix, HashingEmbedder(), CHUNKER)
    assert again.embedded_chunks == 0 and again.reused_chunks == first.chunks
    (folder / "b.md").unlink()
    (folder / "a.txt").write_bytes(b"")  # now unreadable: its previous chunks are kept
    third = ingest([folder], ix, HashingEmbedder(), CHUNKER)
    assert third.removed == ["b.md"] and third.kept_previous == ["a.txt"]
    assert set(index_store.load(ix).documents) == {"a.txt"}


def test_mismatch_is_refused(tmp_path: Path) -> None:
    folder, ix = _corpus(tmp_path), tmp_path / "ix"
    ingest([folder], ix, HashingEmbedder(), CHUNKER)
    with pytest.raises(IndexMismatch, match="autre modèle d'embedding"):
        ingest([folder], ix, HashingEmbedder(dim=128, name="other"), CHUNKER)
    with pytest.raises(IndexMismatch, match="autres réglages"):
        ingest([folder], ix, HashingEmbedder(), ChunkerSettings(max_chars=500))
    manifest = index_store.load(ix).manifest
    with pytest.raises(IndexMismatch, match="--rebuild"):
        index_store.check_compatible(manifest, {"name": "other", "dim": 256}, manifest["chunker"], ix)
    report = ingest([folder], ix, HashingEmbedder(dim=128, name="other"), CHUNKER, rebuild=True)
    assert report.embedded_chunks == report.chunks


def test_no_readable_document_keeps_index(tmp_path: Path) -> None:
    folder, ix = _corpus(tmp_path), tmp_path / "ix"
    ingest([folder], ix, HashingEmbedder(), CHUNKER)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "x.txt").write_bytes(b"")
    with pytest.raises(BadInput, match="n'a pas été modifié"):
        ingest([empty], ix, HashingEmbedder(), CHUNKER)
    assert set(index_store.load(ix).documents) == {"a.txt", "b.md"}
    with pytest.raises(IndexMissing, match="assistant ingest"):
        index_store.load(tmp_path / "nothing")


def test_corruption_is_detected(tmp_path: Path) -> None:
    folder, ix = _corpus(tmp_path), tmp_path / "ix"
    ingest([folder], ix, HashingEmbedder(), CHUNKER)
    vectors = index_store.live_version(ix) / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:100])
    with pytest.raises(IndexCorrupt, match="--rebuild"):
        index_store.load(ix)


def test_failed_write_leaves_previous_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, ix = _corpus(tmp_path), tmp_path / "ix"
    ingest([folder], ix, HashingEmbedder(), CHUNKER)
    before = index_store.load(ix).manifest
    (folder / "c.txt").write_text("Nouveau document sur la piscine.", encoding="utf-8")
    calls = {"n": 0}
    real = index_store._write_file

    def failing(path: Path, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disque plein")
        real(path, data)

    monkeypatch.setattr(index_store, "_write_file", failing)
    with pytest.raises(OSError):
        ingest([folder], ix, HashingEmbedder(), CHUNKER)
    after = index_store.load(ix)
    assert after.manifest == before and "c.txt" not in after.documents
    assert [p.name for p in ix.iterdir() if p.name.startswith(".tmp-")] == []


KILL_SCRIPT = """
import sys, time
from pathlib import Path
from assistant.index import store as index_store
from assistant.index.catalog import document_rows, remove_documents
from assistant.models.embedders import HashingEmbedder
from assistant.index.update import ingest
from assistant.ingest.chunking import ChunkerSettings
real = index_store._write_file
def slow(path, data):
    real(path, data[: len(data) // 2])
    print("writing", flush=True)
    time.sleep(30)
index_store._write_file = slow
ingest([Path(sys.argv[1])], Path(sys.argv[2]), HashingEmbedder(), ChunkerSettings())
"""


def test_sigkill_during_write_leaves_previous_index(tmp_path: Path) -> None:
    folder, ix = _corpus(tmp_path), tmp_path / "ix"
    ingest([folder], ix, HashingEmbedder(), CHUNKER)
    before = index_store.load(ix).manifest
    (folder / "c.txt").write_text("Nouveau document sur la piscine.", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(folder), str(ix)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert index_store.load(ix).manifest == before
    report = ingest([folder], ix, HashingEmbedder(), CHUNKER)  # the next write cleans the leftovers
    assert "c.txt" in report.indexed
    assert sorted(p.name for p in ix.iterdir() if not p.name.startswith(".lock")) == ["current", report.version]


def test_every_document_gets_a_title_even_in_an_older_index(tmp_path: Path) -> None:
    folder, ix = _corpus(tmp_path), tmp_path / "ix"
    (folder / "004_39514ed65fd8ad6e.txt").write_text(
        " Merci aux élus, aux directions générales des villes, aux nombreux agents des équipes\n"
        "informatiques. Permettez-moi de nous souhaiter une année de progrès.", encoding="utf-8")
    ingest([folder], ix, HashingEmbedder(), CHUNKER)
    data = index_store.load(ix)
    titles = {d: doc.title for d, doc in data.documents.items()}
    assert titles["b.md"] == "Budget"
    assert titles["a.txt"].startswith("Le syndicat déménagera en 2015.")
    speech = "Merci aux élus, aux directions générales des villes, aux nombreux agents des…"
    assert titles["004_39514ed65fd8ad6e.txt"] == speech  # no heading: the opening words, not the file name
    assert all(c.metadata["title"] == titles[c.doc] for c in data.chunks)
    # An index written before titles existed: its documents and passages get one, nothing is re-embedded.
    stripped = {d: replace(doc, metadata={k: v for k, v in doc.metadata.items() if k != "title"})
                for d, doc in data.documents.items()}
    chunks = [replace(c, metadata={k: v for k, v in c.metadata.items() if k != "title"}) for c in data.chunks]
    index_store.save(ix, index_store.IndexData(data.manifest, chunks, stripped, data.vectors))
    report = ingest([folder], ix, HashingEmbedder(), CHUNKER)
    assert report.embedded_chunks == 0 and not report.indexed
    again = index_store.load(ix)
    assert {d: doc.title for d, doc in again.documents.items()} == titles
    assert all(c.metadata["title"] == titles[c.doc] for c in again.chunks)


def test_documents_are_listed_and_removed_without_reembedding(tmp_path: Path) -> None:
    folder, ix = _corpus(tmp_path), tmp_path / "ix"
    ingest([folder], ix, HashingEmbedder(), CHUNKER)
    rows = document_rows(index_store.load(ix))
    assert [r.title for r in rows] == ["Budget", rows[1].title] and all(r.passages > 0 and r.added for r in rows)
    with pytest.raises(BadInput, match=r"absent.*nope\.txt"):
        remove_documents(ix, ["nope.txt"])
    assert remove_documents(ix, ["a.txt"]) == ["a.txt"]
    data = index_store.load(ix)
    assert list(data.documents) == ["b.md"] and {c.doc for c in data.chunks} == {"b.md"}
    assert data.vectors.shape[0] == len(data.chunks) == data.faiss_index.ntotal
    with pytest.raises(BadInput, match="viderait"):
        remove_documents(ix, ["b.md"])
