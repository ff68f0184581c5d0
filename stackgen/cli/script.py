"""The `stackgen` script (and `python -m stackgen`): the collector is decided before any library loads.

A one-shot command runs without the cyclic garbage collector (see `stackgen.cli.app.main`). Turning it off
here, before typer, pydantic and the spec's models are imported, also spares the collections their imports
set off: ~5 ms of every run. So this module imports nothing but the standard library until it has decided.
"""

import gc
import sys

LONG_RUNNING = frozenset({"serve", "up"})  # run until stopped: they keep the collector and a normal exit


def one_shot(argv: list[str]) -> bool:
    """Whether the command `argv` names ends by itself (every command but `serve` and `up`)."""
    return not (argv[1:2] and argv[1] in LONG_RUNNING)


def main() -> None:
    if one_shot(sys.argv):
        gc.disable()
    from stackgen.cli.app import main as run

    run()
