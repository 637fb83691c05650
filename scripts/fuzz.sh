#!/usr/bin/env bash
# Runs the fuzz targets (fuzz/fuzz_targets/, what each feeds: fuzz/src/lib.rs) for a bounded time:
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]     # default: 60 s, every target
#   scripts/fuzz.sh 300 ingest plan                    # five minutes each of two
#
# Installs cargo-fuzz (the pinned version, scripts/lib.sh) when missing; needs the rustup nightly toolchain
# (libFuzzer's instrumentation is a nightly flag). Each target starts from its seeds
# (fuzz/corpus/<target>/, committed) and what earlier runs found (fuzz/corpus-run/<target>/, not
# committed); a crash lands in fuzz/artifacts/<target>/: replay it with
# `cargo +nightly fuzz run <target> <file>` from the repository, then copy it into
# tests/fuzz_regressions/<target>/ once fixed (tests/fuzz_regressions.rs replays it in cargo test).
#
# Ends with one line per target — seconds, executions, corpus, crashes — and exits 1 if any crashed.
# FUZZ_SANITIZER: address (the default here, memory errors in dependencies' unsafe code too) or
# none (faster to build; scripts/test.sh's short pass uses it).
source "$(dirname "$0")/lib.sh"

ALL=(plan triage ingest templates packed incident_log)
secs="${1:-60}"
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ALL[@]}")
sanitizer="${FUZZ_SANITIZER:-address}"

ensure_cargo_fuzz

say "building the fuzz targets (nightly, sanitizer: $sanitizer)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cargo +nightly fuzz build --sanitizer "$sanitizer" >"$log" 2>&1 || { cat "$log" >&2; die "the fuzz targets did not build"; }

summary=()
crashed=0
set +e # a crash is reported at the end, after every target has run
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus-run/$t" "fuzz/artifacts/$t"
  before=$(find "fuzz/artifacts/$t" -type f | wc -l)
  say "fuzzing $t for ${secs}s"
  # The first corpus folder receives what the run finds; the seeds are only read.
  cargo +nightly fuzz run --sanitizer "$sanitizer" "$t" "fuzz/corpus-run/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1 && rc=0 || rc=$?
  runs=$(grep -aoE 'stat::number_of_executed_units: *[0-9]+' "$log" | awk '{print $2}' | tail -1)
  took=$(grep -aoE 'Done [0-9]+ runs in [0-9]+ second' "$log" | awk '{print $5}' | tail -1)
  corpus=$(grep -aoE 'DONE .* corp: [0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  found=$(($(find "fuzz/artifacts/$t" -type f | wc -l) - before))
  if [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then
    crashed=1
    tail -40 "$log" >&2
    warn "$t: crashed; the input is in fuzz/artifacts/$t/"
  fi
  summary+=("$(printf '%-13s %6ss %10s execs %6s corpus %3s crashes' "$t" "${took:-$secs}" "${runs:-?}" "${corpus:-?}" "$found")")
done
say "fuzz summary (seconds, executions, corpus files, new crash files)"
printf '%s\n' "${summary[@]}"
exit "$crashed"
