"""Exports of the bilans (XLSX workbook, funder-ready PDF)."""
