"""stackgen: one declarative spec renders a complete, tool-validated monitoring stack."""

__version__ = "0.2.0"
