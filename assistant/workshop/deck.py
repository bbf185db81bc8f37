"""The challenge deck: trap questions a facilitator can edit in a TOML file (French)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import BadInput

KINDS = {
    "hors_corpus": "Réponse absente des documents",
    "fausse_premisse": "Fausse prémisse",
    "ambigue": "Question ambiguë",
    "multi_documents": "Deux documents nécessaires",
    "chiffres_dates": "Chiffres et dates",
    "question_orientee": "Question orientée",
    "libre": "Question libre",
}
REQUIRED = ("id", "kind", "title", "question", "look_for", "explanation")


@dataclass(frozen=True)
class Card:
    id: str
    kind: str
    title: str
    question: str
    look_for: str  # shown before the attempt: what to watch
    explanation: str  # shown after: what happened and why
    answerable: bool = True

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


def default_deck_path() -> Path:
    return Path(str(resources.files("assistant.workshop") / "cartes.toml"))


def load_deck(path: Path | None = None) -> list[Card]:
    """Every mistake names the file, the card and the field, so a facilitator can fix the deck alone."""
    path = path or default_deck_path()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"{path} : jeu de cartes introuvable") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path} : fichier illisible ({exc})") from None
    raw = data.get("carte")
    if not isinstance(raw, list) or not raw:
        raise BadInput(f"{path} : aucune carte (chaque carte commence par [[carte]])")
    cards: list[Card] = []
    for n, entry in enumerate(raw, 1):
        where = f"{path}, carte {n}" + (f" ({entry['id']})" if isinstance(entry.get("id"), str) else "")
        for key in REQUIRED:
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise BadInput(f"{where} : champ « {key} » manquant ou vide")
        unknown = set(entry) - {*REQUIRED, "answerable"}
        if unknown:
            raise BadInput(f"{where} : champ(s) inconnu(s) : {', '.join(sorted(unknown))}")
        if entry["kind"] not in KINDS:
            raise BadInput(f"{where} : kind « {entry['kind']} » inconnu (possibles : {', '.join(KINDS)})")
        if not isinstance(entry.get("answerable", True), bool):
            raise BadInput(f"{where} : « answerable » doit valoir true ou false")
        cards.append(Card(**{k: v.strip() if isinstance(v, str) else v for k, v in entry.items()}))
    ids = [c.id for c in cards]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise BadInput(f"{path} : identifiant(s) en double : {', '.join(duplicates)}")
    return cards
