"""Chunking on sentence and paragraph boundaries, with a size limit and an overlap, keeping offsets."""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass

from ..documents import Chunk, Document
from ..errors import BadInput
from ..text import split_sentences


@dataclass(frozen=True)
class ChunkerSettings:
    max_chars: int = 900
    overlap_chars: int = 150
    min_chars: int = 200

    def __post_init__(self) -> None:
        if self.max_chars < 100:
            raise BadInput(f"chunk_max_chars doit valoir au moins 100 (reçu : {self.max_chars})")
        if not 0 <= self.overlap_chars < self.max_chars // 2:
            raise BadInput(
                f"chunk_overlap_chars doit être entre 0 et chunk_max_chars/2 (reçu : {self.overlap_chars})"
            )


def _units(text: str, max_chars: int) -> list[tuple[int, int, bool]]:
    """Sentence spans (start, end, starts_paragraph); an over-long sentence is cut at word boundaries."""
    units: list[tuple[int, int, bool]] = []
    previous_end = 0
    for start, end in split_sentences(text):
        new_paragraph = "\n\n" in text[previous_end:start] or not units
        previous_end = end
        while end - start > max_chars:
            cut = text.rfind(" ", start, start + max_chars)
            cut = cut if cut > start else start + max_chars
            units.append((start, cut, new_paragraph))
            new_paragraph = False
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if end > start:
            units.append((start, end, new_paragraph))
    return units


def chunk_document(document: Document, settings: ChunkerSettings) -> list[Chunk]:
    """Pack whole sentences into chunks; close a chunk early at a paragraph end once it is big enough.

    Each chunk starts with the last sentences of the previous one (up to `overlap_chars`), so a fact
    that straddles a boundary is still found whole in one chunk.
    """
    text = document.text
    units = _units(text, settings.max_chars)
    chunks: list[Chunk] = []
    i = fresh = 0  # fresh: first sentence not already in the previous chunk
    while i < len(units):
        while i < fresh and units[fresh][1] - units[i][0] > settings.max_chars:
            i += 1  # the overlap shrinks rather than the chunk overflowing
        j = max(i, fresh)
        start = units[i][0]
        while j + 1 < len(units) and units[j + 1][1] - start <= settings.max_chars:
            if units[j + 1][2] and units[j][1] - units[fresh][0] >= settings.min_chars * 2:
                break
            j += 1
        if j + 1 < len(units) and units[-1][1] - units[j + 1][0] < settings.min_chars:
            j = len(units) - 1  # a tiny tail joins this chunk rather than standing alone
        end = units[j][1]
        chunks.append(_make_chunk(document, start, end))
        if j + 1 >= len(units):
            break
        i, fresh = _next_start(units, i, j, settings), j + 1
    return chunks


def _next_start(units: list[tuple[int, int, bool]], i: int, j: int, settings: ChunkerSettings) -> int:
    """First unit of the next chunk: step back over the sentences that fit in the overlap.

    The last sentence is always carried over when it is shorter than half a chunk, even if longer than
    `overlap_chars`: French speeches have long sentences, and a context sentence (« nous avons validé le
    déménagement… ») must stay beside the one that answers (« Nous emménagerons à la rentrée 2015 »).
    """
    if settings.overlap_chars == 0:
        return j + 1
    k = j + 1
    if k - 1 > i and units[j][1] - units[j][0] <= settings.max_chars // 2:
        k -= 1
    while k - 1 > i and units[j][1] - units[k - 1][0] <= settings.overlap_chars:
        k -= 1
    return k


def _make_chunk(document: Document, start: int, end: int) -> Chunk:
    body = document.text[start:end]
    digest = hashlib.sha256(f"{document.doc}\0{start}\0{end}\0{body}".encode()).hexdigest()[:16]
    metadata = {k: v for k, v in document.metadata.items() if k != PAGE_STARTS}
    if document.metadata.get(PAGE_STARTS):
        metadata["page"] = page_label(document.metadata[PAGE_STARTS], start, end)
    return Chunk(chunk_id=digest, doc=document.doc, start=start, end=end, text=body, metadata=metadata)


PAGE_STARTS = "page_starts"  # document metadata: comma-separated offsets where each page starts


def page_label(page_starts: str, start: int, end: int) -> str:
    """« 3 » or « 3-4 » (1-based) for the span [start, end)."""
    starts = [int(x) for x in page_starts.split(",")]
    first = bisect.bisect_right(starts, start)
    last = bisect.bisect_right(starts, max(start, end - 1))
    return str(first) if first == last else f"{first}-{last}"
