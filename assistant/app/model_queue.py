"""One queue in front of the model for everything a server process asks of it (chat, workshop, « Vérifier un
texte », the `/ask` API), first come first served, with each waiter's place known.

llama.cpp serves one request at a time; two processes each running it on the same two cores go about four
times slower, not two (issue 13: their threads spin-wait on each other). So one process serves the chat and
the workshop, and every use of the model takes a ticket here. Gradio's own queue would serialise the events
too, but it cannot tell a person how many questions are ahead in French: ours can (`ahead`).
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator


class ModelQueue:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._waiting: list[int] = []
        self._numbers = itertools.count()

    def take(self) -> int:
        with self._cond:
            ticket = next(self._numbers)
            self._waiting.append(ticket)
            return ticket

    def ahead(self, ticket: int) -> int:
        """Requests before this one (0: its turn, or it is being served)."""
        with self._cond:
            return self._waiting.index(ticket) if ticket in self._waiting else 0

    def wait(self, ticket: int, timeout: float | None = None) -> bool:
        """Until this ticket's turn, or the timeout; True when it is its turn."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._waiting or self._waiting[0] == ticket, timeout)

    def release(self, ticket: int) -> None:
        """Done, or given up while waiting (the page was closed): the next one goes."""
        with self._cond:
            if ticket in self._waiting:
                self._waiting.remove(ticket)
            self._cond.notify_all()

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Wait for the model, use it, give it back (for callers that need not show the wait)."""
        ticket = self.take()
        try:
            self.wait(ticket)
            yield
        finally:
            self.release(ticket)
