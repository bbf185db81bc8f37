"""Who uses the model on this machine. Two processes each running llama.cpp on the same cores go about four
times slower, not two (issue 13), so a second heavy process is told so at start, with the way out: ask the
server that already holds the model (the chat and the workshop share one process and one queue).

An advisory `flock` on a file in the temporary folder, held until the process exits (a crash releases it).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from pathlib import Path

LOCK_PATH = Path(tempfile.gettempdir()) / "assistant-model.lock"
_held: dict[Path, int] = {}


def claim_model(what: str, path: Path = LOCK_PATH) -> str | None:
    """Take the lock for this process; None when it is ours, else a French warning naming the holder."""
    if path in _held:
        return None
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "un autre processus"
        os.close(fd)
        return (f"Attention : le modèle tourne déjà sur cette machine ({holder}). Deux modèles sur les mêmes "
                "cœurs vont chacun environ 4 fois plus lentement. Posez plutôt vos questions à ce serveur "
                "(le chat et l'atelier partagent un seul modèle), ou attendez qu'il s'arrête.")
    os.ftruncate(fd, 0)
    os.write(fd, f"{what}, processus {os.getpid()}".encode())
    _held[path] = fd
    return None


def release_model(path: Path = LOCK_PATH) -> None:
    fd = _held.pop(path, None)
    if fd is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
