"""The instrumented service of any spec: every declared metric at a steady baseline, health and readiness,
and faults derived from the spec's alerts; example systems (Patronus) add real work as scenarios.

`create_app(spec)` builds it; `stackgen serve` runs it with uvicorn.
"""
