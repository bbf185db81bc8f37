from pathlib import Path

import pytest

from assistant.app import collections_store as coll
from assistant.config import Settings
from assistant.errors import BadInput


def test_names_paths_and_listing(tmp_path: Path) -> None:
    s = Settings(index_dir=tmp_path / "index", collections_dir=tmp_path / "collections")
    assert coll.index_dir(s, coll.DEFAULT) == s.index_dir
    typed = {"Notes RH 2025": "notes-rh-2025", "../etc": "etc", "a/b": "a-b", "x" * 41: "x" * 40,
             "Délibérations été": "deliberations-ete", "deliberations-2025": "deliberations-2025"}
    for name, valid in typed.items():
        assert coll.check_name(name) == valid
    for bad in ("", "  ", "!!!", "—"):
        with pytest.raises(BadInput, match="nom de collection vide"):
            coll.check_name(bad)
    with pytest.raises(BadInput, match="collection principale"):
        coll.files_dir(s, coll.DEFAULT)
    (tmp_path / "collections" / "deliberations-2025" / "index").mkdir(parents=True)
    (tmp_path / "collections" / "vide").mkdir()
    assert coll.list_collections(s) == [coll.DEFAULT, "deliberations-2025"]


def test_add_files_refuses_type_and_size_and_keeps_the_rest(tmp_path: Path) -> None:
    s = Settings(collections_dir=tmp_path / "collections", max_upload_bytes=1000)
    good = tmp_path / "note de service (v2).md"
    good.write_text("# Note\n\nTexte.", encoding="utf-8")
    big = tmp_path / "gros.txt"
    big.write_text("a" * 2000, encoding="utf-8")
    exe = tmp_path / "outil.exe"
    exe.write_bytes(b"MZ")
    results = coll.add_files(s, "essai", [good, big, exe])
    assert [r.error == "" for r in results] == [True, False, False]
    assert "trop gros" in results[1].error and "non pris en charge" in results[2].error
    stored = coll.files_dir(s, "essai") / results[0].name
    assert stored.read_text(encoding="utf-8").startswith("# Note")
    assert not list(coll.files_dir(s, "essai").glob(".*.part"))
