from assistant.documents import (
    DECORATIVE_CITATION,
    MISSING_PASSAGE,
    NUMBER_ABSENT,
    Answer,
    Chunk,
    Citation,
    Passage,
    Reason,
    SentenceVerdict,
)
from assistant.ui.render import answer_html, cards_html, used_documents

TEXT = "Le syndicat a été créé en 1990. Nous emménagerons à la rentrée 2015 à Vénissieux. <script>x</script>"
P1 = Passage(1, Chunk("c1", "discours.txt", 0, len(TEXT), TEXT, {"title": "Discours", "date": "2014-12-01"}), 0.9)
P2 = Passage(2, Chunk("c2", "autre.txt", 0, 5, "Autre", {"url": "https://example.org/a?b=1&c=2"}), 0.5)


def make(sentences: list[SentenceVerdict], citations: list[Citation], **kw: object) -> Answer:
    return Answer("Q ?", " ".join(s.text for s in sentences), False, [P1, P2], sentences, citations,
                  {"generator": "g"}, {}, **kw)  # type: ignore[arg-type]


def test_answer_marks_unsupported_and_decorative_sentences() -> None:
    a = make(
        [
            SentenceVerdict("Il emménage en 2015 à Vénissieux.", True, 0.9, 1, cited=[1]),
            SentenceVerdict("Le loyer est de 2016 euros.", False, 0.4, 1, ["2016"],
                            [Reason(NUMBER_ABSENT, ["2016"]), Reason(MISSING_PASSAGE, marker=7)]),
            SentenceVerdict("Il a été créé en 1990.", True, 0.8, 1,
                            reasons=[Reason(DECORATIVE_CITATION, marker=2, replacement=1)], cited=[1]),
        ],
        [Citation(1, 1, 0, True), Citation(2, 2, 2, False), Citation(7, None, 1, False)],
    )
    html = answer_html(a)
    assert '<span class="sent ok">Il emménage' in html and 'href="#p-1"' in html
    assert 'class="sent bad"' in html and "chiffre absent des sources : 2016" in html
    assert '<u class="term">2016</u>' in html
    assert 'class="sent decor"' in html and "citation [2] décorative" in html
    assert "c&#x27;est le passage 1 qui le dit" in html  # the correction, said
    assert '<s class="cite broken" title="citation du modèle, corrigée">[2]</s><a class="cite" href="#p-1">' in html
    assert '<s class="cite broken" title="citation du modèle, corrigée">[7]</s>' in html and "aucun passage 7" in html
    assert "Documents utilisés : Discours" in html


def test_cards_highlight_the_cited_span_and_escape_text() -> None:
    span = (TEXT.index("Nous"), TEXT.index(" <script>"))
    moving = SentenceVerdict("Il emménage à la rentrée 2015.", True, 0.9, 1, cited=[1])
    a = make([moving], [Citation(1, 1, 0, True, span)])
    html = cards_html(a)
    assert '<details class="card cited" id="p-1" open>' in html
    assert '<mark class="span">Nous emménagerons à la rentrée 2015 à Vénissieux.</mark>' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html and '<details class="card" id="p-2">' in html
    assert "01/12/2014" in html


def test_fallback_shows_abstention_with_the_rejected_text_folded() -> None:
    rent = SentenceVerdict("Le loyer est de 2016 euros.", False, 0.2, 1, ["2016"], [Reason(NUMBER_ABSENT, ["2016"])])
    a = make([rent], [],
             raw_answer="Le loyer est de 2016 euros.", fallback=True)
    a = Answer(**{**a.__dict__, "answer": "Les documents ne permettent pas. « Nous emménagerons… » [1]",
                  "abstained": True})
    html = answer_html(a)
    assert html.index("Les documents") < html.index("<details")
    assert 'class="sent bad"' in html and 'href="#p-1"' in html
    assert used_documents(a) == []
