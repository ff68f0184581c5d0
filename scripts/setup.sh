#!/usr/bin/env bash
# Set up a fresh machine for stackgen: the Debian tools the tests run, and a virtualenv in .venv.
# Idempotent: installs only what is missing. Needs root (or sudo) for apt-get on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v promtool >/dev/null && command -v prometheus >/dev/null || need_apt+=(prometheus)
command -v amtool >/dev/null && command -v prometheus-alertmanager >/dev/null || need_apt+=(prometheus-alertmanager)
command -v docker-compose >/dev/null || need_apt+=(docker-compose)
command -v prometheus-node-exporter >/dev/null || need_apt+=(prometheus-node-exporter)  # `stackgen up`, e2e tests
command -v openssl >/dev/null || need_apt+=(openssl)  # a self-signed certificate for the web-config TLS check
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  # policy-rc.d keeps the packages from starting system services we do not want running.
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null; $sudo chmod +x /usr/sbin/policy-rc.d
  $sudo apt-get install -y -q --no-install-recommends "${need_apt[@]}"
  $sudo rm -f /usr/sbin/policy-rc.d
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
