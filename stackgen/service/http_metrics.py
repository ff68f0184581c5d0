"""The service's HTTP metrics middleware: it lives in `stackgen.instrument.http`, shared with users' own apps."""

from stackgen.instrument.http import ERROR_TYPES, UNMATCHED_ROUTE, HttpMetrics, HttpMetricsMiddleware, error_type

__all__ = ["ERROR_TYPES", "UNMATCHED_ROUTE", "HttpMetrics", "HttpMetricsMiddleware", "error_type"]
