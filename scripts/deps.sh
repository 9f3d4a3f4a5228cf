#!/usr/bin/env bash
# Installs the Debian 12 packages Quell needs to build and test, only those that are missing.
# Usage: scripts/deps.sh [--test]   (--test adds what the test suite and benchmarks need)
set -euo pipefail
pkgs=(g++ cmake ninja-build pkg-config ccache lld libboost1.81-dev libboost-json1.81-dev
      libcurl4-openssl-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
      libexpected-dev libre2-dev libxxhash-dev libsqlite3-dev libpq-dev libssl-dev
      libgtest-dev libgmock-dev libbenchmark-dev libcpp-httplib-dev)
if [[ "${1:-}" == "--test" ]]; then
  pkgs+=(curl sqlite3 prometheus-alertmanager)
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

# Node.js (npm packages for the tests), unless the machine has one already.
if [[ "${1:-}" == "--test" ]] && ! command -v npm >/dev/null; then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
# The Telegram Bot API emulator for the end-to-end test (tests/telegram).
root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ "${1:-}" == "--test" && ! -d "$root/tests/telegram/node_modules/telegram-test-api" ]]; then
  (cd "$root/tests/telegram" && npm ci --no-audit --no-fund --loglevel=error)
fi
