"""A workshop session: attempts, scoreboard, summary and exports (JSON, CSV, printable HTML).

Saved after every attempt (atomic rename) under `workshop/sessions/<id>/`, so a reset or a crash never loses a
session; a reset closes the session (exports written) and opens a new one.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from ..errors import BadInput
from ..text import local_time, plural
from .scoring import Board, FlagScore, total

_PSEUDONYM = re.compile(r"^[\w][\w .'-]{0,23}$")


def check_pseudonym(name: str) -> str:
    """Pseudonyms only: short, no e-mail address, no phone number."""
    name = " ".join(name.split())
    if not name or not _PSEUDONYM.match(name) or "@" in name or sum(ch.isdigit() for ch in name) > 4:
        raise BadInput("pseudonyme invalide : 1 à 24 lettres (pas d'adresse e-mail ni de numéro de téléphone)")
    return name


@dataclass
class Attempt:
    pseudonym: str
    card_id: str
    card_kind: str
    question: str
    alone: dict[str, Any]  # the model without documents: answer text, sentences, invented flags
    grounded: dict[str, Any]  # the assistant with documents
    flags: dict[str, list[bool]] = field(default_factory=dict)  # participant's « inventé » per side
    score: dict[str, int] = field(default_factory=dict)
    types: dict[str, int] = field(default_factory=dict)  # hallucinations found, by type (both sides)
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    card_title: str = ""  # what people read (the id is for files)


@dataclass
class Session:
    id: str
    started: str
    attempts: list[Attempt] = field(default_factory=list)
    closed: str = ""

    @classmethod
    def new(cls) -> Session:
        now = datetime.now(UTC)
        return cls(id=f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}", started=now.isoformat(timespec="seconds"))

    def board(self) -> Board:
        board = Board()
        for a in self.attempts:
            if a.score:
                board.add(a.pseudonym, FlagScore(**a.score))
        return board

    def summary(self) -> dict[str, Any]:
        scored = [FlagScore(**a.score) for a in self.attempts if a.score]
        types: Counter[str] = Counter()
        for a in self.attempts:
            types.update(a.types)
        overall = total(scored)
        return {
            "session": self.id,
            "started": self.started,
            "closed": self.closed,
            "attempts": len(self.attempts),
            "participants": len({a.pseudonym for a in self.attempts}),
            "questions": sorted({a.question for a in self.attempts}),
            "cards": dict(Counter(a.card_id for a in self.attempts)),
            "hallucinations_by_type": dict(types.most_common()),
            "invented_without_documents": sum(sum(a.alone.get("invented", [])) for a in self.attempts),
            "invented_with_documents": sum(sum(a.grounded.get("invented", [])) for a in self.attempts),
            "agreement_participants_verifier": overall.agreement,
            "flags": asdict(overall),
            "scoreboard": [{"pseudonym": n, "points": p, "agreement": g} for n, p, g in self.board().ranking()],
        }

    def to_json(self) -> dict[str, Any]:
        return {"summary": self.summary(), "attempts": [asdict(a) for a in self.attempts]}

    def to_csv(self) -> str:
        """For French spreadsheet software: « ; » between fields, local time (the file is written with a BOM,
        see `save`, or Excel reads UTF-8 as Windows-1252)."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["date", "pseudonyme", "carte", "type", "question", "phrases_sans_documents",
                         "inventees_sans_documents", "phrases_avec_documents", "inventees_avec_documents",
                         "reperees", "manquees", "fausses_alertes", "points"])
        for a in self.attempts:
            s = FlagScore(**a.score) if a.score else FlagScore()
            writer.writerow([local_time(a.created, seconds=True), a.pseudonym, a.card_title or a.card_id,
                             a.card_kind, a.question,
                             len(a.alone.get("invented", [])), sum(a.alone.get("invented", [])),
                             len(a.grounded.get("invented", [])), sum(a.grounded.get("invented", [])),
                             s.caught, s.missed, s.false_alarm, s.points if a.score else ""])
        return out.getvalue()

    def summary_html(self) -> str:
        """The recap's body: shown to the facilitator in the app and printed at the end."""
        s = self.summary()
        agreement = s["agreement_participants_verifier"]
        rows = "".join(
            f"<tr><td>{escape(a.pseudonym)}</td><td>{escape(a.card_title or a.card_id)}</td>"
            f"<td>{escape(a.question)}</td>"
            f"<td>{sum(a.alone.get('invented', []))}/{len(a.alone.get('invented', []))}</td>"
            f"<td>{sum(a.grounded.get('invented', []))}/{len(a.grounded.get('invented', []))}</td></tr>"
            for a in self.attempts
        )
        types = "".join(f"<li>{escape(k)} : {v}</li>" for k, v in s["hallucinations_by_type"].items()) or "<li>—</li>"
        board = "".join(
            f"<li>{escape(r['pseudonym'])} : {r['points']} points</li>" for r in s["scoreboard"]
        ) or "<li>—</li>"
        return f"""<p>{plural(s['attempts'], 'essai')}, {plural(s['participants'], 'participant')}.
Phrases inventées repérées par le vérificateur : {s['invented_without_documents']} sans documents,
{s['invented_with_documents']} avec documents.
Accord participants / vérificateur : {'—' if agreement is None else f'{agreement:.0%}'}.</p>
<h2>Hallucinations par type</h2><ul>{types}</ul><h2>Classement</h2><ol>{board}</ol>
<h2>Essais</h2><table><tr><th>Pseudonyme</th><th>Carte</th><th>Question</th><th>Inventées sans documents</th>
<th>Inventées avec documents</th></tr>{rows}</table>"""

    def to_html(self) -> str:
        """A printable recap for the room (no script, no external resource)."""
        return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Atelier hallucinations — session {escape(self.id)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;}} table{{border-collapse:collapse;width:100%;}}
td,th{{border:1px solid #999;padding:.3em;text-align:left;vertical-align:top;}}</style>
</head><body><h1>Atelier « découvrir les hallucinations » — session {escape(self.id)}</h1>
{self.summary_html()}</body></html>"""

    def save(self, root: Path) -> Path:
        folder = root / "sessions" / self.id
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in (("session.json", json.dumps(self.to_json(), ensure_ascii=False, indent=1)),
                           ("session.csv", self.to_csv()), ("recap.html", self.to_html())):
            tmp = folder / f".{name}.tmp"
            tmp.write_text(text, encoding="utf-8-sig" if name.endswith(".csv") else "utf-8")
            os.replace(tmp, folder / name)
        return folder


def load_session(path: Path) -> Session:
    data = json.loads(path.read_text(encoding="utf-8"))
    summary = data["summary"]
    return Session(id=summary["session"], started=summary["started"], closed=summary.get("closed", ""),
                   attempts=[Attempt(**a) for a in data["attempts"]])
