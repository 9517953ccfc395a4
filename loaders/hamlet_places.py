"""Place the hamlets of a list: commune, position in EPSG:4326, and a report of every row (SPEC §7.12, issue 11).

``read_hamlet_list(path, crs=None, communes=None) -> BoundaryLoad`` (dispatched from
:func:`loaders.boundaries.read_boundaries` for ``.csv``/``.xlsx``):

1. each row's commune is resolved like a statistics row (:class:`loaders.join_resolve.Resolver`: a code trusted
   only when its name agrees, names within the province, pre-2025 communes mapped to the 2025 commune they
   became); against ``communes`` (the active data's commune shapes) when given, else the 2025 register. A list
   without a commune column takes each hamlet's commune from its position (said in the report);
2. positions become longitude/latitude: degrees as they are (VN-2000 geographic when the file says so), plane
   coordinates in the zone of ``--crs``, of the file's words, else of the hamlet's province
   (:mod:`loaders.vn2000`); where two zones are possible (a commune formed from provinces with different
   meridians, "kinh tuyến trục 105°" without the zone width) the one that puts the hamlet inside its commune wins;
3. every row ends placed inside its commune, placed outside it (with the distance to the commune's boundary), or
   not placed, with the reason. Hamlets get their commune's province: a list needs no province column.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from i18n import Message
from loaders.coordinates import DEGREES, LAT_RANGE, LON_RANGE, east_north, lon_lat
from loaders.hamlet_list import HamletListError, HamletRows, has_position, read_hamlet_rows
from loaders.hamlet_communes import commune_table, resolve_communes
from loaders.join_index import text_of
from loaders.numbers import pad_code
from loaders.schema import CRS as WGS84, GEOMETRY_SOURCE, UNIT_COLUMNS
from loaders.text import ascii_key, name_key, nfc, unit_type_of
from loaders.vn2000 import commune_meridians, meridian_label, province_meridians, tm3_crs, to_wgs84

#: Rows listed by name in the report (the counts cover them all).
REPORT_ROWS = 30
POINT_SOURCE = "loaded: {file} (hamlet points)"
_UNIT_COLUMNS = ("province_code", "province_name", "commune_code", "commune_name", "commune_type")


def read_hamlet_list(path, crs=None, communes=None):
    """Read a hamlet list with coordinates into hamlet units (points) in EPSG:4326.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` or ``.xlsx`` with hamlet names, their commune (code and/or name) and positions.
    crs : int or str, optional
        The CRS of the positions (``--crs``), over what the file says.
    communes : geopandas.GeoDataFrame or str or Path, optional
        Commune shapes (canonical columns) to resolve communes against and check positions with; without them
        communes are resolved in the 2025 register and positions are not checked.

    Returns
    -------
    loaders.boundaries.BoundaryLoad
        ``units`` (canonical hamlet columns, Point geometry) and ``info`` with ``placement`` (counts and rows).
    """
    from loaders.boundaries import BoundaryLoad, parse_crs

    path = Path(path)
    rows = read_hamlet_rows(path)
    shapes = _commune_shapes(communes)
    given = parse_crs(crs) if crs is not None else None
    placing = _Placing(path, rows, shapes, given)
    units = placing.run()
    placement = placing.summary()
    info = {"path": str(path), "layer": ", ".join(rows.sheets), "level": "hamlet", "features": int(len(units)),
            "crs_in": placing.crs_label, "reprojected": placing.crs_label != "EPSG:4326", "invalid_fixed": 0,
            "empty": 0, "encoding": "—", "names_not_nfc": 0, "ignored_columns": [],
            "problems": rows.messages + placing.messages, "placement": placement,
            "skipped": rows.skipped}
    return BoundaryLoad(units=units, info=info)


def _commune_shapes(communes) -> gpd.GeoDataFrame | None:
    if communes is None:
        return None
    if not isinstance(communes, gpd.GeoDataFrame):
        communes = gpd.read_parquet(communes)
    keep = [c for c in (*_UNIT_COLUMNS, "district_name", "geometry") if c in communes.columns]
    return communes[keep].drop_duplicates("commune_code").reset_index(drop=True)


class _Placing:
    """The placing of one list (see the module docstring); ``messages`` and the row outcomes are its report."""

    def __init__(self, path: Path, rows: HamletRows, shapes, crs: CRS | None):
        self.path, self.rows, self.shapes, self.crs = path, rows, shapes, crs
        self.table = rows.table.reset_index(drop=True)
        self.messages: list = []
        self.outcomes: list[dict | None] = [None] * len(self.table)
        self.crs_label = "EPSG:4326"
        self.same_name: set[int] = set()  # rows whose commune name several communes have

    # -- communes -------------------------------------------------------------------------------------------------
    def _communes(self) -> tuple[list[list[str]], pd.DataFrame]:
        """Each row's candidate 2025 communes (one when resolved, the parts of a divided pre-2025 commune)."""
        units = commune_table(self.shapes)
        candidates = []
        for i, (record, commune) in enumerate(zip(self.table.to_dict("records"),
                                                  resolve_communes(self.table.to_dict("records"), units))):
            if commune.kind == "unmatched" or (commune.kind == "ambiguous" and self.shapes is None):
                key = "hamlets.reason_commune_ambiguous" if commune.kind == "ambiguous" else \
                    "hamlets.reason_commune_unknown"
                self._not_placed(i, key, commune=self._commune_written(record),
                                 candidates=commune.candidates[:4] or "—", suggestion=commune.suggestion or "—")
            elif commune.kind == "ambiguous":
                self.same_name.add(i)  # told apart by the position (inside one of them), or not placed
            candidates.append(commune.codes)
        return candidates, units.set_index("commune_code", drop=False)

    @staticmethod
    def _commune_written(record) -> str:
        return " ".join(text_of(record.get(c)) for c in ("commune_name", "commune_code") if text_of(record.get(c)))

    # -- positions --------------------------------------------------------------------------------------------------
    def _positions(self, candidates) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
        """Longitude and latitude of each row (NaN where none) and the communes still possible per row."""
        n = len(self.table)
        lon, lat = np.full(n, np.nan), np.full(n, np.nan)
        first, second = self.table["first"].to_numpy(float), self.table["second"].to_numpy(float)
        usable = [i for i in range(n) if self.outcomes[i] is None]
        for i in usable:
            if not has_position(first[i], second[i]):
                key = "hamlets.reason_no_position" if not self.table.at[i, "written"] else "hamlets.reason_unreadable"
                self._not_placed(i, key, written=self.table.at[i, "written"])
        usable = [i for i in usable if self.outcomes[i] is None]
        if self.rows.kind == DEGREES:
            self._degrees(usable, first, second, lon, lat)
        else:
            candidates = self._metres(usable, first, second, lon, lat, candidates)
        return lon, lat, candidates

    def _degrees(self, rows, first, second, lon, lat) -> None:
        hint, swapped = self.rows.hint, 0
        for i in rows:
            found = lon_lat(first[i], second[i], self.rows.first_is != "lat")
            if found is None:
                self._not_placed(i, "hamlets.reason_outside_vietnam", written=self.table.at[i, "written"])
                continue
            lon[i], lat[i], was_swapped = found
            swapped += was_swapped and self.rows.first_is in ("lon", "lat")
        if swapped:
            self.messages.append(Message("hamlets.swapped", {"n": swapped}))
        source = self.crs if self.crs is not None and self.crs.is_geographic else None
        if self.crs is not None and not self.crs.is_geographic:
            self.messages.append(Message("hamlets.crs_not_degrees", {"crs": _label(self.crs)}))
        if source is None and hint.vn2000 and not hint.wgs84:
            source = CRS.from_epsg(4756)
            self.messages.append(Message("hamlets.degrees_vn2000", {"text": hint.text}))
        if source is not None and not source.equals(CRS.from_user_input(WGS84)):
            ok = np.isfinite(lon)
            lon[ok], lat[ok] = to_wgs84(source).transform(lon[ok], lat[ok])
            self.crs_label = _label(source)

    def _metres(self, rows, first, second, lon, lat, candidates):
        east, north, x_east = np.full(len(first), np.nan), np.full(len(first), np.nan), 0
        for i in rows:
            found = east_north(first[i], second[i], self.rows.first_is in ("north", ""))
            if found is None:
                self._not_placed(i, "hamlets.reason_not_plane", written=self.table.at[i, "written"])
                continue
            east[i], north[i], swapped = found
            x_east += swapped and self.rows.first_is == "north"
        if x_east:
            self.messages.append(Message("hamlets.x_is_east", {"n": x_east}))
        zones = self._zones(rows, candidates)
        tried: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for i in rows:
            if self.outcomes[i] is not None:
                continue
            if not zones[i]:
                self._not_placed(i, "hamlets.reason_no_zone")
                continue
            best = None
            for zone in zones[i]:
                if zone.name not in tried:
                    tried[zone.name] = to_wgs84(zone).transform(east, north)
                x, y = tried[zone.name][0][i], tried[zone.name][1][i]
                distance = self._distance_to_communes(x, y, candidates[i])
                if best is None or distance < best[0]:
                    best = (distance, x, y, zone)
            _, lon[i], lat[i], zone = best
            self.zone_used.setdefault(zone.name, zone)
            if not (LON_RANGE[0] <= lon[i] <= LON_RANGE[1] and LAT_RANGE[0] <= lat[i] <= LAT_RANGE[1]):
                self._not_placed(i, "hamlets.reason_outside_vietnam", written=self.table.at[i, "written"])
        self.crs_label = ", ".join(_label(zone) for zone in self.zone_used.values()) or "—"
        return candidates

    def _zones(self, rows, candidates) -> dict[int, list[CRS]]:
        """The zones each row's numbers may be in, and a line saying where they came from."""
        hint = self.rows.hint
        if self.crs is not None:
            if self.crs.is_geographic:
                raise HamletListError("crs_is_degrees", self.path, crs=_label(self.crs))
            said = hint.crs()
            if said is not None and not said.equals(self.crs):
                self.messages.append(Message("hamlets.crs_over_file", {"crs": _label(self.crs), "file": _label(said),
                                                                       "text": hint.text}))
            else:
                self.messages.append(Message("hamlets.zone_given", {"crs": _label(self.crs)}))
            return {i: [self.crs] for i in rows}
        said = hint.crs()
        if said is not None:
            zones = [said]
            if hint.meridian in (105.0, 111.0) and hint.width is None and hint.epsg is None and not hint.utm_zone:
                zones.append(CRS.from_epsg({105.0: 3405, 111.0: 3406}[hint.meridian]))  # TM-3 or UTM: by fit
            self.messages.append(Message("hamlets.zone_from_file", {"crs": _label(said), "text": hint.text}))
            return {i: zones for i in rows}
        meridians = commune_meridians()
        per_row = {i: sorted({m for c in candidates[i] for m in meridians.get(c, ())}) for i in rows}
        if not any(per_row.values()):
            provinces = {pad_code(self.table.at[i, "province_code"], 2) for i in rows} \
                if "province_code" in self.table.columns else set()
            per_row = {i: list(province_meridians(next(iter(provinces)))) if len(provinces) == 1 else [] for i in rows}
        file_meridians = sorted({m for ms in per_row.values() for m in ms})
        if file_meridians:
            self.messages.append(Message("hamlets.zone_from_province", {
                "zones": [f"VN-2000 TM-3 {meridian_label(m)}" for m in file_meridians]}))
        if len(file_meridians) == 1:  # one zone for the whole file: also for rows whose commune says nothing
            per_row = {i: file_meridians for i in rows}
        return {i: [tm3_crs(m) for m in ms] for i, ms in per_row.items()}

    def _distance_to_communes(self, lon: float, lat: float, codes) -> float:
        if self.shapes is None or not codes or not np.isfinite(lon):
            return 0.0 if np.isfinite(lon) else math.inf
        shapes = self._shape_of(codes)
        return min((distance_m(lon, lat, s) for s in shapes if s is not None), default=0.0)

    def _shape_of(self, codes):
        if not hasattr(self, "_shapes_by_code"):
            self._shapes_by_code = dict(zip(self.shapes["commune_code"], self.shapes.geometry.values))
        return [self._shapes_by_code.get(c) for c in codes]

    # -- the run ----------------------------------------------------------------------------------------------------
    def run(self) -> gpd.GeoDataFrame:
        self.zone_used: dict[str, CRS] = {}
        candidates, communes = self._communes()
        lon, lat, candidates = self._positions(candidates)
        codes = self._settle_communes(lon, lat, candidates)
        units = self._units(lon, lat, codes, communes)
        if not len(units):
            raise HamletListError("none_placed", self.path, reasons=self._first_reasons())
        return units

    def _settle_communes(self, lon, lat, candidates) -> list[str | None]:
        """One commune per placed row: the resolved one, the part of a divided commune the point is in, or (no
        commune written) the commune the point is in; distances to the boundary for points outside."""
        codes: list[str | None] = [None] * len(self.table)
        by_position = 0
        for i in range(len(self.table)):
            if self.outcomes[i] is not None:
                continue
            options = candidates[i]
            if not options:
                if self.shapes is None:
                    self._not_placed(i, "hamlets.reason_no_commune")
                    continue
                options = self._communes_at(lon[i], lat[i])
                if len(options) != 1:
                    self._not_placed(i, "hamlets.reason_no_commune")
                    continue
                by_position += 1
            if len(options) > 1:  # a divided pre-2025 commune, or a name several communes have
                distances = [self._distance_to_communes(lon[i], lat[i], [c]) for c in options] \
                    if self.shapes is not None else [math.inf]
                if min(distances) > 0:
                    key = "hamlets.reason_commune_ambiguous" if i in self.same_name else "hamlets.reason_divided"
                    self._not_placed(i, key, communes=options, commune=self._commune_written(self.table.iloc[i]),
                                     candidates=options)
                    continue
                options = [options[int(np.argmin(distances))]]
                by_position += i in self.same_name
            codes[i] = options[0]
            distance = self._distance_to_communes(lon[i], lat[i], options)
            self.outcomes[i] = {"placed": True, "distance_m": distance, "checked": self.shapes is not None
                                and self._shape_of(options)[0] is not None}
        if by_position:
            self.messages.append(Message("hamlets.commune_by_position", {"n": by_position}))
        return codes

    def _communes_at(self, lon: float, lat: float) -> list[str]:
        if not np.isfinite(lon):
            return []
        inside = shapely.contains_xy(self.shapes.geometry.values, lon, lat)
        return list(self.shapes["commune_code"][inside])

    def _units(self, lon, lat, codes, communes: pd.DataFrame) -> gpd.GeoDataFrame:
        placed = [i for i, code in enumerate(codes) if code is not None]
        table = self.table.iloc[placed].reset_index(drop=True)
        records = []
        for i, row in zip(placed, table.to_dict("records")):
            unit = communes.loc[codes[i]]
            name = nfc(text_of(row.get("hamlet_name")))
            records.append({**{c: unit.get(c) for c in _UNIT_COLUMNS}, "hamlet_name": name,
                            "hamlet_type": text_of(row.get("hamlet_type")) or unit_type_of(name, "hamlet"),
                            "hamlet_id": text_of(row.get("hamlet_id")) or None, "source_row": row.get("source_row"),
                            "source_sheet": row.get("source_sheet")})
        frame = pd.DataFrame.from_records(records, columns=[*_UNIT_COLUMNS, "hamlet_name", "hamlet_type",
                                                            "hamlet_id", "source_row", "source_sheet"])
        frame["hamlet_id"] = self._hamlet_ids(frame)
        frame.insert(0, "level", "hamlet")
        ordered = [c for c in UNIT_COLUMNS["hamlet"] if c in frame.columns]
        units = gpd.GeoDataFrame(frame[ordered], geometry=gpd.points_from_xy(lon[placed], lat[placed]), crs=WGS84)
        units[GEOMETRY_SOURCE] = POINT_SOURCE.format(file=self.path.name)
        return units

    def _hamlet_ids(self, frame: pd.DataFrame) -> list[str]:
        """The file's hamlet code when it has one, else commune code + the name's key ("03856-na-san", "14512-5"):
        stable from one month's list to the next. Two hamlets of one name in a commune are reported."""
        ids, seen = [], Counter()
        for code, name, given in zip(frame["commune_code"], frame["hamlet_name"], frame["hamlet_id"]):
            slug = re.sub(r"[^a-z0-9]+", "-", ascii_key(name, "hamlet")).strip("-") or "x"
            key = given or f"{code}-{slug}"
            seen[key] += 1
            ids.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
        repeated = Counter((c, name_key(n, "hamlet")) for c, n in zip(frame["commune_code"], frame["hamlet_name"]))
        for (code, _), count in repeated.items():
            if count > 1:
                names = frame.loc[frame["commune_code"] == code, "hamlet_name"]
                commune = frame.loc[frame["commune_code"] == code, "commune_name"].iloc[0]
                example = next(n for n in names if repeated[(code, name_key(n, "hamlet"))] > 1)
                self.messages.append(Message("hamlets.same_name", {"n": count, "hamlet": example,
                                                                   "commune": f"{commune} ({code})"}))
        return ids

    # -- the report -------------------------------------------------------------------------------------------------
    def _not_placed(self, i: int, key: str, **params) -> None:
        self.outcomes[i] = {"placed": False, "reason": Message(key, params)}

    def _where(self, i: int) -> Message:
        row, sheet = self.table.at[i, "source_row"], self.table.at[i, "source_sheet"]
        several = len(self.rows.sheets) > 1
        return Message("hamlets.where_sheet" if several else "hamlets.where", {"sheet": sheet, "row": int(row)})

    def _first_reasons(self) -> list:
        return [o["reason"] for o in self.outcomes if o and not o["placed"]][:3] or ["—"]

    def summary(self) -> dict:
        """Counts and rows of the placement; also put into words in ``messages``."""
        placed = [i for i, o in enumerate(self.outcomes) if o and o["placed"]]
        outside = sorted((i for i in placed if self.outcomes[i]["distance_m"] > 0),
                         key=lambda i: -self.outcomes[i]["distance_m"])
        checked = sum(1 for i in placed if self.outcomes[i]["checked"])
        missing = [i for i, o in enumerate(self.outcomes) if o and not o["placed"]]
        rows = len(self.table)
        furthest = self.outcomes[outside[0]]["distance_m"] if outside else 0.0
        self.messages.append(Message("hamlets.placed", {"placed": len(placed), "rows": rows}))
        if self.shapes is None:
            self.messages.append(Message("hamlets.not_checked"))
        elif outside:
            self.messages.append(Message("hamlets.outside", {"n": len(outside), "checked": checked,
                                                             "furthest": round(furthest)}))
        else:
            self.messages.append(Message("hamlets.all_inside", {"n": checked}))
        outside_rows, missing_rows = [], []
        for i in outside:
            entry = {"where": self._where(i), "hamlet": text_of(self.table.at[i, "hamlet_name"]),
                     "distance": round(self.outcomes[i]["distance_m"])}
            outside_rows.append(entry)
            if len(outside_rows) <= REPORT_ROWS:
                self.messages.append(Message("hamlets.outside_row", entry))
        for i in missing:
            entry = {"where": self._where(i), "hamlet": text_of(self.table.at[i, "hamlet_name"]) or "—",
                     "reason": self.outcomes[i]["reason"]}
            missing_rows.append(entry)
            if len(missing_rows) <= REPORT_ROWS:
                self.messages.append(Message("hamlets.not_placed_row", entry))
        hidden = max(0, len(outside_rows) - REPORT_ROWS) + max(0, len(missing_rows) - REPORT_ROWS)
        if hidden:
            self.messages.append(Message("hamlets.more_rows", {"n": hidden}))
        return {"rows": rows, "placed": len(placed), "checked": checked, "outside": len(outside),
                "not_placed": len(missing), "furthest_outside_m": round(furthest, 1),
                "outside_rows": [{**e, "where": e["where"].to_json()} for e in outside_rows],
                "not_placed_rows": [{**e, "where": e["where"].to_json(), "reason": e["reason"].to_json()}
                                    for e in missing_rows]}


def distance_m(lon: float, lat: float, shape) -> float:
    """Metres from a point to a shape (0 inside), on a local equirectangular plane (under 1 % off within 100 km)."""
    if shape is None or shapely.contains_xy(shape, lon, lat):
        return 0.0
    scale = np.array([111_320.0 * math.cos(math.radians(lat)), 110_574.0])
    local = shapely.transform(shape, lambda xy: (xy - [lon, lat]) * scale)
    return float(shapely.distance(local, shapely.Point(0.0, 0.0)))


def _label(crs: CRS) -> str:
    epsg = crs.to_epsg(min_confidence=70)
    return f"EPSG:{epsg} ({crs.name})" if epsg else crs.name
