"""The eval runner end to end on eval/sitiv.jsonl with the real packaged models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.pipeline.assistant import Assistant

pytestmark = pytest.mark.slow
SET = Path(__file__).resolve().parents[2] / "eval" / "sitiv.jsonl"


def _eval(assistant: Assistant, *args: str) -> dict:
    runner = CliRunner()
    result = runner.invoke(
        main, ["--profile", "fast", "eval", str(SET), "--index", str(assistant.settings.index_dir), *args]
    )
    assert result.exit_code == 0, result.output
    out = Path(args[args.index("--out") + 1])
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_retrieval_only_over_the_whole_set(assistant: Assistant, tmp_path: Path) -> None:
    report = _eval(assistant, "--retrieval-only", "--out", str(tmp_path / "r"))
    m = report["metrics"]
    assert m["retrieval_recall_at_k"] >= 0.9 and m["mrr"] >= 0.75  # measured: 1.000 / 0.894
    assert m["faithfulness"] is None and report["counts"]["items"] == 52
    assert (tmp_path / "r" / "report.html").read_text(encoding="utf-8").count("<img") == 2


def test_generative_run_resumes_and_compares(assistant: Assistant, tmp_path: Path) -> None:
    out = tmp_path / "g"
    first = _eval(assistant, "--limit", "2", "--out", str(out))
    assert len(first["items"]) == 2 and first["items"][0]["status"] == "ok"
    before = (out / "items.jsonl").read_text(encoding="utf-8").splitlines()
    resumed = _eval(assistant, "--limit", "3", "--resume", "--out", str(out))
    after = (out / "items.jsonl").read_text(encoding="utf-8").splitlines()
    assert after[:2] == before and len(after) == 3  # finished items are not redone
    row = resumed["items"][2]
    assert set(row) >= {"answer", "abstained", "sentences", "citations", "passages", "timings_ms", "raw_answer"}
    assert set(resumed["metrics"]) >= {
        "retrieval_recall_at_k",
        "mrr",
        "answer_key_recall",
        "abstention_recall",
        "false_abstention_rate",
        "faithfulness",
        "hallucination_rate",
        "citation_precision",
    }
    extractive = _eval(assistant, "--limit", "3", "--mode", "extractive", "--out", str(tmp_path / "x"))
    for item in extractive["items"]:
        assert item["abstained"] or all(s["supported"] for s in item["sentences"]), item["answer"]
    result = CliRunner().invoke(
        main, ["eval", "--compare", str(out / "report.json"), str(tmp_path / "x"), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0 and "faithfulness" in result.output
    assert (tmp_path / "compare.html").is_file()
