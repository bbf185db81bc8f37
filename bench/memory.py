"""Peak resident memory of the real commands, each in its own process (ru_maxrss of the child).

    python bench/memory.py --index index --ingest-folder ../shared/piaf/corpus [--profile quality]

- `assistant ask` with the profile's models on INDEX (one question, generated answer);
- `assistant ingest FOLDER` into a fresh temporary index.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# ru_maxrss of RUSAGE_CHILDREN is the largest child a process ever waited for: each command runs under its own
# small wrapper process so that its figure is its own.
WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n"
)


def peak(cmd: list[str]) -> dict[str, float]:
    t0 = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", WRAPPER, *cmd], capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    maxrss_kb, code = run.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(cmd)} failed (exit {code}): {run.stderr[-2000:]}")
    return {"peak_rss_mb": round(int(maxrss_kb) / 1024), "seconds": round(seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--profile", default="quality")
    parser.add_argument("--ingest-folder", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path("bench/out/memory.json"))
    args = parser.parse_args()
    base = [sys.executable, "-m", "assistant", "--profile", args.profile]
    results = {"ask": peak([*base, "ask", "--index", str(args.index), "--json",
                            "Quand le syndicat emménage-t-il dans ses nouveaux locaux ?"])}
    print("ask", json.dumps(results["ask"]), flush=True)
    if args.ingest_folder:
        with tempfile.TemporaryDirectory() as tmp:
            results["ingest"] = peak([*base, "ingest", str(args.ingest_folder), "--index", str(Path(tmp) / "ix")])
            results["ingest"]["folder"] = str(args.ingest_folder)
        print("ingest", json.dumps(results["ingest"]), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
