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
