"""Renderers: one module per output, each a pure function from the model to data."""
