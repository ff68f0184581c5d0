"""Running a spec's own tests: alert cases with `promtool test rules`, routing cases with `amtool`.

Both run on the rendered files in a scratch folder; each case gets a result of its own. Only the files the tools
read are rendered and written (the rule files, the promtool test files, the Alertmanager config): the
dashboards and the guide would cost more than the routing cases take to run, and no tool here reads them.
Each promtool test file (the spec's own cases, its SLOs' cases) runs in a process of its own, side by side,
and the routing cases run beside them: the slowest promtool file is what `stackgen test` waits for.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from stackgen.errors import ToolError
from stackgen.model import RouteTest, Spec
from stackgen.output.artifacts import Artifacts, serialise
from stackgen.pipeline import write_scratch
from stackgen.render.alert_tests import case_name
from stackgen.render.rule_files import CaseFile, case_files
from stackgen.render.tool_files import tool_documents
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


def tool_inputs(spec: Spec) -> Artifacts:
    """The files promtool and amtool read, byte for byte as `generate` writes them for compose."""
    return serialise(tool_documents(spec, COMPOSE), spec.file)


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


def _runs(spec: Spec, folder: Path) -> list[Callable[[], list[CaseResult]]]:
    """One job per promtool test file (promtool uses one core per file), and one for every routing case in turn
    (an amtool run takes milliseconds); in the order their results are reported."""
    jobs: list[Callable[[], list[CaseResult]]] = [partial(_file_results, file, folder) for file in case_files(spec)]
    tests = spec.routing.tests if spec.routing else ()
    if tests:
        jobs.append(lambda: [_route_result(t, folder) for t in tests])
    return jobs


def run_spec_tests(spec: Spec) -> list[CaseResult]:
    """Every alert and routing case of `spec`, each with its result. Raises ToolError if a tool is missing."""
    with tempfile.TemporaryDirectory(prefix="stackgen-test-") as tmp:
        folder = write_scratch(tool_inputs(spec), Path(tmp))
        jobs = _runs(spec, folder)
        if not jobs:
            return []
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            per_job = list(pool.map(lambda job: job(), jobs))
    return [result for results in per_job for result in results]
