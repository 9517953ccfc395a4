"""Stream the cells of XLSX sheets with openpyxl's sheet parser, within the caps (used by :mod:`loaders.grids`).

openpyxl's in-memory workbook expands every merged range into one object per covered cell, and its read-only
rows are padded to the sheet's declared width; both let a few kilobytes of XML ask for gigabytes. Here each
``<row>`` is turned into a list as wide as its last value, rows and cells are counted against the caps as they
come, merged ranges are filled only over cells that hold data, and formula cells whose value was never saved
(files written by scripts, not by Excel) are counted so the report can say so.

This mirrors ``openpyxl.worksheet._read_only.ReadOnlyWorksheet._cells_by_row`` (openpyxl 3.1): the sheet
parser, the workbook's date formats and the shared strings are the ones openpyxl itself uses.
"""

from __future__ import annotations

import re
from pathlib import Path

from i18n import Message
from loaders.errors import LoaderError
from loaders.limits import EXCEL_MAX_COLUMNS, EXCEL_MAX_ROWS, LimitError

try:  # openpyxl uses defusedxml when it is installed; its refusals are then this class
    from defusedxml import DefusedXmlException
except ImportError:  # pragma: no cover - defusedxml is a dependency
    class DefusedXmlException(ValueError):
        pass


def _refused_entities(error: BaseException) -> bool:
    """Whether defusedxml refused entities somewhere in this error's chain (openpyxl wraps it in a ValueError)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DefusedXmlException):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _grid_error(key: str, path: Path, **params) -> LoaderError:
    from loaders.grids import GridError

    return GridError(key, path, **params)


def open_workbook(path: Path):
    """The workbook in openpyxl's read-only (streaming) mode, values as last saved by Excel."""
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (LoaderError, MemoryError):
        raise
    except Exception as error:  # noqa: BLE001 - any failure of the library on this file means "not readable"
        if _refused_entities(error):
            raise _grid_error("xml_entities", path) from None
        raise _grid_error("bad_xlsx", path, detail=type(error).__name__) from None


def _parser_class():
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    formula_tag, value_tag = f"{{{SHEET_MAIN_NS}}}f", f"{{{SHEET_MAIN_NS}}}v"

    class SheetParser(WorkSheetParser):
        """openpyxl's parser, counting formula cells that have no saved value."""

        uncomputed = 0
        first_uncomputed = ""

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(formula_tag) is not None \
                    and element.find(value_tag) is None:
                self.uncomputed += 1
                self.first_uncomputed = self.first_uncomputed or str(element.get("r") or "")
            return cell

    return SheetParser


def _rows(parser, path: Path):
    """``parser.parse()``, with whatever the library raises on a damaged sheet turned into one message."""
    rows = parser.parse()
    while True:
        try:
            item = next(rows)
        except StopIteration:
            return
        except (LoaderError, MemoryError):
            raise
        except Exception as error:  # noqa: BLE001 - damaged XML, bad shared-string index, bad row number ...
            if _refused_entities(error):
                raise _grid_error("xml_entities", path) from None
            raise _grid_error("bad_xlsx", path, detail=type(error).__name__) from None
        yield item


class _Styles:
    """Which cell styles are percentages: Excel stores "85,5%" typed in such a cell as 0.855."""

    def __init__(self, sheet):
        self.sheet, self.known = sheet, {}

    def percent(self, style_id) -> bool:
        if style_id not in self.known:
            from openpyxl.cell.read_only import ReadOnlyCell

            try:
                number_format = ReadOnlyCell(self.sheet, 1, 1, 0, "n", style_id).number_format or ""
            except (IndexError, KeyError, TypeError, ValueError, AttributeError):
                number_format = ""  # a style the workbook does not define
            self.known[style_id] = "%" in number_format
        return self.known[style_id]


def _values(cells: list[dict], styles: _Styles, path: Path, sheet: str, longest: int) -> list:
    """One row as a list as wide as its last value; blank text is None, percent cells read as shown."""
    width = max((cell["column"] for cell in cells if cell["value"] is not None), default=0)
    if width > EXCEL_MAX_COLUMNS:
        raise _grid_error("damaged_sheet", path, sheet=sheet)
    values = [None] * width
    for cell in cells:
        value, column = cell["value"], cell["column"]
        if value is None or column < 1:
            continue
        if isinstance(value, str):
            if len(value) > longest:  # Excel itself stops at 32 767 characters: this file was not made by it
                raise _grid_error("cell_too_big", path, sheet=sheet, row=cell["row"], limit_kb=longest / 1024)
            value = value if value.strip() else None
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and cell["style_id"] \
                and styles.percent(cell["style_id"]):
            value = round(value * 100, 10)
        values[column - 1] = value
    return values


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_VALUE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:v|is)[\s>]")


