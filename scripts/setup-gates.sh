#!/usr/bin/env bash
# Installs what Factory's gates need on a Debian 12 machine, when it is missing:
#   - Debian packages: python3-fastapi python3-pytest python3-pytest-cov mypy python3-httpx bubblewrap git
#   - ruff: a native `ruff` on PATH is used as is; otherwise the npm package @astral-sh/ruff-wasm-nodejs is installed
#     into tools/ruff/node_modules (npm ci, from the committed lock file), the wrapper and its modules are copied to
#     $RUFF_HOME (default /usr/local/lib/factory-ruff) and linked as $RUFF_LINK_DIR/ruff (default /usr/local/bin).
#     A copy, not a link into the checkout: the gates' sandbox hides /tmp, /root and /home, where a checkout may live.
#   - the sandbox: scripts/setup-sandbox.sh checks that bubblewrap and the launcher work here and the tools run inside
# Idempotent and non-interactive (safe under CI=true with no stdin). Runs apt-get update at most once, and only when a
# package is missing. Exits non-zero with a message naming what could not be installed.
set -euo pipefail

readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly RUFF_DIR="$REPO_ROOT/tools/ruff"
readonly RUFF_LINK_DIR="${RUFF_LINK_DIR:-/usr/local/bin}"
readonly RUFF_HOME="${RUFF_HOME:-/usr/local/lib/factory-ruff}"
readonly DEBIAN_PACKAGES=(python3-fastapi python3-pytest python3-pytest-cov mypy python3-httpx bubblewrap git)

say() { printf 'setup-gates: %s\n' "$*"; }
fail() { printf 'setup-gates: ERROR: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    fail "need root (or password-less sudo) to run: $*"
  fi
}

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || fail "apt-get not found; install these by hand: $*"
  if [[ $apt_updated -eq 0 ]]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null || fail "apt-get update failed"
    apt_updated=1
  fi
  say "installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" </dev/null \
    || fail "apt-get install failed for: $*"
}

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'; }

# 1. Debian packages.
missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  is_installed "$package" || missing+=("$package")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  apt_install "${missing[@]}"
else
  say "Debian packages already installed: ${DEBIAN_PACKAGES[*]}"
fi

# The gates run Debian's interpreter, not whatever python3 is first on PATH (a pyenv build does not see Debian's
# packages), so check that one.
/usr/bin/python3 -c 'import fastapi, pytest, pytest_cov, httpx, mypy' \
  || fail "/usr/bin/python3 cannot import fastapi, pytest, pytest_cov, httpx and mypy after installing ${DEBIAN_PACKAGES[*]}"

# 2. ruff.
native_ruff=""
if command -v ruff >/dev/null 2>&1; then
  candidate="$(command -v ruff)"
  target="$(readlink -f "$candidate")"
  # A link to this wrapper in another checkout (an old clone, a removed worktree) is not a native ruff: relink it
  # to this checkout's wrapper. A native ruff must also actually run.
  if [[ "$target" != */tools/ruff/bin/ruff.js && "$target" != "$RUFF_HOME/bin/ruff.js" ]] \
    && "$candidate" --version >/dev/null 2>&1; then
    native_ruff="$candidate"
  fi
fi

if [[ -n "$native_ruff" ]]; then
  say "using the ruff already on PATH: $native_ruff ($("$native_ruff" --version))"
else
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
  if [[ -f "$RUFF_DIR/node_modules/@astral-sh/ruff-wasm-nodejs/package.json" ]] \
    && (cd "$RUFF_DIR" && npm ls --omit=dev >/dev/null 2>&1); then
    say "ruff WASM wrapper dependencies already installed in $RUFF_DIR/node_modules"
  else
    say "installing the ruff WASM wrapper's npm dependencies (npm ci in $RUFF_DIR)"
    (cd "$RUFF_DIR" && npm ci --omit=dev --no-audit --no-fund </dev/null) \
      || fail "npm ci failed in $RUFF_DIR; is registry.npmjs.org reachable?"
  fi
  chmod +x "$RUFF_DIR/bin/ruff.js"
  if cmp -s "$RUFF_DIR/bin/ruff.js" "$RUFF_HOME/bin/ruff.js" && cmp -s "$RUFF_DIR/package-lock.json" "$RUFF_HOME/package-lock.json" \
    && [[ -d "$RUFF_HOME/node_modules/@astral-sh/ruff-wasm-nodejs" ]]; then
    say "ruff WASM wrapper already installed in $RUFF_HOME"
  else
    # Copied beside, then swapped in, so a failed copy never leaves a half-installed ruff.
    as_root rm -rf "$RUFF_HOME.new"
    as_root mkdir -p "$RUFF_HOME.new"
    as_root cp -a "$RUFF_DIR/bin" "$RUFF_DIR/package.json" "$RUFF_DIR/package-lock.json" "$RUFF_DIR/node_modules" "$RUFF_HOME.new/" \
      || fail "cannot copy the ruff wrapper to $RUFF_HOME"
    as_root rm -rf "$RUFF_HOME"
    as_root mv "$RUFF_HOME.new" "$RUFF_HOME"
    say "installed the ruff WASM wrapper in $RUFF_HOME"
  fi
  # The sandbox runs ruff as an unprivileged user: the copy must be readable by others whatever the checkout's modes
  # (a clone made with umask 077, or an older install).
  as_root chmod -R a+rX "$RUFF_HOME"
  if [[ "$(readlink -f "$RUFF_LINK_DIR/ruff" 2>/dev/null)" == "$RUFF_HOME/bin/ruff.js" ]]; then
    say "ruff already linked: $RUFF_LINK_DIR/ruff -> $RUFF_HOME/bin/ruff.js"
  else
    as_root mkdir -p "$RUFF_LINK_DIR"
    as_root ln -sfn "$RUFF_HOME/bin/ruff.js" "$RUFF_LINK_DIR/ruff" || fail "cannot link $RUFF_LINK_DIR/ruff"
    say "linked $RUFF_LINK_DIR/ruff -> $RUFF_HOME/bin/ruff.js"
  fi
  command -v ruff >/dev/null 2>&1 || fail "ruff was linked into $RUFF_LINK_DIR, which is not on PATH ($PATH)"
  say "ruff: $(ruff --version)"
fi

# 3. The sandbox: bubblewrap must build it here, and the tools must run in it as its unprivileged user.
bash "$REPO_ROOT/scripts/setup-sandbox.sh"

say "done"
