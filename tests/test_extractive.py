from assistant.answer.extractive import best_sentences, format_extracts, question_coverage
from assistant.documents import Chunk, Passage
from assistant.verify.checks import verify

P = [
    Passage(
        1, Chunk("a", "a.txt", 0, 1, "Le conseil a voté le budget. La piscine ouvrira le 3 juin après travaux."), 1.0
    ),
    Passage(2, Chunk("b", "b.txt", 0, 1, "Le marché de Noël se tient place de la mairie chaque hiver."), 0.5),
]


def test_best_sentences_quote_and_cite() -> None:
    extracts = best_sentences("Quand la piscine ouvrira-t-elle ?", P, idf={})
    assert extracts[0].rank == 1 and extracts[0].text.startswith("La piscine ouvrira")
    text = format_extracts(extracts)
    assert text.startswith("« La piscine ouvrira le 3 juin") and "[1]" in text
    v = verify(text, P)  # zero generated words: every quoted sentence is supported
    assert v.sentences and all(s.supported for s in v.sentences) and not v.abstained


def test_nothing_relevant_gives_nothing() -> None:
    assert best_sentences("Quel est le taux de chômage ?", P, idf={}) == []
    assert question_coverage("", "texte", {}) == 0.0
