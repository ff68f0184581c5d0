#!/usr/bin/env bash
# Set up everything a fresh machine needs, lint and type-check, then run the whole test suite.
#   bash scripts/test.sh            ruff, mypy, the fast lane (-m "not e2e", two workers), then the live lane
#   bash scripts/test.sh ARGS...    ruff, mypy, then `pytest ARGS...` (e.g. tests/unit -k golden, or -m e2e)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export STACKGEN_REQUIRE_TOOLS=1  # a missing promtool/amtool/docker-compose fails, never skips
.venv/bin/ruff check stackgen tests benchmarks
.venv/bin/mypy
if [ $# -gt 0 ]; then
  exec .venv/bin/python -m pytest "$@"
fi
.venv/bin/python -m pytest -m "not e2e"
# The live lane waits on real timers, not on the CPU (a verify run uses a tenth of a core), so its long runs go
# side by side: each test on its own worker, the tests that share one live stack together on one, that group
# first (it holds the most tests and takes the longest).
.venv/bin/python -m pytest -m e2e -n 4 --dist loadgroup --loadscope-reorder
