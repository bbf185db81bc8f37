"""Command line: parses arguments and delegates. `--json` output is a contract (see EVAL_FORMAT.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from .config import Settings, load_settings
from .errors import AssistantError

DEFAULT_QUESTION = "Quand le syndicat emménage-t-il dans ses nouveaux locaux ?"


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    obj = ctx.obj or {}
    return load_settings(
        config_file=obj.get("config"),
        profile=obj.get("profile"),
        generator=obj.get("generator"),
        embedder=obj.get("embedder"),
        **overrides,
    )


def _human_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A user mistake gets one French line on stderr and exit code 2, never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AssistantError as exc:
            click.echo(f"Erreur : {exc}", err=True)
            sys.exit(2)

    return wrapper


index_option = click.option(
    "--index", "index_dir", type=click.Path(path_type=Path), default=None, help="dossier de l'index (défaut : index/)"
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", type=click.Path(path_type=Path), default=None, help="fichier de configuration TOML")
@click.option(
    "--profile",
    type=click.Choice(["quality", "fast"]),
    default=None,
    help="modèles packagés par défaut : quality (1.5B) ou fast (0.5B)",
)
@click.option("--generator", default=None, help="chemin d'un GGUF (ou nom d'un fichier de models/)")
@click.option("--embedder", default=None, help="dossier sentence-transformers (ou nom dans models/)")
@click.pass_context
def main(
    ctx: click.Context, config: Path | None, profile: str | None, generator: str | None, embedder: str | None
) -> None:
    """Assistant de questions-réponses sourcées sur vos documents, 100 % local."""
    ctx.obj = {"config": config, "profile": profile, "generator": generator, "embedder": embedder}


@main.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
@click.option("--rebuild", is_flag=True, help="reconstruire l'index de zéro")
@click.option("--json", "as_json", is_flag=True, help="rapport JSON sur la sortie standard")
@click.pass_context
@_human_errors
def ingest_cmd(
    ctx: click.Context, paths: tuple[Path, ...], index_dir: Path | None, rebuild: bool, as_json: bool
) -> None:
    """Indexe des fichiers ou dossiers (défaut : corpus/)."""
    from .factory import build_assistant

    settings = _settings(ctx, index_dir=index_dir)
    assistant = build_assistant(settings, need_generator=False)
    report = assistant.ingest(list(paths) or [Path("corpus")], rebuild=rebuild)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        click.echo(
            f"{len(report.indexed)} document(s) lus, {report.chunks} passages "
            f"({report.embedded_chunks} calculés, {report.reused_chunks} réutilisés) en {report.seconds} s "
            f"→ {settings.index_dir}"
        )
        for name in report.removed:
            click.echo(f"  retiré : {name}")
        for name in report.kept_previous:
            click.echo(f"  conservé (version précédente) : {name}")
    for warning in report.warnings:
        click.echo(f"Avertissement : {warning}", err=True)
    for error in report.errors:
        click.echo(f"Erreur : {error.path} : {error.reason}", err=True)


@main.command("ask")
@click.argument("question", required=False, default=None)
@index_option
@click.option("--json", "as_json", is_flag=True, help="un objet JSON sur la sortie standard")
@click.option("-k", "k", type=int, default=None, help="nombre de passages (défaut : 5)")
@click.option("--no-retrieval", is_flag=True, help="interroger le modèle seul, sans documents")
@click.pass_context
@_human_errors
def ask_cmd(
    ctx: click.Context, question: str | None, index_dir: Path | None, as_json: bool, k: int | None, no_retrieval: bool
) -> None:
    """Pose une question sur les documents indexés."""
    from .factory import build_assistant

    settings = _settings(ctx, index_dir=index_dir, k=k)
    assistant = build_assistant(settings)
    question = DEFAULT_QUESTION if question is None else question
    assistant.check_question(question)
    stream = None if as_json or not sys.stdout.isatty() else (lambda t: click.echo(t, nl=False))
    answer = assistant.ask(question, no_retrieval=no_retrieval, on_token=stream)
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        return
    if stream:
        click.echo("\n")
    click.echo(f"Question : {answer.question}\n\n{answer.answer}\n")
    for s in answer.sentences:
        if not s.supported:
            terms = f" (absent des sources : {', '.join(s.unsupported_terms)})" if s.unsupported_terms else ""
            click.echo(f"⚠ non étayé{terms} : {s.text}")
    if answer.passages:
        click.echo("\nSources :")
    cited = {c.passage_rank for c in answer.citations}
    for p in answer.passages:
        meta = p.chunk.metadata
        mark = "*" if p.rank in cited else " "
        label = ", ".join(x for x in (meta.get("title") or p.chunk.doc, meta.get("date")) if x)
        click.echo(f" {mark}[{p.rank}] {label} — {p.chunk.doc} (car. {p.chunk.start}-{p.chunk.end})")
    click.echo(f"\nModèles : {answer.model.get('generator')} / {answer.model.get('embedder')}")


if __name__ == "__main__":  # pragma: no cover
    main()
