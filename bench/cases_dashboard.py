"""The Tableau de bord as a user waits for it on the large demo database (≤ 300 ms): the
service, then the DashboardView built, filled, shown and painted (offscreen Qt).

The tiles' counts and the indicators panel are computed off the GUI thread once the dashboard
has been painted (« … » and « Calcul des indicateurs… » meanwhile): the wait until they show
is measured apart, as ``dashboard_large_complete``, with no target of its own.
"""

from __future__ import annotations

import os
import time

from bench.context import BenchContext
from bench.harness import Row
from bench.large_db import large_db
from bench.registry import case

WINDOW_SIZE = (1280, 800)


@case("dashboard_large_view", "tableau de bord affiché (service + vue peinte) sur la base large "
                              "(cible 300 ms)")
def dashboard_large_view(ctx: BenchContext) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtTest import QTest

    from app.services.workspace import open_workspace
    from ui.dashboard import DashboardView
    from ui.main import create_application

    db = large_db(ctx)
    create_application()
    shown, ready = [], []
    with open_workspace(db.path) as ws:
        for run in range(ctx.runs + 1):  # the first run warms Qt's fonts and styles up
            start = time.perf_counter()
            view = DashboardView()
            view.resize(*WINDOW_SIZE)
            view.load(ws)  # as the main window does
            view.show()
            QTest.qWaitForWindowExposed(view)
            view.repaint()  # the first paint, synchronously
            painted = time.perf_counter()
            if not view.wait_until_ready(60_000):
                raise RuntimeError("les compteurs et indicateurs du tableau de bord ne sont pas arrivés")
            done = time.perf_counter()
            view.close()
            view.deleteLater()
            QTest.qWait(0)
            if run:
                shown.append(painted - start)
                ready.append(done - start)
    return [
        Row.from_samples("dashboard_large_view", shown, target_s=0.3),
        Row.from_samples("dashboard_large_complete", ready),
    ]
