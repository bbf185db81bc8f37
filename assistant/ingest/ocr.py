"""OCR of scanned PDF pages (no text layer): each page rendered by PDFium and read by Tesseract in French.

Scanned deliberations and signed decisions are common in municipal archives. Only pages without a text layer
are read this way, page by page, so page numbers stay exact; the document is marked as OCR text (the cards
say so: OCR makes mistakes). Tesseract is a system program (`tesseract-ocr`, `tesseract-ocr-fra`, installed by
setup.sh); a corpus without scans never calls it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import BadInput

DPI = 300
LANGUAGES = "fra+eng"
OCR_FLAG = "ocr"  # document metadata: "oui" when some page was read by OCR
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-fra (bash setup.sh le fait)"


def available_languages() -> set[str]:
    import pytesseract

    try:
        return set(pytesseract.get_languages(config=""))
    except Exception:  # no binary, or one that cannot list its data
        return set()


def check_available(path: Path) -> str:
    """The Tesseract languages to use, or a French error naming the file and the fix."""
    if shutil.which("tesseract") is None:
        raise BadInput(f"{path} : PDF scanné (sans couche texte) : la lecture par OCR demande Tesseract, "
                       f"absent de cette machine ({INSTALL_HINT})")
    languages = available_languages()
    if "fra" not in languages:
        raise BadInput(f"{path} : PDF scanné : le français de Tesseract manque ({INSTALL_HINT})")
    return LANGUAGES if "eng" in languages else "fra"


def ocr_pages(path: Path, data: bytes, pages: list[int]) -> dict[int, str]:
    """Text of the given pages (0-based), read by Tesseract from a rendering at `DPI`."""
    import pypdfium2
    import pytesseract

    languages = check_available(path)
    document = pypdfium2.PdfDocument(data)
    try:
        out: dict[int, str] = {}
        for n in pages:
            image = document[n].render(scale=DPI / 72).to_pil()
            out[n] = pytesseract.image_to_string(image, lang=languages)
        return out
    finally:
        document.close()
