"""Structures and contacts in the GUI: forms, archive, duplicates, merge, import and export.

Everything here calls :mod:`app.services.partners`, :mod:`app.services.duplicates` and
:mod:`app.io`; each write's undo step is handed to the window's history (:mod:`ui.undo`).
"""
