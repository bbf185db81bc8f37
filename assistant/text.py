"""French text normalisation, in one place: BM25, the verifier and the eval matcher all use it."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

# Elided articles/pronouns glued by an apostrophe: l'État → l + état; the stem is what matters.
_ELISION = re.compile(r"\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)
_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+", re.UNICODE)

STOPWORDS = frozenset(
    """
    a afin ai aie aient aies ait alors as au aucun aucune aupres aussi autre autres aux avaient avais avait avant
    avec avez aviez avions avoir avons ayant c ca car ce ceci cela celle celles celui cependant ces cet cette ceux
    chacun chaque chez ci comme comment d dans de des deja depuis dont donc du elle elles en encore entre es est
    et etaient etais etait etant ete etes etiez etions etre eu eux fait faut fois furent fut ici il ils j je jusqu
    l la le les leur leurs lors lorsqu lui m ma mais me meme memes mes moi mon n ne ni nos notre nous on ont ou
    par parce pas peu peut plus pour pourquoi puis qu quand que quel quelle quelles quels qui quoi s sa sans se
    sera seront ses si sien son sont sous soyez suis sur t ta te tes toi ton tous tout toute toutes tres tu un
    une unes uns v va vers veut vos votre vous y
    """.split()
)


# Words only English (or only French) prose is full of: enough to tell which language a text is in, so that the
# judge is asked in the language of what it reads. Words both languages share (« on », « a », « as ») are left out.
ENGLISH_WORDS = frozenset(
    "the of and to is are was were that it for with by this be from at which has have had not their its "
    "they he she will would can been".split()
)
_FRENCH_WORDS = frozenset(
    "le la les de des du et est un une que qui dans pour pas sur au aux il elle ce cette sont par avec ne se "
    "plus nous".split()
)


def is_english(text: str) -> bool:
    """More English function words than French ones, and at least two: a name or a number alone stays French."""
    words = re.findall(r"[a-z]+", text.lower())
    english = sum(w in ENGLISH_WORDS for w in words)
    return english >= 2 and english > 2 * sum(w in _FRENCH_WORDS for w in words)


def fold(text: str) -> str:
    """Lower-case and strip accents (é → e, œ → oe) so that spelling variants meet."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str) -> list[str]:
    """Folded word and number tokens, elisions split off (l'/d'/qu' are dropped)."""
    return _TOKEN.findall(fold(_ELISION.sub(" ", text)))


def content_tokens(text: str) -> list[str]:
    """Tokens that carry meaning: no stop words, no single letters."""
    return [t for t in tokenize(text) if t not in STOPWORDS and (len(t) > 1 or t.isdigit())]


def normalize_for_match(text: str) -> str:
    """Case-, accent- and whitespace-insensitive form used to match evidence and answer keys."""
    text = fold(text).replace("’", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


# Abbreviations after which a full stop does not end a sentence (folded, without the dot).
_ABBREVIATIONS = frozenset(
    "m mm mme mmes mlle mlles dr pr me st ste cf etc ex p pp vol art al av bd n no nos tel fig env min max".split()
)
# A closing quotation mark or bracket belongs to the sentence it ends, French spacing included (« … fin. »).
_SENTENCE_END = re.compile(r"[.!?…]+(?:[ \u00a0\u202f]?[»”\"')\]])*(?=\s)|\n\s*\n")
# Words that open a sentence rather than continue a name: after « A. » or « B. » one of these starts a sentence
# (« groupes A et B. Chacun … »), any other capitalised word is the rest of a name (« Theodor W. Adorno »).
_SENTENCE_OPENERS = STOPWORDS | ENGLISH_WORDS | frozenset(
    "toujours ensuite enfin ainsi aujourd cependant pourtant selon apres the in on an we you our".split()
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of `text`, French-aware.

    Not a boundary: « M. Dupont », « cf. », an initial (« Theodor W. Adorno », « J. K. Rowling »), a number
    such as 130.000 or 3,5 (no space follows the dot), an ellipsis followed by a lower-case word. A blank line
    always is.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if not match.group().startswith("\n"):
            before = re.search(r"(\w+)\W*$", text[start : match.start()] + " ")
            word = fold(before.group(1)) if before else ""
            if match.group().startswith(".") and word in _ABBREVIATIONS and len(match.group()) == 1:
                continue
            following = text[end:].lstrip()
            if following[:1].islower() or (match.group() == "." and _is_initial(text, match.start(), following)):
                continue
        _append_span(text, start, end, spans)
        start = end
    _append_span(text, start, len(text), spans)
    return spans


def _is_initial(text: str, dot: int, following: str) -> bool:
    """A lone capital before the dot, then a capitalised word that is not a sentence's usual first word."""
    letter = text[dot - 1] if dot > 0 else ""
    if not (letter.isupper() and (dot < 2 or not text[dot - 2].isalnum())) or not following[:1].isupper():
        return False
    words = tokenize(following[:40])
    return bool(words) and words[0] not in _SENTENCE_OPENERS


def _append_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Trim whitespace off the span and keep it if anything is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


# Light French stemmer (after Savoy's "light" stemmer): strips inflection and common derivational
# endings so that déménager / déménagement / déménage meet in BM25 and in the verifier's overlap.
_SUFFIXES = tuple(
    sorted(
        """issements issement atrices ateurs ations ements ement ances ences ation ateur atrice erons eront erait
    erai eras era erez
    eraient eron aient ables able ance ence ment ants ant ees ee es er ez e""".split(),
        key=len,
        reverse=True,
    )
)


def stem(token: str) -> str:
    if token.isdigit() or len(token) <= 4:
        return token
    if token[-1] in "sx" and len(token) > 5:
        token = token[:-1]
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            return token[: -len(suffix)]
    return token


def terms(text: str) -> list[str]:
    """Stemmed content tokens: what BM25 indexes and what the verifier compares."""
    return [stem(t) for t in content_tokens(text)]


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word, with « … » (titles, lists of questions)."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.-–") + "…"


def plural(n: int, singular: str, plural_form: str = "") -> str:
    """« 1 essai », « 2 essais », « 0 essai » (in French, 0 and 1 take the singular)."""
    return f"{n} {singular if n < 2 else plural_form or singular + 's'}"


def local_time(iso: str, seconds: bool = False) -> str:
    """« 2026-11-26T13:05:00+00:00 » → « 26/11/2026 14:05 » in the machine's time zone (what staff read; stored
    times are UTC)."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def french_date(iso: str) -> str:
    """« 2015-01-20 » → « 20/01/2015 »; anything else as it is."""
    parts = iso.split("-")
    return f"{parts[2]}/{parts[1]}/{parts[0]}" if len(parts) == 3 and all(p.isdigit() for p in parts) else iso
