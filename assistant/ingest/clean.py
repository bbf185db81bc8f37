"""Cleaning: mojibake repair (ftfy), de-hyphenation, unwrapping of hard-wrapped lines, page furniture."""

from __future__ import annotations

import re
from collections import Counter

import ftfy

_LIST_ITEM = re.compile(r"^\s*(?:[-*•–]\s|\d+[.)]\s)")
_BROKEN_ELLIPSIS = re.compile(r"â€(?:[^\w\s]|l(?=\s))?")
_HYPHEN_BREAK = re.compile(r"(\w)-\n(?=[a-zà-ÿ])")


def clean_text(raw: str) -> str:
    """The cleaned text that offsets, chunks and citations refer to."""
    return _unwrap(_drop_page_furniture(_lines(raw)))


def clean_pages(pages: list[str]) -> tuple[str, list[int]]:
    """Paginated text: cleaned as one document (furniture counted over every page) but unwrapped page by page,
    so that each page starts a paragraph; returns the text and the offset where each page starts."""
    per_page = [_lines(p) for p in pages]
    flat = _drop_page_furniture([line for lines in per_page for line in lines])
    kept = set(flat)
    text, starts = "", []
    for lines in per_page:
        body = _unwrap([ln for ln in lines if not ln or ln in kept])
        if text and body.strip():
            text += "\n"  # a blank line between pages: a paragraph never spans two pages
        starts.append(len(text))
        text += body if body.strip() else ""
    return text, starts


def _lines(raw: str) -> list[str]:
    text = ftfy.fix_text(raw, normalization="NFC")
    # ftfy cannot decode a cp1252 "…" whose last byte was lost or altered (« rigueurâ€l », « ouvrageâ€! »):
    # the two surviving characters only ever start a typographic sign, and in this corpus it is always "…".
    text = _BROKEN_ELLIPSIS.sub("…", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00ad", "").replace("\u00a0", " ")
    text = text.replace("\t", " ")
    text = _HYPHEN_BREAK.sub(r"\1", text)
    return [line.strip() for line in text.split("\n")]


def _drop_page_furniture(lines: list[str]) -> list[str]:
    """Short lines repeated three times or more (page headers/footers, « Page 2/4 ») are not content."""

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.lower())

    counts = Counter(key(line) for line in lines if 0 < len(line) < 120)
    repeated = {k for k, n in counts.items() if n >= 3 and re.search(r"\w", k)}
    return [line for line in lines if not (line and key(line) in repeated)]


def _unwrap(lines: list[str]) -> str:
    """Join lines of a paragraph with a space; blank lines separate paragraphs; list items keep their line."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if current and _LIST_ITEM.match(line):
            paragraphs.append(" ".join(current))
            current = []
        current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(re.sub(r" {2,}", " ", p) for p in paragraphs) + "\n"
