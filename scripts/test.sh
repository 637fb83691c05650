#!/usr/bin/env bash
# Every test: Rust unit, golden, property and CLI tests; the wasm smoke test in Node; the
# browser end-to-end tests with the built extension in Debian's Chromium; web-ext lint on the
# Firefox package. Installs what is missing first.
source "$(dirname "$0")/lib.sh"
bash scripts/setup.sh --test
say "cargo test"
cargo test --quiet 2>&1
bash scripts/build.sh
say "wasm smoke test and browser end-to-end tests"
npm test --silent
say "web-ext lint (Firefox package)"
npm run --silent lint:firefox
say "all tests passed"
