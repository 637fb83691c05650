#!/usr/bin/env bash
# Sentinelle's triage as a Spark map step (docs/SCALE.md): builds the CLI, writes the bench corpus,
# installs pyspark (pinned, into research/spark/.venv; skipped when there), then runs
# research/spark/triage_spark.py, which checks Spark's verdicts against one process's and prints
# the throughput per core. Not in CI. Arguments go to the script, e.g.
#   bash scripts/spark.sh --messages 20000
#   bash scripts/spark.sh                      # 1,000,000 messages, every core
source "$(dirname "$0")/lib.sh"

have java || apt_install openjdk-17-jre-headless
java_major="$(java -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print v[1]; exit }')"
[ "${java_major:-0}" -ge 17 ] || die "Spark 4 needs Java 17 or newer (found: ${java_major:-none})"

say "building the CLI and the corpus"
cargo build --release --quiet --bin sentinelle
[ -d node_modules ] || bash scripts/setup.sh
node bench/corpus.mjs "${BENCH_MESSAGES:-50000}" >&2

VENV="$ROOT/research/spark/.venv"
ensure_venv "$VENV" "$ROOT/research/spark/requirements.txt"

say "running Spark (local mode)"
PYSPARK_PYTHON="$VENV/bin/python" SPARK_LOCAL_IP=127.0.0.1 "$VENV/bin/python" research/spark/triage_spark.py "$@"
