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

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from analysis.indicators import get_indicator
from dashboard.i18n import has_label, t
from loaders.schema import (AREA_CLASS_COLUMNS, BOOLEAN_AREA_CLASSES, CODE_WIDTH, COUNT_COLUMNS, KEY_COLUMN,
                            NAME_COLUMN, PERIOD)

TABLE_FORMATS = ("csv", "xlsx", "geojson", "gpkg")
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: Identifying columns of each level, in export order.
_ID_COLUMNS = {
    "province": ("province_code", "province_name"),
    "commune": ("province_code", "province_name", "commune_code", "commune_name", "commune_type"),
    "hamlet": ("province_code", "province_name", "commune_code", "commune_name", "hamlet_id", "hamlet_name",
               "hamlet_type"),
}
_HEADERS = {
    "province_code": ("Mã tỉnh", "Province code"),
    "province_name": ("Tỉnh, thành phố", "Province"),
    "commune_code": ("Mã xã", "Commune code"),
    "commune_name": ("Xã, phường, đặc khu", "Commune"),
    "commune_type": ("Loại đơn vị", "Unit type"),
    "hamlet_id": ("Mã thôn", "Hamlet ID"),
    "hamlet_name": ("Thôn, tổ dân phố", "Hamlet"),
    "hamlet_type": ("Loại thôn", "Hamlet type"),
    "is_mountainous": ("Miền núi", "Mountainous"),
    "is_island": ("Hải đảo", "Island"),
    "is_border": ("Biên giới", "Border"),
    "ethnic_region": ("Khu vực dân tộc thiểu số", "Ethnic-minority region"),
    "is_extremely_difficult": ("Đặc biệt khó khăn", "Extremely difficult"),
    "households_visited": ("Số hộ được tổ hỗ trợ", "Households visited"),
    "people_trained": ("Số người được tập huấn", "People trained"),
    "households": ("Số hộ", "Households"),
    "period": ("Kỳ số liệu", "Period"),
    "gap_score": ("Số người bị ảnh hưởng (điểm)", "People affected (score)"),
    "reason_vi": ("Lý do", "Reasons (Vietnamese)"),
    "reason_en": ("Lý do (tiếng Anh)", "Reasons"),
    "rank": ("Hạng", "Rank"),
}


