#!/usr/bin/env bash
# Set up everything a fresh machine needs, then run the whole test suite (unit, golden, tools, end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export STACKGEN_REQUIRE_TOOLS=1  # a missing promtool/amtool/docker-compose fails, never skips
.venv/bin/python -m pytest "$@"
