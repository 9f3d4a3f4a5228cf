#!/usr/bin/env bash
# Installs the Debian 12 packages Quell needs to build and test, only those that are missing.
# Usage: scripts/deps.sh [--test|--fuzz]   (--test adds what the test suite and benchmarks need,
# --fuzz only what the fuzz targets need: Debian's clang and its runtime, which holds libFuzzer)
set -euo pipefail
pkgs=(g++ cmake ninja-build pkg-config ccache lld libboost1.81-dev libboost-json1.81-dev
      libcurl4-openssl-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
      libexpected-dev libre2-dev libxxhash-dev libsqlite3-dev libpq-dev libssl-dev
      libgtest-dev libgmock-dev libcpp-httplib-dev libhowardhinnant-date-dev)
# Node.js and npm fetch and pin uPlot for the build. A node from elsewhere (e.g. NodeSource,
# whose nodejs bundles npm and conflicts with Debian's npm package) is fine.
command -v node >/dev/null || pkgs+=(nodejs)
command -v npm >/dev/null || pkgs+=(npm)
# postgresql-15: the tests start a private server of their own (tests/support/private_postgres.h)
# from its binaries in /usr/lib/postgresql/15/bin.
if [[ "${1:-}" == "--test" ]]; then
  pkgs+=(curl sqlite3 prometheus-alertmanager nginx-light chromium postgresql-15)
fi
# -fsanitize=fuzzer needs libclang_rt.fuzzer, in libclang-rt-14-dev (only recommended by clang).
if [[ "${1:-}" == "--test" || "${1:-}" == "--fuzz" ]]; then
  pkgs+=(clang libclang-rt-14-dev)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages pinned by package-lock.json: uPlot is embedded into the binary (the build needs
# it); playwright-core drives chromium in the browser test; telegram-test-api is the Bot API
# emulator of the Telegram end-to-end test.
cd "$(dirname "$0")/.."
if [[ ! -f web/node_modules/uplot/dist/uPlot.iife.min.js ]]; then
  (cd web && npm ci --no-audit --no-fund)
fi
if [[ "${1:-}" == "--test" && ! -d tests/browser/node_modules/playwright-core ]]; then
  (cd tests/browser && npm ci --no-audit --no-fund)
fi
if [[ "${1:-}" == "--test" && ! -d tests/telegram/node_modules/telegram-test-api ]]; then
  (cd tests/telegram && npm ci --no-audit --no-fund --loglevel=error)
fi
