"""What a data officer sends: the commune template the panel offers, filled in for a few communes of the embedded
data (real 2025 codes and names), and helpers to compare the stored rows before and after an upload."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from loaders.dataset import DEFAULT_DATA_DIR
from loaders.templates import HEADER_ROW, TEMPLATE_COLUMNS, build_template

#: Sơn La (75 communes in the 2025 register): five of its communes report the new quarter first.
PROVINCE = "14"
NEW_PERIOD = "2026-Q1"
LAST_COMPLETE = "2025-Q4"


def embedded_rows(period: str = LAST_COMPLETE, province: str = PROVINCE, count: int = 5) -> pd.DataFrame:
    """The embedded figures of the first ``count`` communes of ``province`` in ``period`` (codes as text)."""
    stats = pd.read_csv(Path(DEFAULT_DATA_DIR) / "stats/commune_stats.csv", dtype={"commune_code": str,
                                                                                  "province_code": str})
    rows = stats[(stats["province_code"] == province) & (stats["period"] == period)]
    return rows.sort_values("commune_code").head(count).reset_index(drop=True)


def filled_template(rows: pd.DataFrame, template: bytes | None = None) -> bytes:
    """The commune template (as downloaded) with ``rows`` typed under its header, one row each."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(template or build_template("commune")))
    sheet = workbook.active
    columns = TEMPLATE_COLUMNS["commune"]
    for offset, record in enumerate(rows.to_dict("records"), start=HEADER_ROW + 1):
        for index, column in enumerate(columns, start=1):
            value = record.get(column)
            if value is None or (isinstance(value, float) and pd.isna(value)):
                continue
            sheet.cell(row=offset, column=index, value=value.item() if hasattr(value, "item") else value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def new_quarter(count: int = 5) -> pd.DataFrame:
    """Figures of :data:`NEW_PERIOD` for ``count`` communes of Sơn La: last quarter's, a little further on."""
    rows = embedded_rows(count=count).copy()
    rows["period"] = NEW_PERIOD
    rows["teams"] = rows["teams"] + 1
    rows["team_members"] = rows["team_members"] + 4
    rows["smartphone_users"] = (rows["smartphone_users"] * 1.02).round().clip(upper=rows["population_15plus"])
    return rows


def stored(store, version="active") -> pd.DataFrame:
    """Every stored commune row of a version: key, period and figures as float64, sorted (comparable)."""
    from loaders.store.merge import FIGURES

    rows = store.dataset(version).stats_rows("commune")
    keep = ["commune_code", "period", *[c for c in FIGURES if c in rows]]
    table = rows[keep].copy()
    for column in keep[2:]:
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("float64")
    return table.sort_values(["commune_code", "period"]).reset_index(drop=True)
