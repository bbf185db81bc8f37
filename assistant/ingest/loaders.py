"""Loaders by file suffix: each turns a file's bytes into raw text plus the metadata the format carries.

The registry is the seam for formats: register a function for the suffix and ingestion picks it up; PDF, DOCX
and ODT live in office.py.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from ..errors import BadInput

MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass
class Loaded:
    text: str
    metadata: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    pages: list[str] | None = None  # paginated formats (PDF): the text of each page, for « p. 3 » in citations
    sha256: str = ""  # of the bytes the loader read (set by load_file): the file is read once


Loader = Callable[[Path, bytes], Loaded]
LOADERS: dict[str, Loader] = {}


def register(*suffixes: str) -> Callable[[Loader], Loader]:
    def deco(fn: Loader) -> Loader:
        for suffix in suffixes:
            LOADERS[suffix.lower()] = fn
        return fn

    return deco


def supported_suffixes() -> list[str]:
    return sorted(LOADERS)


def load_file(path: Path) -> Loaded:
    """Read one file through the loader for its suffix; raise BadInput with a French reason."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise BadInput(
            f"{path} : format non pris en charge ({path.suffix or 'sans extension'}) ; "
            f"formats acceptés : {', '.join(supported_suffixes())}"
        )
    size = path.stat().st_size
    if size == 0:
        raise BadInput(f"{path} : fichier vide")
    if size > MAX_FILE_BYTES:
        raise BadInput(f"{path} : fichier trop volumineux ({size // 1_000_000} Mo > {MAX_FILE_BYTES // 1_000_000} Mo)")
    data = path.read_bytes()
    loaded = loader(path, data)
    loaded.sha256 = hashlib.sha256(data).hexdigest()
    if not loaded.text.strip():
        raise BadInput(f"{path} : aucun texte exploitable")
    return loaded


def decode_text(path: Path, data: bytes) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), UTF-16/32 with a BOM; Windows-1252 accepted with a warning; anything else
    refused."""
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
                       (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec), []
            except UnicodeDecodeError as exc:
                raise BadInput(f"{path} : {codec.upper()} invalide à l'octet {exc.start}") from None
    head = data[:8192]
    if b"\x00" in head or _control_ratio(head) > 0.05:
        raise BadInput(f"{path} : fichier binaire (octets de contrôle), pas du texte")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise BadInput(
            f"{path} : encodage invalide — UTF-8 incorrect à l'octet {utf8_error.start} et pas du Windows-1252 ; "
            "réenregistrez le fichier en UTF-8"
        ) from None
    return text, [f"{path} : pas de l'UTF-8, lu comme Windows-1252"]


def _control_ratio(data: bytes) -> float:
    if not data:
        return 0.0
    controls = sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(data)


@register(".txt", ".text")
def load_txt(path: Path, data: bytes) -> Loaded:
    text, warnings = decode_text(path, data)
    return Loaded(text=text, warnings=warnings)


@register(".md", ".markdown")
def load_markdown(path: Path, data: bytes) -> Loaded:
    text, warnings = decode_text(path, data)
    metadata: dict[str, str] = {}
    front = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    if front:
        for line in front.group(1).splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() in ("title", "author", "date", "url") and value.strip():
                metadata[key.strip().lower()] = value.strip().strip("\"'")
        text = text[front.end() :]
    heading = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    if heading and "title" not in metadata:
        metadata["title"] = heading.group(1).strip()
    # Markup that would pollute passages: images, link targets, emphasis markers, heading hashes.
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^#{1,6}\s+", "", text, flags=re.MULTILINE)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    return Loaded(text=text, metadata=metadata, warnings=warnings)


class _HTMLText(HTMLParser):
    """Visible text of a page, with block elements turned into paragraph breaks."""

    SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head", "nav", "footer", "form", "aside",
                      "iframe", "button", "menu"})
    BLOCK = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "table",
            "section",
            "article",
            "header",
            "blockquote",
            "pre",
            "hr",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.meta: dict[str, str] = {}
        self._skip_depth = 0
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            name = (values.get("name") or values.get("property") or "").lower()
            key = {
                "author": "author",
                "article:published_time": "date",
                "date": "date",
                "og:url": "url",
                "og:title": "title",
            }.get(name)
            if key and values.get("content"):
                self.meta.setdefault(key, values["content"].strip())
        elif tag == "link" and values.get("rel", "").lower() == "canonical" and values.get("href"):
            self.meta.setdefault("url", values["href"])
        if tag in ("title", "h1"):
            self._in = tag
        if tag in self.SKIP:
            self._skip_depth += 1
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip_depth:
            self._skip_depth -= 1
        if tag == self._in:
            self._in = None
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in and data.strip():
            self.meta.setdefault("title", data.strip())
        if not self._skip_depth:
            self.parts.append(data)


@register(".html", ".htm")
def load_html(path: Path, data: bytes) -> Loaded:
    text, warnings = decode_text(path, data)
    parser = _HTMLText()
    try:
        parser.feed(text)
        parser.close()
    except Exception as exc:  # html.parser is lenient; anything raised here is a broken file
        raise BadInput(f"{path} : page HTML illisible (fichier endommagé)") from exc
    body = re.sub(r"[ \t]*\n[ \t]*", "\n", "".join(parser.parts))
    return Loaded(text=body, metadata=parser.meta, warnings=warnings)


from . import office  # noqa: E402,F401  (registers .pdf, .docx, .odt)
