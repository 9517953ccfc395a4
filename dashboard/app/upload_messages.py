"""TRANSITION: Vietnamese wording for loader sentences not yet moved to the catalogue (:mod:`i18n`).

Loaders now report catalogue keys (``LoaderError(key, …)``, :class:`i18n.Message`); the few that still say English
sentences are translated here by pattern until they move. Patterns whose sentence no loader says any more are
removed; delete this module when none is left.

The loaders explain problems in English, one sentence each (they also serve the CLI). The data officer reads
Vietnamese, so the panel translates the sentences it knows by pattern; a sentence with no pattern is shown as it
is, never dropped. Placeholders keep what the loader found (counts, names, codes) verbatim.
"""

from __future__ import annotations

import re
from pathlib import Path

#: (pattern over the English sentence, Vietnamese template using the pattern's named groups)
_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"the file holds no features", "tệp không có đối tượng nào"),
    (r"file not found", "không tìm thấy tệp"),
    (r"the file is empty.*", "tệp rỗng"),
    (r"boundaries must be \.geojson, \.shp, \.zip, \.gpkg or \.parquet, not '(?P<ext>.*)'",
     "tệp ranh giới phải là .geojson, .shp, .zip, .gpkg hoặc .parquet, không phải '{ext}'"),
    (r"not valid GeoJSON: the file is not JSON", "không phải GeoJSON: nội dung tệp không phải JSON"),
    (r"not a valid (?P<kind>.+?) \(wrong file header.*",
     "không phải tệp {kind} hợp lệ (phần đầu tệp sai: có thể là tệp loại khác bị đổi tên)"),
    (r"the shapefile's (?P<parts>.+?) files? (is|are) missing.*",
     "thiếu tệp {parts} của shapefile: hãy gửi kèm đủ .shp, .shx, .dbf, .prj, .cpg"),
    (r"no \.prj file next to the \.shp", "không có tệp .prj đi kèm .shp"),
    (r"attributes decoded from (?P<enc>\S+) .*",
     "chữ trong bảng thuộc tính được đọc theo bảng mã {enc} (tự nhận biết, không có tệp .cpg)"),
    (r"(?P<n>\d+) invalid geometries repaired.*", "{n} hình bị lỗi đã được sửa"),
    (r"(?P<n>\d+) features have an empty geometry", "{n} đơn vị không có hình"),
    (r"not a valid ZIP file.*", "tệp ZIP bị hỏng hoặc không đầy đủ: hãy gửi lại"),
    (r"the ZIP holds no \.shp, \.gpkg, \.geojson or \.parquet file",
     "tệp ZIP không có tệp .shp, .gpkg, .geojson hay .parquet"),
    (r"the ZIP holds several data files; read '(?P<name>.*)'", "tệp ZIP có nhiều tệp dữ liệu; đã đọc '{name}'"),
    (r"the GeoPackage has (?P<n>\d+) layers; read '(?P<name>.*)'", "tệp GeoPackage có {n} lớp; đã đọc lớp '{name}'"),
    (r"the GeoPackage has no layer with geometries", "tệp GeoPackage không có lớp nào chứa hình"),
    (r"cannot be read as (?P<kind>\S+) \((?P<detail>.*)\)", "không đọc được như tệp {kind} ({detail})"),
    (r"no coordinate reference system \(\.prj missing\) and the coordinates are not longitude/latitude \(x from (?P<a>-?\d+) to (?P<b>-?\d+)\).*",
     'không có hệ tọa độ (thiếu .prj) và tọa độ không phải kinh độ/vĩ độ (x từ {a} đến {b}): hãy nhập mã EPSG ở mục "Hệ tọa độ", ví dụ 3405 cho VN-2000 múi 48 hoặc 9210 cho VN-2000 TM-3 105°45\''),
    (r"the file says longitude/latitude but its coordinates are not \(x from (?P<a>-?\d+) to (?P<b>-?\d+)\).*",
     'tệp ghi là kinh độ/vĩ độ nhưng tọa độ không phải (x từ {a} đến {b}): hãy nhập đúng mã EPSG ở mục "Hệ tọa độ"'),
    (r"no coordinate reference system declared; coordinates look like lon/lat, EPSG:4326 assumed",
     "tệp không ghi hệ tọa độ; tọa độ giống kinh độ/vĩ độ nên coi là WGS 84 (EPSG:4326)"),
    (r"the features lie outside Vietnam after reprojection from (?P<crs>.*): check the CRS",
     "sau khi chuyển từ {crs}, các đơn vị nằm ngoài Việt Nam: hãy kiểm tra hệ tọa độ"),
    (r"no datum shift is known from (?P<crs>.*?) to WGS 84.*",
     "không có tham số chuyển đổi từ {crs} sang WGS 84: vị trí có thể lệch vài trăm mét; hãy nhập mã EPSG"),
    (r"old Excel 97-2003 \(\.xls\) files are not read.*", "không đọc tệp Excel cũ (.xls): hãy lưu lại dạng .xlsx"),
    (r"statistics must be \.csv or \.xlsx, not '(?P<ext>.*)'",
     "tệp số liệu phải là .csv hoặc .xlsx, không phải '{ext}'"),
    (r"this is not a text \(CSV\) file", "tệp này không phải tệp văn bản CSV"),
    (r"not a readable XLSX workbook.*", "không đọc được tệp Excel .xlsx (tệp hỏng hoặc không phải Excel)"),
    (r"sheet '(?P<s>.*)': (?P<n>\d+) value\(s\) of (?P<col>\w+) above 100 %",
     "trang '{s}': {n} giá trị {col} lớn hơn 100 %"),
    (r"second row for (?P<col>\w+) (?P<code>\S+) period (?P<p>\S*) ignored \(sheet (?P<s>.*) row (?P<r>\S+)\)",
     "dòng thứ hai của {col} {code} kỳ {p} bị bỏ qua (trang {s} dòng {r})"),
)
_COMPILED = tuple((re.compile(pattern + r"$", re.DOTALL), template) for pattern, template in _PATTERNS)


def translate(sentence: str, lang: str = "vi") -> str:
    """The Vietnamese wording of one loader sentence when ``lang`` is ``"vi"`` and a pattern knows it."""
    if lang == "en":
        return sentence
    text = str(sentence).strip()
    for pattern, template in _COMPILED:
        match = pattern.match(text)
        if match:
            return template.format(**match.groupdict())
    return text


def translate_error(error: Exception, lang: str = "vi") -> str:
    """A :class:`~loaders.errors.LoaderError` in one line: the file name, then the (translated) problem."""
    if getattr(error, "key", "common.untranslated") != "common.untranslated":
        return error.text(lang)  # a catalogue message: already in both languages
    problem = getattr(error, "problem", None)
    if problem is None:
        return str(error)
    text = translate(problem, lang)
    path = getattr(error, "path", None)
    return " ".join((f"{Path(path).name}: {text}" if path else text).split())
