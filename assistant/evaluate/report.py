"""Human report: report.html with a summary table, embedded plots and a per-question table; and comparisons."""

from __future__ import annotations

import base64
import html
import io
from typing import Any

from ..documents import SentenceVerdict
from ..verify import wording

METRIC_LABELS = {
    "retrieval_recall_at_k": "Rappel de la recherche @k",
    "mrr": "MRR",
    "answer_key_recall": "Réponses contenant les faits attendus",
    "abstention_recall": "Abstention sur questions sans réponse",
    "false_abstention_rate": "Abstentions à tort",
    "faithfulness": "Phrases étayées (fidélité)",
    "hallucination_rate": "Réponses avec au moins une phrase non étayée",
    "citation_precision": "Précision des citations du modèle",
    "shown_citation_precision": "Précision des citations affichées (corrigées)",
    "citation_evidence_hit": "Citations du modèle vers le passage de référence",
    "shown_citation_evidence_hit": "Citations affichées vers le passage de référence",
}
_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1300px;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}
th{background:#f0f0f0}.bad{background:#fde2e2}.term{text-decoration:underline wavy #c00}.ok{color:#176d2c}
.num{text-align:right;font-variant-numeric:tabular-nums}.small{font-size:85%;color:#555}
"""


def _pyplot() -> Any:
    """matplotlib without a display: imported only when a report is drawn."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    return plt


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return "<img alt='graphique' src='data:image/png;base64," + base64.b64encode(buf.getvalue()).decode() + "'>"


def _plots(report: dict[str, Any]) -> str:
    plt = _pyplot()
    parts = []
    metrics = {k: v for k, v in report["metrics"].items() if v is not None}
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.barh([METRIC_LABELS.get(k, k) for k in metrics], list(metrics.values()), color="#3b6ea5")
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_title("Métriques")
    parts.append(_png(fig))
    plt.close(fig)
    scores = [s["score"] for r in report["items"] for s in r.get("sentences", [])]
    seconds = [r["seconds"] for r in report["items"] if r.get("status") == "ok"]
    fig, axes = plt.subplots(1, 2, figsize=(9, 2.8))
    axes[0].hist(scores or [0], bins=20, range=(0, 1), color="#a53b3b")
    axes[0].set_title("Score d'appui des phrases")
    axes[1].hist(seconds or [0], bins=20, color="#3ba55d")
    axes[1].set_title("Secondes par question")
    parts.append(_png(fig))
    plt.close(fig)
    return "\n".join(parts)


def _answer_html(row: dict[str, Any]) -> str:
    if row.get("answer") is None:
        return "<span class='small'>(recherche seule)</span>"
    parts = []
    for data in row.get("sentences", []):
        s = SentenceVerdict.from_json(data)
        text = wording.underline_terms(s.text, wording.flagged_terms(s), tag="span class='term'")
        reason = " ; ".join(wording.describe(r) for r in s.reasons) or f"appui {s.score:.2f}"
        cls = "" if s.supported else " class='bad'"
        parts.append(f"<span{cls} title='{html.escape(reason)}'>{text}</span>")
    shown = html.escape(row["answer"]).replace("\n", "<br>")
    raw = " ".join(parts) or html.escape(row.get("raw_answer", ""))
    return f"{shown}<div class='small'>texte du modèle : {raw}</div>"


def render_html(report: dict[str, Any]) -> str:
    rows = []
    for r in report["items"]:
        status = r.get("status")
        verdict = "abstention" if r.get("abstained") else ("erreur" if status != "ok" else "réponse")
        expected = html.escape(r.get("reference_answer") or ", ".join(r.get("answer_keys", [])))
        rows.append(
            f"<tr><td>{html.escape(r['id'])}<div class='small'>{html.escape(r.get('kind', ''))}</div></td>"
            f"<td>{html.escape(r['question'])}</td><td>{'oui' if r['answerable'] else 'non'}</td>"
            f"<td>{expected}</td><td class='num'>{r.get('first_hit_rank') or '—'}</td>"
            f"<td>{verdict}</td><td>{_answer_html(r) if status == 'ok' else html.escape(r.get('error', ''))}</td>"
            f"<td class='num'>{r.get('seconds', 0):.1f}</td></tr>"
        )
    summary = "".join(
        f"<tr><td>{METRIC_LABELS.get(k, k)}</td><td><code>{k}</code></td>"
        f"<td class='num'>{'—' if v is None else f'{v:.3f}'}</td></tr>"
        for k, v in report["metrics"].items()
    )
    config = html.escape(str({k: v for k, v in report["config"].items() if k != "settings"}))
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Rapport d'évaluation</title><style>{_STYLE}</style></head><body>
<h1>Rapport d'évaluation</h1><p class="small">{html.escape(report["created"])} — {config}<br>
{html.escape(str(report["counts"]))} — {html.escape(str(report["timing"]))}</p>
<h2>Résumé</h2><table><tr><th>métrique</th><th>clé</th><th>valeur</th></tr>{summary}</table>
{_plots(report)}
<h2>Questions</h2><p class="small">Sur fond rouge : phrase non étayée par les passages ; souligné : terme
(nombre, date, nom) absent des passages.</p>
<table><tr><th>id</th><th>question</th><th>a une réponse</th><th>faits attendus</th><th>rang 1er passage
pertinent</th><th>verdict</th><th>réponse affichée</th><th>s</th></tr>{"".join(rows)}</table></body></html>"""


def compare(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, float | None, float | None, float | None]]:
    keys = list(dict.fromkeys([*a["metrics"], *b["metrics"]]))
    out = []
    for key in keys:
        va, vb = a["metrics"].get(key), b["metrics"].get(key)
        out.append((key, va, vb, None if va is None or vb is None else round(vb - va, 4)))
    return out


def render_compare_html(a_name: str, b_name: str, rows: list[tuple[str, Any, Any, Any]]) -> str:
    plt = _pyplot()
    shown = [r for r in rows if r[1] is not None and r[2] is not None]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ys = range(len(shown))
    ax.barh([y - 0.2 for y in ys], [r[1] for r in shown], height=0.4, label="A")
    ax.barh([y + 0.2 for y in ys], [r[2] for r in shown], height=0.4, label="B")
    ax.set_yticks(list(ys), [METRIC_LABELS.get(r[0], r[0]) for r in shown])
    ax.invert_yaxis()
    ax.legend()
    table = "".join(
        f"<tr><td>{METRIC_LABELS.get(k, k)}</td>"
        + "".join(
            f"<td class='num'>{'—' if v is None else f'{v:+.3f}' if i == 2 else f'{v:.3f}'}</td>"
            for i, v in enumerate((va, vb, d))
        )
        + "</tr>"
        for k, va, vb, d in rows
    )
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Comparaison</title>
<style>{_STYLE}</style></head><body><h1>Comparaison</h1><p>A : {html.escape(a_name)}<br>B : {html.escape(b_name)}</p>
<table><tr><th>métrique</th><th>A</th><th>B</th><th>B − A</th></tr>{table}</table>{_png(fig)}</body></html>"""
