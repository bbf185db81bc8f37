"""Metadata carried by the text itself: title, author, publication date, source URL."""

from __future__ import annotations

import re

from ..text import shorten

MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "février": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "août": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
    "décembre": 12,
}
_DATE = re.compile(r"\b(1er|[0-3]?\d)\s+(" + "|".join(MONTHS) + r")\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_PUBLISHED = re.compile(r"date de (?:mise en ligne|publication)\s*:\s*(.+)", re.IGNORECASE)
_AUTHOR = re.compile(r"(?:rédigé par|publié par|auteur\s*:|par)\s+([A-ZÀ-Ý][\w'’-]+(?:\s+[A-ZÀ-Ý][\w'’-]+){0,3})")
_BLOG_OWNER = re.compile(r"Copyright ©.*?\bde ([A-ZÀ-Ý][\w'’-]+(?:[ -][A-ZÀ-Ý][\w'’-]+){1,3})")
_URL = re.compile(r"^<?(https?://[^\s<>]+?)>?$")
_HEAD_LINES = 12


def parse_french_date(text: str) -> str | None:
    """« mardi 20 janvier 2015 » → 2015-01-20; None when no full date is found."""
    match = _DATE.search(text)
    if not match:
        return None
    day = 1 if match.group(1).lower() == "1er" else int(match.group(1))
    month = MONTHS[match.group(2).lower()]
    if not 1 <= day <= 31:
        return None
    return f"{match.group(3)}-{month:02d}-{day:02d}"


def extract_metadata(text: str, known: dict[str, str] | None = None, stem: str = "") -> dict[str, str]:
    """Metadata found in the cleaned text; values the loader already knew (HTML <meta>) win. Every document
    gets a title: cards and « Documents utilisés » show it, and a file name such as `004_39514ed6.txt` tells
    staff nothing."""
    meta: dict[str, str] = {}
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    head = lines[:_HEAD_LINES]
    for line in [*head, *lines[-3:]]:
        url = _URL.match(line)
        if url:
            meta.setdefault("url", url.group(1))
    date_line = None
    for i, line in enumerate(head):
        published = _PUBLISHED.search(line)
        date = parse_french_date(published.group(1) if published else line) if len(line) < 200 else None
        if date:
            meta["date"] = date
            date_line = i
            author = _AUTHOR.search(line)
            if author:
                meta["author"] = author.group(1)
            break
    if "author" not in meta:
        for line in [*head, *lines[-3:]]:
            owner = _BLOG_OWNER.search(re.sub(r"\s+Page\s+\d+/\d+$", "", line))
            if owner:
                meta["author"] = owner.group(1)
                break
    title = _title_before(head, date_line) if date_line is not None else None
    if title:
        meta["title"] = title
    meta.update({k: v for k, v in (known or {}).items() if v})
    if not meta.get("title"):
        meta["title"] = fallback_title(text, stem)
    return meta


_TITLE_CHARS = 80


def fallback_title(text: str, stem: str = "") -> str:
    """The first line that reads as words (a heading or the opening words), cleaned and cut at a word; the
    file's stem only when the text has no such line."""
    for raw in text.split("\n"):
        line = re.sub(r"^[#>*•\-–\s]+", "", raw).strip()
        line = " ".join(line.split())
        if _URL.match(line) or sum(ch.isalpha() for ch in line) < 4:
            continue
        line = shorten(line, _TITLE_CHARS) if len(line) > _TITLE_CHARS else line.rstrip(" ,;:")
        return line[:1].upper() + line[1:]
    return re.sub(r"[_\s]+", " ", stem).strip() or "Document sans titre"


def _title_before(head: list[str], date_line: int) -> str | None:
    """The title is the short line just above the date, skipping a category such as « - Numérique - »."""
    for line in reversed(head[:date_line]):
        if _URL.match(line) or re.fullmatch(r"-\s.*\s-", line):
            continue
        if len(line) <= 150 and line[:1].isupper():
            return line.rstrip(" .…")
        return None
    return None
