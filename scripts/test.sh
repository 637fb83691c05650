#!/usr/bin/env bash
# Every test: Rust unit, golden, property and CLI tests; the wasm smoke test in Node; the
# browser end-to-end tests with the built extension in Debian's Chromium, and their core in
# Debian's firefox-esr; web-ext lint on the Firefox package; a short pass of every fuzz target.
# Installs what is missing first.
#
# Every stage runs even when one before it failed, so one run shows every failure. The last line
# counts what the runners reported, failures included; the exit status is 1 when any test failed
# or any stage did not finish.
source "$(dirname "$0")/lib.sh"
set +e
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
broken=()

stage() { # stage NAME COMMAND…: runs it, its output kept for the count
  local name="$1"
  shift
  say "$name"
  "$@" 2>&1 | tee -a "$LOG"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || broken+=("$name (exit $rc)")
}

stage "setup" bash scripts/setup.sh --test
stage "cargo test" cargo test --quiet
stage "build" bash scripts/build.sh
stage "wasm smoke test and browser end-to-end tests" npm test --silent
stage "Firefox end-to-end tests" npm run --silent test:firefox
stage "web-ext lint (Firefox package)" npm run --silent lint:firefox
# A few seconds a target on every run: the targets build, the seeds and earlier finds pass, and
# shallow crashes show up; long runs are `scripts/fuzz.sh 300` (docs/reliability/fuzz.md).
stage "fuzz (short pass)" env FUZZ_SANITIZER="${FUZZ_SANITIZER:-none}" bash scripts/fuzz.sh "${FUZZ_SECONDS:-8}"

# cargo: "test result: ok. 12 passed; 0 failed; …" (FAILED when any failed); node: "# pass 3", "# fail 0".
passed=$(grep -aoE '^test result: [A-Za-z]+\. [0-9]+ passed' "$LOG" | awk '{s+=$4} END {print s+0}')
failed=$(grep -aoE '^test result: [A-Za-z]+\. [0-9]+ passed; [0-9]+ failed' "$LOG" | awk '{s+=$6} END {print s+0}')
passed=$((passed + $(grep -aoE '^# pass [0-9]+' "$LOG" | awk '{s+=$3} END {print s+0}')))
failed=$((failed + $(grep -aoE '^# fail [0-9]+' "$LOG" | awk '{s+=$3} END {print s+0}')))
for b in "${broken[@]}"; do warn "stage failed: $b"; done
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "${#broken[@]}" -eq 0 ]
