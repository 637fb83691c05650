#!/usr/bin/env bash
# Builds the CLI (native), the wasm engine, and the extension packages:
# dist/chrome, dist/firefox and dist/sentinelle-<version>-{chrome,firefox}.zip.
source "$(dirname "$0")/lib.sh"
say "cargo build --release (CLI)"
cargo build --release --quiet
bash scripts/build-wasm.sh
say "packaging the extension"
node scripts/package.mjs
