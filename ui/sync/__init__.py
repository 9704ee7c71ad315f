"""The Synchronisation view (issue 5): exchange files, peers, conflicts."""
