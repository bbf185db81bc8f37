"""The one wording of the verifier's reasons, and its use by every view."""

from assistant.documents import (
    DECORATIVE_CITATION,
    LOW_SUPPORT,
    MISSING_PASSAGE,
    NAME_ABSENT,
    NUMBER_ABSENT,
    NUMBER_ELSEWHERE,
    Reason,
    SentenceVerdict,
)
from assistant.verify import wording


def test_each_reason_has_its_french_words() -> None:
    assert wording.describe(Reason(NUMBER_ABSENT, ["2016"])) == "chiffre absent des sources : 2016"
    assert wording.describe(Reason(NAME_ABSENT, ["Azure", "Google"])) == "nom absent des sources : Azure, Google"
    assert wording.describe(Reason(NUMBER_ELSEWHERE, ["2024"])) == (
        "chiffre détourné : les sources donnent 2024 à propos d'autre chose")
    assert wording.describe(Reason(LOW_SUPPORT, score=0.314)) == (
        "les passages ne disent pas l'essentiel de cette phrase")
    assert wording.describe(Reason(DECORATIVE_CITATION, marker=2)) == (
        "citation [2] décorative : le passage 2 ne dit pas cela")
    assert wording.describe(Reason(MISSING_PASSAGE, marker=7)) == "citation [7] décorative : aucun passage 7"
    assert wording.describe(Reason("a_future_kind")) == "a_future_kind"  # never hidden, even unworded


def test_why_joins_the_sentence_reasons_and_leaves_citations_apart() -> None:
    v = SentenceVerdict("x", False, 0.4, 1, ["3", "Azure"], [
        Reason(NUMBER_ABSENT, ["3"]), Reason(NAME_ABSENT, ["Azure"]), Reason(DECORATIVE_CITATION, marker=1)])
    assert wording.why(v) == "chiffre absent des sources : 3 ; nom absent des sources : Azure"
    assert [r.kind for r in wording.citation_reasons(v)] == [DECORATIVE_CITATION]
    assert wording.categories([v]) == ["chiffre ou date inventé", "citation décorative"]


def test_numbers_taken_from_elsewhere_are_underlined_too() -> None:
    v = SentenceVerdict("Créé en 2024 par Martin.", False, 0.6, 1, ["Martin"], [
        Reason(NAME_ABSENT, ["Martin"]), Reason(NUMBER_ELSEWHERE, ["2024"])])
    assert wording.flagged_terms(v) == ["Martin", "2024"]
    assert wording.why(v) == (
        "nom absent des sources : Martin ; chiffre détourné : les sources donnent 2024 à propos d'autre chose")
    alone = SentenceVerdict("Créé en 2024.", False, 0.6, 1, [], [Reason(NUMBER_ELSEWHERE, ["2024"])])
    assert wording.categories([alone]) == ["chiffre ou date détourné"]
    assert "<u class=\"term\">2024</u>" in wording.underline_terms(alone.text, wording.flagged_terms(alone))


def test_verdicts_round_trip_through_json() -> None:
    from dataclasses import asdict

    from assistant.documents import Evidence

    v = SentenceVerdict("x", True, 0.9, 2, reasons=[Reason(DECORATIVE_CITATION, marker=1)], evidence=Evidence(2, 3, 9))
    assert SentenceVerdict.from_json(asdict(v)) == v
    assert SentenceVerdict.from_json({"text": "x", "supported": True, "score": 1.0}).reasons == []


def test_underline_marks_longest_terms_first_and_escapes() -> None:
    html = wording.underline_terms("<b> 2015 et 12015", ["2015", "12015"])
    assert html.startswith("&lt;b&gt;") and html.count('<u class="term">') == 2
