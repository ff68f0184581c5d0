"""Running a spec's own tests: alert cases with `promtool test rules`, routing cases with `amtool`.

Both run on the rendered files in a scratch folder; each case gets a result of its own. Each promtool test
file (the spec's own cases, its SLOs' cases) runs in a process of its own, side by side.
"""

from __future__ import annotations

import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from stackgen.errors import ToolError
from stackgen.model import RouteTest, Spec
from stackgen.pipeline import render_stack, write_scratch
from stackgen.render.alert_tests import case_name
from stackgen.render.rule_files import CaseFile, case_files
from stackgen.targets.compose import COMPOSE
from stackgen.targets.layout import ALERTMANAGER_CONFIG
from stackgen.verify.tools import run_tool

_FAILED_CASE = re.compile(r"^\s+name: (.*),\s*$", re.MULTILINE)


@dataclass(frozen=True)
class CaseResult:
    kind: str  # alert | route
    name: str
    ok: bool
    detail: str = ""  # the tool's words when the case failed


def _file_results(file: CaseFile, folder: Path) -> list[CaseResult]:
    names = [case_name(alert, case) for alert in file.alerts for case in alert.tests]
    run = run_tool("promtool", ["test", "rules", file.path], cwd=folder)
    if run.ok:
        return [CaseResult("alert", n, True) for n in names]
    failed = set(_FAILED_CASE.findall(run.output))
    if not failed & set(names):  # promtool refused the file itself: no case ran
        raise ToolError(f"promtool could not run the alert tests of {file.path}:\n{run.output}")
    details = _failure_details(run.output)
    return [CaseResult("alert", n, n not in failed, details.get(n, "")) for n in names]


def _alert_results(spec: Spec, folder: Path) -> list[CaseResult]:
    """Every alert case, in the order of the test files; promtool uses one core per file."""
    files = case_files(spec)
    if not files:
        return []
    with ThreadPoolExecutor(max_workers=len(files)) as pool:
        per_file = list(pool.map(lambda file: _file_results(file, folder), files))
    return [result for results in per_file for result in results]


def _failure_details(output: str) -> dict[str, str]:
    """promtool's report of each failed case, keyed by case name."""
    parts = _FAILED_CASE.split(output)
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def route_case_name(test: RouteTest) -> str:
    labels = ",".join(f"{k}={v}" for k, v in test.labels.items())
    return test.description or labels


def _route_result(test: RouteTest, folder: Path) -> CaseResult:
    args = ["config", "routes", "test", f"--config.file={ALERTMANAGER_CONFIG}",
            f"--verify.receivers={','.join(test.receivers)}",
            *(f"{k}={v}" for k, v in test.labels.items())]
    run = run_tool("amtool", args, cwd=folder)
    said = "\n".join(line for line in run.output.splitlines() if "overrides the --alertmanager.url" not in line)
    detail = "" if run.ok else f"expected {', '.join(test.receivers)}; amtool: {said}"
    return CaseResult("route", route_case_name(test), run.ok, detail)


def run_spec_tests(spec: Spec) -> list[CaseResult]:
    """Every alert and routing case of `spec`, each with its result. Raises ToolError if a tool is missing."""
    with tempfile.TemporaryDirectory(prefix="stackgen-test-") as tmp:
        folder = write_scratch(render_stack(spec, COMPOSE), Path(tmp))
        results = _alert_results(spec, folder)
        tests = spec.routing.tests if spec.routing else ()
        results += [_route_result(t, folder) for t in tests]
    return results
