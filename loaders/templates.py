"""Downloadable XLSX templates for the monthly figures communes send (issue 7).

The headers come from :data:`loaders.aliases.TEMPLATE_HEADERS`, and a test reads each one back through
:func:`loaders.columns.meaning`, so a filled template is read by :func:`loaders.stats.read_stats` with every
column recognised: the template and the loader can never drift apart. A template may be pre-filled with the units of the current dataset (codes and
names), so the data officer only types figures.
"""

from __future__ import annotations

import io

import pandas as pd

from i18n import t

from loaders.aliases import TEMPLATE_HEADERS
from loaders.schema import ADOPTION_COUNTS, PERIOD, POPULATION_COUNTS

#: Columns of each template, in order (canonical names).
TEMPLATE_COLUMNS = {
    "commune": (
        "province_code", "province_name", "commune_code", "commune_name", PERIOD,
        "teams", "team_members", "hamlets", "hamlets_with_team", "households_visited", "people_trained",
        *POPULATION_COUNTS, *ADOPTION_COUNTS,
    ),
    "hamlet": (
        "province_code", "province_name", "commune_code", "commune_name", "hamlet_id", "hamlet_name", PERIOD,
        "teams", "team_members", "households_visited", "people_trained",
        *POPULATION_COUNTS, *ADOPTION_COUNTS,
    ),
}
FILE_NAMES = {"commune": "mau_so_lieu_cap_xa.xlsx", "hamlet": "mau_so_lieu_cap_thon.xlsx"}
HEADER_ROW = 4  # rows 1-2: title and instructions (read_stats skips title rows above the header)
_IDENTITY_TEXT = ("province_code", "commune_code", "hamlet_id", "province_name", "commune_name", "hamlet_name")


def template_headers(level: str) -> list[str]:
    """The Vietnamese header of each template column."""
    return [TEMPLATE_HEADERS[column] for column in TEMPLATE_COLUMNS[level]]


def _prefill_rows(level: str, units: pd.DataFrame | None, period: str | None) -> list[list]:
    if units is None or len(units) == 0:
        return []
    columns = TEMPLATE_COLUMNS[level]
    rows = []
    for record in units.to_dict("records"):
        row = []
        for column in columns:
            value = period if column == PERIOD else record.get(column)
            row.append(None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))
        rows.append(row)
    return rows


def build_template(level: str, units: pd.DataFrame | None = None, period: str | None = None) -> bytes:
    """Return an XLSX template as bytes.

    Parameters
    ----------
    level : {"commune", "hamlet"}
        Which template.
    units : pandas.DataFrame, optional
        Units to pre-fill (codes and names, e.g. the communes of one province from the active dataset),
        one row each; counts are left empty.
    period : str, optional
        A period written on every pre-filled row (``2025-Q3``).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    if level not in TEMPLATE_COLUMNS:
        raise ValueError(f"no template for level {level!r}")
    columns, headers = TEMPLATE_COLUMNS[level], template_headers(level)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "So lieu"
    sheet.cell(row=1, column=1, value=t(f"templates.title_{level}", "vi")).font = Font(bold=True, size=14)
    sheet.cell(row=2, column=1, value=t("templates.instructions", "vi")).font = Font(italic=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=header)
        cell.font, cell.fill = Font(bold=True), fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(30, len(header) + 2))
    for offset, row in enumerate(_prefill_rows(level, units, period), start=HEADER_ROW + 1):
        for index, value in enumerate(row, start=1):
            sheet.cell(row=offset, column=index, value=value)
    last_row = max(HEADER_ROW + 1000, sheet.max_row + 200)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column in _IDENTITY_TEXT or column == PERIOD:
            # text format keeps the leading zeros of codes ("01234") that Excel would otherwise drop
            for row in range(HEADER_ROW + 1, last_row + 1):
                sheet[f"{letter}{row}"].number_format = "@"
        else:
            rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                  error=t("templates.whole_numbers", "vi"), errorTitle=t("templates.invalid", "vi"))
            rule.add(f"{letter}{HEADER_ROW + 1}:{letter}{last_row}")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

