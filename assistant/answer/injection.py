"""Prompt-injection defence for passages: sentences that address the model as instructions are masked in the
prompt (never in the index, so citations and verification still see the document as it is). Pure functions.

Measured with bench/injection.py on eval/injection/ (numbers in bench/README.md).
"""

from __future__ import annotations

import re

from ..text import fold, split_sentences

# Folded (lower case, no accents) phrasings of text written for an AI rather than for a reader. Narrow on purpose:
# broader rules (any « IA » near a verb, any « tu ») masked real sentences of the corpus about AI regulation,
# and still missed most new phrasings (bench/README.md). The prompt framing is the defence that generalises.
_PATTERNS = [
    r"\b(ignore|oublie|ne tiens pas compte)\w*\b.{0,40}\b(consigne|instruction|regle|prompt)s?\b",
    r"\bignore (all|any|the|previous|prior)\b.{0,30}\binstructions?\b",
    r"\b(system|systeme)\s*:",
    r"\b(nouvelle|new) (instruction|consigne)s?\b",
    r"\b(note|consigne|message|instruction)s? (imperative )?(pour|a|to) (l'|the )?(assistant|ia|intelligence "
    r"artificielle|ai|modele|model|chatbot|llm)\b",
    r"^\s*(assistant|ia|chatbot|ai)\s*:",
    r"\b(reponds|repond|reply|answer|respond)\w* (uniquement|seulement|only)\b",
    r"\b(tes|your) instructions (systeme|system)\b|\b(prompt|instructions?) systeme\b",
    r"\bdebug mode\b|\bmode (debug|developpeur|developer)\b",
    r"\bquelle que soit la question\b|\bpour toute question\b.{0,40}\b(recommande|reponds|dis|affirme)\b",
    r"\b(termine|commence|finis)\w* (chacune de )?(tes|chaque|ta) (reponse|phrase)s?\b",
]
_RULES = [re.compile(p) for p in _PATTERNS]
MASK = "[phrase adressée à l'assistant, masquée]"


def suspicious_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for start, end in split_sentences(text) or [(0, len(text))]:
        folded = fold(text[start:end])
        if any(rule.search(folded) for rule in _RULES):
            spans.append((start, end))
    return spans


def mask_instructions(text: str) -> tuple[str, int]:
    """The passage with every instruction-like sentence replaced by MASK, and how many were masked."""
    spans = suspicious_spans(text)
    out, pos = [], 0
    for start, end in spans:
        out += [text[pos:start], MASK]
        pos = end
    out.append(text[pos:])
    return "".join(out), len(spans)
