from assistant.text import content_tokens, fold, normalize_for_match, split_sentences, stem, terms, tokenize


def test_fold_and_elisions() -> None:
    assert fold("Élus, œuvre") == "elus, oeuvre"
    assert tokenize("L'État qu'il a créé") == ["etat", "il", "a", "cree"]
    assert "syndicat" in content_tokens("Le syndicat d'une ville")
    assert "le" not in content_tokens("Le syndicat")


def sentences_of(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_sentences_are_french_aware() -> None:
    text = "M. Dupont a payé 130.000 euros. Il vient… de Lyon ! Et cf. la note.\n\nFin"
    assert sentences_of(text) == ["M. Dupont a payé 130.000 euros.", "Il vient… de Lyon !", "Et cf. la note.", "Fin"]


def test_initials_are_not_sentence_ends() -> None:
    """« Theodor W. Adorno » cut at the initial left the quotation without the words that answered."""
    text = (
        "Les deux centraux sont des danses, que Theodor W. Adorno dit de mort. Puis J. K. Rowling écrit. "
        "Il y a les groupes A et B. Chacun a ses virus. La Wii U. Toujours proche, selon sir H. Clinton."
    )
    assert sentences_of(text) == [
        "Les deux centraux sont des danses, que Theodor W. Adorno dit de mort.",
        "Puis J. K. Rowling écrit.",
        "Il y a les groupes A et B.",
        "Chacun a ses virus.",
        "La Wii U.",
        "Toujours proche, selon sir H. Clinton.",
    ]


def test_a_closing_quotation_mark_ends_its_sentence() -> None:
    """French spacing puts a space before « » »: cut after the period, the mark opened the next sentence and the
    fallback quoted « » Leurs qualités … »."""
    text = (
        "« Les pièces ont été étudiées, » souligne Martin Rohmer, « sous l'angle littéraire. » Leurs qualités "
        "sont soulignées. Il dit : « Viens.\u00a0» Puis il part. « Oui. » dit-il. Fin (voir plus haut.) Ensuite."
    )
    assert sentences_of(text) == [
        "« Les pièces ont été étudiées, » souligne Martin Rohmer, « sous l'angle littéraire. »",
        "Leurs qualités sont soulignées.",
        "Il dit : « Viens.\u00a0»",
        "Puis il part.",
        "« Oui. » dit-il.",
        "Fin (voir plus haut.)",
        "Ensuite.",
    ]


def test_stem_joins_inflections() -> None:
    assert stem("demenager") == stem("demenagement") == stem("demenage")
    assert terms("Déménager") == terms("déménagement")
    assert stem("2015") == "2015"


def test_normalize_for_match() -> None:
    assert normalize_for_match("  Vénissieux\n  CENTRE ") == normalize_for_match("venissieux centre")
