"""One-token generation with the profile's generator: catches a bad llama.cpp build at set-up time."""

from __future__ import annotations

import argparse
import sys

from ..answer.prompt import Prompt
from ..config import load_settings
from .base import GenerationOptions
from .files import resolve_generator
from .llama_cpp import LlamaCppGenerator


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="quality")
    args = parser.parse_args()
    model = resolve_generator(load_settings(profile=args.profile))
    generator = LlamaCppGenerator(model.path, model.name, n_ctx=512)
    prompt = Prompt(messages=[{"role": "user", "content": "Bonjour"}], completion="Bonjour")
    text = "".join(generator.generate(prompt, GenerationOptions(max_tokens=1)))
    print(f"[setup] {model.name} génère : {text!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
