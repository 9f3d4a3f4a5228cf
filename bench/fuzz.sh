#!/usr/bin/env bash
# Runs every libFuzzer target (fuzz/) for a set time, one after the other at low priority, and
# prints per target the executions, executions per second, coverage and findings (crashes,
# sanitizer reports, leaks, timeouts, out-of-memory: the input is saved in build/fuzz/findings/).
# Each target's corpus grows in build/fuzz/corpus/<target> from the seeds in fuzz/corpus/<target>.
# Usage: bench/fuzz.sh [seconds-per-target] [target...]   (default 60 s, every target)
# QUELL_FUZZ_RUNS=N also stops a target after N executions. Exits non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
scripts/deps.sh --fuzz
nice scripts/build.sh fuzz >/dev/null
targets=("$@")
if ((${#targets[@]} == 0)); then
  for src in fuzz/*_fuzz.cc; do
    name=$(basename "$src" _fuzz.cc)
    targets+=("$name")
  done
fi
mkdir -p build/fuzz/findings build/fuzz/logs
printf '%-18s %12s %9s %7s %9s  %s\n' target executions exec/s cov seconds findings
status=0
for t in "${targets[@]}"; do
  corpus="build/fuzz/corpus/$t"
  mkdir -p "$corpus"
  extra=()
  [[ -n "${QUELL_FUZZ_RUNS:-}" ]] && extra+=(-runs="$QUELL_FUZZ_RUNS")
  [[ -e "fuzz/dict/$t.dict" ]] && extra+=(-dict="fuzz/dict/$t.dict")
  log="build/fuzz/logs/$t.log"
  before=$(ls build/fuzz/findings | grep -c "^$t-" || true)
  start=$(date +%s)
  rc=0
  nice -n 19 "build/fuzz/fuzz/${t}_fuzz" -max_total_time="$seconds" -timeout=10 -max_len=4096 \
    -rss_limit_mb=2048 -print_final_stats=1 "${extra[@]}" \
    -artifact_prefix="build/fuzz/findings/$t-" "$corpus" "fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
  elapsed=$(($(date +%s) - start))
  runs=$(grep -a 'stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1)
  rate=$(grep -a 'stat::average_exec_per_sec' "$log" | awk '{print $2}' | tail -1)
  cov=$(grep -aoE 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}')
  after=$(ls build/fuzz/findings | grep -c "^$t-" || true)
  found=$((after - before))
  note="$found"
  if ((rc != 0 || found > 0)); then
    status=1
    note="$found ($(ls -t build/fuzz/findings | grep "^$t-" | head -1); rc $rc; see $log)"
  fi
  printf '%-18s %12s %9s %7s %9s  %s\n' "$t" "${runs:-?}" "${rate:-?}" "${cov:-?}" "$elapsed" "$note"
done
exit "$status"
