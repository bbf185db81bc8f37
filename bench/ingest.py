"""Ingest time for a folder, and our overhead against the embedder's own encode on the same chunk texts.

    python bench/ingest.py corpus ../shared/piaf/corpus [--profile fast]

For each folder: a fresh index in a temp dir; prints documents, chunks, seconds, chunks/s, then the time of
one call of the embedder's own `SentenceTransformer.encode` over the same texts (same prompt, batch size and
normalisation) in the same process, and the ratio (1.0 = our ingest costs nothing beyond the embedding).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from assistant.config import load_settings
from assistant.index import store as index_store
from assistant.pipeline.factory import build_assistant


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--profile", default="fast")
    parser.add_argument("--keep", type=Path, default=None, help="keep the indexes under KEEP/<n>-<folder name>")
    args = parser.parse_args()
    embedder = None
    header = ("folder", "docs", "chunks", "ingest s", "chunks/s", "encode s", "ratio")
    print(f"{header[0]:32s} " + " ".join(f"{h:>9s}" for h in header[1:]))
    for number, folder in enumerate(args.folders):
        with tempfile.TemporaryDirectory() as tmp:
            root = args.keep or Path(tmp)
            settings = load_settings(profile=args.profile, index_dir=root / f"{number}-{folder.resolve().name}")
            assistant = build_assistant(settings, need_generator=False)
            if embedder is not None:
                assistant = assistant.derive(embedder=embedder)  # model load is not ingest time
            else:
                embedder = assistant.embedder
            t0 = time.perf_counter()
            report = assistant.ingest([folder], rebuild=True)
            ingest_s = time.perf_counter() - t0
            texts = [c.text for c in index_store.load(settings.index_dir).chunks]
        t0 = time.perf_counter()
        embedder.model.encode(texts, prompt_name=embedder._doc_prompt, batch_size=embedder.batch_size,
                              normalize_embeddings=True, convert_to_numpy=True)
        encode_s = time.perf_counter() - t0
        print(
            f"{str(folder)[-32:]:32s} {len(report.indexed):9d} {report.chunks:9d} {ingest_s:9.1f} "
            f"{report.chunks / ingest_s:9.2f} {encode_s:9.1f} {encode_s / ingest_s:9.2f}"
        )


if __name__ == "__main__":
    main()
