"""Loaders for PDF (text layer, page by page), DOCX and ODT. Imported by the registry; each library is imported
inside its loader so that `assistant --help` stays instant.

Archives (DOCX, ODT) are checked before parsing: a zip whose members would inflate beyond MAX_INFLATED_BYTES, or
at a ratio typical of zip bombs, is refused without being decompressed.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections import Counter
from pathlib import Path

from ..errors import BadInput
from .loaders import Loaded, register

log = logging.getLogger(__name__)

MAX_INFLATED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_PDF_PAGES = 2000
MIN_TEXT_LAYER = 20  # characters: a page with fewer has no usable text layer (a scan, or a stamp)


def _kind(path: Path) -> str:
    return {".docx": "Word", ".odt": "OpenDocument"}.get(path.suffix.lower(), "bureautique")


def check_zip(path: Path, data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        log.info("%s: %s", path, exc)  # the library's English detail, for developers
        raise BadInput(f"{path} : fichier illisible ou tronqué (pas un document {_kind(path)} valide)") from None
    inflated = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if inflated > MAX_INFLATED_BYTES or (inflated > 10_000_000 and inflated / packed > MAX_RATIO):
        raise BadInput(
            f"{path} : archive suspecte ({inflated // 1_000_000} Mo une fois décompressée, ratio "
            f"{inflated / packed:.0f}) : refusée sans être décompressée"
        )
    return archive


def _page_furniture(pages: list[list[str]]) -> set[str]:
    """First and last lines that recur on at least half of the pages (at least 2): running headers and footers,
    page numbers included (digits are compared as #)."""
    if len(pages) < 2:
        return set()
    edges: Counter[str] = Counter()
    for lines in pages:
        kept = [ln for ln in lines if ln.strip()]
        for line in {*kept[:2], *kept[-2:]}:
            edges[re.sub(r"\d+", "#", line.strip().lower())] += 1
    return {k for k, n in edges.items() if n >= max(2, len(pages) / 2) and len(k) < 120}


def _read_scanned_pages(path: Path, data: bytes, raw_pages: list[str]) -> tuple[list[int], str]:
    """OCR of the pages without a text layer, in place; (pages read by OCR, warning). A PDF whose text layer is
    fine elsewhere (a blank page, a stamp) does not need Tesseract: without it those pages are only reported."""
    empty = [n for n, page in enumerate(raw_pages) if len(page.strip()) < MIN_TEXT_LAYER]
    if not empty:
        return [], ""
    from .ocr import ocr_pages

    has_text = any(raw_pages[n].strip() for n in range(len(raw_pages)) if n not in empty)
    try:
        read = ocr_pages(path, data, empty)
    except BadInput as exc:
        if not has_text:
            raise
        return [], f"{exc} — {len(empty)} page(s) sans texte ignorée(s)"
    scanned = [n for n, text in read.items() if text.strip()]
    for n in scanned:
        raw_pages[n] = read[n]
    if not any(p.strip() for p in raw_pages):
        raise BadInput(f"{path} : PDF scanné, mais l'OCR n'y a lu aucun texte (image vide ou illisible ?)")
    note = f"{path} : {len(scanned)} page(s) sans couche texte lue(s) par OCR (texte à vérifier)" if scanned else ""
    return scanned, note


@register(".pdf")
def load_pdf(path: Path, data: bytes) -> Loaded:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise BadInput(f"{path} : PDF protégé par mot de passe")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise BadInput(f"{path} : PDF de {len(reader.pages)} pages (maximum {MAX_PDF_PAGES})")
        raw_pages = [(page.extract_text() or "") for page in reader.pages]
        info = reader.metadata or {}
    except BadInput:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        log.info("%s: %s: %s", path, type(exc).__name__, exc)
        raise BadInput(f"{path} : PDF illisible ou tronqué (le fichier est incomplet ou endommagé)") from None
    scanned, ocr_note = _read_scanned_pages(path, data, raw_pages)
    lines = [p.splitlines() for p in raw_pages]
    furniture = _page_furniture(lines)
    pages = [
        "\n".join(ln for ln in page if re.sub(r"\d+", "#", ln.strip().lower()) not in furniture) for page in lines
    ]
    metadata = {}
    for key, field in (("title", "/Title"), ("author", "/Author")):
        value = info.get(field) if hasattr(info, "get") else None
        if isinstance(value, str) and value.strip():
            metadata[key] = value.strip()
    if re.sub(r"[\W_]+", "", metadata.get("title", "").lower()) == re.sub(r"[\W_]+", "", path.stem.lower()):
        metadata.pop("title", None)  # PDF writers and scanners fill /Title with the file name: it tells nothing
    warnings = [f"{path} : {len(furniture)} en-tête(s)/pied(s) de page répété(s) retiré(s)"] if furniture else []
    if scanned:
        metadata["ocr"] = "oui"
    if ocr_note:
        warnings.append(ocr_note)
    return Loaded(text="\f".join(pages), metadata=metadata, warnings=warnings, pages=pages)


@register(".docx")
def load_docx(path: Path, data: bytes) -> Loaded:
    check_zip(path, data)
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors… on broken files
        log.info("%s: %s: %s", path, type(exc).__name__, exc)
        raise BadInput(f"{path} : document Word illisible (fichier endommagé ou d'un autre format)") from None
    blocks = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            blocks.append(" | ".join(cell.text.strip() for cell in row.cells))
    props = document.core_properties
    metadata = {k: v.strip() for k, v in (("title", props.title), ("author", props.author)) if v and v.strip()}
    if props.created:
        metadata["date"] = props.created.date().isoformat()
    return Loaded(text="\n\n".join(blocks), metadata=metadata)


@register(".odt")
def load_odt(path: Path, data: bytes) -> Loaded:
    check_zip(path, data)
    try:
        from odf import teletype, text
        from odf.opendocument import load

        document = load(io.BytesIO(data))
        blocks: list[str] = []
        for el in document.text.childNodes if document.text else []:
            blocks.extend(_odt_blocks(el, teletype, text))
        metadata: dict[str, str] = {}
        from odf import dc

        for key, kind in (("title", dc.Title), ("author", dc.Creator), ("date", dc.Date)):
            found = document.meta.getElementsByType(kind) if document.meta else []
            if found and teletype.extractText(found[0]).strip():
                metadata[key] = teletype.extractText(found[0]).strip()[:10 if key == "date" else None]
    except BadInput:
        raise
    except Exception as exc:  # odfpy raises xml, zip and attribute errors on broken files
        log.info("%s: %s: %s", path, type(exc).__name__, exc)
        raise BadInput(f"{path} : document OpenDocument illisible (fichier endommagé ou d'un autre format)") from None
    return Loaded(text="\n\n".join(blocks), metadata=metadata)


def _odt_blocks(element, teletype, text) -> list[str]:  # type: ignore[no-untyped-def]
    """Headings and paragraphs in document order, descending into lists, sections and tables."""
    name = getattr(element, "qname", (None, None))[1]
    if name in ("h", "p"):
        return [teletype.extractText(element)]
    out: list[str] = []
    for child in getattr(element, "childNodes", []):
        out.extend(_odt_blocks(child, teletype, text))
    return out
