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
from .errors import AssistantError, BadInput

DEFAULT_QUESTION = "Quand le syndicat emménage-t-il dans ses nouveaux locaux ?"


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    obj = ctx.obj or {}
    return load_settings(
        config_file=obj.get("config"),
        profile=obj.get("profile"),
        generator=obj.get("generator"),
        embedder=obj.get("embedder"),
        base_url=obj.get("base_url"),
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


mode_option = click.option(
    "--mode",
    type=click.Choice(["generative", "extractive"]),
    default=None,
    help="generative (défaut) ou extractive : uniquement des phrases citées des passages",
)
index_option = click.option(
    "--index", "index_dir", type=click.Path(path_type=Path), default=None, help="dossier de l'index (défaut : index/)"
)
collection_option = click.option(
    "--collection", default=None, help="collection nommée (collections/NOM/index) au lieu de l'index principal"
)


def _collection_settings(ctx: click.Context, collection: str | None, **overrides: Any) -> Settings:
    settings = _settings(ctx, **overrides)
    if collection:
        from .app import collections_store

        settings = settings.replace(index_dir=collections_store.index_dir(settings, collection))
    return settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", type=click.Path(path_type=Path), default=None, help="fichier de configuration TOML")
@click.option(
    "--profile",
    type=click.Choice(["quality", "fast"]),
    default=None,
    help="modèles packagés par défaut : quality (1.5B) ou fast (0.5B)",
)
@click.option(
    "--generator", default=None, help="chemin d'un GGUF (ou nom dans models/), ou « openai » pour un serveur distant"
)
@click.option("--base-url", default=None, help="avec --generator openai : URL du serveur compatible OpenAI")
@click.option("--embedder", default=None, help="dossier sentence-transformers (ou nom dans models/)")
@click.pass_context
def main(
    ctx: click.Context,
    config: Path | None,
    profile: str | None,
    generator: str | None,
    base_url: str | None,
    embedder: str | None,
) -> None:
    """Assistant de questions-réponses sourcées sur vos documents, 100 % local."""
    ctx.obj = {"config": config, "profile": profile, "generator": generator, "embedder": embedder, "base_url": base_url}


@main.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
@collection_option
@click.option("--rebuild", is_flag=True, help="reconstruire l'index de zéro")
@click.option("--status", is_flag=True, help="lister ce qui est indexé, sans rien modifier")
@click.option("--json", "as_json", is_flag=True, help="rapport JSON sur la sortie standard")
@click.pass_context
@_human_errors
def ingest_cmd(
    ctx: click.Context,
    paths: tuple[Path, ...],
    index_dir: Path | None,
    collection: str | None,
    rebuild: bool,
    status: bool,
    as_json: bool,
) -> None:
    """Indexe des fichiers ou dossiers (défaut : corpus/, ou les fichiers de la collection) ; seuls les fichiers
    nouveaux ou modifiés sont relus, les fichiers disparus sont retirés."""
    settings = _collection_settings(ctx, collection, index_dir=index_dir)
    if status:
        _status(settings.index_dir, as_json)
        return
    from .pipeline.factory import build_assistant

    if not paths and collection:
        from .app import collections_store

        paths = (collections_store.files_dir(settings, collection),)
    assistant = build_assistant(settings, need_generator=False)
    report = assistant.ingest(list(paths) or [Path("corpus")], rebuild=rebuild)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        click.echo(
            f"{len(report.indexed)} document(s) lus (nouveaux ou modifiés), {report.chunks} passages "
            f"({report.embedded_chunks} calculés, {report.reused_chunks} réutilisés) en {report.seconds} s "
            f"→ {settings.index_dir}"
        )
        if report.unchanged and not report.indexed and not report.removed:
            click.echo(f"  index à jour : {len(report.unchanged)} fichier(s) inchangé(s), rien à recalculer")
        elif report.unchanged:
            click.echo(f"  {len(report.unchanged)} fichier(s) inchangé(s), non relus")
        for name in report.removed:
            click.echo(f"  retiré : {name}")
        for name in report.kept_previous:
            click.echo(f"  conservé (version précédente) : {name}")
    for warning in report.warnings:
        click.echo(f"Avertissement : {warning}", err=True)
    for error in report.errors:
        click.echo(f"Erreur : {error.path} : {error.reason}", err=True)


def _status(index_dir: Path, as_json: bool) -> None:
    from dataclasses import asdict

    from .index import store as index_store
    from .index.catalog import document_rows
    from .text import local_time

    data = index_store.load(index_dir)
    rows = document_rows(data)
    m = data.manifest
    if as_json:
        documents = [{**asdict(r), "chunks": r.passages} for r in rows]  # "chunks": the field's earlier name
        click.echo(json.dumps({"index": str(index_dir), "manifest": m, "documents": documents}, ensure_ascii=False))
        return
    click.echo(f"{index_dir} : {len(rows)} document(s), {m['chunks']} passages, {m.get('faiss')}, "
               f"embedder {m['embedder']['name']} ({m['embedder']['dim']} dim.), créé {local_time(m['created'])}")
    for r in rows:
        pages = f", {r.pages} p." if r.pages else ""
        added = f", ajouté le {local_time(r.added)}" if r.added else ""
        click.echo(f"  {r.title}\n      {r.doc} ({r.passages} passages{pages}{added}{', OCR' if r.ocr else ''})")


@main.group("docs")
def docs_group() -> None:
    """Voir et retirer les documents d'un index (principal ou collection)."""


@docs_group.command("list")
@index_option
@collection_option
@click.option("--json", "as_json", is_flag=True, help="un objet JSON sur la sortie standard")
@click.pass_context
@_human_errors
def docs_list_cmd(ctx: click.Context, index_dir: Path | None, collection: str | None, as_json: bool) -> None:
    """Liste les documents indexés : titre, fichier, passages, pages, date d'ajout."""
    settings = _collection_settings(ctx, collection, index_dir=index_dir)
    _status(settings.index_dir, as_json)


@docs_group.command("remove")
@click.argument("docs", nargs=-1, required=True)
@index_option
@collection_option
@click.pass_context
@_human_errors
def docs_remove_cmd(ctx: click.Context, docs: tuple[str, ...], index_dir: Path | None, collection: str | None) -> None:
    """Retire des documents (noms de fichier tels que `docs list` les donne) de l'index, sans tout recalculer."""
    from .app import collections_store
    from .index.catalog import remove_documents

    settings = _collection_settings(ctx, collection, index_dir=index_dir)
    removed = remove_documents(settings.index_dir, list(docs))
    if collection:
        collections_store.delete_files(_settings(ctx), collection, removed)
    click.echo(f"Retiré(s) de {settings.index_dir} : {', '.join(removed)}")
    if not collection:
        click.echo("Les fichiers restent dans le dossier indexé : supprimez-les aussi, sinon la prochaine "
                   "indexation de ce dossier les reprendra.")


@main.command("ask")
@click.argument("question", required=False, default=None)
@index_option
@collection_option
@click.option("--json", "as_json", is_flag=True, help="un objet JSON sur la sortie standard")
@click.option("-k", "k", type=int, default=None, help="nombre de passages (défaut : 5)")
@click.option("--no-retrieval", is_flag=True, help="interroger le modèle seul, sans documents")
@mode_option
@click.pass_context
@_human_errors
def ask_cmd(
    ctx: click.Context,
    question: str | None,
    index_dir: Path | None,
    collection: str | None,
    as_json: bool,
    k: int | None,
    no_retrieval: bool,
    mode: str | None,
) -> None:
    """Pose une question sur les documents indexés."""
    from .pipeline.factory import build_assistant
    from .verify.wording import REREADING, describe, dropped_passages, not_kept, reread_note

    settings = _collection_settings(ctx, collection, index_dir=index_dir, k=k, mode=mode)
    assistant = build_assistant(settings, need_generator=settings.mode != "extractive" or settings.wants_judge())
    question = DEFAULT_QUESTION if question is None else question
    stream = None if as_json or not sys.stdout.isatty() else (lambda t: click.echo(t, nl=False))
    writes = 0

    def on_step(step: str, _turn: object) -> None:
        nonlocal writes
        if stream and step == "write":  # a second reading (pipeline/reread.py) streams on a line of its own
            if writes:
                click.echo(f"\n\n({REREADING})")
            writes += 1

    answer = assistant.ask(question, no_retrieval=no_retrieval, on_token=stream, on_step=on_step)
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        return
    if stream:
        click.echo("\n")
    click.echo(f"Question : {answer.question}\n\n{answer.answer}\n")
    if answer.reread:
        click.echo(f"({reread_note(len(answer.passages))})\n")
    if answer.fallback and answer.raw_answer:
        click.echo(f"{not_kept(answer)} :\n{answer.raw_answer}\n")
    for s in answer.sentences:
        for reason in s.reasons:
            click.echo(f"⚠ {describe(reason)} : {s.text}")
    if answer.dropped:
        click.echo(f"({dropped_passages(answer.dropped)})")
    if answer.passages:
        click.echo("\nSources :")
    cited = {rank for s in answer.sentences for rank in s.cited}
    for p in answer.passages:
        meta = p.chunk.metadata
        mark = "*" if p.rank in cited else " "
        page = f"p. {meta['page']}" if meta.get("page") else ""
        label = " — ".join(x for x in (meta.get("title"), meta.get("date"), p.chunk.doc, page) if x)
        click.echo(f" {mark}[{p.rank}] {label} (car. {p.chunk.start}-{p.chunk.end})")
    click.echo(f"\nModèles : {answer.model.get('generator')} / {answer.model.get('embedder')}")


@main.command("verify")
@click.argument("texts", type=click.Path(path_type=Path))
@index_option
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="fichier JSONL des verdicts (défaut : TEXTES-verdicts.jsonl)")
@click.option("--resume", is_flag=True, help="reprendre une vérification interrompue (lignes déjà dans --out)")
@click.pass_context
@_human_errors
def verify_cmd(ctx: click.Context, texts: Path, index_dir: Path | None, out: Path | None, resume: bool) -> None:
    """Vérifie des textes écrits par d'autres (une autre IA, un collègue) phrase par phrase, contre les passages
    fournis avec chaque texte ou, à défaut, contre les documents indexés (champ « question »)."""
    from tqdm import tqdm

    from .evaluate import verify_texts
    from .pipeline.factory import build_assistant

    items = verify_texts.read_items(texts)
    out = out or texts.with_name(f"{texts.stem}-verdicts.jsonl")
    settings = _settings(ctx, index_dir=index_dir)
    assistant = build_assistant(settings, need_generator=settings.wants_judge())
    with tqdm(total=len(items), desc="vérification", unit="texte", file=sys.stderr) as bar:
        rows = verify_texts.run(assistant, items, out, resume=resume, progress=bar.update)
    flagged = sum(r["hallucinated"] for r in rows)
    click.echo(f"{len(rows)} texte(s) vérifié(s), {flagged} avec au moins une phrase non étayée → {out}")


