"""Maillage's benchmarks: ``python -m bench`` (``make bench``).

Each benchmark is a *case*: a function registered with :func:`bench.registry.case` that takes a
:class:`bench.context.BenchContext` and returns one or more :class:`bench.harness.Row`. The
runner prints a table and merges the rows, by name, into ``.bench/results.json`` — a JSON list
of objects with exactly the keys of :data:`bench.harness.ROW_KEYS` (``null`` where a field does
not apply) — so each feature adds its own rows without erasing the others'.

Cases live in ``bench/cases.py`` and in any ``bench/cases_*.py`` module (found automatically).
A missed target is shown as « DÉPASSÉ » but does not fail the run; a case that cannot measure at
all (crash, missing line) is shown as « ÉCHEC » and makes the exit code 1.
"""
