#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through playwright-core (no browser download).
# Installs it with apt when missing and we are root; otherwise explains what to do.
set -euo pipefail
if [[ -n "${TOKVAULT_CHROMIUM:-}" && -x "${TOKVAULT_CHROMIUM}" ]]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the browser tests (apt-get install chromium)..."
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Chromium not found: install it (e.g. 'apt-get install chromium') or set TOKVAULT_CHROMIUM=/path/to/chrome" >&2
exit 1