def _serve(ctx: click.Context, index_dir: Path | None, host: str, port: int, auth: str | None, deck: Path | None,
           prepare: bool, workshop_first: bool) -> None:
    """The chat and the workshop in one process (ui/server.py), the model loaded in the background at once."""
    from .pipeline.factory import build_assistant
    from .ui.common import Pool, parse_auth
    from .ui.server import CHAT_PATH, WORKSHOP_PATH, build_app, serve
    from .workshop.deck import load_deck
    from .workshop.prepare import Preparation, prepare_deck
    from .workshop.room import Workshop

    settings = _settings(ctx, index_dir=index_dir)
    credentials = parse_auth(auth)
    if host not in ("127.0.0.1", "localhost") and credentials is None:
        click.echo("Avertissement : ouvert au réseau sans mot de passe (--auth conseillé).", err=True)
    pool = Pool(build_assistant(settings))
    cards = load_deck(deck)
    ws = Workshop(pool.get, cards, settings.workshop_dir)
    pool.warm_up()
    prep = Preparation(total=len(cards), enabled=settings.memo == "on")
    if prepare and prep.enabled:
        prepare_deck(pool.get, cards, pool.queue.hold, prep)
    elif not prepare:
        prep = None
    base = f"http://{host}:{port}"
    chat_url, workshop_url = (f"{base}{CHAT_PATH}/", f"{base}/") if workshop_first else (f"{base}/",
                                                                                         f"{base}{WORKSHOP_PATH}/")
    click.echo(f"Chat : {chat_url}   Atelier : {workshop_url}   (un seul modèle pour les deux ; Ctrl+C pour "
               "arrêter)", err=True)
    serve(build_app(pool, ws, credentials, prep, workshop_first), host, port)


