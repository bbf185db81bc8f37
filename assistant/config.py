"""Settings: one frozen dataclass. Precedence: defaults < config file < ASSISTANT_* env vars < CLI flags."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import BadInput

if TYPE_CHECKING:
    from .search.retrieve import RetrievalParams


# The largest k the chat offers (its slider); the generator's context is sized for it (pipeline/factory.py).
MAX_K_OFFERED = 10


@dataclass(frozen=True)
class Settings:
    index_dir: Path = Path("index")
    models_dir: Path = Path("models")
    collections_dir: Path = Path("collections")  # named indexes built from uploads (assistant/app/collections_store.py)
    feedback_path: Path = Path("feedback/feedback.jsonl")
    # Staff conversations, per user with --auth (assistant/app/history.py): resumable, deletable, exportable.
    history_path: Path = Path("conversations/conversations.sqlite")
    workshop_dir: Path = Path("workshop")  # workshop sessions: sessions/<id>/session.json, .csv, recap.html
    # Model outputs kept by (model, prompt, options): a question asked again is answered from here
    # (models/memo.py). "off" for measurements: `assistant eval` turns it off unless asked.
    memo_path: Path = Path("cache/outputs.sqlite")
    memo: str = "on"
    max_upload_bytes: int = 20_000_000
    queue_size: int = 64  # questions waiting for the model in the chat; beyond, new ones are refused with a message
    profile: str = "quality"  # which packaged models are the defaults: "quality" or "fast"
    generator: str | None = None  # path to a GGUF, a file name in models_dir, or "openai"; None: resolution order
    base_url: str | None = None  # with generator = "openai": the OpenAI-compatible server (llama-server, vLLM)
    remote_model: str = ""  # model name sent to that server (vLLM needs it; llama.cpp servers ignore it)
    remote_context: int = 4096  # context length of the served model
    concurrency: int = 1  # eval: questions in flight at once (only with a remote generator)
    embedder: str | None = None  # path to a sentence-transformers folder, a folder name in models_dir, or "openai"
    # With embedder = "openai": the /v1/embeddings server (default: base_url), the model name it serves, the
    # model's own query/document prompts (a served model does not apply them), batches sent `embed_concurrency`
    # at a time.
    embed_base_url: str | None = None
    embed_model: str = ""
    embed_query_prefix: str = ""
    embed_document_prefix: str = ""
    embed_concurrency: int = 4
    k: int = 5
    mode: str = "generative"  # or "extractive": quoted passage sentences only, zero generated words
    # Abstain before generating when the top passages hold less than this IDF-weighted share of the
    # question's terms (bench/abstention_guard.py); 0 turns the guard off.
    min_coverage: float = 0.0
    # Abstain before generating when a name or number of the question is in no retrieved passage
    # (pipeline/absent.py); "off" lets the model answer anyway.
    absent_guard: str = "on"
    chunk_max_chars: int = 900
    chunk_overlap_chars: int = 150
    # Fusion: reciprocal rank fusion. k=5 gave the best recall@5 and MRR on both piaf dev (0.925 / 0.815 vs
    # 0.912 / 0.808 at k=60) and eval/sitiv.jsonl (1.000 / 0.894 vs 0.972 / 0.872): bench/retrieval.py.
    rrf_k: int = 5
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    candidates: int = 50  # how deep each ranking is read before fusion
    dedup_threshold: float = 0.8  # token-set Jaccard above which two passages count as one
    # What of the passages the model reads (answer/context.py): the `context_whole` best-ranked passages
    # whole, each other passage's best sentence, then the sentences sharing most of the question's terms up
    # to `context_chars` characters in all; 0 sends whole passages. bench/context.py: prompt tokens × 0.70 on
    # sitiv (answer keys still all in context: 0.972) and × 0.66 on PIAF dev (0.905 vs 0.950).
    context_chars: int = 2000
    context_whole: int = 1
    # Greedy answers decoded with prompt-lookup drafts ("prompt") or one token per step ("off"). Same text
    # either way; off by default because on two cores a batch of n tokens costs nearly n single steps, so
    # drafts do not pay (bench/speculative.py: × 0.77 with the near-tie checks); on wider machines they can.
    speculative: str = "off"
    max_tokens: int = 256
    # The model read as a yes/no judge of each sentence, of the question's premise and of whether the answer
    # answers. "auto": on with the quality profile (the 1.5B judges well: bench/judge.py), off with the fast one
    # (the 0.5B judges at chance) and with a server that gives no logits.
    judge: str = "auto"
    temperature: float = 0.0
    seed: int = 42
    threads: int = 0  # 0: every core
    max_question_chars: int = 1000
    embed_batch_size: int = 16

    def __post_init__(self) -> None:
        if self.k < 1 or self.k > 50:
            raise BadInput(f"k doit être entre 1 et 50 (reçu : {self.k})")
        if self.judge not in ("auto", "on", "off"):
            raise BadInput(f"judge inconnu : {self.judge!r} (attendu : auto, on ou off)")
        if self.profile not in ("quality", "fast"):
            raise BadInput(f"profil inconnu : {self.profile!r} (attendu : quality ou fast)")
        if self.context_chars < 0 or self.context_whole < 0:
            raise BadInput(
                f"context_chars et context_whole doivent être positifs ou nuls "
                f"(reçus : {self.context_chars}, {self.context_whole})"
            )
        if self.memo not in ("on", "off"):
            raise BadInput(f"memo inconnu : {self.memo!r} (attendu : on ou off)")
        if self.absent_guard not in ("on", "off"):
            raise BadInput(f"absent_guard inconnu : {self.absent_guard!r} (attendu : on ou off)")
        if self.speculative not in ("off", "prompt"):
            raise BadInput(f"speculative inconnu : {self.speculative!r} (attendu : off ou prompt)")
        if self.max_tokens < 1:
            raise BadInput(f"max_tokens doit être positif (reçu : {self.max_tokens})")
        from .ingest.chunking import ChunkerSettings

        ChunkerSettings(self.chunk_max_chars, self.chunk_overlap_chars)  # checked now, not at the first ingest

    def retrieval_params(self, k: int | None = None, **changes: Any) -> RetrievalParams:
        from .search.retrieve import RetrievalParams

        values = {
            "k": k or self.k,
            "candidates": self.candidates,
            "rrf_k": self.rrf_k,
            "dense_weight": self.dense_weight,
            "lexical_weight": self.lexical_weight,
            "dedup_threshold": self.dedup_threshold,
        }
        return RetrievalParams(**{**values, **changes})

    def wants_judge(self) -> bool:
        """Whether the generator is also read as a judge (see `judge` above)."""
        return self.judge == "on" or (self.judge == "auto" and self.profile == "quality")

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def to_json(self) -> dict[str, Any]:
        return {f.name: str(v) if isinstance(v, Path) else v for f in fields(self) for v in [getattr(self, f.name)]}


def _coerce(name: str, raw: Any, source: str) -> Any:
    field_types = {f.name: f.type for f in fields(Settings)}
    kind = str(field_types[name])
    try:
        if "Path" in kind:
            return Path(raw)
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("float"):
            return float(raw)
        return str(raw)
    except (TypeError, ValueError):
        raise BadInput(f"{source} : valeur invalide pour {name} : {raw!r}") from None


def load_settings(config_file: Path | None = None, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Build the settings from every layer; unknown keys in the config file are an error, not ignored."""
    env = dict(os.environ if env is None else env)
    values: dict[str, Any] = {}
    names = {f.name for f in fields(Settings)}
    path = config_file or (Path(env["ASSISTANT_CONFIG"]) if env.get("ASSISTANT_CONFIG") else None)
    if path is None and Path("assistant.toml").is_file():
        path = Path("assistant.toml")
    if path is not None:
        if not path.is_file():
            raise BadInput(f"{path} : fichier de configuration introuvable")
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise BadInput(f"{path} : configuration illisible ({exc})") from None
        for key, raw in data.items():
            if key not in names:
                raise BadInput(f"{path} : clé inconnue « {key} » (clés possibles : {', '.join(sorted(names))})")
            values[key] = _coerce(key, raw, str(path))
    for name in names:
        raw = env.get(f"ASSISTANT_{name.upper()}")
        if raw not in (None, ""):
            values[name] = _coerce(name, raw, f"variable ASSISTANT_{name.upper()}")
    for name, raw in overrides.items():
        if raw is not None:
            if name not in names:
                raise BadInput(f"réglage inconnu : {name}")
            values[name] = _coerce(name, raw, "option")
    return Settings(**values)
