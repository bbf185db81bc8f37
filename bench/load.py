"""Load: the chat server under N concurrent clients (gradio_client, the `/ask` API), each asking Q questions.

Every request must come back answered, or refused with a message (queue full); none lost. Reports p50/p95
latency and the server's RSS over the run (sampled every 0.5 s with psutil).

    python bench/load.py --index index --profile fast --clients 20 --questions 5 [--queue-size 64]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "Quand le syndicat emménage-t-il dans ses nouveaux locaux ?",
    "Quelles villes ont rejoint le SITIV en 2014 ?",
    "Qui est le président du SITIV ?",
    "Quel est le budget annuel du SITIV ?",
    "Que dit le président sur l'intelligence artificielle ?",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--profile", default="fast")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--queue-size", type=int, default=64)
    parser.add_argument("--mode", default="generative")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "load.json")
    args = parser.parse_args()
    import psutil
    from gradio_client import Client

    port = free_port()
    env = {**os.environ, "ASSISTANT_QUEUE_SIZE": str(args.queue_size)}
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant", "--profile", args.profile, "chat", "--index", str(args.index),
         "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(240):
        try:
            Client(url, verbose=False)
            break
        except Exception:
            time.sleep(0.5)
    proc = psutil.Process(server.pid)
    warm = Client(url, verbose=False).predict(QUESTIONS[0], 5, args.mode, api_name="/ask")  # models loaded
    assert warm["passages"]
    rss: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            rss.append(proc.memory_info().rss / 2**20)
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    results: list[dict[str, object]] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        c = Client(url, verbose=False)
        for i in range(args.questions):
            q = QUESTIONS[(n + i) % len(QUESTIONS)]
            t0 = time.perf_counter()
            try:
                answer = c.predict(q, 5, args.mode, api_name="/ask")
                outcome = "answered" if answer.get("answer") else "empty"
                message = ""
            except Exception as exc:
                outcome, message = "refused", f"{type(exc).__name__}: {exc}"[:200]
            with lock:
                results.append({"client": n, "question": i, "outcome": outcome, "message": message,
                                "seconds": round(time.perf_counter() - t0, 2)})

    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as ex:
        list(ex.map(client, range(args.clients)))
    wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    server.terminate()
    server.wait(timeout=30)
    answered = sorted(float(r["seconds"]) for r in results if r["outcome"] == "answered")
    refused = [r for r in results if r["outcome"] == "refused"]
    expected = args.clients * args.questions
    summary = {
        "clients": args.clients, "questions_each": args.questions, "mode": args.mode, "queue_size": args.queue_size,
        "requests": expected, "returned": len(results), "answered": len(answered), "refused": len(refused),
        "refused_with_message": sum(1 for r in refused if r["message"]), "lost": expected - len(results),
        "p50_s": round(statistics.median(answered), 2) if answered else None,
        "p95_s": round(answered[int(0.95 * (len(answered) - 1))], 2) if answered else None,
        "wall_s": round(wall, 1), "throughput_per_min": round(len(answered) / wall * 60, 1),
        "rss_mb_start": round(rss[0]) if rss else None, "rss_mb_max": round(max(rss)) if rss else None,
        "rss_mb_end": round(rss[-1]) if rss else None,
        "refusal_messages": sorted({str(r["message"]) for r in refused})[:3],
    }
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "rows": results}, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
