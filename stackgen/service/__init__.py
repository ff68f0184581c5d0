"""The instrumented demo service: exports exactly the metrics a spec declares, with real work behind them.

`create_app(spec)` builds it; `stackgen serve` runs it with uvicorn.
"""
