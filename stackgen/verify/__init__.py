"""Checking rendered output with the real tools: promtool and amtool runs, the spec's alert and route cases."""
