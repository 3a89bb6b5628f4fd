#!/usr/bin/env bash
# Installs what the distributed workers' tests and scripts/cluster-demo.sh need: Debian's nats-server (2.9, JetStream
# with -js). Idempotent: does nothing when nats-server is already on PATH. The package's systemd unit is not started
# here; tests and the demo start their own server on a free loopback port with a temporary store.
set -euo pipefail

if command -v nats-server >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-queue: nats-server is missing; run as root (or: sudo apt-get install -y nats-server)." >&2
  exit 2
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show nats-server >/dev/null 2>&1; then
  apt-get update -qq
fi
apt-get install -y -qq nats-server >/dev/null
echo "setup-queue: installed $(nats-server --version)"
