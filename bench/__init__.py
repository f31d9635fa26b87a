"""Performance benchmark of Thi đua: `python -m bench.run` (see bench/README.md)."""
