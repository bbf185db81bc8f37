"""Could « does it answer? » reuse what the claim's reading already evaluated? Measured, not shipped.

    python bench/relevance_reuse.py /tmp/sitiv-run/report.json --index index

The Relevance stage reads, for every verified answer, the passage sentences it rests on after their title
(`answers_prompt`); the claim's judge has just read the same sentences (`judge_prompt`, after its worked
examples). Two wordings would let the second reading start from the first one's KV cells and evaluate only the
question (about 50 tokens instead of about 150, ~0.45 s of a sitiv answer's ~2.3 s of verification):

- « continued »: the claim's conversation, its answer « oui », then « Question : … Le passage (document : …)
  donne-t-il l'information que la question demande (pas seulement un fait voisin) ? »;
- « passage first »: the worked examples, then « Passage : <what the claim's judge read> / Document : … /
  Question : … » and the same request (it shares the claim prompt up to the passage).

Two more readings put the request in the system message (kept in the KV cache, as the claims' judge has since
issue 12's seventeenth pass) and ask a short question after the text (« system + … »): ~0.07 s less per reading,
but the fallback's rescue bars are read on the shipped wording's P(oui).

Each answer that reaches the Relevance stage (the product's stages replayed on the stored raw answers) is read
every way, every prompt evaluated whole (so the seconds say what each costs without reuse). Labels come from
the eval set: an answerable question whose shown answer holds its keys should pass, an unanswerable one should
not. Prints the AUC of each reading between the two, and the median seconds per reading.
"""

from __future__ import annotations

import statistics
import time

from abstention_guard import auc
from honesty import stored_run, stored_turn

from assistant.answer.prompt import Prompt
from assistant.evaluate.metrics import answer_has_keys
from assistant.pipeline.absent import AbsentTerms
from assistant.pipeline.assistant import run_stages
from assistant.pipeline.premise import Premise
from assistant.pipeline.relevance import adds_nothing, rests_on
from assistant.pipeline.verify import Verify
from assistant.verify.checks import claim_text, evidence_text, is_quotation
from assistant.verify.judge import CHECK, EXAMPLES, _claim_question, answers_prompt, judge_prompt, yes_no_prompt

ASK = "donne-t-il l'information que la question demande (pas seulement un fait voisin) ?"


def continued(claim_prompt: Prompt, question: str, title: str) -> Prompt:
    document = f" (document : {title.strip()})" if title else ""
    user = f"Question : {question.strip()}\n\nLe passage{document} {ASK}"
    messages = [*claim_prompt.messages, {"role": "assistant", "content": "oui"}, {"role": "user", "content": user}]
    return Prompt(messages=messages, completion="", kept=claim_prompt.kept)


def passage_first(read: str, question: str, title: str) -> Prompt:
    document = f"\n\nDocument : {title.strip()}" if title else ""
    worked = tuple((_claim_question(said, passage, False, CHECK), "oui" if ok else "non")
                   for passage, said, ok in EXAMPLES)
    return yes_no_prompt(f"Passage : {read.strip()}{document}\n\nQuestion : {question.strip()}\n\nCe passage {ASK}",
                         False, worked)


# The request in the system message (kept in the KV cache), a short question after the text: what the claims'
# judge gained (bench/judge.py, « current » against « long »), tried on « does it answer? ».
ANSWERS_SYSTEM = ("Tu vérifies si un texte répond à une question : donne-t-il l'information que la question demande "
                  "(pas seulement un fait voisin) ? Réponds uniquement par oui ou par non.")
SHORT_ASKS = {"system + répond-il": "Ce texte répond-il à la question ?",
              "system + information demandée": "Le texte donne-t-il l'information demandée ?"}


def system_short(question: str, text: str, title: str, ask: str) -> Prompt:
    text = f"({title.strip()}) {text.strip()}" if title else text.strip()
    return yes_no_prompt(f"Question : {question.strip()}\n\nTexte : {text}\n\n{ask}", False, (), ANSWERS_SYSTEM)


def main() -> None:
    report, rows, assistant = stored_run(__doc__)
    res = assistant.res
    judge = res.judge
    read_ways: dict[str, list[tuple[bool | None, float, float]]] = {"shipped": [], "continued": [],
                                                                      "passage first": [],
                                                                      **{way: [] for way in SHORT_ASKS}}
    for row in rows:
        turn = run_stages(stored_turn(row), res, (Premise(), AbsentTerms(), Verify()), {})
        v, question, passages = turn.verification, row["question"], turn.passages
        if turn.done or turn.abstained or v is None:
            continue
        if adds_nothing(question, " ".join(s.text for s in v.sentences if s.supported)):
            continue
        judged = [s for s in v.sentences if s.supported and s.evidence is not None and not s.term_fault
                  and not is_quotation(s.text, passages)]
        if not judged:
            continue
        # True: should pass; False: should be refused; None: an answerable question answered without its keys.
        label = (answer_has_keys(turn.shown, row.get("answer_keys") or []) or None) if row["answerable"] else False
        first = judged[0]
        claim = claim_text(first.text)
        read = evidence_text(claim, passages, first.evidence.rank, (first.evidence.start, first.evidence.end),
                             res.judge_params.window)
        rested, title = rests_on(v, passages)
        prompts = {"shipped": answers_prompt(question, rested, title),
                   "continued": continued(judge_prompt(claim, read), question, title),
                   "passage first": passage_first(read, question, title),
                   **{way: system_short(question, rested, title, ask) for way, ask in SHORT_ASKS.items()}}
        for way, prompt in prompts.items():
            started = time.perf_counter()
            p = judge.yes_probability(prompt)
            read_ways[way].append((label, p, time.perf_counter() - started))
    print(f"{report}: {len(read_ways['shipped'])} answers reach « does it answer? » with a judged claim")
    print("| reading | AUC keys-held vs unanswerable | answerable with keys / unanswerable | median s per reading |")
    print("| --- | --- | --- | --- |")
    for way, readings in read_ways.items():
        good = [p for label, p, _ in readings if label is True]
        bad = [p for label, p, _ in readings if label is False]
        seconds = statistics.median(s for _, _, s in readings) if readings else float("nan")
        print(f"| {way} | {auc(good, bad):.3f} | {len(good)} / {len(bad)} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
