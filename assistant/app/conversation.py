"""Follow-up questions: rewrite the retrieval query from the conversation. Pure functions.

« Et combien coûte-t-il ? » retrieves nothing useful on its own. Asking the small local model to rewrite the
question costs seconds and sometimes invents; instead the query gets the content words of the previous question
when the new one reads as a follow-up (one content word, or few of them with an opening connector or a pronoun
subject) and names nothing itself (no capitalised word, no number).
The user's question is still what the model answers; only the search uses the rewritten query, and the UI shows it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..text import content_tokens, fold

_CONNECTORS = ("et ", "mais ", "alors ", "ensuite", "puis ", "aussi", "donc ", "sinon", "pourquoi", "combien")
# « Combien coûte-t-il ? », « Où se trouvent-elles ? »: the subject is elsewhere in the conversation.
_PRONOUN_SUBJECT = re.compile(r"-(?:t-)?(?:il|elle|ils|elles)\b|\b(?:cela|ça|celui-ci|celle-ci|ce dernier)\b")


def is_follow_up(question: str) -> bool:
    if _names_something(question):
        return False
    folded = fold(question).strip()
    own = content_tokens(question)
    return (
        len(own) < 2
        or (len(own) < 4 and (bool(_PRONOUN_SUBJECT.search(question.lower())) or folded.startswith(_CONNECTORS)))
    )


def _names_something(question: str) -> bool:
    """A capitalised word after the first one (« SITIV », « Lyon ») or a number names the subject itself."""
    words = re.findall(r"[^\W\d_]+|\d+", question)
    return any(w.isdigit() or w[0].isupper() for w in words[1:])


def retrieval_query(question: str, history: Sequence[str], max_turns: int = 2) -> str:
    """The query the search uses: the question alone, or the question plus the previous questions'
    content words it does not already contain (most recent first)."""
    question = question.strip()
    if not history or not is_follow_up(question):
        return question
    own = set(content_tokens(question))
    added: list[str] = []
    for previous in reversed(list(history)[-max_turns:]):
        for word in re.findall(r"[^\W\d_]+|\d+", previous):
            token = content_tokens(word)
            if token and token[0] not in own and word not in added:
                added.append(word)
                own.add(token[0])
        if not is_follow_up(previous):
            break  # that question stood on its own: older turns belong to another topic
    return f"{question} ({' '.join(added)})" if added else question
