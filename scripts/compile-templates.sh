#!/usr/bin/env bash
# Compile the guide's template, stackgen/templates/MONITORING.md.j2, into stackgen/render/guide_template.py, the
# form `stackgen generate` reads (compiling it on every run took longer than rendering the guide). Run it after
# editing the template and commit both; tests/unit/test_guide_template.py fails while they disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
"$python" -c 'from pathlib import Path
from stackgen.render.docs import compile_template, template_source
Path("stackgen/render/guide_template.py").write_text(compile_template(template_source()), encoding="utf-8")'
echo "compiled stackgen/templates/MONITORING.md.j2 into stackgen/render/guide_template.py"
