"""Running the real Prometheus tools on rendered files, with clear errors when one is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from stackgen.errors import ToolError

INSTALL_HINT = {
    "promtool": "install it with `apt-get install prometheus` or put Prometheus' promtool on PATH",
    "amtool": "install it with `apt-get install prometheus-alertmanager` or put amtool on PATH",
    "docker-compose": "install it with `apt-get install docker-compose`",
    "prometheus": "install it with `apt-get install prometheus`",
    "alertmanager": "install it with `apt-get install prometheus-alertmanager`",
}


def find_tool(name: str, explicit: str | None = None) -> str:
    """The path of a tool binary, or a ToolError saying how to install it."""
    path = explicit or shutil.which(name)
    if not path or not os.access(path, os.X_OK):
        raise ToolError(f"{name}: not found{f' at {explicit}' if explicit else ' on PATH'}; {INSTALL_HINT.get(name, '')}")
    return path


@dataclass
class ToolRun:
    command: list[str]
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run_tool(name: str, args: list[str], cwd: Path | None = None, timeout: float = 600) -> ToolRun:
    command = [find_tool(name), *args]
    try:
        proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ToolError(f"{name}: did not finish within {timeout:.0f}s") from None
    return ToolRun(command, proc.returncode, (proc.stdout + proc.stderr).strip())
