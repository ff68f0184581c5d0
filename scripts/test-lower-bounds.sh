#!/usr/bin/env bash
# Run the unit tests against the oldest dependency versions stackgen declares (constraints/lower-bounds.txt),
# in a second environment of their own, so the lower bounds in pyproject.toml are tested, not only written.
#   bash scripts/test-lower-bounds.sh            the unit tests (-m "not e2e")
#   bash scripts/test-lower-bounds.sh ARGS...    `pytest ARGS...` instead (e.g. tests/tools, or tests/unit -k cli)
# Not part of scripts/test.sh: it installs a second environment. LOWER_BOUNDS_VENV names another folder for it.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${LOWER_BOUNDS_VENV:-build/venv-lower-bounds}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q -c constraints/lower-bounds.txt -e '.[test]'
if [ $# -eq 0 ]; then
  set -- tests/unit -m "not e2e"
fi
exec "$venv/bin/python" -m pytest -p no:cacheprovider "$@"
