#!/usr/bin/env bash
# CI only (.ci/run): installs Debian's Chromium for the browser tests when it is missing.
# `pnpm test` never installs anything: without Chromium its browser projects fail at once with
# a message saying how to get it (.ci/chromium-setup.ts).
set -euo pipefail
if [[ -n "${TOKVAULT_CHROMIUM:-}" && -x "${TOKVAULT_CHROMIUM}" ]]; then exit 0; fi
if [[ -x /usr/bin/chromium ]]; then exit 0; fi
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the browser tests (apt-get install chromium)..."
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Chromium not found: install it (e.g. 'apt-get install chromium') or set TOKVAULT_CHROMIUM=/path/to/chrome" >&2
exit 1
