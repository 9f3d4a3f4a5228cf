#!/usr/bin/env bash
# Configures and builds Quell into build/<preset>. Usage: scripts/build.sh [release|asan|fuzz] [targets...]
# fuzz: the libFuzzer targets (fuzz/) with clang, ASan and UBSan; builds target `fuzz` by default.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
shift || true
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/quell-ccache}"
# Paths relative to the checkout, so clones and worktrees elsewhere share cached objects.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
ccache -M 2G >/dev/null 2>&1 || true
dir="build/$preset"
args=(-G Ninja -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo)
[[ "$preset" == "asan" ]] && args+=(-DQUELL_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
if [[ "$preset" == "fuzz" ]]; then
  args+=(-DQUELL_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++)
  (($#)) || set -- fuzz
fi
[[ "${CI:-}" == "true" ]] && args+=(-DQUELL_WERROR=ON)
cmake "${args[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)" ${1:+--target "$@"}
