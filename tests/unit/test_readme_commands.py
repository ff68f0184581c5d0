"""Every `stackgen ...` command line in the README's code blocks parses: run with `--help` appended, an unknown
flag or command fails (click parses every flag before it acts on --help), so the README cannot drift from the CLI.
Synopsis lines (`[--out DIR]`, `--target compose|local`) are checked flag by flag against the command's help."""

from __future__ import annotations

import re
import shlex

import pytest
import typer
from conftest import ROOT

from stackgen.cli.app import app

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = tuple(typer.main.get_command(app).commands)  # type: ignore[attr-defined]  # every registered command
SYNOPSIS = re.compile(r"[\[\]|<>]|\.\.\.")  # a line that describes arguments rather than giving them
FLAG = re.compile(r"(?<![\w-])(--?[a-zA-Z][\w-]*)")


def code_block_lines(markdown: str) -> list[str]:
    """The lines of every fenced code block."""
    lines, inside = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            inside = not inside
        elif inside:
            lines.append(line)
    return lines


def stackgen_commands(lines: list[str]) -> list[str]:
    """Each `stackgen ...` invocation (at a command's start: a line, `&&`, a workflow's `- run:`), without the
    comment, pipe or redirection after it."""
    found = []
    for line in lines:
        for segment in re.split(r"&&|;", line):
            segment = re.sub(r"^\s*(- run:)?\s*(\.venv/bin/)?", "", segment)
            if re.match(r"stackgen(\s|$)", segment):
                found.append(re.split(r" #| > | \| ", segment)[0].strip())
    return found


def inline_commands(markdown: str) -> list[str]:
    """`stackgen ...` in inline code in the prose."""
    return [m.group(1).strip() for m in re.finditer(r"`((?:\.venv/bin/)?stackgen [^`]*)`", markdown)]


README_COMMANDS = sorted(set(stackgen_commands(code_block_lines(README)) + inline_commands(README)))
# Checked against help, never run: --help would come after it, and it edits the shell's startup file.
NOT_RUN = ("--install-completion",)


def runnable(line: str) -> bool:
    return not SYNOPSIS.search(line) and not any(flag in line.split() for flag in NOT_RUN)


def test_the_readme_holds_commands_to_check():
    used = {shlex.split(c)[1] for c in README_COMMANDS if len(shlex.split(c)) > 1 and not shlex.split(c)[1].startswith("-")}
    assert used >= set(COMMANDS)


@pytest.mark.parametrize("line", [c for c in README_COMMANDS if runnable(c)])
def test_a_readme_command_line_parses(cli, line):
    args = shlex.split(line.replace(".venv/bin/", ""))[1:]
    result = cli(*args, "--help")
    assert result.exit_code == 0, f"`{line} --help` exits {result.exit_code}: {result.output}"


@pytest.mark.parametrize("line", README_COMMANDS)
def test_every_flag_of_a_readme_synopsis_line_is_in_the_commands_help(cli, line):
    words = line.replace(".venv/bin/", "").split()
    command = [words[1]] if len(words) > 1 and words[1] in COMMANDS else []
    group = typer.main.get_command(app).commands[command[0]] if command else None  # type: ignore[attr-defined]
    if len(words) > 2 and words[2] in getattr(group, "commands", {}):  # a command group: `stackgen import rules`
        command.append(words[2])
    help_text = cli(*command, "--help").output
    offered = set(FLAG.findall(help_text))
    named = set(FLAG.findall(line))
    assert named <= offered, f"`{line}`: {sorted(named - offered)} not in `stackgen {' '.join(command)} --help`"


def test_a_stale_flag_is_caught():
    """The check itself: a README line with a flag the CLI does not have fails to parse."""
    from typer.testing import CliRunner

    from stackgen.cli.app import app

    assert CliRunner().invoke(app, ["up", "--no-such-flag", "--help"]).exit_code == 64
