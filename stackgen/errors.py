"""Errors that reach the user: each names the file, line, spec path and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field


class StackgenError(Exception):
    """Base class: library code raises these; only the CLI prints them and picks exit codes."""

    exit_code = 1

    def render(self) -> str:
        return str(self)


@dataclass
class SpecIssue:
    """One problem found in a spec, located as precisely as the loader allows."""

    file: str
    line: int | None
    path: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


@dataclass
class SpecError(StackgenError):
    """The spec is invalid; carries every problem found, first one first."""

    issues: list[SpecIssue] = field(default_factory=list)
    exit_code = 2

    def __str__(self) -> str:
        return "\n".join(str(i) for i in self.issues)


class ToolError(StackgenError):
    """An external tool (promtool, amtool, docker-compose) is missing or refused the output."""

    exit_code = 3


class OutputError(StackgenError):
    """Output could not be written, or differs from what is on disk (--check)."""

    exit_code = 1


class UsageError(StackgenError):
    """The command was asked for something that does not exist (an unknown target, too many specs)."""

    exit_code = 2