def check_row_count(path: Path, package, limits) -> None:
    """Refuse a workbook with more rows of values than ``limits.max_rows`` before any sheet is parsed.

    openpyxl parses some 10 000 rows a second, and parses a whole sheet just to learn its size when the sheet
    does not declare one; a workbook of a million rows would take minutes to reach the cap. ``<row>`` and value
    elements are counted here in every XML part, at the speed of decompression (markup cannot appear inside XML
    text, so every match is an element; only worksheets have rows). Rows without a value (formatting only) do
    not count against the cap.
    """
    rows = values = 0
    for info in package.infolist():
        if info.filename.lower().endswith(".xml") and info.file_size > 0:
            with package.open(info) as source:
                part_rows, part_values = _count_rows(source)
            rows, values = rows + part_rows, values + part_values
    if rows > limits.max_rows and values > limits.max_rows:
        raise LimitError("too_many_rows", path, rows=rows, limit=limits.max_rows)


def _count_rows(source) -> tuple[int, int]:
    """``<row>`` and value (``<v>``, ``<is>``) elements in one XML stream."""
    rows = values = 0
    carry = b""
    for chunk in iter(lambda: source.read(1 << 20), b""):
        data = carry + chunk
        cut = data.rfind(b"<")
        cut = len(data) if cut < 0 or len(data) - cut > 64 else cut
        head, carry = data[:cut], data[cut:]
        rows += len(_ROW_TAG.findall(head))
        values += len(_VALUE_TAG.findall(head))
    rows += len(_ROW_TAG.findall(carry + b" "))
    values += len(_VALUE_TAG.findall(carry + b" "))
    return rows, values


def read_sheet(path: Path, workbook, sheet, budget) -> tuple[str, list[list], list]:
    """Stream one sheet: ``(title, rows, notes)``; ``budget`` (:class:`loaders.grids.Budget`) counts the caps."""
    parser_class = _parser_class()
    styles = _Styles(sheet)
    title = str(sheet.title)
    limits = budget.limits
    rows: list[list] = []
    elements = 0
    with sheet._get_source() as source:
        parser = parser_class(source, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                              date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        for index, cells in _rows(parser, path):
            elements += 1
            if index > EXCEL_MAX_ROWS or elements > EXCEL_MAX_ROWS:
                raise _grid_error("damaged_sheet", path, sheet=title)
            values = _values(cells, styles, path, title, int(limits.max_field_bytes))
            index = max(index, len(rows) + 1)  # rows out of order (not written by Excel): keep them in order
            rows.extend([] for _ in range(index - 1 - len(rows)))  # rows with nothing: no <row> element
            rows.append(values)
            if values:
                budget.add_row(len(values), title, index)
        merged = [] if parser.merged_cells is None else [m.ref for m in parser.merged_cells.mergeCell]
    _fill_merged(rows, merged, budget, title)
    while rows and not rows[-1]:
        rows.pop()
    notes = []
    if parser.uncomputed:
        notes.append(Message("grids.formulas_without_values", {
            "sheet": title, "n": parser.uncomputed, "cell": parser.first_uncomputed}))
    return title, rows, notes


def _fill_merged(rows: list[list], merged: list[str], budget, sheet: str) -> None:
    """A merged cell speaks for every cell it covers, as far as the sheet holds data (never beyond)."""
    from openpyxl.utils.cell import range_boundaries

    width = max((len(row) for row in rows), default=0)
    for ref in merged:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(str(ref))
        except (ValueError, TypeError):
            continue  # a range openpyxl cannot read: left as it is
        if min_col is None or min_row is None or min_row > len(rows) or min_col > width:
            continue
        top = rows[min_row - 1]
        value = top[min_col - 1] if min_col - 1 < len(top) else None
        last_row, last_col = min(max_row or min_row, len(rows)), min(max_col or min_col, width)
        budget.add_cells((last_row - min_row + 1) * (last_col - min_col + 1), sheet, min_row)
        for r in range(min_row - 1, last_row):
            row = rows[r]
            if value is not None and len(row) < last_col:
                row.extend([None] * (last_col - len(row)))
            for c in range(min_col - 1, min(last_col, len(row))):
                row[c] = value
