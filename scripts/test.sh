#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test (unit, integration)
# in the release build and, with --asan (what CI does), again under ASan+UBSan, then runs every
# fuzz target (fuzz/, built with clang, ASan and UBSan) for a short bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test
presets=(release)
[[ "${1:-}" == "--asan" ]] && presets+=(asan)
for preset in "${presets[@]}"; do
  scripts/build.sh "$preset"
  echo "== tests ($preset) =="
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "build/$preset" --output-on-failure -j "$(nproc)" --timeout 600
done
if [[ "${1:-}" == "--asan" ]]; then
  scripts/build.sh fuzz
  echo "== fuzz targets (${QUELL_FUZZ_SECONDS:-10} s each) =="
  ctest --test-dir build/fuzz -L fuzz --output-on-failure -j "$(nproc)"
fi
