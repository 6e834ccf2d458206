"""Renderers: one per output format, all fed by the same core results."""
