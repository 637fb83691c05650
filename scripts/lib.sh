# Shared helpers for the project's scripts. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf '\033[33mnote: %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31merror: %s\033[0m\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# The wasm-bindgen version pinned in Cargo.lock: the CLI must match it exactly.
bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

# Does the default rustc have the wasm32 standard library? (a laptop with `rustup target add`)
default_rustc_has_wasm32() {
  local dir
  dir="$(rustc --print target-libdir --target wasm32-unknown-unknown 2>/dev/null)" || return 1
  compgen -G "$dir/libcore-*.rlib" >/dev/null
}

# Debian's browser-build compiler, with the std source that -Zbuild-std needs.
debian_wasm_ready() {
  [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ] && have wasm-ld-19 && [ -d /usr/lib/rustlib/src/rust/library ]
}

APT_UPDATED=0
apt_install() {
  have apt-get || die "missing $*, and this machine has no apt-get: install them by hand"
  local SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    $SUDO apt-get update -q >/dev/null
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "$@" >/dev/null
}

# cargo-fuzz, pinned (scripts/fuzz.sh and the test run's short fuzz pass); `--locked`: its own lock
# file, as released. About 1.5 minutes to build, once.
CARGO_FUZZ_VERSION=0.13.2
ensure_cargo_fuzz() {
  rustup toolchain list 2>/dev/null | grep -q '^nightly' ||
    die "fuzzing needs the rustup nightly toolchain (libFuzzer's instrumentation is a nightly flag): rustup toolchain install nightly"
  if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION (about 1.5 minutes, once)"
    cargo install -q --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
  fi
}

# A Python virtual environment at $1 holding requirements file $2 (pinned), for the benchmark's
# peers and the Spark run; reinstalled only when the requirements change (the stamp
# installed.txt is the file it was built from).
ensure_venv() {
  local venv="$1" req="$2"
  have python3 || apt_install python3 python3-venv
  cmp -s "$req" "$venv/installed.txt" 2>/dev/null && return
  say "pip install -r ${req#"$ROOT"/} (into ${venv#"$ROOT"/})"
  python3 -m venv "$venv" || { apt_install python3-venv; python3 -m venv "$venv"; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  cp "$req" "$venv/installed.txt"
}
