"""From rendered data to files: deterministic serialisation, the atomic writer and `--check` diffs."""
