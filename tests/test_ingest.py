from pathlib import Path

import pytest

from assistant.documents import Document
from assistant.errors import BadInput
from assistant.ingest import discover, iter_documents, read_document
from assistant.ingest.chunking import ChunkerSettings, chunk_document
from assistant.ingest.clean import clean_text
from assistant.ingest.loaders import load_file
from assistant.ingest.metadata import extract_metadata, parse_french_date


def test_mojibake_and_wrapping_repaired() -> None:
    raw = (
        "Les rÃ©seaux se complexifientâ€¦ Mais\nla suite conti-\nnue ici.\n\n"
        "Copyright Page 1/3\nx\n\nCopyright Page 2/3\n\nCopyright Page 3/3\n"
    )
    text = clean_text(raw)
    assert "réseaux" in text and "complexifient…" in text
    assert "la suite continue ici." in text
    assert "Copyright" not in text  # repeated page furniture
    assert "â€" not in clean_text("rigueurâ€l\n\nMais")


def test_list_items_keep_their_lines() -> None:
    text = clean_text("Projets :\n- le déménagement\n- l'intégration\n")
    assert "\n\n- le déménagement\n\n- l'intégration" in text


def test_metadata_from_blog_header() -> None:
    text = clean_text(
        "<https://exemple.fr/Un-article>\n\nUn nouveau mandat pour le SITIV\n\n- Numérique -\n\n"
        "Date de mise en ligne : mardi 29 avril 2014\n\nCopyright © Blog de Pierre-Alain Millet - Tous droits\n\nCorps."
    )
    meta = extract_metadata(text)
    assert meta == {
        "url": "https://exemple.fr/Un-article",
        "date": "2014-04-29",
        "title": "Un nouveau mandat pour le SITIV",
        "author": "Pierre-Alain Millet",
    }
    assert parse_french_date("le 1er mars 2018") == "2018-03-01"
    assert parse_french_date("en mars") is None


def test_chunks_map_back_and_respect_limits() -> None:
    sentences = [f"Phrase numéro {i} qui parle du syndicat et de ses communes adhérentes." for i in range(60)]
    text = clean_text("\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, 60, 4)))
    doc = Document(doc="a.txt", text=text)
    settings = ChunkerSettings(max_chars=400, overlap_chars=80)
    chunks = chunk_document(doc, settings)
    assert len(chunks) > 5
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert len(c.text) <= settings.max_chars + settings.min_chars
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
    assert any(chunks[i].end > chunks[i + 1].start for i in range(len(chunks) - 1))  # overlap
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_overlong_sentence_is_cut_at_words() -> None:
    text = " ".join(["mot"] * 600)
    chunks = chunk_document(Document(doc="x", text=text), ChunkerSettings(max_chars=300, overlap_chars=0))
    assert all(len(c.text) <= 300 + 200 for c in chunks)
    assert all(not c.text.startswith(" ") for c in chunks)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("vide.txt", b"", "vide"),
        ("binaire.txt", bytes(range(256)) * 4, "binaire"),
        ("latin.txt", b"Caf\xe9 cr\xe8me \x81\x8d", "encodage invalide"),
        ("blanc.md", b"   \n\n  ", "aucun texte"),
        ("image.png", b"\x89PNG....", "format non pris en charge"),
    ],
)
def test_bad_files_get_clear_errors(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(BadInput, match=reason) as err:
        load_file(path)
    assert name in str(err.value)


def test_windows_1252_is_read_with_warning(tmp_path: Path) -> None:
    path = tmp_path / "ancien.txt"
    path.write_bytes("Le président a signé la délibération.".encode("cp1252"))
    doc, warnings = read_document(path, "ancien.txt")
    assert "président" in doc.text and warnings


def test_html_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Délibération n°12</title><meta name='author' content='Mairie'>"
        "<script>var x=1;</script></head><body><nav>Menu</nav><p>Le conseil a voté.</p>"
        "<p>Deuxième&nbsp;paragraphe.</p></body></html>",
        encoding="utf-8",
    )
    doc, _ = read_document(path, "page.html")
    assert doc.metadata["title"] == "Délibération n°12" and doc.metadata["author"] == "Mairie"
    assert "var x" not in doc.text and "Menu" not in doc.text
    assert "Le conseil a voté.\n\nDeuxième paragraphe." in doc.text


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "bon.txt").write_text("Un texte correct sur le syndicat.", encoding="utf-8")
    (tmp_path / "vide.txt").write_bytes(b"")
    (tmp_path / "sous").mkdir()
    (tmp_path / "sous" / "note.md").write_text("# Note\n\nContenu.", encoding="utf-8")
    files, errors, _skipped = discover([tmp_path, tmp_path / "absent.txt"])
    assert [doc_id for _, doc_id in files] == ["bon.txt", "sous/note.md", "vide.txt"]
    assert errors[0].reason == "chemin introuvable"
    results = list(iter_documents(files))
    assert [r[0] for r in results if r[1] is not None] == ["bon.txt", "sous/note.md"]
    assert "vide" in next(r[2] for r in results if r[0] == "vide.txt")