def neutralise(value):
    """A text cell that would start a formula, prefixed with an apostrophe; anything else unchanged.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise(-3.5), neutralise("Sơn La")
    ('\\'=HYPERLINK("http://x")', -3.5, 'Sơn La')
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
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
    """The column's header in ``lang`` (counts from the dashboard's labels); the column name otherwise."""
    if column in _HEADERS:
        vi, en = _HEADERS[column]
        return en if lang == "en" else vi
    if has_label(f"count_{column}"):
        return t(f"count_{column}", lang)
    return column


def export_columns(table: pd.DataFrame, level: str, extra: tuple[str, ...] = ()) -> list[str]:
    """The columns exported for a view table: identity, area classes, period, value, counts, then ``extra``.

    A ``rank`` among ``extra`` (gap lists) comes first, where a reader looks for it.
    """
    identity = _ID_COLUMNS.get(level, (KEY_COLUMN[level], NAME_COLUMN[level]))
    wanted = [*(["rank"] if "rank" in extra else []), *identity, *AREA_CLASS_COLUMNS, PERIOD,
              "value", "numerator", "denominator", *COUNT_COLUMNS, *extra]
    return [column for column in dict.fromkeys(wanted) if column in table.columns]


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


def view_frame(table: pd.DataFrame, level: str, indicator_key: str, lang: str = "vi",
               extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """The table shown, as a spreadsheet: chosen columns, headers in ``lang``, no geometry.

    The value column is headed with the indicator's label and unit; ``numerator`` and ``denominator`` with the
    names of the counts they are.
    """
    indicator = get_indicator(indicator_key)
    columns = export_columns(table, level, extra)
    frame = _pad_codes(pd.DataFrame(table[columns]).copy())
    if "value" in frame.columns:
        frame["value"] = pd.to_numeric(frame["value"], errors="coerce").round(2)
    frame = _whole_counts(frame)
    for column in BOOLEAN_AREA_CLASSES:
        if column in frame.columns:
            yes, no = ("Yes", "No") if lang == "en" else ("Có", "Không")
            frame[column] = frame[column].map(lambda v: v if pd.isna(v) else (yes if bool(v) else no))
    names = {column: header(column, lang) for column in columns}
    unit = indicator.unit(lang)
    names["value"] = f"{indicator.label(lang)} ({unit})" if unit else indicator.label(lang)
    names["numerator"] = f"{header(indicator.numerator, lang)} ({'numerator' if lang == 'en' else 'tử số'})"
    names["denominator"] = f"{header(indicator.denominator, lang)} ({'denominator' if lang == 'en' else 'mẫu số'})"
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


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Dữ liệu", info: list[tuple[str, str]] | None = None) -> bytes:
    """An XLSX workbook: the table (bold header, frozen first row) and an optional sheet of notes.

    Text cells are written as strings, never formulas, after :func:`neutralise`.
    """
    book = Workbook()
    sheet_ = book.active
    sheet_.title = sheet[:31]
    _write_rows(sheet_, neutralise_frame(frame))
    if info:
        notes = book.create_sheet("Thông tin" if sheet == "Dữ liệu" else "Info")
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


def _gis_frame(table: pd.DataFrame, level: str, indicator_key: str):
    import geopandas as gpd

    columns = export_columns(table, level)
    frame = _pad_codes(pd.DataFrame(table[columns]).copy()).rename(columns={"value": indicator_key})
    return gpd.GeoDataFrame(frame, geometry=table.geometry.to_numpy(), crs=table.crs or "EPSG:4326")


def geojson_bytes(table: pd.DataFrame, level: str, indicator_key: str) -> bytes:
    """The joined layer as GeoJSON (EPSG:4326), canonical column names, value under the indicator's key."""
    return _gis_frame(table, level, indicator_key).to_json(drop_id=True, ensure_ascii=False).encode("utf-8")


def gpkg_bytes(table: pd.DataFrame, level: str, indicator_key: str, layer: str | None = None) -> bytes:
    """The joined layer as a GeoPackage (written to a temporary file: SQLite needs one)."""
    frame = _gis_frame(table, level, indicator_key)
    handle, path = tempfile.mkstemp(suffix=".gpkg")
    os.close(handle)
    try:
        os.remove(path)  # let the driver create the database itself
        frame.to_file(path, layer=layer or f"{level}_{indicator_key}", driver="GPKG")
        with open(path, "rb") as source:
            return source.read()
    finally:
        if os.path.exists(path):
            os.remove(path)


def export_table(table: pd.DataFrame, fmt: str, level: str, indicator_key: str, lang: str = "vi",
                 info: list[tuple[str, str]] | None = None, extra: tuple[str, ...] = ()) -> bytes:
    """A view table in one of :data:`TABLE_FORMATS`.

    Parameters
    ----------
    table : (Geo)DataFrame
        From :func:`analysis.view.build_view_table` (GIS formats need its geometry).
    fmt : str
        "csv", "xlsx", "geojson" or "gpkg".
    level, indicator_key, lang : str
    info : list of (str, str), optional
        Title, period, source … written to a second XLSX sheet.
    extra : tuple of str
        More columns to keep (e.g. ``gap_score``, ``reason_vi``).
    """
    if fmt == "csv":
        return csv_bytes(view_frame(table, level, indicator_key, lang, extra))
    if fmt == "xlsx":
        return xlsx_bytes(view_frame(table, level, indicator_key, lang, extra), info=info)
    if fmt == "geojson":
        return geojson_bytes(table, level, indicator_key)
    if fmt == "gpkg":
        return gpkg_bytes(table, level, indicator_key)
    raise ValueError(f"unknown table format {fmt!r}; choose one of: {', '.join(TABLE_FORMATS)}")
