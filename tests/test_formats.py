"""Every supported format, with fixtures generated here by the formats' own writers (nothing downloaded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.documents import Document
from assistant.errors import BadInput
from assistant.ingest import read_document
from assistant.ingest.chunking import ChunkerSettings, chunk_document, page_label

PARAS = [
    "Le comité syndical a délibéré sur le budget primitif de l'année. Le montant voté est de 412 000 euros.",
    "La commune de Corbas a rejoint le syndicat en 2014, avec Saint-Chamond, pour mutualiser ses services.",
    "Le déménagement est prévu à la rentrée 2015 dans des locaux situés devant le tram à Vénissieux.",
]


def make_pdf(path: Path, pages: list[str]) -> Path:
    from fpdf import FPDF

    class Registry(FPDF):  # running header and footer on every page, as in the syndicate's PDFs
        def header(self) -> None:
            self.set_font("helvetica", size=9)
            self.cell(0, 8, "SITIV - Registre des délibérations", new_x="LMARGIN", new_y="NEXT")

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("helvetica", size=9)
            self.cell(0, 8, f"Page {self.page_no()} / {len(pages)}")

    pdf = Registry()
    pdf.set_title("Délibération du comité syndical")
    pdf.set_author("SITIV")
    for text in pages:
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        pdf.multi_cell(0, 7, text)
    pdf.output(str(path))
    return path


def make_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.core_properties.title = "Compte rendu du bureau"
    d.core_properties.author = "Secrétariat"
    d.add_heading("Compte rendu du bureau", 1)
    for p in PARAS:
        d.add_paragraph(p)
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Commune"
    table.rows[0].cells[1].text = "Corbas"
    d.save(str(path))
    return path


def make_odt(path: Path) -> Path:
    from odf import dc, text
    from odf.opendocument import OpenDocumentText

    d = OpenDocumentText()
    d.meta.addElement(dc.Title(text="Note LibreOffice"))
    d.text.addElement(text.H(outlinelevel=1, text="Note LibreOffice"))
    for p in PARAS:
        d.text.addElement(text.P(text=p))
    lst = text.List()
    item = text.ListItem()
    item.addElement(text.P(text="Point dans une liste : la fibre arrive à Saint-Chamond."))
    lst.addElement(item)
    d.text.addElement(lst)
    d.save(str(path))
    return path


def test_pdf_pages_headers_and_metadata(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "deliberation.pdf", PARAS)
    doc, warnings = read_document(path, "deliberation.pdf")
    assert doc.metadata["title"] == "Délibération du comité syndical"
    assert "Registre des délibérations" not in doc.text and "Page 2" not in doc.text
    assert "412 000 euros" in doc.text and "Vénissieux" in doc.text
    assert any("en-tête" in w for w in warnings)
    chunks = chunk_document(doc, ChunkerSettings(max_chars=120, overlap_chars=0, min_chars=10))
    pages = {c.metadata["page"] for c in chunks}
    assert {"1", "2", "3"} <= pages
    third = next(c for c in chunks if "rentrée 2015" in c.text)
    assert third.metadata["page"] == "3" and "page_starts" not in third.metadata


def test_page_label() -> None:
    assert page_label("0,100,250", 0, 50) == "1"
    assert page_label("0,100,250", 90, 120) == "1-2"
    assert page_label("0,100,250", 260, 300) == "3"


def test_docx_and_odt(tmp_path: Path) -> None:
    doc, _ = read_document(make_docx(tmp_path / "cr.docx"), "cr.docx")
    assert doc.metadata["title"] == "Compte rendu du bureau" and doc.metadata["author"] == "Secrétariat"
    assert "412 000 euros" in doc.text and "Commune | Corbas" in doc.text
    doc, _ = read_document(make_odt(tmp_path / "note.odt"), "note.odt")
    assert doc.metadata["title"] == "Note LibreOffice"
    assert "Saint-Chamond, pour mutualiser" in doc.text and "la fibre arrive" in doc.text


def test_html_boilerplate_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Vœux 2015</title><script>track()</script></head><body><nav>Accueil | Contact</nav>"
        f"<aside>Articles liés</aside><article><h1>Vœux 2015</h1><p>{PARAS[2]}</p></article>"
        "<footer>Mentions légales</footer></body></html>",
        encoding="utf-8",
    )
    doc, _ = read_document(path, "page.html")
    assert "rentrée 2015" in doc.text
    for noise in ("Accueil", "Articles liés", "Mentions légales", "track()"):
        assert noise not in doc.text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_text_in_common_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"note-{encoding}.txt"
    path.write_bytes("Délibération n° 12 : la fibre arrive à Saint-Étienne.".encode(encoding))
    doc, _ = read_document(path, path.name)
    assert "Délibération n° 12" in doc.text and "Saint-Étienne" in doc.text


def test_markdown(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("---\ntitle: Note\ndate: 2015-01-20\n---\n# Titre\n\n**Gras** et [lien](http://x).\n", "utf-8")
    doc, _ = read_document(path, "note.md")
    assert doc.metadata["title"] == "Note" and "Gras et lien." in doc.text


def test_broken_office_files_name_the_file(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "ok.pdf", PARAS)
    truncated = tmp_path / "tronque.pdf"
    truncated.write_bytes(pdf.read_bytes()[: 400])
    fake = tmp_path / "faux.docx"
    fake.write_bytes(b"PK\x03\x04 pas une archive")
    for path in (truncated, fake):
        with pytest.raises(BadInput) as err:
            read_document(path, path.name)
        assert str(path) in str(err.value)
    assert isinstance(read_document(pdf, "ok.pdf")[0], Document)
