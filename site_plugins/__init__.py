"""Thin MkDocs glue around `generator`: hooks and plugin config only."""
