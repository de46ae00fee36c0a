"""HTTP layer: one blueprint per workflow area, plus shared helpers for access and htmx."""
