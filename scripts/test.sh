#!/usr/bin/env bash
# Every test: Rust unit, golden, property and CLI tests; the wasm smoke test in Node; the
# browser end-to-end tests with the built extension in Debian's Chromium; web-ext lint on the
# Firefox package. Installs what is missing first. Ends with one summary line over all runners.
source "$(dirname "$0")/lib.sh"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
bash scripts/setup.sh --test
say "cargo test"
cargo test --quiet 2>&1 | tee -a "$LOG"
bash scripts/build.sh
say "wasm smoke test and browser end-to-end tests"
npm test --silent 2>&1 | tee -a "$LOG"
say "web-ext lint (Firefox package)"
npm run --silent lint:firefox
# pipefail has stopped the script on any failure above; count what ran.
rust=$(grep -oE '^test result: ok\. [0-9]+ passed' "$LOG" | awk '{s+=$4} END {print s+0}')
node=$(grep -oE '^# pass [0-9]+' "$LOG" | awk '{s+=$3} END {print s+0}')
echo "tests: $((rust + node)) passed, 0 failed"
