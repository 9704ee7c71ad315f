"""Reading and writing the files users exchange: CSV and XLSX tables, vCards.

No Qt here. Long reads and writes take a progress callback and a cancel check.
"""
