import json
from datetime import datetime
from pathlib import Path

import pytest

from assistant.documents import DECORATIVE_CITATION, LOW_SUPPORT, NUMBER_ABSENT, Reason, SentenceVerdict
from assistant.errors import BadInput
from assistant.text import plural
from assistant.workshop.deck import KINDS, load_deck
from assistant.workshop.scoring import Board, FlagScore, hallucination_types, invented, score_flags
from assistant.workshop.session import Attempt, Session, check_pseudonym, load_session
from assistant.workshop.variability import compare_samples, consistency


def test_default_deck_covers_every_trap_kind() -> None:
    deck = load_deck()
    kinds = {c.kind for c in deck}
    assert kinds >= {"hors_corpus", "fausse_premisse", "ambigue", "multi_documents", "chiffres_dates",
                     "question_orientee"}
    assert all(c.look_for and c.explanation and c.kind in KINDS for c in deck)
    assert len({c.id for c in deck}) == len(deck)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "aucune carte"),
        ('[[carte]]\nid = "a"\nkind = "hors_corpus"\ntitle = "t"\nquestion = "q"\nlook_for = "l"\n', "explanation"),
        ('[[carte]]\nid = "a"\nkind = "devinette"\ntitle = "t"\nquestion = "q"\nlook_for = "l"\n'
         'explanation = "e"\n', "kind « devinette » inconnu"),
        ('[[carte]]\nid = "a"\nkind = "libre"\ntitle = "t"\nquestion = "q"\nlook_for = "l"\nexplanation = "e"\n'
         'couleur = "bleu"\n', "couleur"),
        ('[[carte]]\nid = "a"\nkind = "libre"\ntitle = "t"\nquestion = "q"\nlook_for = "l"\nexplanation = "e"\n' * 2,
         "en double"),
        ("[[carte]\nid=", "illisible"),
    ],
)
def test_deck_errors_name_the_file_card_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "cartes.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput, match=message) as err:
        load_deck(path)
    assert str(path) in str(err.value)


def test_scoring_against_the_verifier() -> None:
    sentences = [
        SentenceVerdict("a", True, 0.9, 1),
        SentenceVerdict("b", False, 0.2, 1, ["2016"],
                        [Reason(NUMBER_ABSENT, ["2016"]), Reason(LOW_SUPPORT, score=0.2)]),
        SentenceVerdict("c", True, 0.8, 2, reasons=[Reason(DECORATIVE_CITATION, marker=2)]),
        SentenceVerdict("d", False, 0.3, None, reasons=[Reason(LOW_SUPPORT, score=0.3)]),
    ]
    verdict = invented(sentences)
    assert verdict == [False, True, True, True]
    assert hallucination_types(sentences) == {
        "chiffre ou date inventé": 1, "affirmation non étayée": 1, "citation décorative": 1}
    score = score_flags([False, True, False, True], verdict)
    assert score == FlagScore(caught=2, missed=1, false_alarm=0, trusted=1)
    assert score.points == 5 and score.agreement == 0.75
    with pytest.raises(ValueError):
        score_flags([True], verdict)
    board = Board()
    board.add("Renard", score)
    board.add("Hibou", FlagScore(false_alarm=2))
    board.add("Renard", FlagScore(trusted=1))
    assert board.ranking() == [("Renard", 6, 0.8), ("Hibou", -2, 0.0)]


def test_pseudonyms_only() -> None:
    assert check_pseudonym("  Renard   roux ") == "Renard roux"
    for bad in ("", "jean.dupont@ville.fr", "06 12 34 56 78", "x" * 30):
        with pytest.raises(BadInput, match="pseudonyme"):
            check_pseudonym(bad)


