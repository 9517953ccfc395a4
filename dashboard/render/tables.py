"""Data exports of exactly what is shown: CSV (UTF-8 with BOM), XLSX, GeoJSON and GeoPackage.

Spreadsheet exports (CSV, XLSX) carry headers in the user's language and neutralise text cells that a spreadsheet
would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return at the start: OWASP "CSV injection") by
prefixing an apostrophe. Numbers are never touched, so a real negative number stays a number. Codes stay text
with their leading zeros ("01", "04000"). GIS exports (GeoJSON, GeoPackage) keep the canonical column names so
QGIS users can join them again.
"""

from __future__ import annotations

import io
import os
import tempfile
import unicodedata

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dashboard.query import ShownView
from dashboard.render.sheet import as_frame, with_shapes
from i18n import Period, format_period, has_key, lang_column, t
from loaders.schema import (AREA_CLASS_COLUMNS, BOOLEAN_AREA_CLASSES, CODE_WIDTH, COUNT_COLUMNS, KEY_COLUMN,
                            NAME_COLUMN, PERIOD)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|", "%")
#: Characters a spreadsheet skips before it reads a formula sign (spaces, zero-width and direction marks).
_INVISIBLE = " \u00a0\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u3000"

#: Identifying columns of each level, in export order.
_ID_COLUMNS = {
    "province": ("province_code", "province_name"),
    "commune": ("province_code", "province_name", "commune_code", "commune_name", "commune_type"),
    "hamlet": ("province_code", "province_name", "commune_code", "commune_name", "hamlet_id", "hamlet_name",
               "hamlet_type"),
}


def neutralise(value):
    """A text cell that would start a formula, prefixed with an apostrophe; anything else unchanged.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise(-3.5), neutralise("Sơn La")
    ('\\'=HYPERLINK("http://x")', -3.5, 'Sơn La')
    """
    if isinstance(value, str):
        # Full-width "＝", "＋" … and other compatibility forms are the same signs to a spreadsheet (NFKC).
        first = unicodedata.normalize("NFKC", value.lstrip(_INVISIBLE)[:1])
        if first and first in FORMULA_START or value[:1] in ("\t", "\r"):
            return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell neutralised (:func:`neutralise`); numeric columns untouched; headers too."""
    result = frame.copy()
    for column in result.columns:
        if result[column].dtype == object or pd.api.types.is_string_dtype(result[column]):
            result[column] = result[column].map(neutralise)
    result.columns = [neutralise(str(column)) for column in result.columns]
    return result


def header(column: str, lang: str = "vi") -> str:
    """The column's header in ``lang`` (catalogue ``column.<name>``, or the count's label); the name otherwise."""
    for key in (f"column.{column}", f"count_{column}"):
        if has_key(key):
            return t(key, lang)
    return column


def export_columns(view: ShownView) -> list[str]:
    """The columns of a view's table export: rank (gaps), identity, area classes, period, the values, counts."""
    level = view.level
    identity = _ID_COLUMNS.get(level, (KEY_COLUMN[level], NAME_COLUMN[level]))
    values = {"indicator": ("value", "numerator", "denominator"),
              "gaps": ("gap_score", "reason"),
              "change": ("before", "after", "value")}[view.kind]
    wanted = [*(["rank"] if view.kind == "gaps" else []), *identity, *AREA_CLASS_COLUMNS, PERIOD, *values,
              *COUNT_COLUMNS]
    table = view.table
    return [c for c in dict.fromkeys(wanted) if c in table.columns or (c == "reason" and "reason_vi" in table)]


def _pad_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """Codes as zero-padded text (a code read as a number elsewhere must not lose its leading zeros)."""
    for column, width in CODE_WIDTH.items():
        if column in frame.columns:
            frame[column] = frame[column].map(lambda code: code if pd.isna(code) else str(code).zfill(width))
    return frame


