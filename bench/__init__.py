"""Benchmarks: ``python -m bench [--smoke]`` runs them all (DESIGN.md §6)."""
