"""The signing kiosk (mode émargement): :mod:`ui.kiosk.window` and its :mod:`ui.kiosk.pad`."""
