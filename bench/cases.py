"""The first benchmarks: generating the large demo database, and starting on it.

Add a case with ``@case("name")`` on a function ``(ctx) -> Row | list[Row]``, here or in a new
``bench/cases_<feature>.py`` module.
"""

from __future__ import annotations

from bench.context import BenchContext, BenchError
from bench.harness import Row
from bench.large_db import large_db
from bench.registry import case
from bench.startup import BASELINE_SCRIPT, repeat


@case("demo_large_generation", "génération de la base de démonstration large (cible 60 s)")
def demo_large_generation(ctx: BenchContext) -> Row:
    """``maillage demo --scale large`` (100 000 contacts), timed when the cache is (re)built."""
    db = large_db(ctx)
    return Row.from_samples("demo_large_generation", [db.generation_s], target_s=60.0)


@case("startup_first_paint_large",
      "démarrage jusqu'au premier affichage sur la base large (cible 1,5 s, 2× la fenêtre vide), "
      "puis jusqu'aux données affichées (250 Mo)")
def startup_first_paint_large(ctx: BenchContext) -> list[Row]:
    """From process start to the main window's first paint on the large database, against an
    empty QMainWindow started the same way; then to the tableau de bord showing its data, and
    the memory then (the window paints its frame before the base is even opened)."""
    db = large_db(ctx)
    env = ctx.env()
    app = repeat([*ctx.maillage_command(), "--db", str(db.path), "--bench-first-paint"], env, ctx.runs)
    baseline = repeat([ctx.python, "-c", BASELINE_SCRIPT], env, ctx.runs)
    ready = [m for m in app if m.ready_s is not None]
    if len(ready) != len(app):
        raise BenchError("le programme n'a pas signalé l'affichage de ses données (ligne ready)")
    return [
        Row.from_samples(
            "startup_first_paint_large",
            [m.seconds for m in app],
            target_s=1.5,
            baseline_samples=[m.seconds for m in baseline],
            max_ratio=2.0,
        ),
        Row.from_samples(
            "startup_data_shown_large",
            [m.ready_s for m in ready],
            target_s=1.5,
            rss_samples=[m.ready_rss_mb or 0.0 for m in ready],
            target_rss_mb=250.0,
        ),
    ]
