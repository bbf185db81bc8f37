"""The verifier's reasons in words a staff member understands: the one place where a verdict is phrased.

The CLI, the chat, the workshop, the eval report and feedback all call these; none words a reason itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from ..documents import (
    CITATION_REASONS,
    DECORATIVE_CITATION,
    LOW_SUPPORT,
    MISSING_PASSAGE,
    NAME_ABSENT,
    NOT_ENTAILED,
    NUMBER_ABSENT,
    NUMBER_ELSEWHERE,
    Answer,
    Reason,
    SentenceVerdict,
)


def describe(reason: Reason) -> str:
    """One reason, as a short French clause."""
    if reason.kind == NUMBER_ABSENT:
        return f"chiffre absent des sources : {', '.join(reason.terms)}"
    if reason.kind == NAME_ABSENT:
        return f"nom absent des sources : {', '.join(reason.terms)}"
    if reason.kind == NUMBER_ELSEWHERE:
        return f"chiffre détourné : les sources donnent {', '.join(reason.terms)} à propos d'autre chose"
    if reason.kind == LOW_SUPPORT:
        return "les passages ne disent pas l'essentiel de cette phrase"
    if reason.kind == NOT_ENTAILED:
        return "le sens de cette phrase n'est pas celui des passages (relecture par le modèle)"
    fix = f" ; c'est le passage {reason.replacement} qui le dit" if reason.replacement else ""
    if reason.kind == DECORATIVE_CITATION:
        return f"citation [{reason.marker}] décorative : le passage {reason.marker} ne dit pas cela{fix}"
    if reason.kind == MISSING_PASSAGE:
        return f"citation [{reason.marker}] décorative : aucun passage {reason.marker}{fix}"
    return reason.kind  # a kind without wording yet still shows, never hides


# The workshop's hallucination types (facilitator summary), one per reason kind.
_CATEGORY = {
    NUMBER_ABSENT: "chiffre ou date inventé",
    NAME_ABSENT: "nom inventé",
    NUMBER_ELSEWHERE: "chiffre ou date détourné",
    LOW_SUPPORT: "affirmation non étayée",
    NOT_ENTAILED: "sens déformé ou non étayé",
    DECORATIVE_CITATION: "citation décorative",
    MISSING_PASSAGE: "citation décorative",
}


def category(reason: Reason) -> str:
    return _CATEGORY.get(reason.kind, reason.kind)


def is_citation_reason(reason: Reason) -> bool:
    return reason.kind in CITATION_REASONS


def sentence_reasons(verdict: SentenceVerdict) -> list[Reason]:
    """The reasons that make the sentence itself unsupported (not those about its citations)."""
    return [r for r in verdict.reasons if not is_citation_reason(r)]


def citation_reasons(verdict: SentenceVerdict) -> list[Reason]:
    return [r for r in verdict.reasons if is_citation_reason(r)]


def why(verdict: SentenceVerdict) -> str:
    """Why the sentence itself is unsupported, all reasons joined (empty when it is supported)."""
    return " ; ".join(describe(r) for r in sentence_reasons(verdict))


def categories(verdicts: Iterable[SentenceVerdict]) -> list[str]:
    """Hallucination types found: one per unsupported sentence (its first reason), one per faulty citation."""
    found: list[str] = []
    for v in verdicts:
        own = sentence_reasons(v)
        if own:
            found.append(category(own[0]))
        found += [category(r) for r in citation_reasons(v)]
    return found


def flagged_terms(verdict: SentenceVerdict) -> list[str]:
    """The words of the sentence at fault: its absent numbers and names, and numbers taken from elsewhere."""
    elsewhere = [t for r in verdict.reasons if r.kind == NUMBER_ELSEWHERE for t in r.terms]
    return list(dict.fromkeys([*verdict.unsupported_terms, *elsewhere]))


def underline_terms(text: str, terms: Iterable[str], tag: str = 'u class="term"') -> str:
    """The text, HTML-escaped, with each absent term underlined once (one pass, longest term first, so
    « 2015 » inside « 12015 » is not marked again inside the longer mark)."""
    out = escape(text)
    wanted = sorted({escape(t) for t in terms if t}, key=len, reverse=True)
    if not wanted:
        return out
    close = tag.split()[0]
    return re.sub("|".join(map(re.escape, wanted)), lambda m: f"<{tag}>{m.group()}</{close}>", out)


def off_topic() -> str:
    """Said when the answer's sentences hold but answer another question than the one asked."""
    return "La réponse rédigée ne répondait pas à la question posée : elle n'est pas montrée."


def absent_from_passages(terms: list[str]) -> str:
    """Said instead of an answer when the question names what no retrieved passage holds."""
    quoted = ", ".join(f"« {t} »" for t in terms)
    return (f"Les passages trouvés ne mentionnent pas {quoted} : les documents fournis ne permettent pas de "
            "répondre à cette question.")


def not_kept(answer: Answer) -> str:
    """Why the model's own text is not what the user reads."""
    if answer.off_topic:
        return "Texte du modèle, non retenu : il ne répond pas à la question posée"
    if not answer.abstained:
        return "Texte du modèle, remplacé par la citation des documents qui répond à la question"
    return "Texte du modèle, non retenu faute d'appui dans les documents"


REREADING = "Le modèle n'a rien trouvé : relecture du passage [1] seul…"


def reread_note(passages: int) -> str:
    """Said under an answer found on the second reading (pipeline/reread.py): why it rests on passage [1] alone."""
    return (f"Le modèle n'avait d'abord rien trouvé dans les {passages} passages ; en relisant le passage [1] seul, "
            "il y a trouvé cette réponse.")


def dropped_passages(count: int) -> str:
    """Said under an answer whose prompt could not hold every retrieved passage."""
    return f"{count} passage(s) écarté(s) faute de place dans le contexte du modèle"
