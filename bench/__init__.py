"""Velai's benchmark: bytes on the wire, task cycles, tap-to-next on 2G, server cost.

Run `make bench` (or `.venv/bin/python -m bench.run` from the project root); it prints
every figure against its budget and writes bench/results.json.
"""
