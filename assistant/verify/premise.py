"""What a question takes for granted. « Pourquoi le SITIV a-t-il choisi Office 365 ? » presupposes « le SITIV a
choisi Office 365 »: if the documents do not say so, the honest answer names that premise as unsupported
instead of justifying it. Pure rules over French question forms; the check itself is a pipeline stage.

Only forms whose presupposition is a whole statement are read: « pourquoi / quand / comment / où / en quelle
année … » with subject-verb inversion (« a-t-il », « sont-ils »), « pourquoi … » without it, and a statement
followed by « n'est-ce pas ? ». « Combien », « qui », « quel » questions presuppose little beyond their subject
and are left alone.
"""

from __future__ import annotations

import re

from ..text import terms

_PRONOUNS = "il|elle|ils|elles|on"
_WH = (
    r"pourquoi|pour quelle raison|dans quel but|quand|depuis quand|comment|où|en quelle année|à quelle date|"
    r"à quel moment|de quelle (?:façon|manière)"
)
_WHY = re.compile(r"^(?:pourquoi|pour quelle raison|dans quel but)\s+(?:est-ce qu(?:e\s+|'|’))?(?P<rest>.+)$", re.I)
_WH_INVERTED = re.compile(
    rf"^(?:{_WH})\s+(?:est-ce qu(?:e\s+|'|’))?(?P<subject>.*?)\b(?P<verb>[\w’']+?)-(?:t-)?(?P<pronoun>{_PRONOUNS})\b"
    r"(?P<rest>.*)$",
    re.I,
)
_TAG = re.compile(r"^(?P<statement>.+?),?\s+(?:n'est-ce pas|n’est-ce pas|non|pas vrai|c'est bien ça)\s*\?", re.I)


# Common finite verbs of a premise: after one, an inverted pronoun (below) or the predicate (`predicate_of`).
_VERBS = "est|sont|a|ont|était|étaient|avait|avaient|fut|furent|peut|peuvent|doit|doivent|va|vont|fait|font"

# Inversion typed without hyphens (« Pourquoi Baker est il critiqué ») after a common verb: the pronoun goes.
_LOOSE_INVERSION = re.compile(
    rf"\b({_VERBS})"
    rf"\s+(?:t\s+)?(?:{_PRONOUNS})\b(?=\s)",
    re.I,
)


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,;")
    text = _LOOSE_INVERSION.sub(r"\1", text) if not re.match(rf"(?:{_PRONOUNS})\b", text, re.I) else text
    text = re.sub(r"\b(a|ont|est|sont|avait|avaient) bien\b", r"\1", text)  # « a bien signé » → « a signé »
    return text


def premise_of(question: str) -> str | None:
    """The statement the question presupposes, or None when its form presupposes nothing checkable."""
    question = " ".join(question.split())
    tag = _TAG.match(question)
    if tag:
        return _clean(_lower_first(tag.group("statement"))) or None
    first = question.split("?", 1)[0].strip()
    inverted = _WH_INVERTED.match(first)
    if inverted:
        subject = inverted.group("subject").strip() or inverted.group("pronoun")
        statement = f"{subject} {inverted.group('verb')}{inverted.group('rest')}"
        return _clean(_lower_first(statement)) or None
    why = _WHY.match(first)
    if why:
        return _clean(_lower_first(why.group("rest"))) or None
    return None


_LOWER = re.compile(r"^(?:le|la|les|l'|l’|un|une|des|du|ce|cet|cette|ces|son|sa|ses|leur|leurs|notre|nos|votre|"
                    r"vos|il|elle|ils|elles|on|nous|vous)\b", re.I)


def _lower_first(text: str) -> str:
    """« Le SITIV … » → « le SITIV … »; a name stays as written (« Michèle Picard … »)."""
    return text[0].lower() + text[1:] if _LOWER.match(text) else text


# The first finite verb of a premise: what follows it is what the question takes for granted about its subject.
_PREDICATE = re.compile(rf"\b(?:{_VERBS}|sera|seront)\s+(?P<predicate>.+)$", re.I)


def predicate_of(premise: str) -> str:
    """« Edward Dickinson Baker est critiqué » → « critiqué »: every retrieved passage about Baker names him, so
    his name says nothing about where the passages say he was criticised. The whole premise when no auxiliary
    opens a predicate with a content word (« Roger rejette sa famille »)."""
    found = _PREDICATE.search(premise)
    return found.group("predicate") if found and terms(found.group("predicate")) else premise


def unsupported_premise_text(premise: str) -> str:
    """« Les documents ne disent pas que … », with the elision French needs (« qu'il », « qu'un »)."""
    que = "qu'" if re.match(r"[aeiouyàâéèêîïôûh]", premise, re.I) and not premise.lower().startswith("h") else "que "
    return f"Les documents ne disent pas {que}{premise}."
