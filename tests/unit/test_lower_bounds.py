"""pyproject.toml's lower bounds and constraints/lower-bounds.txt stay in step, so the lower-bound run tests them.

Every dependency of the base install and of the `serve` extra declares a lower bound (`>=`), and the
constraints pin exactly that version; `scripts/test-lower-bounds.sh` runs the suite against the pins. Raising
a bound in one file and not the other fails here, before anyone runs the slow lower-bound suite.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover (3.10)
    import tomli as tomllib

# The extras a user installs to run stackgen; `test` and `examples` are ours, and their tools run at their newest.
RUNTIME_EXTRAS = ("serve",)


def lower_bound_drift(pyproject: str, constraints: str) -> list[str]:
    """What keeps the constraints from pinning each runtime dependency at its declared lower bound."""
    project = tomllib.loads(pyproject)["project"]
    declared = list(project["dependencies"])
    for extra in RUNTIME_EXTRAS:
        declared += [r for r in project["optional-dependencies"][extra] if not r.startswith("stackgen")]
    pins: dict[str, Version] = {}
    for line in constraints.splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            pin = Requirement(text)
            [spec] = pin.specifier  # a constraint pins one exact version
            pins[canonicalize_name(pin.name)] = Version(spec.version)
    problems = []
    for text in declared:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        bounds = [Version(s.version) for s in requirement.specifier if s.operator == ">="]
        if len(bounds) != 1:
            problems.append(f"{requirement.name}: pyproject.toml declares no lower bound (write {requirement.name}>=X)")
        elif name not in pins:
            problems.append(f"{requirement.name}: not pinned in constraints/lower-bounds.txt (add {name}=={bounds[0]})")
        elif pins[name] != bounds[0]:
            problems.append(f"{requirement.name}: pyproject.toml says >={bounds[0]}, "
                            f"constraints/lower-bounds.txt pins {pins[name]}")
    return problems


@pytest.mark.slow
def test_nesting_that_crashed_pyyaml_before_6_0_4_is_refused_with_a_located_message(tmp_path):
    """Why PyYAML's bound is 6.0.4: older wheels' libyaml has no nesting cap, and composing this deep killed
    the interpreter with a segmentation fault. Run as a process, so a crash fails the test, not the worker."""
    spec = tmp_path / "deep.yaml"
    spec.write_text("apiVersion: stackgen/v1\nsystem: " + "[" * 200_000 + "]" * 200_000 + "\n")
    stackgen = Path(sys.executable).with_name("stackgen")
    result = subprocess.run([str(stackgen), "validate", str(spec)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr == (f"{spec}:2: system: invalid YAML: exceeded maximum nesting depth "
                             "(a spec never needs this depth; check the brackets)\n")


def test_every_runtime_dependency_is_pinned_at_its_lower_bound():
    pyproject = (ROOT / "pyproject.toml").read_text()
    constraints = (ROOT / "constraints" / "lower-bounds.txt").read_text()
    assert lower_bound_drift(pyproject, constraints) == []


PYPROJECT = """
[project]
dependencies = [{base}]
[project.optional-dependencies]
serve = [{serve}]
test = ["stackgen[serve]", "pytest>=8"]
"""

DRIFT = [
    ("a bound raised in pyproject.toml and not in the constraints is reported",
     '"pyyaml>=6.0.4"', '"starlette>=0.37"', "pyyaml==6.0.1\nstarlette==0.37.0\n",
     ["pyyaml: pyproject.toml says >=6.0.4, constraints/lower-bounds.txt pins 6.0.1"]),
    ("a dependency the constraints do not pin is reported",
     '"pydantic>=2.10"', '"starlette>=0.37"', "starlette==0.37.0\n",
     ["pydantic: not pinned in constraints/lower-bounds.txt (add pydantic==2.10)"]),
    ("a serve dependency counts as much as a base one",
     '"pyyaml>=6.0.4"', '"uvicorn>=0.29"', "pyyaml==6.0.4\nuvicorn==0.30.0\n",
     ["uvicorn: pyproject.toml says >=0.29, constraints/lower-bounds.txt pins 0.30.0"]),
    ("a dependency without a lower bound is reported",
     '"jinja2"', '"starlette>=0.37"', "jinja2==3.1.2\nstarlette==0.37.0\n",
     ["jinja2: pyproject.toml declares no lower bound (write jinja2>=X)"]),
    ("names compare as pip compares them, and 2.10 is 2.10.0",
     '"prometheus_client>=0.20", "PyYAML>=6.0.4"', '"starlette>=0.37"',
     "# the oldest\nprometheus-client==0.20.0  # why\npyyaml==6.0.4\nstarlette==0.37.0\nclick==8.1.7\n", []),
]


@pytest.mark.parametrize("case, base, serve, constraints, expected", DRIFT, ids=[d[0] for d in DRIFT])
def test_drift_between_the_two_files_is_caught(case, base, serve, constraints, expected):
    assert lower_bound_drift(PYPROJECT.format(base=base, serve=serve), constraints) == expected
