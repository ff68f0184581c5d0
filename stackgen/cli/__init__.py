"""The command-line interface: one module per command, registered in `stackgen.cli.app`.

The command modules do without `from __future__ import annotations`: typer reads every command's annotations
when a run starts, and annotations kept as strings were compiled and evaluated there, ~3 ms of each run. A
name imported only for type checking is written in quotes.
"""
