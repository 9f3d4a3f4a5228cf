#!/usr/bin/env bash
# Installs what is missing, builds, and starts `quell serve` on the embedded defaults
# (127.0.0.1:8080, SQLite in ./quell-data, the built-in analyst). Extra arguments go to serve.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh release quell
exec build/release/quell serve "$@"
