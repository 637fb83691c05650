#!/usr/bin/env bash
# Installs whatever this machine lacks to build (and, with --test, to test) Sentinelle.
# Quick when nothing is missing: every step checks before it installs.
source "$(dirname "$0")/lib.sh"

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

have cargo || die "cargo is missing: install Rust from https://rustup.rs first"
have node && have npm || die "Node.js and npm are missing: install Node.js 20 or newer"

# 1. A compiler that can build for wasm32.
if default_rustc_has_wasm32; then
  : # the default toolchain has the wasm32 target: the build uses it
elif debian_wasm_ready; then
  :
else
  warn "the default Rust toolchain has no wasm32 target; installing Debian's browser-build Rust (see shared TOOLCHAIN.md)"
  apt_install rustc-web cargo-web rust-web-src lld-19
  debian_wasm_ready || die "Debian's rustc-web did not install as expected (/usr/bin/rustc, wasm-ld-19, rust source)"
fi

# 2. wasm-bindgen-cli at exactly the version in Cargo.lock.
[ -f Cargo.lock ] || cargo generate-lockfile
want="$(bindgen_version)"
[ -n "$want" ] || die "no wasm-bindgen in Cargo.lock"
got="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" || true
if [ "$got" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found: ${got:-none}); about 2 minutes, once"
  # No --locked: the registry mirror lacks one dependency pinned by the CLI's own lock file.
  cargo install -q wasm-bindgen-cli --version "$want"
fi

# 3. npm packages (wasm-opt from npm binaryen, and the test tools), from package-lock.json.
if [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi

# 4. For the tests: Chromium and Firefox ESR (test tools cannot download their own browsers here;
# Debian has no geckodriver, and none is needed: puppeteer-core drives Firefox over WebDriver BiDi).
if [ "$want_test" -eq 1 ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
if [ "$want_test" -eq 1 ] && [ ! -x /usr/bin/firefox-esr ]; then
  apt_install firefox-esr
fi
# 5. For the platform fixtures (tests/platforms/server.mjs): openssl makes their test certificate.
if [ "$want_test" -eq 1 ] && ! have openssl; then
  apt_install openssl
fi
# 6. For the tests' short fuzz pass (scripts/fuzz.sh): cargo-fuzz, with the rustup nightly toolchain.
if [ "$want_test" -eq 1 ]; then
  ensure_cargo_fuzz
fi
exit 0