def test_session_summary_exports_and_reload(tmp_path: Path) -> None:
    session = Session.new()
    side = {"answer": "x", "sentences": ["a", "b"], "invented": [True, False]}
    session.attempts.append(Attempt("Renard", "budget", "hors_corpus", "Quel budget ?", side,
                                    {"answer": "y", "sentences": ["c"], "invented": [False]},
                                    flags={"alone": [True, False], "grounded": [True]},
                                    score={"caught": 1, "missed": 0, "false_alarm": 1, "trusted": 1},
                                    types={"chiffre ou date inventé": 1}))
    session.attempts.append(Attempt("Hibou", "budget", "hors_corpus", "Quel budget ?", side, side))
    summary = session.summary()
    assert summary["attempts"] == 2 and summary["participants"] == 2
    assert summary["hallucinations_by_type"] == {"chiffre ou date inventé": 1}
    assert summary["invented_without_documents"] == 2 and summary["invented_with_documents"] == 1
    assert summary["agreement_participants_verifier"] == pytest.approx(2 / 3)
    assert summary["scoreboard"] == [{"pseudonym": "Renard", "points": 2, "agreement": pytest.approx(2 / 3)}]
    folder = session.save(tmp_path)
    raw = (folder / "session.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: French spreadsheet software reads UTF-8 then
    rows = raw.decode("utf-8-sig").splitlines()
    assert len(rows) == 3 and rows[0].startswith("date;pseudonyme;carte;")
    local = datetime.fromisoformat(session.attempts[0].created).astimezone().strftime("%d/%m/%Y %H:%M:%S")
    assert rows[1].startswith(f"{local};Renard;")  # local time, not UTC
    assert "2 essais, 2 participants." in session.summary_html()
    html = (folder / "recap.html").read_text(encoding="utf-8")
    assert "Renard" in html and "<script" not in html and "http" not in html
    again = load_session(folder / "session.json")
    assert again.summary() == summary
    json.loads((folder / "session.json").read_text(encoding="utf-8"))


def test_variability_finds_the_drawn_number() -> None:
    answers = [
        "Le syndicat emménage à la rentrée 2015 à Vénissieux. Le loyer est de 3000 euros.",
        "Le syndicat emménage à la rentrée 2015 à Vénissieux. Le loyer est de 4500 euros.",
        "Le syndicat emménage à la rentrée 2015, à Vénissieux.",
    ]
    sentences = compare_samples(answers)
    stable = [s for s in sentences if s.text.startswith("Le syndicat")]
    assert all(s.agreement >= 0.9 and not s.unique_terms for s in stable)
    rent = [s for s in sentences if "loyer" in s.text]
    assert [s.unique_terms for s in rent] == [["3000"], ["4500"]]
    assert consistency(sentences) == pytest.approx(3 / 5)
    assert consistency([]) is None


def test_a_round_without_the_ui(tmp_path: Path) -> None:
    """play → reveal → score with the scripted generator: the rules of a round, testable without Gradio."""
    from assistant.workshop.room import Workshop, choices, play, points, resample, reveal
    from tests.fakes import MOVE, scripted_assistant

    assistant, generator = scripted_assistant(tmp_path, "")
    generator.script = lambda prompt: (f"{MOVE} [1]" if "<passage" in prompt.messages[-1]["content"]
                                       else "Le syndicat déménage à Lyon en 2019. Il organise un tournoi de pétanque.")
    room = Workshop(lambda: assistant, load_deck(), tmp_path / "workshop")
    played = play(room, "Renard", "demenagement", "Quand le syndicat emménage-t-il dans ses nouveaux locaux ?")
    attempt = room.session.attempts[played.index]
    assert attempt.card_id == room.card("demenagement").id
    assert choices(attempt) == ["A1", "A2", "B1"]
    assert attempt.alone["invented"] == [True, True] and attempt.grounded["invented"] == [False]
    assert played.alone.passages == played.grounded.passages  # the model alone is checked against them
    assert attempt.types == {"chiffre ou date inventé": 1, "affirmation non étayée": 1}
    alone_view, grounded_view = played.revealed()
    assert not alone_view.abstained and not grounded_view.fallback

    scored = reveal(room, played.index, ["A1", "B1"])
    assert scored.flags == {"alone": [True, False], "grounded": [True]}
    assert points(scored) == FlagScore(caught=1, missed=1, false_alarm=1, trusted=0)
    assert room.session.board().ranking() == [("Renard", 1, 1 / 3)]
    assert load_session(tmp_path / "workshop" / "sessions" / room.session.id / "session.json").attempts[0].score

    generator.script = MOVE
    sampled = resample(assistant, "Quand le syndicat emménage-t-il ?")
    assert sampled.answers == [MOVE] * 3 and sampled.consistency == 1.0


def test_plurals_in_french() -> None:
    assert [plural(n, "essai") for n in (0, 1, 2)] == ["0 essai", "1 essai", "2 essais"]
    assert plural(3, "document ajouté", "documents ajoutés") == "3 documents ajoutés"


def test_the_reveal_keeps_labels_and_says_what_each_tick_was_worth() -> None:
    from assistant.documents import Answer, SentenceVerdict
    from assistant.ui.workshop_view import revealed_html

    sentences = [SentenceVerdict("Vrai.", True, 0.9, 1), SentenceVerdict("Inventé.", False, 0.1, None),
                 SentenceVerdict("Aussi inventé.", False, 0.1, None)]
    answer = Answer("Q ?", "", False, [], sentences, [], {}, {})
    html = revealed_html("Modèle seul", "A", answer, [False, True, True], [True, True, False])
    assert [f"<b>A{i}</b>" in html for i in (1, 2, 3)] == [True, True, True]
    assert "fausse" not in html  # wording: the verifier found it, no jargon
    assert html.count("outcome false") == 1 and html.count("outcome good") == 1 and html.count("outcome missed") == 1
