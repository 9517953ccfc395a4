"""The raw cells of statistics files: a CSV, or each sheet of an XLSX, as a :class:`Grid` (issue 14).

Everything here reads untrusted bytes, so it streams and counts as it goes: rows, cells and the size of one CSV
cell are capped (:mod:`loaders.limits`) and the first one over the cap ends the read with a plain message
("tệp quá lớn: 2.000.000 dòng, tối đa 500.000"), before the file fills the memory.

XLSX sheets are read by openpyxl's streaming parser, never its in-memory workbook: a 5 KB file whose merged range
spans a million rows made the in-memory workbook create a cell object for every covered cell. Merged cells are
filled in here, and only over the cells that hold data. Formula cells without a saved value are reported (they
read as empty). With ``defusedxml`` installed (a dependency) openpyxl refuses XML entity declarations.

CSV text may be UTF-8 (with or without BOM), UTF-16/32 (with BOM, or UTF-16 without one), cp1258, TCVN3 or VNI
(:mod:`loaders.encodings`); bytes a codec cannot decode become U+FFFD and are reported, never a traceback.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from i18n import Message
from loaders.encodings import decode, detect_encoding, legacy_font_encoding
from loaders.errors import LoaderError
from loaders.limits import EXCEL_MAX_COLUMNS, EXCEL_MAX_ROWS, LimitError, Limits, announce, current

_CHUNK = 1 << 20
#: Bytes of lines with non-ASCII characters used to tell cp1258, TCVN3 and VNI apart.
_SAMPLE_BYTES = 256 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
         (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (BOM)"), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))
_NEWLINE = {"utf-32": b"\n\x00\x00\x00", "utf-16": b"\n\x00", "utf-16-le": b"\n\x00", "utf-16-be": b"\x00\n"}


class GridError(LoaderError):
    """A statistics file that cannot be read as cells (keys ``grids.*``)."""

    namespace = "grids"


@dataclass
class Grid:
    """The cells of one CSV or sheet, row by row (text, numbers, dates or None), merged cells filled in.

    ``rows[i]`` is row ``i + 1`` of the sheet; rows may differ in length (trailing empty cells are not kept).
    ``notes`` are :class:`i18n.Message` values about the reading (legacy fonts, formulas without values).
    """

    name: str
    rows: list[list]
    notes: list = field(default_factory=list)


def read_grids(path) -> list[Grid]:
    """Read a CSV or XLSX into grids, within the caps of :func:`loaders.limits.current`.

    Raises
    ------
    LoaderError
        Missing, empty, unreadable or unsupported files (``grids.*``), files over a cap (``limits.*``).
    """
    path = Path(path)
    announce(path)
    if not path.exists():
        raise GridError("not_found", path)
    if path.is_dir():
        raise GridError("is_folder", path)
    if path.stat().st_size == 0:
        raise GridError("empty", path)
    limits = current()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, limits)
    if suffix == ".xls":
        raise GridError("xls_old", path)
    if suffix in (".csv", ".txt", ".tsv"):
        return [_read_csv(path, limits)]
    raise GridError("bad_type", path, ext=suffix or "\"\"")


# -- CSV -------------------------------------------------------------------------------------------------------------
def _codec_from_head(head: bytes, path: Path) -> tuple[str | None, str]:
    """(Python codec, label) from a BOM or the NUL pattern of UTF-16 without one; (None, "") to detect."""
    for bom, codec, label in _BOMS:
        if head.startswith(bom):
            return codec, label
    if b"\x00" in head:
        pairs = len(head) // 2
        if pairs and head[1::2].count(0) > 0.6 * pairs and head[0::2].count(0) < 0.1 * pairs:
            return "utf-16-le", "UTF-16"
        if pairs and head[0::2].count(0) > 0.6 * pairs and head[1::2].count(0) < 0.1 * pairs:
            return "utf-16-be", "UTF-16"
        raise GridError("not_text", path)
    return None, ""


def _scan(path: Path) -> tuple[int, bool, list[bytes]]:
    """One pass over the bytes: line count, whether it is all UTF-8, and lines with non-ASCII bytes (a sample)."""
    lines, utf8, sample, sampled = 0, True, [], 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            lines += chunk.count(b"\n")
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            if sampled < _SAMPLE_BYTES and not chunk.isascii():
                for line in chunk.split(b"\n"):
                    if not line.isascii():
                        sample.append(line[:4096])
                        sampled += len(sample[-1])
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False  # ends in the middle of a character
    return lines + 1, utf8, sample


def _count_lines(path: Path, newline: bytes) -> int:
    count = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            count += chunk.count(newline)
    return count + 1


def _nfc(line: str) -> str:
    return line if unicodedata.is_normalized("NFC", line) else unicodedata.normalize("NFC", line)


class _Lines:
    """The decoded lines of a text file (line endings kept, NFC), counting lines with undecodable bytes."""

    def __init__(self, path: Path, codec: str):
        self.path, self.codec, self.damaged = path, codec, 0

    def __iter__(self):
        if self.codec in ("TCVN3", "VNI"):  # font encodings, not Python codecs: line by line
            with open(self.path, "rb") as handle:
                for raw in handle:
                    line = decode(raw, self.codec)
                    self.damaged += "\ufffd" in line
                    yield line
            return
        codec = {"UTF-8": "utf-8"}.get(self.codec, self.codec)
        with io.TextIOWrapper(open(self.path, "rb"), encoding=codec, errors="replace", newline="") as handle:
            for line in handle:
                self.damaged += "\ufffd" in line
                yield _nfc(line)


def _read_csv(path: Path, limits: Limits) -> Grid:
    with open(path, "rb") as handle:
        head = handle.read(4096)
    codec, label = _codec_from_head(head, path)
    if codec is None:
        total_lines, utf8, sample = _scan(path)
        codec = label = "UTF-8" if utf8 else detect_encoding(sample)
    else:
        total_lines = None
    lines = _Lines(path, codec)
    stream = iter(lines)
    first = list(islice(stream, 200))
    delimiter = _delimiter([line[:65536] for line in first if line.strip()][:50])
    csv.field_size_limit(max(1, int(limits.max_field_bytes)))
    reader = csv.reader(chain(first, stream), delimiter=delimiter)
    rows, cells = [], 0
    try:
        for row in reader:
            if len(rows) >= limits.max_rows:
                if total_lines is None:
                    total_lines = _count_lines(path, _NEWLINE.get(codec, b"\n"))
                raise LimitError("too_many_rows", path, rows=max(total_lines, len(rows) + 1),
                                 limit=limits.max_rows)
            cells += len(row)
            if cells > limits.max_cells:
                raise LimitError("too_many_cells", path, limit=limits.max_cells, sheet=path.stem, row=len(rows) + 1)
            rows.append([cell if cell.strip() else None for cell in row])
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise GridError("field_too_big", path, line=reader.line_num,
                            limit_kb=limits.max_field_bytes / 1024) from None
        raise GridError("bad_csv", path, line=reader.line_num, detail=str(error)[:80]) from None
    notes = []
    if lines.damaged:
        notes.append(Message("grids.undecodable", {"n": lines.damaged, "encoding": label}))
    return Grid(name=path.stem, rows=rows, notes=notes)


def _delimiter(lines: list[str]) -> str:
    """The candidate that splits the most lines into the same number (> 1) of cells, quotes respected.

    Decimal commas ("85,5") and commas inside headers do not fool it: they change the cell count line by line.
    """
    def score(candidate: str) -> tuple[int, int]:
        try:
            counts = [len(cells) for cells in csv.reader(lines, delimiter=candidate)]
        except csv.Error:  # an unterminated quote in the sample: this candidate reads nothing sensible
            return (0, 0)
        if not counts:
            return (0, 0)
        mode = max(set(counts), key=counts.count)
        return (counts.count(mode) if mode > 1 else 0, mode)

    return max(",;\t|", key=score)


# -- XLSX ------------------------------------------------------------------------------------------------------------
def _read_xlsx(path: Path, limits: Limits) -> list[Grid]:
    from loaders.xlsx_sheets import open_workbook, read_sheet

    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(_OLE_MAGIC):
        raise GridError("ole_workbook", path)
    if not head.startswith(b"PK"):
        raise GridError("bad_xlsx", path, detail="not a ZIP package")
    _check_package(path, limits)
    workbook = open_workbook(path)
    budget = Budget(path, limits)
    try:
        sheets = [read_sheet(path, workbook, sheet, budget) for sheet in workbook.worksheets]
    finally:
        workbook.close()
    grids = []
    for name, rows, notes in sheets:
        font = legacy_font_encoding(v for row in rows for v in row)
        if font:  # typed with a .VnTime / VNI-Times font: the characters are the font's bytes
            rows = [[decode(v.encode("latin-1"), font) if isinstance(v, str) else v for v in row] for row in rows]
            notes.append(Message("grids.legacy_font", {"sheet": name, "font": font}))
        grids.append(Grid(name=name, rows=rows, notes=notes))
    return grids


def _check_package(path: Path, limits: Limits) -> None:
    """An XLSX is a ZIP: refuse one with too many parts or more unpacked bytes than an upload may have."""
    from loaders.archive import ArchiveLimits, MB, zip_entry_count

    entries = zip_entry_count(path)
    if entries is not None and entries > limits.max_zip_entries:
        raise LimitError("too_many_entries", path, entries=entries, limit=limits.max_zip_entries)
    from loaders.xlsx_sheets import check_row_count

    try:
        with zipfile.ZipFile(path) as package:
            unpacked = sum(info.file_size for info in package.infolist())
            cap = ArchiveLimits.from_settings().max_unpacked_bytes
            if unpacked > cap:
                raise LoaderError("archive.unpacked_too_big", path, size_mb=unpacked / MB, limit_mb=cap / MB)
            check_row_count(path, package, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError,
            zlib.error) as error:
        raise GridError("bad_xlsx", path, detail=type(error).__name__) from None


class Budget:
    """Rows and cells read so far from one file, checked against the caps after every row."""

    def __init__(self, path: Path, limits: Limits):
        self.path, self.limits, self.rows, self.cells = path, limits, 0, 0

    def add_row(self, cells: int, sheet: str, row: int) -> None:
        self.rows += 1
        self.cells += cells
        if self.rows > self.limits.max_rows:
            raise LimitError("over_rows", self.path, sheet=sheet, limit=self.limits.max_rows)
        self.check_cells(sheet, row)

    def add_cells(self, cells: int, sheet: str, row: int) -> None:
        self.cells += cells
        self.check_cells(sheet, row)

    def check_cells(self, sheet: str, row: int) -> None:
        if self.cells > self.limits.max_cells:
            raise LimitError("too_many_cells", self.path, limit=self.limits.max_cells, sheet=sheet, row=row)


__all__ = ["Budget", "EXCEL_MAX_COLUMNS", "EXCEL_MAX_ROWS", "Grid", "GridError", "read_grids"]
