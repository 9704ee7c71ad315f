"""The Bilans section: an action's indicators over a period, tables, charts and exports.

- :mod:`ui.bilans.view` — the section's page (action, period, tabs, exports);
- :mod:`ui.bilans.models` — read-only table models and the progress-bar delegate;
- :mod:`ui.bilans.chart` — bar charts drawn with QPainter, readable in black and white;
- :mod:`ui.bilans.targets` — the dialog editing an action's indicator targets;
- :mod:`ui.bilans.indicators` — the dashboard panel « Indicateurs des actions en cours ».
"""
