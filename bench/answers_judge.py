"""The judge's « does it answer? » on passage sentences of stored eval runs: does P(oui) tell the sentence that
gives what the question asks from its neighbours, read alone (zero-shot), after its document's title (titled,
what the fallback reads) or after worked examples?

    python bench/answers_judge.py /tmp/sitiv-run/report.json --index index [--variant zero-shot titled worked]

For each question of a run, the passage sentences closest to it (`best_sentences`, the ones the fallback quotes,
`--sentences` of them) are read by the judge against the question. Labels come from the eval set, not from
anyone's reading: a sentence of an answerable question that holds its answer keys answers it; every sentence of
an unanswerable question, and a sentence of an answerable one without the keys, does not (a few of those may
give the answer in other words: read the figures as a floor). Prints per variant the AUC over sentences, the
question-level AUC (best P(oui) of an answerable question's key sentences against the best of an unanswerable
question's sentences), and for bars of P(oui) what the fallback's rescue would do: answerable questions whose key
sentence passes, unanswerable questions with a sentence that passes.

`--short N` also asks the model for the short answer of each question's N closest sentences (`short_answer`, as
the fallback does near its bar) and prints, for rescue rules (P(oui) alone, or lower with the short answer
found), how many questions would get a quotation: answerable ones with their key, unanswerable ones. Each
question counts once, by its best sentence under the rule, as if every question reached the fallback.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from assistant.answer.extractive import best_sentences
from assistant.answer.prompt import Prompt
from assistant.config import load_settings
from assistant.documents import Passage
from assistant.evaluate.metrics import answer_has_keys
from assistant.pipeline.factory import build_assistant
from assistant.pipeline.fallback import short_answer
from assistant.verify.judge import ANSWERS, DEFAULT_JUDGE, answers_prompt, gives_answer, yes_no_prompt

# Worked examples for « does it answer? », read as earlier turns of the chat as the claims' judge reads its own
# (`verify.judge.EXAMPLES`): the same invented subjects, half giving what is asked (a date, a name, a cause, a
# number, in other words than the question's), half a neighbouring fact of the same subject. Measured, not
# shipped (bench/README.md).
ANSWERS_EXAMPLES: tuple[tuple[str, str, bool], ...] = (
    ("En quelle année la piscine de Brignais a-t-elle été rénovée ?",
     "La piscine intercommunale de Brignais, rénovée en 2019, accueille chaque année près de 85 000 baigneurs.",
     True),
    ("Combien coûte l'entrée de la piscine de Brignais ?",
     "La piscine intercommunale de Brignais, rénovée en 2019, accueille chaque année près de 85 000 baigneurs.",
     False),
    ("Quelle société héberge les serveurs ?",
     "Le conseil a confié à la société Altair la maintenance du réseau, tandis que la société Boréal assure "
     "l'hébergement des serveurs.", True),
    ("Quand la médiathèque a-t-elle ouvert ses portes ?",
     "La médiathèque compte 40 000 ouvrages et un espace numérique réservé aux collégiens.", False),
    ("Pourquoi la commune n'a-t-elle pas ouvert de seconde crèche ?",
     "Faute de budget, la commune a renoncé cette année à ouvrir une seconde crèche.", True),
    ("Quel est le budget du plan numérique ?",
     "Le plan numérique prévoit de remplacer 300 ordinateurs dans les écoles.", False),
    ("Par qui l'association a-t-elle été fondée ?",
     "Créée en 1987 à l'initiative de parents d'élèves, l'association organise aujourd'hui le soutien scolaire.",
     True),
    ("Où se trouve le siège de l'association ?",
     "Créée en 1987 à l'initiative de parents d'élèves, l'association organise aujourd'hui le soutien scolaire.",
     False),
)


def _asked(question: str, text: str) -> str:
    return f"Question : {question.strip()}\n\nTexte : {text.strip()}\n\n{ANSWERS}"


def prompt_for(variant: str, question: str, text: str, title: str = "") -> Prompt:
    """The shipped prompt (zero-shot), the same with the sentence's document title before it (titled), or the
    same question after the worked examples."""
    if variant == "zero-shot":
        return answers_prompt(question, text)
    if variant == "titled":
        return answers_prompt(question, text, title)
    return yes_no_prompt(_asked(question, text), False,
                         tuple((_asked(q, t), "oui" if ok else "non") for q, t, ok in ANSWERS_EXAMPLES))


BARS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
# Rescue rules (`--short`): (bar for P(oui) alone, bar for P(oui) with the short answer found), 1.0: never.
RULES = ((0.4, 1.0), (DEFAULT_JUDGE.rescue, DEFAULT_JUDGE.rescue_short), (0.45, 0.3), (1.0, 0.0))


def auc(scores: list[float], positives: list[bool]) -> float:
    pos = [s for s, p in zip(scores, positives, strict=True) if p]
    neg = [s for s, p in zip(scores, positives, strict=True) if not p]
    if not pos or not neg:
        return float("nan")
    return sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path)
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--profile", default="quality")
    parser.add_argument("--sentences", type=int, default=4, help="closest sentences read per question")
    parser.add_argument("--min-coverage", type=float, default=0.25,
                        help="share of the question's terms a sentence must hold to be read (the fallback's: 0.25)")
    parser.add_argument("--variant", nargs="+", choices=["zero-shot", "titled", "worked"],
                        default=["zero-shot", "worked"])
    parser.add_argument("--out", type=Path, default=None, help="append each reading (JSONL) for analysis")
    parser.add_argument("--short", type=int, default=0, help="closest sentences per question read for a short "
                        "answer (rescue rules with and without it, on the last variant's P(oui))")
    args = parser.parse_args()
    rows = [r for r in json.loads(args.report.read_text(encoding="utf-8"))["items"] if r.get("status") == "ok"]
    assistant = build_assistant(load_settings(profile=args.profile, index_dir=args.index, judge="on", memo="off"))
    idf, generator = assistant.bm25.idf, assistant.generator
    read: list[tuple[dict, str, bool]] = []  # (row, sentence, holds the keys)
    titles: list[str] = []  # the title of each read sentence's document
    for row in rows:
        passages = [Passage.from_json(p) for p in row["passages"]]
        for extract in best_sentences(row["question"], passages, idf, args.sentences, args.min_coverage):
            keyed = bool(row["answerable"] and row.get("answer_keys")
                         and answer_has_keys(extract.text, row["answer_keys"]))
            read.append((row, extract.text, keyed))
            titles.append(extract.title)
    print(f"{args.report}: {len(rows)} questions, {len(read)} sentences read, "
          f"{sum(k for _, _, k in read)} holding their question's keys")
    for variant in args.variant:
        started = time.perf_counter()
        scores = [generator.yes_probability(prompt_for(variant, row["question"], text, title))
                  for (row, text, _), title in zip(read, titles, strict=True)]
        if args.out:
            with args.out.open("a", encoding="utf-8") as out:
                out.writelines(json.dumps({"variant": variant, "id": row["id"], "question": row["question"],
                                           "answerable": row["answerable"], "keyed": keyed, "text": text, "p": p},
                                          ensure_ascii=False) + "\n" for (row, text, keyed), p in zip(read, scores,
                                                                                                  strict=True))
        seconds = (time.perf_counter() - started) / max(1, len(read))
        best_answerable: dict[str, float] = {}
        best_unanswerable: dict[str, float] = {}
        for (row, _, keyed), p in zip(read, scores, strict=True):
            if keyed:
                best_answerable[row["id"]] = max(p, best_answerable.get(row["id"], 0.0))
            elif not row["answerable"]:
                best_unanswerable[row["id"]] = max(p, best_unanswerable.get(row["id"], 0.0))
        answerable = [r for r in rows if r["answerable"] and r.get("answer_keys")]
        unanswerable = [r for r in rows if not r["answerable"]]
        q_scores = list(best_answerable.values()) + list(best_unanswerable.values())
        q_labels = [True] * len(best_answerable) + [False] * len(best_unanswerable)
        print(f"\n{variant}: sentence AUC {auc(scores, [k for _, _, k in read]):.3f}, question AUC "
              f"{auc(q_scores, q_labels):.3f}, {seconds:.2f} s a reading")
        print(f"  key sentence read for {len(best_answerable)}/{len(answerable)} answerable questions")
        for bar in BARS:
            kept = sum(p >= bar for p in best_answerable.values())
            wrong = sum(p >= bar for p in best_unanswerable.values())
            print(f"  bar {bar:.1f}: answerable with a key sentence passing {kept}/{len(answerable)}, "
                  f"unanswerable with a sentence passing {wrong}/{len(unanswerable)}")
    if args.short:
        rescue_rules(assistant, read, scores, args.short)


def rescue_rules(assistant: Any, read: list[tuple[dict, str, bool]], scores: list[float], first: int) -> None:
    """Each question's first `first` sentences: P(oui), and whether the model's short answer was found there."""
    per_question: dict[str, list[tuple[float, bool, bool]]] = {}  # id -> (P(oui), short answer found, keyed)
    answerable: dict[str, bool] = {}
    started = time.perf_counter()
    for (row, text, keyed), p in zip(read, scores, strict=True):
        sentences = per_question.setdefault(row["id"], [])
        answerable[row["id"]] = row["answerable"]
        if len(sentences) < first:
            found = gives_answer(short_answer(assistant.res, row["question"], text), row["question"], text)
            sentences.append((p, found, keyed))
    n = sum(len(v) for v in per_question.values())
    print(f"\nshort answers: {n} read, {(time.perf_counter() - started) / max(1, n):.2f} s each")
    for alone, with_short in RULES:
        def score(s: tuple[float, bool, bool], alone: float = alone, with_short: float = with_short) -> float:
            p, found, _ = s
            return 1.0 + p if p >= alone or (found and p >= with_short) else p - 1.0

        rescued = {qid: max(sentences, key=score) for qid, sentences in per_question.items()}
        rescued = {qid: s for qid, s in rescued.items() if score(s) >= 1.0}
        keyed = sum(s[2] for qid, s in rescued.items() if answerable[qid])
        wrong = sum(not answerable[qid] for qid in rescued)
        total = sum(answerable.values())
        print(f"  P >= {alone}, or P >= {with_short} and the short answer found: answerable rescued with their key "
              f"{keyed}/{total}, unanswerable rescued {wrong}/{len(answerable) - total}")


if __name__ == "__main__":
    main()
