"""Scanned PDFs: a PDF with no text layer (pages written here as images of French text) is read by Tesseract
page by page, marked as OCR text, and a question about it is answered from what the OCR read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.ingest import read_document
from assistant.pipeline.assistant import Assistant

PAGES = [
    "Délibération du comité syndical\n\nLe comité syndical décide d'acheter\nquarante-deux ordinateurs portables\n"
    "pour les écoles de Grigny.",
    "Annexe\n\nLa livraison des ordinateurs est prévue\nen septembre, à la mairie de Grigny.",
]


def scanned_pdf(path: Path, pages: list[str]) -> Path:
    """Image-only pages: what a scanner produces (no text layer at all)."""
    from PIL import Image, ImageDraw, ImageFont

    try:  # a font with French accents (Debian's DejaVu, there with Chromium); Pillow's own lacks « é »
        font = ImageFont.truetype("DejaVuSans.ttf", 44)
    except OSError:
        font = ImageFont.load_default(size=44)
    images = []
    for text in pages:
        image = Image.new("L", (1700, 2200), 255)
        ImageDraw.Draw(image).multiline_text((150, 200), text, fill=0, font=font, spacing=24)
        images.append(image)
    images[0].save(path, "PDF", resolution=200.0, save_all=True, append_images=images[1:])
    return path


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    if shutil.which("tesseract") is None:
        pytest.fail("tesseract manque : `apt-get install tesseract-ocr tesseract-ocr-fra` (bash setup.sh le fait)")
    return scanned_pdf(tmp_path / "deliberation-scannee.pdf", PAGES)


def test_a_scanned_pdf_is_read_page_by_page_and_marked(scan: Path) -> None:
    from pypdf import PdfReader

    assert not any((p.extract_text() or "").strip() for p in PdfReader(scan).pages)  # really a scan
    document, warnings = read_document(scan, scan.name)
    assert document.metadata["ocr"] == "oui"
    assert document.metadata["title"] == "Délibération du comité syndical"  # not the writer's « deliberation-scannee »
    assert any("OCR" in w for w in warnings)
    assert "ordinateurs portables" in document.text and "Grigny" in document.text
    assert document.metadata.get("page_starts", "").count(",") == 1  # two pages, numbers kept


@pytest.mark.slow
def test_a_question_on_a_scan_is_answered_from_the_ocr_text(scan: Path, assistant: Assistant, tmp_path: Path) -> None:
    scanned = assistant.derive(index_dir=tmp_path / "index")
    scanned.ingest([scan.parent])
    answer = scanned.ask("Quand la livraison des ordinateurs est-elle prévue ?", mode="extractive")
    assert "septembre" in answer.answer
    top = answer.passages[0].chunk.metadata
    assert top["ocr"] == "oui" and top["page"] in ("2", "1-2")  # page numbers carried to the card


def test_without_tesseract_only_a_real_scan_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A corpus without scans never needs Tesseract: a text PDF with a blank page is read, the page reported."""
    from fpdf import FPDF

    from assistant.errors import BadInput
    from assistant.ingest import ocr

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, "Le comite syndical a vote le budget des ecoles pour l'annee 2025.")
    pdf.add_page()  # blank
    text_pdf = tmp_path / "texte.pdf"
    pdf.output(str(text_pdf))
    monkeypatch.setattr(ocr.shutil, "which", lambda _name: None)  # a machine without Tesseract
    document, warnings = read_document(text_pdf, text_pdf.name)
    assert "budget des ecoles" in document.text and "ocr" not in document.metadata
    assert any("page(s) sans texte ignorée(s)" in w for w in warnings)
    scan = scanned_pdf(tmp_path / "scan.pdf", PAGES[:1])
    with pytest.raises(BadInput, match="tesseract-ocr"):
        read_document(scan, scan.name)
