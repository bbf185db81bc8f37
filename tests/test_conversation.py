from assistant.app.conversation import is_follow_up, retrieval_query

MOVE = "Quand le syndicat emménage-t-il dans ses nouveaux locaux ?"


def test_standalone_questions_are_left_alone() -> None:
    for q in (MOVE, "Qui préside le SITIV ?", "Quel est le budget du syndicat pour 2025 ?"):
        assert not is_follow_up(q)
        assert retrieval_query(q, [MOVE]) == q


def test_follow_up_takes_the_subject_from_the_previous_question() -> None:
    for q in ("Et où se trouvent-ils ?", "Combien coûte-t-il ?", "Pourquoi ?", "Et le budget ?"):
        assert is_follow_up(q)
        query = retrieval_query(q, [MOVE])
        assert query.startswith(q) and "locaux" in query and "syndicat" in query


def test_follow_up_of_a_follow_up_reaches_the_last_standalone_question_only() -> None:
    history = ["Qui préside le SITIV ?", MOVE, "Combien coûte-t-il ?"]
    query = retrieval_query("Et à quelle adresse ?", history)
    assert "locaux" in query and "coûte" in query
    assert "préside" not in query


def test_no_history_no_rewrite() -> None:
    assert retrieval_query("Et où ?", []) == "Et où ?"
