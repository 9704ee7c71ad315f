"""PDF documents (ReportLab): shared page furniture in :mod:`app.documents.common`."""
