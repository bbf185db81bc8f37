"""Answer → HTML for the chat and the workshop. Pure functions: no Gradio, no model.

Every sentence carries the verifier's verdict: unsupported sentences are marked with their reason, citation
markers link to the passage cards, and the cards highlight the span that supports the citing sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from ..documents import Answer, Passage
from ..text import french_date
from ..verify import wording

CSS = """
.ans p { margin: 0 0 .4em 0; }
.ans .sent.ok { }
.ans .sent.bad { background: #fde2e1; border-bottom: 2px solid #c62828; }
.ans .sent.decor { background: #fff1cc; border-bottom: 2px dashed #b26a00; }
.ans .reason { display: block; font-size: .85em; color: #8e1b1b; margin: .1em 0 .3em 0; }
.ans .reason.decor { color: #7a4a00; }
.ans u.term { text-decoration: underline wavy #c62828; }
.ans a.cite { font-weight: 600; text-decoration: none; padding: 0 .1em; }
.ans a.cite.broken { color: #8a5200; }
.ans .used { font-size: .85em; color: #333; margin-top: .5em; }
.ans details.raw { margin-top: .6em; font-size: .9em; }
.cards details.card { border: 1px solid #d0d7de; border-radius: 8px; padding: .4em .7em; margin: 0 0 .5em 0; }
.cards details.card.cited { border-color: #1565c0; }
.cards .meta { font-size: .85em; color: #3d3d3d; }
.cards mark.span { background: #fff59d; }
.cards .text { white-space: pre-wrap; font-size: .92em; }
.legend { font-size: .85em; color: #3d3d3d; }
/* Contrast (RGAA / WCAG AA): Gradio's default orange buttons carry white text at 2.9:1. */
button.primary { background: #1d4f91 !important; border-color: #1d4f91 !important; color: #fff !important; }
button.stop { background: #a4231c !important; border-color: #a4231c !important; color: #fff !important; }
.subdued { color: #4a4a4a !important; }
.setof { font-size: .85em; color: #333; font-weight: 600; margin: 0 0 .4em 0; }
.searching { font-size: .85em; color: #333; margin: .2em 0 0 0; }
.progress { color: #1f3a5f; font-style: italic; margin: 0 0 .3em 0; }
.draft { color: #333; }
.extract { color: #3d3d3d; font-size: .92em; }
"""

# Opens the passage card when a citation marker is clicked (the cards are <details>, closed when not cited).
# The chat's HTML sanitizer drops data-* attributes: the target is read from href.
HEAD_JS = """<script>
document.addEventListener('click', function (e) {
  const a = e.target.closest && e.target.closest('a.cite');
  if (!a) return;
  e.preventDefault();
  const card = document.getElementById((a.getAttribute('href') || '').slice(1));
  if (!card) return;
  const set = card.closest('.cardset');
  if (set) {
    document.querySelectorAll('.cardset').forEach(function (s) { s.hidden = s !== set; });
  }
  card.open = true;
  card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
  const summary = card.querySelector('summary');
  if (summary) summary.focus({preventScroll: true});
});
// The page is French (Gradio writes lang="en"), and the settings chevron's accessible name is English.
function frenchPage() {
  if (document.documentElement.lang !== 'fr') document.documentElement.lang = 'fr';
  document.querySelectorAll('button[aria-label="Toggle Sidebar"]').forEach(function (b) {
    b.setAttribute('aria-label', 'Ouvrir ou fermer les réglages');
    b.title = 'Réglages';
  });
}
new MutationObserver(frenchPage).observe(document.documentElement,
  {childList: true, subtree: true, attributes: true, attributeFilter: ['lang', 'aria-label']});
frenchPage();
</script>"""


def _marker(prefix: str, marker: int, rank: int | None, supported: bool) -> str:
    if rank is None:
        return f'<span class="cite broken" title="aucun passage {marker}">[{marker}?]</span>'
    cls = "cite" if supported else "cite broken"
    return f'<a class="{cls}" href="#{prefix}-{rank}">[{marker}]</a>'


def sentences_html(answer: Answer, prefix: str = "p") -> str:
    """The model's sentences, each coloured by its verdict, with the passages shown as its support (the model's
    citations, corrected by the verifier: a corrected marker stays visible, struck through) and its reasons."""
    return " ".join(sentence_html(answer, i, prefix) for i in range(len(answer.sentences)))


def sentence_html(answer: Answer, i: int, prefix: str = "p") -> str:
    """One sentence with its verdict, its citations and its reasons."""
    s = answer.sentences[i]
    cites = [c for c in answer.citations if c.sentence == i]
    cls = "ok" if not s.flagged else ("decor" if s.supported else "bad")
    dropped = [c for c in cites if not c.supported and c.marker not in s.cited]
    markers = "".join(
        f'<s class="cite broken" title="citation du modèle, corrigée">[{c.marker}]</s>' for c in dropped
    ) + "".join(_marker(prefix, rank, rank, s.supported) for rank in s.cited)
    body = f'<span class="sent {cls}">{wording.underline_terms(s.text, wording.flagged_terms(s))}</span>{markers}'
    if not s.supported:
        body += f'<span class="reason">⚠ {escape(wording.why(s))}</span>'
    for r in wording.citation_reasons(s):
        body += f'<span class="reason decor">⚠ {escape(wording.describe(r))}</span>'
    return body


def _plain_with_links(text: str, prefix: str, ranks: set[int]) -> str:
    out = escape(text)
    for rank in sorted(ranks):
        out = out.replace(f"[{rank}]", _marker(prefix, rank, rank, True))
    return out.replace("\n", "<br>")


def shown_ranks(answer: Answer) -> set[int]:
    """Passages cited in what the user reads (after correction)."""
    return {rank for s in answer.sentences for rank in s.cited}


def used_documents(answer: Answer) -> list[str]:
    """Titles of the documents the shown answer rests on: cited passages, or all passages if nothing is cited."""
    cited = {rank for s in answer.sentences if s.supported for rank in s.cited}
    chosen = [p for p in answer.passages if p.rank in cited] or ([] if answer.abstained else answer.passages)
    return list(dict.fromkeys(p.chunk.title for p in chosen))


def answer_html(answer: Answer, prefix: str = "p") -> str:
    ranks = {p.rank for p in answer.passages}
    if answer.abstained or answer.fallback or not answer.sentences:
        body = f"<p>{_plain_with_links(answer.answer, prefix, ranks)}</p>"
        if answer.raw_answer and answer.sentences:
            # Refused: the model's sentences with their verdicts. Quoted instead: the sentences are the quote's.
            raw = sentences_html(answer, prefix) if answer.abstained else escape(answer.raw_answer)
            body += (
                f'<details class="raw"><summary>{escape(wording.not_kept(answer))}'
                f"</summary><p>{raw}</p></details>"
            )
    else:
        body = f"<p>{sentences_html(answer, prefix)}</p>"
    if answer.reread:
        body += f'<div class="used">{escape(wording.reread_note(len(answer.passages)))}</div>'
    docs = used_documents(answer)
    if docs:
        body += f'<div class="used">Documents utilisés : {escape(" ; ".join(docs))}</div>'
    elif not answer.passages:
        body += '<div class="used">Réponse du modèle seul, sans documents : rien n\'est vérifiable.</div>'
    return f'<div class="ans">{body}</div>'


def cited_spans(answer: Answer, passage: Passage) -> list[tuple[int, int]]:
    """Spans of the passage that support the sentences shown with it, as the verifier located them."""
    spans = {tuple(c.span) for c in answer.citations if c.passage_rank == passage.rank and c.supported and c.span}
    spans |= {(s.evidence.start, s.evidence.end) for s in answer.sentences
              if s.evidence and s.evidence.rank == passage.rank and passage.rank in s.cited}
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


def progress_html(line: str, text: str = "", extract: str = "") -> str:
    """The answer's bubble while it is prepared: where it is, the passage sentence closest to the question
    (quoted, while the model reads), then the text as the model writes it."""
    body = f'<p class="progress" role="status">{escape(line)}</p>'
    if text:
        body += f'<p class="draft">{escape(text)} ▌</p>'
    elif extract:
        body += f'<p class="extract">En attendant, l\'extrait le plus proche : {escape(extract)}</p>'
    return body


def passages_html(passages: list[Passage], prefix: str = "p") -> str:
    """The passage cards as soon as the search is done, before any answer cites them."""
    return _cards(passages, set(), lambda p: [], prefix)


def cards_html(answer: Answer, prefix: str = "p") -> str:
    return _cards(answer.passages, shown_ranks(answer), lambda p: cited_spans(answer, p), prefix)


def card_sets_html(sets: list[tuple[str, str, str]]) -> str:
    """The passage cards of every answer of the conversation, (prefix, question, cards) each; the latest is
    shown, and a citation clicked in an older answer shows that answer's own cards (not the latest's)."""
    if not sets:
        return '<div class="cards"><p class="legend">Les passages cités s\'afficheront ici.</p></div>'
    out = []
    for n, (prefix, question, cards) in enumerate(sets):
        hidden = "" if n == len(sets) - 1 else " hidden"
        out.append(f'<section class="cardset" id="set-{prefix}"{hidden}>'
                   f'<p class="setof">Passages de la question n° {n + 1} : « {escape(question)} »</p>{cards}</section>')
    return "".join(out)


def _cards(passages: list[Passage], cited: set[int], spans_of: Callable[[Passage], list[tuple[int, int]]],
           prefix: str) -> str:
    if not passages:
        return '<div class="cards"><p class="legend">Aucun passage : question posée sans recherche.</p></div>'
    cards = []
    for p in passages:
        meta = p.chunk.metadata
        title = escape(meta.get("title") or p.chunk.doc)
        bits = [escape(french_date(meta["date"]))] if meta.get("date") else []
        if meta.get("page"):
            bits.append(f"p. {escape(meta['page'])}")
        bits.append(escape(p.chunk.doc))
        if meta.get("collection"):
            bits.append(f"collection {escape(meta['collection'])}")
        if meta.get("ocr") == "oui":
            bits.append("texte lu par OCR (à vérifier sur l'original)")
        if meta.get("url"):
            url = escape(meta["url"], quote=True)
            bits.append(f'<a href="{url}" target="_blank" rel="noopener noreferrer">lien</a>')
        bits.append(f"score {p.score:.3f}")
        spans = spans_of(p)
        state = " open" if p.rank in cited else ""
        cls = "card cited" if p.rank in cited else "card"
        cards.append(
            f'<details class="{cls}" id="{prefix}-{p.rank}"{state}>'
            f'<summary><b>[{p.rank}] {title}</b>{" · cité" if p.rank in cited else ""}</summary>'
            f'<div class="meta">{" · ".join(bits)}</div>'
            f'<div class="text">{_highlight(p.chunk.text, spans)}</div></details>'
        )
    return '<div class="cards">' + "".join(cards) + "</div>"
