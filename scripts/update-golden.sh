#!/usr/bin/env bash
# Regenerate every golden output from the specs, then review the diff and commit it:
#   generated/               the embedded default spec (what `stackgen generate` renders)
#   tests/golden/<stem>/     every other spec in specs/, rendered with --out tests/golden/<stem>/generated
#                            (its docker-compose.monitoring.yml lands beside that folder)
#   tests/golden/<stem>/environments/<env>/generated
#                            each environment of that spec (its overlay specs/<stem>.<env>.yaml), rendered with
#                            --env <env>; an overlay is part of its spec, never a spec of its own
#   tests/golden-kubernetes/<stem>/generated
#                            the default spec and every other spec, rendered with --target kubernetes
#   tests/golden-kubernetes/<stem>/environments/<env>/generated
#                            each environment of that spec, rendered with --env <env> --target kubernetes
# tests/unit/test_golden.py, tests/unit/test_generate.py, tests/unit/test_kubernetes_golden.py and
# tests/unit/test_environments_golden.py compare these byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."
# The guide renders from its compiled template: compile it first, so what is committed matches the goldens.
bash scripts/compile-templates.sh
stackgen=.venv/bin/stackgen
default=$(.venv/bin/python -c 'from importlib import resources
from stackgen.spec.loader import DEFAULT_SPEC
print(resources.files("stackgen").joinpath("specs", DEFAULT_SPEC))')

"$stackgen" generate
stems=()
is_overlay() {  # specs/taskq.production.yaml beside specs/taskq.yaml
  local name
  name=$(basename "$1" .yaml)
  [[ "$name" == *.* ]] && [ -f "$(dirname "$1")/${name%.*}.yaml" ]
}
for spec in specs/*.yaml; do
  [ "$(realpath "$spec")" = "$(realpath "$default")" ] && continue
  is_overlay "$spec" && continue
  stem=$(basename "$spec" .yaml)
  stems+=("$stem")
  "$stackgen" generate "$spec" --out "tests/golden/$stem/generated"
  envs=()
  for overlay in "specs/$stem".*.yaml; do
    [ -f "$overlay" ] || continue
    env=$(basename "$overlay" .yaml)
    env=${env#"$stem".}
    envs+=("$env")
    "$stackgen" generate "$spec" --env "$env" --out "tests/golden/$stem/environments/$env/generated"
    "$stackgen" generate "$spec" --env "$env" --target kubernetes \
      --out "tests/golden-kubernetes/$stem/environments/$env/generated"
  done
  for folder in "tests/golden/$stem/environments"/*/ "tests/golden-kubernetes/$stem/environments"/*/; do
    [ -d "$folder" ] || continue
    env=$(basename "$folder")
    [[ " ${envs[*]} " == *" $env "* ]] || { echo "removing $folder (no specs/$stem.$env.yaml)"; rm -rf "$folder"; }
  done
done
"$stackgen" generate --target kubernetes --out "tests/golden-kubernetes/$(basename "$default" .yaml)/generated"
for stem in "${stems[@]}"; do
  "$stackgen" generate "specs/$stem.yaml" --target kubernetes --out "tests/golden-kubernetes/$stem/generated"
done
# Goldens of specs that no longer exist would pass unnoticed; remove them.
for folder in tests/golden-kubernetes/*/; do
  [ -d "$folder" ] || continue
  stem=$(basename "$folder")
  [[ " ${stems[*]} $(basename "$default" .yaml) " == *" $stem "* ]] || { echo "removing $folder"; rm -rf "$folder"; }
done
for folder in tests/golden/*/; do
  [ -d "$folder" ] || continue
  stem=$(basename "$folder")
  [[ " ${stems[*]} " == *" $stem "* ]] || { echo "removing tests/golden/$stem (no specs/$stem.yaml)"; rm -rf "$folder"; }
done
