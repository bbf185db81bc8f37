"""Collections: several named indexes side by side, each with the folder of files it was built from.

The default collection is the index of `settings.index_dir` (built from `corpus/`); named ones live in
`settings.collections_dir/<name>/{files,index}` so that uploads from the chat never touch the default corpus.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..errors import BadInput
from ..ingest.loaders import supported_suffixes

DEFAULT = "principal"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class Upload:
    name: str  # file name kept in the collection
    error: str = ""  # French reason when refused


def slug(name: str) -> str:
    """« Notes RH 2025 » → « notes-rh-2025 »: a name typed as staff would type it becomes a valid one."""
    folded = unicodedata.normalize("NFKD", name.strip().lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_]+", "-", folded).strip("-_")[:40].rstrip("-_")


def check_name(name: str) -> str:
    name = name.strip().lower()
    if not _NAME.match(name):
        name = slug(name)
    if not _NAME.match(name):
        raise BadInput(
            "nom de collection vide ou sans lettre ni chiffre : choisissez un nom comme « notes-rh »"
        )
    return name


def label(name: str) -> str:
    """What staff read for a collection."""
    return "Documents principaux" if name == DEFAULT else name


def list_collections(settings: Settings) -> list[str]:
    root = settings.collections_dir
    named = sorted(p.name for p in root.iterdir() if (p / "index").exists()) if root.is_dir() else []
    return [DEFAULT, *named]


def index_dir(settings: Settings, name: str) -> Path:
    return settings.index_dir if name == DEFAULT else settings.collections_dir / check_name(name) / "index"


def files_dir(settings: Settings, name: str) -> Path:
    if name == DEFAULT:
        raise BadInput("la collection principale se construit avec `assistant ingest corpus/` : choisissez un nom")
    return settings.collections_dir / check_name(name) / "files"


def add_files(settings: Settings, name: str, paths: list[Path]) -> list[Upload]:
    """Copy the accepted files into the collection's folder; a refused file gets its reason, the others go on."""
    target = files_dir(settings, name)
    target.mkdir(parents=True, exist_ok=True)
    allowed = set(supported_suffixes())
    results: list[Upload] = []
    for path in paths:
        shown = Path(path).name
        suffix = Path(shown).suffix.lower()
        if suffix not in allowed:
            results.append(Upload(shown, f"type non pris en charge ({suffix or 'sans extension'} ; "
                                         f"acceptés : {', '.join(sorted(allowed))})"))
            continue
        size = Path(path).stat().st_size
        if size > settings.max_upload_bytes:
            results.append(Upload(shown, f"fichier trop gros ({size / 1e6:.1f} Mo, maximum "
                                         f"{settings.max_upload_bytes / 1e6:.0f} Mo)"))
            continue
        safe = re.sub(r"[^\w.() -]", "_", shown).strip() or "document" + suffix
        tmp = target / f".{safe}.part"
        shutil.copyfile(path, tmp)
        tmp.replace(target / safe)
        results.append(Upload(safe))
    return results


def delete_files(settings: Settings, name: str, names: list[str]) -> None:
    """Remove files from a collection's folder (a refused upload, a removed document): otherwise every later
    upload would index them again or report them again."""
    folder = files_dir(settings, name)
    for shown in names:
        path = folder / Path(shown).name
        if path.is_file():
            path.unlink()


def delete_collection(settings: Settings, name: str) -> None:
    """A named collection's folder, files and index (its last document was removed)."""
    if name == DEFAULT:
        raise BadInput("la collection principale ne se supprime pas depuis l'interface")
    folder = settings.collections_dir / check_name(name)
    if folder.is_dir():
        shutil.rmtree(folder)
