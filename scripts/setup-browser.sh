#!/usr/bin/env bash
# Installs Debian's Chromium for the HTML report's browser test (tests/Factory.Tests/Reporting/Html), if it is missing.
# Idempotent: does nothing when /usr/bin/chromium (or $FACTORY_CHROMIUM) already exists. Needs root (or sudo) to install.
set -euo pipefail

if [ -n "${FACTORY_CHROMIUM:-}" ] && [ -x "${FACTORY_CHROMIUM}" ]; then
  exit 0
fi

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "setup-browser: chromium is missing and installing it needs root (no sudo here)." >&2
    exit 1
  fi
  sudo="sudo"
fi

echo "setup-browser: installing chromium (Debian package) for the HTML report test..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium
chromium --version
