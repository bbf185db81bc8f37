"""Metrics of EVAL_FORMAT.md as pure functions over texts and ranks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..text import normalize_for_match


def evidence_hit(passage_text: str, evidence: Sequence[str]) -> bool:
    """A passage hits when it contains one evidence excerpt, case/accent/whitespace-insensitively."""
    folded = normalize_for_match(passage_text)
    return any(normalize_for_match(e) in folded for e in evidence if e.strip())


def first_hit_rank(passage_texts: Sequence[str], evidence: Sequence[str]) -> int | None:
    for rank, text in enumerate(passage_texts, start=1):
        if evidence_hit(text, evidence):
            return rank
    return None


def recall_at(ranks: Sequence[int | None], k: int) -> float:
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def mrr(ranks: Sequence[int | None]) -> float:
    return sum(1 / r for r in ranks if r) / len(ranks) if ranks else 0.0


def answer_has_keys(answer: str, keys: Sequence[str]) -> bool:
    """Every key must occur; a key may list alternatives separated by « | »."""
    folded = normalize_for_match(answer)
    return all(any(normalize_for_match(alt) in folded for alt in key.split("|")) for key in keys)


def _share(flags: Sequence[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def _citation_evidence_hits(rows: Sequence[dict[str, Any]]) -> tuple[list[bool], list[bool]]:
    """For answered questions with gold evidence: does each cited passage hold it? The model's markers, then
    the markers shown after the verifier's correction."""
    model: list[bool] = []
    shown: list[bool] = []
    for r in rows:
        hit = {p["rank"]: bool(p.get("hit")) for p in r.get("passages", [])}
        model += [hit.get(c.get("passage_rank"), False) for c in r.get("citations", [])]
        shown += [hit.get(rank, False) for s in r.get("sentences", []) for rank in s.get("cited", [])]
    return model, shown


def compute_metrics(rows: Sequence[dict[str, Any]], k: int) -> dict[str, float | None]:
    """The metrics of EVAL_FORMAT.md over per-item rows (see runner.item_row); errored items are left out."""
    ok = [r for r in rows if r.get("status") == "ok"]
    answerable = [r for r in ok if r["answerable"]]
    with_evidence = [r for r in answerable if r.get("evidence")]
    ranks = [r.get("first_hit_rank") for r in with_evidence]
    generated = [r for r in ok if r.get("answer") is not None]
    answered = [r for r in generated if not r["abstained"]]
    sentences = [s for r in answered for s in r.get("sentences", [])]
    citations = [c for r in generated for c in r.get("citations", [])]
    keyed = [r for r in generated if r["answerable"] and r.get("answer_keys")]
    model_hits, shown_hits = _citation_evidence_hits([r for r in answered if r["answerable"] and r.get("evidence")])
    metrics: dict[str, float | None] = {
        "retrieval_recall_at_k": round(recall_at(ranks, k), 4) if ranks else None,
        "mrr": round(mrr(ranks), 4) if ranks else None,
        "answer_key_recall": _share([bool(r.get("answer_keys_ok")) for r in keyed]),
        "abstention_recall": _share([r["abstained"] for r in generated if not r["answerable"]]),
        "false_abstention_rate": _share([r["abstained"] for r in generated if r["answerable"]]),
        "faithfulness": _share([s["supported"] for s in sentences]),
        "hallucination_rate": _share([any(not s["supported"] for s in r.get("sentences", [])) for r in answered]),
        "citation_precision": _share([c["supported"] for c in citations]),
        # The citations of the answers shown (the model's, corrected by the verifier; abstentions show quotes
        # instead): one holds when its sentence is supported, as a supported sentence shows only passages the
        # verifier found holding it.
        "shown_citation_precision": _share([s["supported"] for s in sentences for _ in s.get("cited", [])]),
        # Independent of the verifier: share of citations whose passage holds the set's gold evidence.
        "citation_evidence_hit": _share(model_hits),
        "shown_citation_evidence_hit": _share(shown_hits),
        # False-premise questions answered by naming the premise the documents do not support.
        "premise_named": _share([bool(r.get("premise")) for r in generated if r.get("kind") == "false_premise"]),
        # Answerable questions refused because of a premise judged unsupported (the cost of that check).
        "premise_false_alarm": _share([bool(r.get("premise")) for r in generated if r["answerable"]]),
    }
    return metrics
