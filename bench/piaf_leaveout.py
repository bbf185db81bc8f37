"""Build an honesty test set from PIAF: index some articles, leave others out, ask both kinds of dev questions.

    python bench/piaf_leaveout.py --corpus /tmp/piaf-kept --out eval/piaf-leaveout.jsonl
    .venv/bin/assistant ingest /tmp/piaf-kept --index /tmp/piaf-kept-index
    .venv/bin/assistant eval eval/piaf-leaveout.jsonl --index /tmp/piaf-kept-index --out /tmp/piaf-leaveout-run

A second set on other articles (none of the first's, kept or left out), for figures the first was never used to
choose:

    python bench/piaf_leaveout.py --corpus /tmp/piaf2-kept --out eval/piaf-leaveout-2.jsonl \
        --exclude eval/piaf-leaveout.jsonl

Questions on a kept article are answerable (`kind: fact`); questions on a left-out article must be refused
(`kind: no_info`, `answerable: false`). A left-out question whose evidence text still occurs in a kept article
(PIAF has neighbouring articles: « Afrique », « Algérie ») is dropped rather than mislabelled. The split is
seeded and depends only on the article names, so the set and its corpus are rebuilt identically.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from collections import defaultdict
from pathlib import Path

PIAF = Path(__file__).resolve().parents[1].parent / "shared" / "piaf"


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--piaf", type=Path, default=PIAF)
    parser.add_argument("--corpus", type=Path, required=True, help="folder the kept articles are copied to")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=30, help="articles kept, and as many left out")
    parser.add_argument("--per-article", type=int, default=2, help="questions asked per article")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--exclude", type=Path, nargs="*", default=[],
                        help="sets built before (JSONL): their articles are neither kept nor left out here, so the "
                             "new set shares no article with them")
    args = parser.parse_args()

    rows = [json.loads(line) for line in (args.piaf / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line]
    by_source: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_source[row["source"]].append(row)
    used = {json.loads(line)["source"] for path in args.exclude
            for line in path.read_text(encoding="utf-8").splitlines() if line}
    sources = sorted(s for s, qs in by_source.items() if len(qs) >= args.per_article and s not in used)
    if len(sources) < 2 * args.articles:
        parser.error(f"{len(sources)} articles left to draw from, {2 * args.articles} needed (--articles)")
    random.Random(args.seed).shuffle(sources)
    kept, left_out = sources[: args.articles], sources[args.articles : 2 * args.articles]

    if args.corpus.exists():
        shutil.rmtree(args.corpus)
    args.corpus.mkdir(parents=True)
    kept_text = ""
    for name in kept:
        shutil.copy(args.piaf / "corpus" / name, args.corpus / name)
        kept_text += _norm((args.piaf / "corpus" / name).read_text(encoding="utf-8")) + "\n"

    out: list[dict] = []
    for name in kept:
        for row in by_source[name][: args.per_article]:
            out.append({**row, "id": f"{row['id']}-kept", "answerable": True, "kind": "fact"})
    dropped = 0
    for name in left_out:
        for row in by_source[name][: args.per_article]:
            if any(_norm(e) in kept_text for e in row.get("evidence", [])):
                dropped += 1
                continue
            out.append({"id": f"{row['id']}-out", "question": row["question"], "answerable": False, "evidence": [],
                        "answer_keys": [], "source": name, "kind": "no_info"})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    answerable = sum(r["answerable"] for r in out)
    print(f"{len(out)} questions ({answerable} answerable, {len(out) - answerable} unanswerable, {dropped} dropped "
          f"as answerable from a kept article); {len(kept)} articles copied to {args.corpus}")


if __name__ == "__main__":
    main()
