"""The workshop's HTML: numbered sentences before the reveal, token confidence, resampled answers. Pure functions.

The verdicts themselves are drawn by render.py (the same view as the chat); this holds only what the workshop adds.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..verify.wording import underline_terms

WORKSHOP_CSS = """
.tok { border-radius: 3px; }
.tok.p1 { background: #b39ddb; } .tok.p2 { background: #d1c4e9; } .tok.p3 { background: #ede7f6; }
.outcome { display: inline-block; font-size: .85em; font-weight: 600; margin-left: .4em; padding: 0 .3em;
  border-radius: 3px; }
.outcome.good { background: #e3f2e5; color: #1b5e20; } .outcome.missed { background: #fde2e1; color: #8e1b1b; }
.outcome.false { background: #fff1cc; color: #5c3b00; }
@media (max-width: 640px) {
  #ws-top { flex-direction: column; }
  #ws-top > * { min-width: 100% !important; }
  #board table { font-size: .8em; }
  #board th, #board th * { word-break: normal !important; overflow-wrap: normal !important; hyphens: auto; }
}
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


OUTCOMES = {
    (True, True): ("good", "✓ vous l'aviez cochée : bien vu"),
    (True, False): ("missed", "✗ inventée, vous ne l'aviez pas cochée"),
    (False, True): ("false", "✗ cochée, mais le vérificateur la trouve dans les documents"),
}


def revealed_html(title: str, prefix: str, answer: Any, invented: list[bool], ticked: list[bool],
                  link_prefix: str = "w") -> str:
    """After the reveal: the same numbered sentences (A1, B2…), each with its verdict and what the participant's
    tick was worth, so that the labels and the ticks stay readable next to the verdict."""
    from .render import sentence_html

    if not answer.sentences:
        return f'<div class="side ans"><h4>{escape(title)}</h4><p><i>(aucune phrase)</i></p></div>'
    items = []
    for i in range(len(answer.sentences)):
        outcome = OUTCOMES.get((bool(invented[i:i + 1] and invented[i]), bool(ticked[i:i + 1] and ticked[i])))
        badge = f' <span class="outcome {outcome[0]}">{escape(outcome[1])}</span>' if outcome else ""
        items.append(f"<li><b>{prefix}{i + 1}</b> — {sentence_html(answer, i, link_prefix)}{badge}</li>")
    return (f'<div class="side ans"><h4>{escape(title)}</h4>'
            f'<ol style="list-style:none;padding:0">{"".join(items)}</ol></div>')


def token_html(tokens: list[tuple[str, float]]) -> str:
    """Each generated piece on a background from its probability: fluent text can be low-confidence."""
    if not tokens:
        return "<p><i>(pas de texte généré)</i></p>"
    out = []
    for piece, p in tokens:
        level = "p1" if p < 0.3 else "p2" if p < 0.6 else "p3" if p < 0.9 else "p4"
        out.append(f'<span class="tok {level}" title="probabilité {p:.0%}">{escape(piece)}</span>')
    legend = (
        '<p class="legend">Le modèle écrit par morceaux de mots. Fond violet foncé : il donnait moins de 30 % de '
        "chances au morceau qu'il a écrit ; violet moyen : moins de 60 % ; violet clair : moins de 90 % ; sans "
        "fond : il en était presque sûr. Survolez un morceau pour sa probabilité. Une hésitation n'est pas une "
        "erreur : seul le verdict dit ce qui est inventé.</p>"
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
            title = f"repris par {s.agreement:.0%} des autres tirages"
            parts.append(f'<span class="{cls}" title="{title}">{marked}</span>{escape(extra)}')
        body = " ".join(parts) or escape(text)
        blocks.append(f'<div class="sample"><b>Tirage {i + 1}</b><br>{body}</div>')
    score = "—" if consistency is None else f"{consistency:.0%}"
    return (f'<p class="score-box">Cohérence entre les tirages : <b>{score}</b> des phrases reprises par les autres '
            "tirages. Ce qui change d'un tirage à l'autre est tiré au hasard, pas lu dans les documents.</p>"
            + "".join(blocks))
