"""The workshop's HTML: numbered sentences before the reveal, token confidence, resampled answers. Pure functions.

The verdicts themselves are drawn by render.py (the same view as the chat); this holds only what the workshop adds.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..verify.wording import underline_terms

WORKSHOP_CSS = """
.tok { border-radius: 3px; }
.tok.p1 { background: #ef9a9a; } .tok.p2 { background: #ffcc80; } .tok.p3 { background: #fff59d; }
.side h4 { margin: .2em 0 .4em 0; }
.side ol { padding-left: 1.4em; } .side li { margin-bottom: .3em; }
.sample { border-left: 3px solid #999; padding-left: .6em; margin-bottom: .6em; }
.sample .unstable { background: #fde2e1; } .sample .stable { background: #e8f5e9; }
.score-box { font-size: 1.05em; }
"""


def numbered_html(title: str, prefix: str, sentences: list[str]) -> str:
    """Before the reveal: the sentences, numbered, with no verdict."""
    if not sentences:
        return f'<div class="side"><h4>{escape(title)}</h4><p><i>(aucune phrase à vérifier)</i></p></div>'
    items = "".join(f"<li><b>{prefix}{i}</b> — {escape(s)}</li>" for i, s in enumerate(sentences, 1))
    return f'<div class="side"><h4>{escape(title)}</h4><ol style="list-style:none;padding:0">{items}</ol></div>'


def token_html(tokens: list[tuple[str, float]]) -> str:
    """Each generated piece on a background from its probability: fluent text can be low-confidence."""
    if not tokens:
        return "<p><i>(pas de texte généré)</i></p>"
    out = []
    for piece, p in tokens:
        level = "p1" if p < 0.3 else "p2" if p < 0.6 else "p3" if p < 0.9 else "p4"
        out.append(f'<span class="tok {level}" title="probabilité {p:.2f}">{escape(piece)}</span>')
    legend = (
        '<p class="legend">Fond rouge : le modèle donnait moins de 30 % de chances à ce mot ; orange : moins de '
        "60 % ; jaune : moins de 90 % ; sans fond : il était presque sûr. Survolez un mot pour sa probabilité.</p>"
    )
    return f'<div class="tokens">{"".join(out)}</div>{legend}'


def samples_html(answers: list[str], sentences: list[Any], consistency: float | None) -> str:
    """Answers sampled again at a higher temperature: sentences the other samples do not echo are on red."""
    blocks = []
    for i, text in enumerate(answers):
        mine = [s for s in sentences if s.sample == i]
        parts = []
        for s in mine:
            cls = "stable" if s.agreement >= 0.5 and not s.unique_terms else "unstable"
            extra = f" (seulement ici : {', '.join(s.unique_terms)})" if s.unique_terms else ""
            marked = underline_terms(s.text, s.unique_terms)
            parts.append(f'<span class="{cls}" title="accord {s.agreement:.2f}">{marked}</span>{escape(extra)}')
        body = " ".join(parts) or escape(text)
        blocks.append(f'<div class="sample"><b>Tirage {i + 1}</b><br>{body}</div>')
    score = "—" if consistency is None else f"{consistency:.0%}"
    return (f'<p class="score-box">Cohérence entre les tirages : <b>{score}</b> des phrases reprises par les autres '
            "tirages. Ce qui change d'un tirage à l'autre est tiré au hasard, pas lu dans les documents.</p>"
            + "".join(blocks))
