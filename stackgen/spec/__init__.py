"""The versioned input format: schema, line-aware YAML loader and cross-field checks."""