serve_options = [
    index_option,
    click.option("--host", default="127.0.0.1", show_default=True, help="adresse d'écoute (0.0.0.0 : tout le réseau)"),
    click.option("--auth", default=None, help="« utilisateur:motdepasse » pour un poste partagé (ou ASSISTANT_AUTH)"),
    click.option("--deck", type=click.Path(path_type=Path), default=None, help="jeu de cartes TOML de l'atelier"),
]


def _with(options: list[Callable[..., Any]]) -> Callable[..., Any]:
    def apply(fn: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            fn = option(fn)
        return fn

    return apply


@main.command("chat")
@_with(serve_options)
@click.option("--port", type=int, default=7860, show_default=True, help="port HTTP")
@click.option("--prepare", is_flag=True, help="préparer aussi les cartes de l'atelier en arrière-plan")
@click.pass_context
@_human_errors
def chat_cmd(ctx: click.Context, index_dir: Path | None, host: str, auth: str | None, deck: Path | None, port: int,
             prepare: bool) -> None:
    """Lance le chat des agents (http://127.0.0.1:7860/), avec l'atelier sur /atelier (même modèle)."""
    _serve(ctx, index_dir, host, port, auth, deck, prepare, workshop_first=False)


@main.command("workshop")
@_with(serve_options)
@click.option("--port", type=int, default=7861, show_default=True, help="port HTTP")
@click.option("--no-prepare", is_flag=True, help="ne pas préparer les cartes à l'avance")
@click.pass_context
@_human_errors
def workshop_cmd(ctx: click.Context, index_dir: Path | None, host: str, auth: str | None, deck: Path | None,
                 port: int, no_prepare: bool) -> None:
    """Lance l'atelier « découvrir les hallucinations » (http://127.0.0.1:7861/), cartes préparées à l'avance ;
    le chat est servi par le même processus (/chat)."""
    _serve(ctx, index_dir, host, port, auth, deck, not no_prepare, workshop_first=True)


@main.command("eval")
@click.argument("eval_set", required=False, type=click.Path(path_type=Path))
@index_option
@click.option("--out", type=click.Path(path_type=Path), default=None, help="dossier du rapport")
@click.option("-k", "k", type=int, default=None, help="nombre de passages (défaut : 5)")
@click.option("--retrieval-only", is_flag=True, help="mesurer la recherche seule, sans génération")
@click.option("--no-retrieval", is_flag=True, help="le modèle seul, sans documents")
@click.option("--limit", type=int, default=None, help="seulement les N premières questions")
@click.option("--resume", is_flag=True, help="reprendre une évaluation interrompue dans --out")
@click.option("--compare", nargs=2, type=click.Path(path_type=Path), default=None, help="comparer deux rapports")
@click.option("--concurrency", type=int, default=None, help="questions envoyées en parallèle (serveur distant)")
@click.option("--memo", is_flag=True,
              help="réutiliser les réponses déjà calculées (plus rapide, mais les temps ne mesurent plus le modèle)")
@mode_option
@click.pass_context
@_human_errors
def eval_cmd(
    ctx: click.Context,
    eval_set: Path | None,
    index_dir: Path | None,
    out: Path | None,
    k: int | None,
    retrieval_only: bool,
    no_retrieval: bool,
    limit: int | None,
    resume: bool,
    compare: tuple[Path, Path] | None,
    concurrency: int | None,
    memo: bool,
    mode: str | None,
) -> None:
    """Évalue un jeu de questions (JSONL) et écrit report.json et report.html ; ou compare deux rapports."""
    from .evaluate import runner

    if compare:
        _compare(*compare, out)
        return
    if eval_set is None:
        raise BadInput("indiquez un jeu de questions (fichier .jsonl) ou --compare A B")
    from .evaluate.dataset import read_eval_set
    from .pipeline.factory import build_assistant

    settings = _settings(ctx, index_dir=index_dir, k=k, mode=mode)
    items = read_eval_set(eval_set)[: limit or None]
    settings = settings.replace(concurrency=concurrency, memo="on" if memo else "off")
    if settings.concurrency > 1 and settings.generator != "openai" and not retrieval_only:
        raise BadInput("--concurrency > 1 demande un serveur distant (--generator openai) : llama.cpp local sert "
                       "une question à la fois")
    options = runner.EvalOptions(
        k=settings.k, retrieval_only=retrieval_only, mode=settings.mode, no_retrieval=no_retrieval,
        concurrency=settings.concurrency,
    )
    label = "retrieval" if retrieval_only else settings.mode
    out = out or Path("eval") / "runs" / f"{eval_set.stem}-{label}"
    assistant = build_assistant(
        settings, need_generator=not retrieval_only and (settings.mode == "generative" or settings.wants_judge())
    )
    from tqdm import tqdm

    with tqdm(total=len(items), desc="évaluation", unit="question", file=sys.stderr) as bar:
        report = runner.run(assistant, items, out, options, resume=resume, progress=bar.update)
    json_path, html_path = runner.write_report(report, out)
    for key, value in report["metrics"].items():
        click.echo(f"{key:24s} {'—' if value is None else f'{value:.3f}'}")
    click.echo(f"{report['counts']} → {json_path}, {html_path}")


def _compare(a: Path, b: Path, out: Path | None) -> None:
    from .evaluate.report import compare, render_compare_html
    from .evaluate.runner import read_report

    rows = compare(read_report(a), read_report(b))
    click.echo(f"{'métrique':24s} {'A':>8s} {'B':>8s} {'B − A':>8s}")
    for key, va, vb, delta in rows:
        cells = ["—" if v is None else f"{v:.3f}" for v in (va, vb)]
        click.echo(f"{key:24s} {cells[0]:>8s} {cells[1]:>8s} {'—' if delta is None else f'{delta:+.3f}':>8s}")
    target = out or Path("eval") / "runs" / "compare.html"
    target = target / "compare.html" if target.suffix != ".html" else target
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_compare_html(str(a), str(b), rows), encoding="utf-8")
    click.echo(f"→ {target}")


if __name__ == "__main__":  # pragma: no cover
    main()
