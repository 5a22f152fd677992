#!/usr/bin/env bash
# Install everything the test suite needs from nothing, then run it.
# Used by the README ("bash tools/test.sh") and by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests need: Debian's Chromium for the browser tests (never a
# browser download), a CJK font so screenshots show glyphs, GNU patch for the
# diff round-trip tests, git for the pre-commit tests.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi" || need+=(fonts-wqy-microhei)
command -v patch >/dev/null 2>&1 || need+=(patch)
command -v git >/dev/null 2>&1 || need+=(git)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "tools/test.sh: please install: ${need[*]} (e.g. sudo apt-get install ${need[*]})" >&2
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test,dask]"
# Lint and types first (seconds): ruff over the whole tree; mypy over the libraries
# (as the top-level packages they are in the checkout) and over the app.
.venv/bin/ruff check .
.venv/bin/mypy cleaners dedupe reports
.venv/bin/mypy seedsift
exec .venv/bin/python -m pytest -q "$@"
