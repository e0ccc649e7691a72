"""Phasebook's framework-free core: load → validate → model → render, usable without MkDocs."""
