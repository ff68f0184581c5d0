"""CLI commands beyond the core: each module defines `register(app)` and is found by `stackgen.cli`."""
