#!/usr/bin/env bash
# `make bench`: builds what the benchmark runs (the CLI, the bench example, the wasm, the extension),
# installs the peers it compares with (pinned, into bench/peers/ only; skipped when already there),
# then runs bench/run.mjs, which prints one table and writes docs/PERFORMANCE.md.
# Environment: see the top of bench/run.mjs (BENCH_MESSAGES, BENCH_ROUNDS, BENCH_SKIP, …).
# Run it on a quiet machine: every contender is timed on one core, and a busy one skews the ratios.
source "$(dirname "$0")/lib.sh"

bash scripts/setup.sh
[ -x /usr/bin/chromium ] || apt_install chromium   # the wasm and extension benchmarks' browser
have taskset || apt_install util-linux
[ -x /usr/bin/time ] || apt_install time

say "building: the CLI, the bench example, the wasm and the extension"
cargo build --release --quiet --bin sentinelle --example bench
bash scripts/build-wasm.sh
node scripts/package.mjs >/dev/null

# The npm peers, from bench/peers/package.json (exact versions; the lock file is committed).
PEERS="$ROOT/bench/peers"
if [ ! -d "$PEERS/node_modules" ] || [ "$PEERS/package-lock.json" -nt "$PEERS/node_modules/.package-lock.json" ]; then
  say "npm ci (bench/peers)"
  (cd "$PEERS" && npm ci --no-audit --no-fund --loglevel=error)
fi
# The PyPI peers, into bench/peers/.venv.
ensure_venv "$PEERS/.venv" "$PEERS/requirements.txt"

say "running (bench/run.mjs)"
node bench/run.mjs
