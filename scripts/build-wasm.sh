#!/usr/bin/env bash
# Builds the engine to build/pkg/{sentinelle.js,sentinelle_bg.wasm}: cargo → wasm-bindgen → wasm-opt.
# Uses the default toolchain's wasm32 target when it has one; otherwise Debian's rustc-web with
# std built from source (shared TOOLCHAIN.md). Each compiler keeps its own target directory, so
# switching never forces a full rebuild.
source "$(dirname "$0")/lib.sh"

OUT="$ROOT/build/pkg"
PROFILE_ENV=()
# 128-bit SIMD: the model's per-feature loop over all heads' weights runs four lanes at a time.
# Every browser the extension supports has it (Chrome 91+, Firefox 89+; the manifests ask for
# Chrome 116 and Firefox 140), and so does Node 16.4+.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128"
if default_rustc_has_wasm32; then
  TARGET_DIR="$ROOT/target"
  say "cargo build (wasm32, default toolchain)"
  cargo build --release --lib --no-default-features --target wasm32-unknown-unknown
elif debian_wasm_ready; then
  TARGET_DIR="$ROOT/target/wasm-debian"
  say "cargo build (wasm32, Debian rustc-web with -Zbuild-std)"
  PATH="/usr/bin:$PATH" \
  CARGO_TARGET_DIR="$TARGET_DIR" \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19 \
  RUSTC_BOOTSTRAP=1 \
    /usr/bin/cargo build --release --lib --no-default-features --target wasm32-unknown-unknown \
      -Zbuild-std=std,panic_abort
else
  die "no wasm32 toolchain: run scripts/setup.sh (or 'make demo', which runs it)"
fi
WASM="$TARGET_DIR/wasm32-unknown-unknown/release/sentinelle.wasm"
[ -f "$WASM" ] || die "cargo did not produce $WASM"

size() { printf '%8d B raw  %8d B gzip' "$(wc -c <"$1")" "$(gzip -9 -c "$1" | wc -c)"; }
echo "cargo:        $(size "$WASM")  $WASM" >&2

rm -rf "$OUT.tmp" && mkdir -p "$OUT.tmp"
# --experimental-reset-state-function: the glue gets `__wbg_reset_state()`, which replaces a wasm
# instance that trapped with a fresh one from the same compiled module (objects of the old
# instance then throw instead of touching the new memory). The background uses it to recover
# from a trap without waiting for the browser to restart its service worker (background.js `revive`).
wasm-bindgen --target web --experimental-reset-state-function --out-dir "$OUT.tmp" --out-name sentinelle "$WASM"
echo "wasm-bindgen: $(size "$OUT.tmp/sentinelle_bg.wasm")" >&2

# wasm-opt: npm binaryen (pinned in package.json) first, then a system one if it is recent enough.
# Debian 12's binaryen 108 exports the wrong table for wasm-bindgen's output: the module then fails
# at init() with "WebAssembly.Table.set(): Argument 1 is invalid". Measured; so it is refused.
MIN_WASM_OPT=116
OPT="${SENTINELLE_WASM_OPT:-}"   # force one, e.g. to measure another version
if [ -n "$OPT" ]; then :
elif [ -x node_modules/.bin/wasm-opt ]; then OPT="node_modules/.bin/wasm-opt"
elif have wasm-opt; then
  v="$(wasm-opt --version 2>/dev/null | grep -oE '[0-9]+' | head -1)"
  if [ "${v:-0}" -ge "$MIN_WASM_OPT" ]; then OPT="wasm-opt"
  else warn "system wasm-opt $v is older than $MIN_WASM_OPT and breaks wasm-bindgen output: skipped (run npm ci for binaryen)"; fi
fi
if [ -n "$OPT" ] && [ "${SENTINELLE_NO_WASM_OPT:-0}" != 1 ]; then
  # The features rustc enables for wasm32 by default; wasm-opt must accept them all.
  # memory-packing splits the model's weights at every run of zeros into thousands of data
  # segments: fewer raw bytes, but 10 % more once gzipped (measured), and gzip is what ships.
  # -ocimfs 500: by default a function with one caller is inlined whatever its size, which folded
  # the whole engine into the exported `triage` — one huge function V8 runs about 20 % slower
  # (measured with node bench/wasm.mjs: 42 against 34.5 µs per message).
  "$OPT" -O3 -ocimfs 500 --skip-pass=memory-packing --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$OUT.tmp/opt.wasm" "$OUT.tmp/sentinelle_bg.wasm"
  mv "$OUT.tmp/opt.wasm" "$OUT.tmp/sentinelle_bg.wasm"
  echo "wasm-opt -O3: $(size "$OUT.tmp/sentinelle_bg.wasm")  ($OPT, $("$OPT" --version 2>/dev/null | head -1))" >&2
elif [ "${SENTINELLE_NO_WASM_OPT:-0}" != 1 ]; then
  warn "no usable wasm-opt (npm binaryen is in package.json: npm ci): the wasm is larger but works"
fi
# The module must instantiate: a broken optimiser or glue fails here, not in a user's browser.
node --input-type=module -e "
  import fs from 'node:fs';
  const m = await import('$OUT.tmp/sentinelle.js');
  await m.default({ module_or_path: fs.readFileSync('$OUT.tmp/sentinelle_bg.wasm') });
  const e = new m.Engine();
  const v = e.triage([{ text: 'Vous êtes des escrocs' }]);
  if (v[0].primary !== 'defamation_risk') throw new Error('unexpected verdict ' + JSON.stringify(v[0].primary));
" || die "the built wasm does not load or does not triage (see above)"
rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
