from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.errors import BadInput


def test_precedence(tmp_path: Path) -> None:
    cfg = tmp_path / "a.toml"
    cfg.write_text('k = 3\nprofile = "fast"\nindex_dir = "ix"\n', encoding="utf-8")
    s = load_settings(config_file=cfg, env={"ASSISTANT_K": "4"})
    assert (s.k, s.profile, s.index_dir) == (4, "fast", Path("ix"))
    assert load_settings(config_file=cfg, env={"ASSISTANT_K": "4"}, k=7).k == 7


def test_bad_values_name_the_field(tmp_path: Path) -> None:
    cfg = tmp_path / "a.toml"
    cfg.write_text("kk = 3\n", encoding="utf-8")
    with pytest.raises(BadInput, match="kk"):
        load_settings(config_file=cfg, env={})
    with pytest.raises(BadInput, match="ASSISTANT_K"):
        load_settings(env={"ASSISTANT_K": "beaucoup"})
    with pytest.raises(BadInput, match="k doit"):
        load_settings(env={}, k=0)


def test_bad_chunker_settings_are_a_french_error_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    cfg = tmp_path / "assistant.toml"
    cfg.write_text("chunk_max_chars = 50\n", encoding="utf-8")
    with pytest.raises(BadInput, match="chunk_max_chars doit valoir au moins 100"):
        load_settings(config_file=cfg, env={})
    with pytest.raises(BadInput, match="chunk_overlap_chars"):
        load_settings(env={}, chunk_overlap_chars=800)
    run = subprocess.run([sys.executable, "-m", "assistant", "ingest", "--status"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and run.stderr.startswith("Erreur : chunk_max_chars"), run.stderr
    assert "Traceback" not in run.stderr
