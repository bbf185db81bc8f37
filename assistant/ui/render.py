"""Answer → HTML for the chat and the workshop. Pure functions: no Gradio, no model.

Every sentence carries the verifier's verdict: unsupported sentences are marked with their reason, citation
markers link to the passage cards, and the cards highlight the span that supports the citing sentence.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..documents import Answer, Passage, SentenceVerdict
from ..verify import best_window

CSS = """
.ans p { margin: 0 0 .4em 0; }
.ans .sent.ok { }
.ans .sent.bad { background: #fde2e1; border-bottom: 2px solid #c62828; }
.ans .sent.decor { background: #fff1cc; border-bottom: 2px dashed #b26a00; }
.ans .reason { display: block; font-size: .85em; color: #8e1b1b; margin: .1em 0 .3em 0; }
.ans .reason.decor { color: #7a4a00; }
.ans u.term { text-decoration: underline wavy #c62828; }
.ans a.cite { font-weight: 600; text-decoration: none; padding: 0 .1em; }
.ans a.cite.broken { color: #b26a00; }
.ans .used { font-size: .85em; color: #555; margin-top: .5em; }
.ans details.raw { margin-top: .6em; font-size: .9em; }
.cards details.card { border: 1px solid #d0d7de; border-radius: 8px; padding: .4em .7em; margin: 0 0 .5em 0; }
.cards details.card.cited { border-color: #1565c0; }
.cards .meta { font-size: .85em; color: #555; }
.cards mark.span { background: #fff59d; }
.cards .text { white-space: pre-wrap; font-size: .92em; }
.legend { font-size: .85em; color: #555; }
"""

# Opens the passage card when a citation marker is clicked (the cards are <details>, closed when not cited).
# The chat's HTML sanitizer drops data-* attributes: the target is read from href.
HEAD_JS = """<script>
document.addEventListener('click', function (e) {
  const a = e.target.closest && e.target.closest('a.cite');
  if (!a) return;
  e.preventDefault();
  const card = document.getElementById((a.getAttribute('href') || '').slice(1));
  if (card) { card.open = true; card.scrollIntoView({behavior: 'smooth', block: 'nearest'}); }
});
</script>"""


def reason(sentence: SentenceVerdict) -> str:
    """Why a sentence is marked, in words a staff member understands."""
    numbers = [t for t in sentence.unsupported_terms if any(ch.isdigit() for ch in t)]
    names = [t for t in sentence.unsupported_terms if t not in numbers]
    parts = []
    if numbers:
        parts.append(f"chiffre absent des sources : {', '.join(numbers)}")
    if names:
        parts.append(f"nom absent des sources : {', '.join(names)}")
    if not parts:
        parts.append(f"non étayé par les passages (appui {sentence.score:.2f})")
    return " ; ".join(parts)


def _underline(text: str, words: list[str]) -> str:
    out = escape(text)
    for word in sorted(words, key=len, reverse=True):
        out = out.replace(escape(word), f'<u class="term">{escape(word)}</u>')
    return out


def _marker(prefix: str, marker: int, rank: int | None, supported: bool) -> str:
    if rank is None:
        return f'<span class="cite broken" title="aucun passage {marker}">[{marker}?]</span>'
    cls = "cite" if supported else "cite broken"
    return f'<a class="{cls}" href="#{prefix}-{rank}">[{marker}]</a>'


def sentences_html(answer: Answer, prefix: str = "p") -> str:
    """The model's sentences, each coloured by its verdict, with its citation markers and the reason if marked."""
    parts: list[str] = []
    for i, s in enumerate(answer.sentences):
        cites = [c for c in answer.citations if c.sentence == i]
        decorative = [c for c in cites if not c.supported]
        cls = "ok" if s.supported and not decorative else ("decor" if s.supported else "bad")
        markers = "".join(_marker(prefix, c.marker, c.passage_rank, c.supported) for c in cites)
        body = f'<span class="sent {cls}">{_underline(s.text, s.unsupported_terms)}</span>{markers}'
        if not s.supported:
            body += f'<span class="reason">⚠ {escape(reason(s))}</span>'
        for c in decorative:
            what = f"aucun passage {c.marker}" if c.passage_rank is None else f"le passage {c.marker} ne dit pas cela"
            body += f'<span class="reason decor">⚠ citation [{c.marker}] décorative : {what}</span>'
        parts.append(body)
    return " ".join(parts)


def _plain_with_links(text: str, prefix: str, ranks: set[int]) -> str:
    out = escape(text)
    for rank in sorted(ranks):
        out = out.replace(f"[{rank}]", _marker(prefix, rank, rank, True))
    return out.replace("\n", "<br>")


def used_documents(answer: Answer) -> list[str]:
    """Titles of the documents the shown answer rests on: cited passages, or all passages if nothing is cited."""
    cited = {c.passage_rank for c in answer.citations if c.supported}
    chosen = [p for p in answer.passages if p.rank in cited] or ([] if answer.abstained else answer.passages)
    return list(dict.fromkeys(p.chunk.metadata.get("title") or p.chunk.doc for p in chosen))


def answer_html(answer: Answer, prefix: str = "p") -> str:
    ranks = {p.rank for p in answer.passages}
    if answer.abstained or answer.fallback or not answer.sentences:
        body = f"<p>{_plain_with_links(answer.answer, prefix, ranks)}</p>"
        if answer.raw_answer and answer.sentences:
            body += (
                '<details class="raw"><summary>Texte du modèle, non retenu faute d\'appui dans les documents'
                f"</summary><p>{sentences_html(answer, prefix)}</p></details>"
            )
    else:
        body = f"<p>{sentences_html(answer, prefix)}</p>"
    docs = used_documents(answer)
    if docs:
        body += f'<div class="used">Documents utilisés : {escape(" ; ".join(docs))}</div>'
    elif not answer.passages:
        body += '<div class="used">Réponse du modèle seul, sans documents : rien n\'est vérifiable.</div>'
    return f'<div class="ans">{body}</div>'


def cited_spans(answer: Answer, passage: Passage) -> list[tuple[int, int]]:
    """Spans of the passage that support the sentences citing it (the best-matching passage sentence)."""
    spans = set()
    for c in answer.citations:
        if c.passage_rank == passage.rank and c.sentence < len(answer.sentences):
            _, span = best_window(answer.sentences[c.sentence].text, passage.chunk.text, window=1)
            spans.add(span)
    return _merge(sorted(spans))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _highlight(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for s, e in spans:
        out += [escape(text[pos:s]), f'<mark class="span">{escape(text[s:e])}</mark>']
        pos = e
    out.append(escape(text[pos:]))
    return "".join(out)


def cards_html(answer: Answer, prefix: str = "p") -> str:
    if not answer.passages:
        return '<div class="cards"><p class="legend">Aucun passage : question posée sans recherche.</p></div>'
    cited = {c.passage_rank for c in answer.citations}
    cards = []
    for p in answer.passages:
        meta = p.chunk.metadata
        title = escape(meta.get("title") or p.chunk.doc)
        bits = [escape(meta["date"])] if meta.get("date") else []
        if meta.get("page"):
            bits.append(f"p. {escape(meta['page'])}")
        bits.append(escape(p.chunk.doc))
        if meta.get("url"):
            url = escape(meta["url"], quote=True)
            bits.append(f'<a href="{url}" target="_blank" rel="noopener noreferrer">lien</a>')
        bits.append(f"score {p.score:.3f}")
        spans = cited_spans(answer, p)
        state = " open" if p.rank in cited else ""
        cls = "card cited" if p.rank in cited else "card"
        cards.append(
            f'<details class="{cls}" id="{prefix}-{p.rank}"{state}>'
            f'<summary><b>[{p.rank}] {title}</b>{" · cité" if p.rank in cited else ""}</summary>'
            f'<div class="meta">{" · ".join(bits)}</div>'
            f'<div class="text">{_highlight(p.chunk.text, spans)}</div></details>'
        )
    return '<div class="cards">' + "".join(cards) + "</div>"


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
            parts.append(f'<span class="{cls}" title="accord {s.agreement:.2f}">{_underline(s.text, s.unique_terms)}'
                         f"</span>{escape(extra)}")
        body = " ".join(parts) or escape(text)
        blocks.append(f'<div class="sample"><b>Tirage {i + 1}</b><br>{body}</div>')
    score = "—" if consistency is None else f"{consistency:.0%}"
    return (f'<p class="score-box">Cohérence entre les tirages : <b>{score}</b> des phrases reprises par les autres '
            "tirages. Ce qui change d'un tirage à l'autre est tiré au hasard, pas lu dans les documents.</p>"
            + "".join(blocks))
