#!/usr/bin/env bash
# Installs what Cited needs and is missing (Debian 12, as root), builds it in release mode, and
# fetches the named models into the cache, verified by sha256. Safe to re-run: nothing present is
# installed or downloaded again, and with everything cached it needs no network.
# Usage: scripts/setup.sh [MODEL...]      e.g. scripts/setup.sh minilm smollm2-135m
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libsqlite3-dev libopenblas-dev libxml2-dev pkg-config python3 time wamerican-large wbritish-large)
# The test command adds what its tests drive (Chromium for the web page test).
# shellcheck disable=SC2206
packages+=(${CITED_EXTRA_PACKAGES:-})
python3 -m pip --version >/dev/null 2>&1 || packages+=(python3-pip)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  [ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
fi
command -v swift >/dev/null 2>&1 || { echo "error: no Swift toolchain (expected swift on PATH or /opt/swift)" >&2; exit 1; }

# CITED_BUILD_ARGS lets the test command build everything once, with the flags its tests need; with a
# --scratch-path in them, CITED_SCRATCH names the same folder.
echo "setup: building (release; the first build takes several minutes)" >&2
# shellcheck disable=SC2086
if ! swift build -c release ${CITED_BUILD_ARGS:---product cited} > .build-setup.log 2>&1; then
  grep -E 'error|warning: unable' .build-setup.log >&2 || tail -20 .build-setup.log >&2
  echo "error: build failed (full log: .build-setup.log)" >&2
  exit 1
fi
for model in "$@"; do
  "${CITED_SCRATCH:-.build}/release/cited" models fetch "$model" >&2
done
