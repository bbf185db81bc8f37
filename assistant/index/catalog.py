"""What an index holds, a row per document (for `assistant docs list`, `ingest --status` and the chat's
documents view), and the removal of documents from it. Rows are pure; `remove_documents` writes a new index
version atomically, as an ingest does."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import BadInput
from ..ingest.chunking import PAGE_STARTS
from . import store as index_store

ADDED = "added"  # document metadata: when the document entered the index (ISO date-time, UTC)


@dataclass(frozen=True)
class DocumentRow:
    doc: str
    title: str
    date: str
    pages: int | None
    passages: int
    added: str
    ocr: bool
    sha256: str


def document_rows(data: index_store.IndexData) -> list[DocumentRow]:
    per_doc: dict[str, int] = {}
    for c in data.chunks:
        per_doc[c.doc] = per_doc.get(c.doc, 0) + 1
    return [
        DocumentRow(
            doc=doc,
            title=d.title,
            date=d.metadata.get("date", ""),
            pages=len(d.metadata[PAGE_STARTS].split(",")) if d.metadata.get(PAGE_STARTS) else None,
            passages=per_doc.get(doc, 0),
            added=d.metadata.get(ADDED, ""),
            ocr=d.metadata.get("ocr") == "oui",
            sha256=d.source_sha256,
        )
        for doc, d in sorted(data.documents.items(), key=lambda item: item[1].title.lower())
    ]


def remove_documents(index_dir: Path, docs: list[str]) -> list[str]:
    """Drop documents, their passages and vectors from the index (a new version, switched atomically; nothing
    is re-embedded). Unknown names are an error naming them, and nothing is changed."""
    with index_store.write_lock(index_dir):
        data = index_store.load(index_dir)
        unknown = [d for d in docs if d not in data.documents]
        if unknown:
            raise BadInput(f"{index_dir} : document(s) absent(s) de l'index : {', '.join(unknown)} "
                           "(voir `assistant docs list`) — l'index n'a pas été modifié")
        gone = set(docs)
        keep = [i for i, c in enumerate(data.chunks) if c.doc not in gone]
        documents = {k: v for k, v in data.documents.items() if k not in gone}
        if not documents:
            raise BadInput(f"{index_dir} : retirer {', '.join(docs)} viderait l'index : supprimez plutôt la collection "
                           "— l'index n'a pas été modifié")
        chunks = [data.chunks[i] for i in keep]
        manifest = index_store.make_manifest(data.manifest["embedder"], data.manifest["chunker"], documents,
                                             len(chunks))
        index_store.save(index_dir, index_store.IndexData(manifest=manifest, chunks=chunks, documents=documents,
                                                          vectors=data.vectors[keep]))
    return sorted(gone)