def _whole_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts that are whole numbers as integers ("279827", not "279827.0"); missing stays empty."""
    for column in (*COUNT_COLUMNS, "numerator", "denominator"):
        if column in frame.columns:
            values = pd.to_numeric(frame[column], errors="coerce")
            if ((values.dropna() % 1) == 0).all():
                frame[column] = values.round().astype("Int64")
    return frame


def _value_headers(view: ShownView, lang: str) -> dict[str, str]:
    """Headers of the value columns: the indicator with its unit, the counts it is made of, the two periods."""
    indicator = view.indicator
    unit = indicator.unit(lang)
    labelled = f"{indicator.label(lang)} ({unit})" if unit else indicator.label(lang)
    names = {"numerator": t("column.numerator", lang, count=header(indicator.numerator, lang)),
             "denominator": t("column.denominator", lang, count=header(indicator.denominator, lang)),
             "value": labelled}
    if view.kind == "change":
        names["before"] = t("column.before", lang, indicator=labelled, period=Period(view.period_before or ""))
        names["after"] = t("column.before", lang, indicator=labelled, period=Period(view.period or ""))
        names["value"] = t("column.change", lang, unit=t("change_unit", lang) if indicator.is_percent else unit)
    return names


def view_frame(view: ShownView, lang: str = "vi") -> pd.DataFrame:
    """The rows shown, as a spreadsheet: the export's columns, headers in ``lang``, no geometry.

    Every row of the view is a row here (a gap list has its gaps first, ranked, then the other units).
    """
    table = as_frame(view.table)
    columns = export_columns(view)
    frame = pd.DataFrame({c: table[c] if c != "reason" else table[lang_column("reason", lang)]
                          for c in columns})
    frame = _pad_codes(frame)
    for column in ("value", "before", "after"):
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").round(2)
    frame = _whole_counts(frame)
    for column in BOOLEAN_AREA_CLASSES:
        if column in frame.columns:
            yes, no = t("column.yes", lang), t("column.no", lang)
            frame[column] = frame[column].map(lambda v: v if pd.isna(v) else (yes if bool(v) else no))
    if PERIOD in frame.columns:
        frame[PERIOD] = frame[PERIOD].map(lambda p: format_period(p, lang) if isinstance(p, str) else p)
    values = _value_headers(view, lang)
    names = {column: values.get(column) or header(column, lang) for column in columns}
    if view.kind == "indicator":
        indicator = view.indicator
        # Hamlet team presence is yes/no: it has no numerator or denominator to show.
        frame = frame.drop(columns=[c for c in ("numerator", "denominator") if c in frame and frame[c].isna().all()])
        # A count that is also the numerator or denominator is not repeated.
        frame = frame.drop(columns=[c for c in (indicator.numerator, indicator.denominator)
                                    if c in frame.columns and {"numerator", "denominator"} & set(frame.columns)])
    return frame.rename(columns=names)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so Excel shows Vietnamese letters; formulas neutralised."""
    text = neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Dữ liệu", info: list[tuple[str, str]] | None = None,
               info_sheet: str = "Thông tin") -> bytes:
    """An XLSX workbook: the table (bold header, frozen first row) and an optional sheet of notes.

    Text cells are written as strings, never formulas, after :func:`neutralise`.
    """
    book = Workbook()
    sheet_ = book.active
    sheet_.title = sheet[:31]
    _write_rows(sheet_, neutralise_frame(frame))
    if info:
        notes = book.create_sheet(info_sheet)
        for row, (key, value) in enumerate(info, start=1):
            _set_text(notes.cell(row=row, column=1), neutralise(str(key)))
            _set_text(notes.cell(row=row, column=2), neutralise(str(value)))
        notes.column_dimensions["A"].width = 24
        notes.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _set_text(cell, value) -> None:
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula


def _write_rows(sheet, frame: pd.DataFrame) -> None:
    for column, name in enumerate(frame.columns, start=1):
        cell = sheet.cell(row=1, column=column)
        _set_text(cell, name)
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = min(max(len(str(name)), 10) + 2, 48)
    for row, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        for column, value in enumerate(values, start=1):
            if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
                continue  # "no data" stays an empty cell, never 0
            if isinstance(value, (np.integer, np.floating, np.bool_)):
                value = value.item()
            _set_text(sheet.cell(row=row, column=column), value)
    sheet.freeze_panes = "A2"


def _gis_frame(view: ShownView, source):
    """The view's rows with their shapes, canonical column names, the value under the indicator's key."""
    spec = view.spec
    units = source.units(view.level, spec.province, spec.commune if view.level == "hamlet" else None)
    table = with_shapes(view, units)
    columns = [c for c in export_columns(view) if c != "reason"]
    if view.kind == "gaps":
        columns += ["reason_vi", "reason_en"]
    frame = _pad_codes(pd.DataFrame(table[columns]).copy())
    frame = frame.rename(columns={"value": spec.indicator if view.kind == "indicator" else f"{view.kind}_value"})
    return table.__class__(frame, geometry=table.geometry.to_numpy(), crs="EPSG:4326")


def geojson_bytes(view: ShownView, source) -> bytes:
    """The shown layer as GeoJSON (EPSG:4326), canonical column names."""
    return _gis_frame(view, source).to_json(drop_id=True, ensure_ascii=False).encode("utf-8")


def gpkg_bytes(view: ShownView, source) -> bytes:
    """The shown layer as a GeoPackage (written to a temporary file: SQLite needs one)."""
    frame = _gis_frame(view, source)
    handle, path = tempfile.mkstemp(suffix=".gpkg")
    os.close(handle)
    try:
        os.remove(path)  # let the driver create the database itself
        frame.to_file(path, layer=f"{view.level}_{view.spec.indicator}", driver="GPKG")
        with open(path, "rb") as stored:
            return stored.read()
    finally:
        if os.path.exists(path):
            os.remove(path)
