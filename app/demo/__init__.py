"""Demo data for Maillage: a believable insertion network, generated deterministically.

>>> from app.demo import generate, DemoSummary
>>> summary = generate(ws, scale="small", seed=2026)

See :mod:`app.demo.generator` for the scales and :mod:`app.demo.catalogue` for the
realistic core built from the seed documents.
"""

from app.demo.generator import LARGE_COUNTS, DemoSummary, generate

__all__ = ["LARGE_COUNTS", "DemoSummary", "generate"]
