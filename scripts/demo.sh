#!/usr/bin/env bash
# The main job: build everything, serve the demo, and say how to load the extension.
source "$(dirname "$0")/lib.sh"
bash scripts/setup.sh
bash scripts/build.sh
PORT="${PORT:-8080}"
cat >&2 <<MSG

  Sentinelle is built.
  - Demo inbox:      http://127.0.0.1:$PORT/
  - Triage page:     http://127.0.0.1:$PORT/triage.html
  - CLI:             target/release/sentinelle triage --format table FILE.jsonl
  - Load the extension: chrome://extensions → Developer mode → "Load unpacked" → $ROOT/dist/chrome
    (Firefox: about:debugging → This Firefox → Load Temporary Add-on → dist/firefox/manifest.json)

MSG
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x /usr/bin/chromium ] && [ "${SENTINELLE_NO_BROWSER:-0}" != 1 ]; then
  profile="$(mktemp -d)"
  say "starting Chromium with the extension on the demo inbox (profile $profile)"
  (sleep 1; /usr/bin/chromium --user-data-dir="$profile" --no-first-run \
     --disable-extensions-except="$ROOT/dist/chrome" --load-extension="$ROOT/dist/chrome" \
     "http://127.0.0.1:$PORT/" >/dev/null 2>&1 &)
fi
exec env PORT="$PORT" node scripts/serve.mjs
