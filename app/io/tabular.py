"""Reading a table from a CSV or XLSX file, streamed, whatever Excel or LibreOffice wrote.

- CSV: encoding detected (UTF-8 with or without BOM, Windows-1252, UTF-16 with BOM as
  Excel's « Texte Unicode »), delimiter detected (``;`` ``,`` or tab), quoted cells over
  several lines; line numbers are those a text editor shows.
- XLSX: the first sheet, read in openpyxl's read-only streaming mode; formulas are read
  as their text (``=SOMME(A1:A3)``), never evaluated; line numbers are the sheet's rows.
- Refused with a French message: an empty file, a binary file (image, PDF, old ``.xls``,
  a zip that is not a workbook…), an encoding that is none of the above, no header row.

The first non-blank row is the header. Rows come as ``(line_number, cells)`` with as many
cells as headers; blank rows are skipped. Memory stays flat on a 50 MB file.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import MaillageError

_CHUNK = 1 << 20
_SAMPLE = 64 * 1024
DELIMITERS = (";", "\t", ",")
_DELIMITER_NAMES = {";": "point-virgule", "\t": "tabulation", ",": "virgule"}
_UNDEFINED_CP1252 = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


class FileFormatError(MaillageError):
    """A file that cannot be read as a table (message in French)."""

    code = "fichier-illisible"


@dataclass(frozen=True)
class TableInfo:
    """What was detected. ``encoding`` and ``delimiter`` are ``None`` for XLSX."""

    path: Path
    kind: str  # "csv" | "xlsx"
    headers: tuple[str, ...]
    header_line: int
    encoding: str | None = None
    delimiter: str | None = None
    size: int = 0

    @property
    def description(self) -> str:
        """« CSV, UTF-8, séparateur point-virgule » — for the preview dialog."""
        if self.kind == "xlsx":
            return "Classeur Excel (XLSX)"
        names = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (avec BOM)", "cp1252": "Windows-1252",
                 "utf-16": "UTF-16"}
        return (f"CSV, {names.get(self.encoding or '', self.encoding)}, séparateur "
                f"{_DELIMITER_NAMES.get(self.delimiter or '', self.delimiter)}")


# --- Sniffing ----------------------------------------------------------------------------

_MAGIC = (
    (b"%PDF", "un document PDF"),
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"\xd0\xcf\x11\xe0", "un ancien classeur Excel (.xls) ou document Word (.doc)"),
    (b"\x1f\x8b", "une archive compressée (gzip)"),
    (b"7z\xbc\xaf", "une archive 7-Zip"),
    (b"Rar!", "une archive RAR"),
    (b"SQLite format 3", "une base SQLite"),
)


def _refuse_binary(path: Path, head: bytes) -> None:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            hint = (" Enregistrez-le au format .xlsx ou CSV depuis Excel."
                    if magic.startswith(b"\xd0") else "")
            raise FileFormatError(
                f"« {path.name} » n'est pas un tableau CSV ou XLSX : c'est {what}.{hint}")
    sample = head[:_SAMPLE]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32 and b != 27)
    if b"\x00" in sample or (sample and controls / len(sample) > 0.01):
        raise FileFormatError(
            f"« {path.name} » est un fichier binaire, pas un tableau CSV ou XLSX "
            "(a-t-il été renommé ?). Exportez-le en CSV ou en XLSX depuis votre tableur.")


def _is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return "xl/workbook.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _detect_encoding(path: Path, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    else:
        encoding = "utf-8"
    # The whole file is checked (fast, in C, without keeping it): one bad byte at the end
    # of a 50 MB file would otherwise turn into mojibake or a crash half-way.
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        return encoding
    except UnicodeDecodeError:
        if encoding == "utf-8-sig":
            raise FileFormatError(
                f"« {path.name} » annonce l'encodage UTF-8 mais contient des caractères "
                "invalides : enregistrez-le à nouveau en « CSV UTF-8 ».") from None
    with path.open("rb") as f:
        offset = 0
        while chunk := f.read(_CHUNK):
            positions = [i for i in (chunk.find(bytes([b])) for b in _UNDEFINED_CP1252) if i >= 0]
            if positions:
                bad = min(positions)
                raise FileFormatError(
                    f"Encodage non reconnu dans « {path.name} » (octet 0x{chunk[bad]:02X} à la "
                    f"position {offset + bad}) : ni UTF-8 ni Windows-1252. Enregistrez le "
                    "fichier en « CSV UTF-8 » depuis votre tableur.")
            offset += len(chunk)
    return "cp1252"


def _detect_delimiter(sample: str) -> str:
    lines = sample.splitlines()
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line of the sample may be cut
    best, best_score = ";", (False, 0.0, 0)
    for delimiter in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines[:200], delimiter=delimiter)
                  if any(c.strip() for c in r)]
        if not counts:
            continue
        first = counts[0]
        consistent = sum(1 for n in counts if n == first) / len(counts)
        score = (first > 1, consistent, first)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _headers(cells: list[Any]) -> tuple[str, ...]:
    out: list[str] = []
    seen: dict[str, int] = {}
    while cells and (cells[-1] is None or str(cells[-1]).strip() == ""):
        cells = cells[:-1]
    for i, cell in enumerate(cells, start=1):
        name = " ".join(str(cell).split()) if cell is not None else ""
        name = name.lstrip("\ufeff") or f"Colonne {i}"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return tuple(out)


def _blank(cells: Any) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


# --- Reading -----------------------------------------------------------------------------


class Table:
    """An open table: ``info``, then ``rows()`` once. Use as a context manager."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FileFormatError(f"Le fichier « {self.path} » n'existe pas.")
        size = self.path.stat().st_size
        with self.path.open("rb") as f:
            head = f.read(_SAMPLE)
        if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
            raise FileFormatError(f"Le fichier « {self.path.name} » est vide.")
        self._closers: list[Any] = []
        self._line = 0
        self._total = size
        self._done = 0
        if head.startswith(b"PK\x03\x04"):
            if not _is_xlsx(self.path):
                raise FileFormatError(
                    f"« {self.path.name} » est une archive zip, pas un classeur XLSX ni un CSV.")
            self._rows, headers, header_line = self._open_xlsx()
            self.info = TableInfo(self.path, "xlsx", headers, header_line, size=size)
        else:
            if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                _refuse_binary(self.path, head)
            encoding = _detect_encoding(self.path, head)
            self._rows, headers, header_line, delimiter = self._open_csv(encoding)
            self.info = TableInfo(self.path, "csv", headers, header_line, encoding, delimiter, size)

    # CSV

    def _open_csv(self, encoding: str):  # noqa: ANN202
        raw = self.path.open("rb")
        self._closers.append(raw)
        self._raw = raw
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        self._closers.append(text)
        sample = text.read(_SAMPLE)
        delimiter = _detect_delimiter(sample)
        text.seek(0)
        reader = csv.reader(text, delimiter=delimiter)
        header_line, headers = 0, ()
        previous = 0
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            if not _blank(cells):
                header_line, headers = start, _headers(cells)
                break
        if not headers:
            raise FileFormatError(f"Le fichier « {self.path.name} » est vide.")
        width = len(headers)

        def rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
            prev = previous
            try:
                for cells in reader:
                    start, prev = prev + 1, reader.line_num
                    self._line = start
                    if _blank(cells):
                        continue
                    yield start, _fit(cells, width)
            except csv.Error as exc:
                raise FileFormatError(
                    f"Ligne {prev + 1} illisible dans « {self.path.name} » : {exc}.") from exc

        return rows(), headers, header_line, delimiter

    # XLSX

    def _open_xlsx(self):  # noqa: ANN202
        import openpyxl

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                wb = openpyxl.load_workbook(self.path, read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds on damaged files
            raise FileFormatError(
                f"Le classeur « {self.path.name} » est endommagé ou illisible ({exc}).") from exc
        self._closers.append(wb)
        sheet = wb.worksheets[0]
        declared = sheet.max_row or 0
        sheet.reset_dimensions()  # some writers declare a wrong size: read to the end
        self._total = max(declared, 1)
        iterator = sheet.iter_rows(values_only=True)
        header_line, headers = 0, ()
        line = 0
        for values in iterator:
            line += 1
            if not _blank(values):
                header_line, headers = line, _headers(list(values))
                break
        if not headers:
            raise FileFormatError(f"Le classeur « {self.path.name} » est vide.")
        width = len(headers)

        def rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
            n = line
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for values in iterator:
                    n += 1
                    self._line = n
                    if _blank(values):
                        continue
                    yield n, _fit(list(values), width)

        return rows(), headers, header_line

    # Common

    def rows(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """The data rows after the header: ``(line number, cells)``."""
        return self._rows

    def progress(self) -> tuple[int, int]:
        """``(done, total)`` in bytes (CSV) or rows (XLSX), for a progress bar."""
        if self.info.kind == "csv":
            return min(self._raw.tell(), self._total), self._total
        return min(self._line, self._total), self._total

    def close(self) -> None:
        for obj in reversed(self._closers):
            try:
                obj.close()
            except Exception:  # pragma: no cover - closing is best effort
                pass
        self._closers.clear()

    def __enter__(self) -> "Table":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _fit(cells: list[Any] | tuple[Any, ...], width: int) -> tuple[Any, ...]:
    if len(cells) < width:
        return (*cells, *([""] * (width - len(cells))))
    return tuple(cells[:width])


def open_table(path: Path | str) -> Table:
    """Open ``path`` as a table (see the module docstring for what is detected)."""
    return Table(path)


def preview(path: Path | str, rows: int = 20) -> tuple[TableInfo, list[tuple[int, tuple[Any, ...]]]]:
    """What the import dialog shows: the detected format and the first rows."""
    with open_table(path) as table:
        out = []
        for item in table.rows():
            out.append(item)
            if len(out) >= rows:
                break
        return table.info, out
