"""`assistant verify` on texts written by others: input checks, output format (a contract), resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import BadInput
from assistant.evaluate import verify_texts
from tests.fakes import MOVE, ScriptedGenerator, scripted_assistant


def write(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_given_and_retrieved_passages_and_resume(tmp_path: Path) -> None:
    assistant, _ = scripted_assistant(tmp_path, "")
    src = write(tmp_path / "in.jsonl", [
        {"id": "given", "answer": f"{MOVE} Il compte 300 agents.", "passages": [MOVE], "label": "ignoré"},
        {"id": "english", "answer": "The council approved the budget in 2019.",
         "passages": ["In 2019 the city council approved the annual budget of the library."]},
        {"id": "retrieved", "answer": MOVE, "question": "Quand le syndicat emménage-t-il ?"},
    ])
    out = tmp_path / "out.jsonl"
    rows = verify_texts.run(assistant, verify_texts.read_items(src), out)
    assert [r["id"] for r in rows] == ["given", "english", "retrieved"]
    assert [r["hallucinated"] for r in rows] == [True, False, False]
    first = rows[0]["sentences"]
    assert [s["supported"] for s in first] == [True, False]
    assert first[1]["reasons"][0] == {"kind": "number_absent", "terms": ["300"], "marker": None, "score": None,
                                     "replacement": None}
    assert first[0]["evidence"] == {"rank": 1, "start": 0, "end": len(MOVE)}
    assert rows[0]["passages"] == 1 and rows[2]["passages"][0]["doc"] == "demenagement.txt"
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["given", "english", "retrieved"]

    lines = out.read_text().splitlines()
    out.write_text(lines[0] + "\n" + lines[1][:20], encoding="utf-8")  # interrupted in the middle of a line
    seen: list[int] = []
    again = verify_texts.run(assistant, verify_texts.read_items(src), out, resume=True, progress=seen.append)
    assert [r["id"] for r in again] == ["given", "english", "retrieved"] and seen == [1, 1, 1]
    assert len(out.read_text().splitlines()) == 3


@pytest.mark.parametrize(("line", "message"), [
    ('{"answer": "x", "passages": []}', "« id » absent"),
    ('{"id": 1, "answer": "x"}', "ni « passages » ni « question »"),
    ('{"id": 1, "answer": "x", "passages": "texte"}', "liste de textes"),
    ("[1, 2]", "un objet JSON"),
    ("{pas du json", "JSON invalide"),
])
def test_bad_lines_name_the_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 0, "answer": "ok", "passages": ["ok"]}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(BadInput, match=message) as err:
        verify_texts.read_items(src)
    assert f"{src}:2" in str(err.value)


def test_given_passages_need_no_index(tmp_path: Path) -> None:
    from assistant.config import load_settings
    from assistant.models.embedders import HashingEmbedder
    from assistant.pipeline.assistant import Assistant

    settings = load_settings(env={}, index_dir=tmp_path / "no-index")
    assistant = Assistant.create(settings, HashingEmbedder, lambda: ScriptedGenerator(""), {"embedder": "hashing-test"})
    src = write(tmp_path / "in.jsonl", [{"id": "a", "answer": MOVE, "passages": [MOVE]}])
    rows = verify_texts.run(assistant, verify_texts.read_items(src), tmp_path / "out.jsonl")
    assert rows[0]["hallucinated"] is False and not (tmp_path / "no-index").exists()
