import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.errors import BadInput
from assistant.evaluate.dataset import read_eval_set
from assistant.evaluate.metrics import answer_has_keys, compute_metrics, evidence_hit, first_hit_rank
from assistant.evaluate.report import compare, render_html
from assistant.ingest import discover, iter_documents

ROOT = Path(__file__).resolve().parents[1]


def test_sitiv_set_is_well_formed_and_its_evidence_is_in_the_corpus() -> None:
    items = read_eval_set(ROOT / "eval" / "sitiv.jsonl")
    assert len(items) >= 40 and sum(not i.answerable for i in items) >= 12
    assert {"false_premise", "no_info", "ambiguous", "multi_doc"} <= {i.kind for i in items}
    files, _, _ = discover([ROOT / "corpus"])
    corpus = " ".join(doc.text for _, doc, *_ in iter_documents(files) if doc)
    for item in items:
        assert item.answerable == bool(item.evidence), item.id
        for excerpt in item.evidence:
            assert evidence_hit(corpus, [excerpt]), (item.id, excerpt)


PIAF = ROOT.parent / "shared" / "piaf"


@pytest.mark.skipif(not (PIAF / "dev.jsonl").exists(), reason="the PIAF corpus (../shared/piaf) is not on this machine")
def test_the_piaf_leave_out_sets_rebuild_identically_and_share_no_article(tmp_path: Path) -> None:
    """The second set's figures are held out from every choice made on the first only if no article is shared."""
    script = [sys.executable, str(ROOT / "bench" / "piaf_leaveout.py")]
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    subprocess.run([*script, "--corpus", str(tmp_path / "kept1"), "--out", str(first)], check=True,
                   capture_output=True)
    subprocess.run([*script, "--corpus", str(tmp_path / "kept2"), "--out", str(second), "--exclude", str(first)],
                   check=True, capture_output=True)
    assert first.read_bytes() == (ROOT / "eval" / "piaf-leaveout.jsonl").read_bytes()
    assert second.read_bytes() == (ROOT / "eval" / "piaf-leaveout-2.jsonl").read_bytes()
    sets = [read_eval_set(path) for path in (first, second)]
    for items in sets:
        assert sum(i.answerable for i in items) == 60 and sum(not i.answerable for i in items) == 60
    assert not {i.source for i in sets[0]} & {i.source for i in sets[1]}
    kept = {p.name for p in (tmp_path / "kept2").iterdir()}
    assert {i.source for i in sets[1] if i.answerable} == kept


def test_reader_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "a", "question": "q", "answerable": true}\n{"id": "b"}\n', encoding="utf-8")
    with pytest.raises(BadInput, match=r"set.jsonl:2 .*question"):
        read_eval_set(path)
    path.write_text('{"id": "a", "question": "q", "answerable": true}\nnot json\n', encoding="utf-8")
    with pytest.raises(BadInput, match=r"set.jsonl:2 : JSON invalide"):
        read_eval_set(path)


def test_matching_is_accent_case_whitespace_insensitive() -> None:
    assert evidence_hit("Nous  EMMÉNAGERONS à la\nrentrée 2015.", ["nous emmenagerons a la rentree"])
    assert first_hit_rank(["a", "b c", "c"], ["c"]) == 2
    assert answer_has_keys("Il y a quatre vice-présidents.", ["4|quatre"])
    assert not answer_has_keys("Corbas seulement", ["Corbas", "Chamond"])


def _row(answerable: bool, abstained: bool, supported: list[bool], rank: int | None = 1, keys_ok: bool = True) -> dict:
    return {
        "status": "ok",
        "answerable": answerable,
        "abstained": abstained,
        "evidence": ["x"] if answerable else [],
        "first_hit_rank": rank if answerable else None,
        "answer": "…",
        "answer_keys": ["k"] if answerable else [],
        "answer_keys_ok": keys_ok,
        "sentences": [{"supported": s, "score": 0.5, "text": "t", "unsupported_terms": []} for s in supported],
        "citations": [{"supported": s} for s in supported],
    }


def test_metrics_follow_eval_format() -> None:
    rows = [
        _row(True, False, [True, True], rank=1),
        _row(True, False, [True, False], rank=3, keys_ok=False),
        _row(True, True, [], rank=None),
        _row(False, True, [False]),
        _row(False, False, [False]),
        {"status": "error", "answerable": True},
    ]
    m = compute_metrics(rows, k=5)
    assert m["retrieval_recall_at_k"] == round(2 / 3, 4)
    assert m["mrr"] == round((1 + 1 / 3) / 3, 4)
    assert m["abstention_recall"] == 0.5
    assert m["false_abstention_rate"] == round(1 / 3, 4)
    assert m["faithfulness"] == round(3 / 5, 4)
    assert m["hallucination_rate"] == round(2 / 3, 4)
    assert m["citation_precision"] == round(3 / 6, 4)
    assert m["answer_key_recall"] == round(2 / 3, 4)
    retrieval_only = compute_metrics([{**rows[0], "answer": None}], k=5)
    assert retrieval_only["faithfulness"] is None and retrieval_only["retrieval_recall_at_k"] == 1.0


def test_html_report_and_compare() -> None:
    rows = [{**_row(True, False, [True, False]), "id": "q1", "question": "Quand ?", "seconds": 1.0, "kind": "fact"}]
    rows[0]["sentences"][1].update(text="Ouverture en 2016.", unsupported_terms=["2016"])
    report = {
        "created": "now",
        "config": {"k": 5},
        "metrics": compute_metrics(rows, 5),
        "counts": {},
        "timing": {},
        "items": rows,
    }
    page = render_html(report)
    assert page.count("<img") == 2 and "<span class='term'>2016</span>" in page
    assert "class='bad'" in page and "Quand ?" in page
    json.dumps(report)
    deltas = dict((k, d) for k, _, _, d in compare(report, {**report, "metrics": {**report["metrics"], "mrr": 0.5}}))
    assert deltas["mrr"] == -0.5


def test_citation_metrics_of_the_shown_answer() -> None:
    """The model cited [2] (no gold evidence), the shown answer cites [1] (the passage holding it)."""
    row = {
        **_row(True, False, [True, False]),
        "passages": [{"rank": 1, "hit": True}, {"rank": 2, "hit": False}],
        "citations": [{"supported": False, "passage_rank": 2}, {"supported": False, "passage_rank": 2}],
    }
    row["sentences"][0]["cited"] = [1]
    row["sentences"][1]["cited"] = [2]  # unsupported: its citation is shown as not holding
    m = compute_metrics([row, _row(False, True, [False])], k=5)
    assert m["citation_precision"] == 0.0 and m["shown_citation_precision"] == 0.5
    assert m["citation_evidence_hit"] == 0.0 and m["shown_citation_evidence_hit"] == 0.5
