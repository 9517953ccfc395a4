"""TRANSITION: Vietnamese wording for loader sentences not yet moved to the catalogue (:mod:`i18n`).

Loaders now report catalogue keys (``LoaderError(key, …)``, :class:`i18n.Message`); the few that still say English
sentences are translated here by pattern until they move. Delete this module when none is left.

The loaders explain problems in English, one sentence each (they also serve the CLI). The data officer reads
Vietnamese, so the panel translates the sentences it knows by pattern; a sentence with no pattern is shown as it
is, never dropped. Placeholders keep what the loader found (counts, names, codes) verbatim.
"""

from __future__ import annotations

import re
from pathlib import Path

#: (pattern over the English sentence, Vietnamese template using the pattern's named groups)
_PATTERNS: tuple[tuple[str, str], ...] = (
    # boundaries
    (r"the file holds no features", "tệp không có đối tượng nào"),
    (r"file not found", "không tìm thấy tệp"),
    (r"the file is empty.*", "tệp rỗng"),
    (r"boundaries must be \.geojson, \.shp, \.zip, \.gpkg or \.parquet, not '(?P<ext>.*)'",
     "tệp ranh giới phải là .geojson, .shp, .zip, .gpkg hoặc .parquet, không phải '{ext}'"),
    (r"not valid GeoJSON: the file is not JSON", "không phải GeoJSON: nội dung tệp không phải JSON"),
    (r"not a valid (?P<kind>.+?) \(wrong file header.*", "không phải tệp {kind} hợp lệ (phần đầu tệp sai: có thể là "
     "tệp loại khác bị đổi tên)"),
    (r"the shapefile's (?P<parts>.+?) files? (is|are) missing.*",
     "thiếu tệp {parts} của shapefile: hãy gửi kèm đủ .shp, .shx, .dbf, .prj, .cpg"),
    (r"no \.prj file next to the \.shp", "không có tệp .prj đi kèm .shp"),
    (r"attributes decoded from (?P<enc>\S+) .*", "chữ trong bảng thuộc tính được đọc theo bảng mã {enc} (tự nhận "
     "biết, không có tệp .cpg)"),
    (r"(?P<n>\d+) invalid geometries repaired.*", "{n} hình bị lỗi đã được sửa"),
    (r"(?P<n>\d+) features have an empty geometry", "{n} đơn vị không có hình"),
    (r"not a valid ZIP file.*", "tệp ZIP bị hỏng hoặc không đầy đủ: hãy gửi lại"),
    (r"the ZIP holds no \.shp, \.gpkg, \.geojson or \.parquet file",
     "tệp ZIP không có tệp .shp, .gpkg, .geojson hay .parquet"),
    (r"the ZIP holds several data files; read '(?P<name>.*)'", "tệp ZIP có nhiều tệp dữ liệu; đã đọc '{name}'"),
    (r"the GeoPackage has (?P<n>\d+) layers; read '(?P<name>.*)'", "tệp GeoPackage có {n} lớp; đã đọc lớp '{name}'"),
    (r"the GeoPackage has no layer with geometries", "tệp GeoPackage không có lớp nào chứa hình"),
    (r"cannot be read as (?P<kind>\S+) \((?P<detail>.*)\)", "không đọc được như tệp {kind} ({detail})"),
    (r"no coordinate reference system \(\.prj missing\) and the coordinates are not longitude/latitude"
     r" \(x from (?P<a>-?\d+) to (?P<b>-?\d+)\).*",
     "không có hệ tọa độ (thiếu .prj) và tọa độ không phải kinh độ/vĩ độ (x từ {a} đến {b}): hãy nhập mã EPSG "
     "ở mục \"Hệ tọa độ\", ví dụ 3405 cho VN-2000 múi 48 hoặc 9210 cho VN-2000 TM-3 105°45'"),
    (r"the file says longitude/latitude but its coordinates are not \(x from (?P<a>-?\d+) to (?P<b>-?\d+)\).*",
     "tệp ghi là kinh độ/vĩ độ nhưng tọa độ không phải (x từ {a} đến {b}): hãy nhập đúng mã EPSG ở mục "
     "\"Hệ tọa độ\""),
    (r"no coordinate reference system declared; coordinates look like lon/lat, EPSG:4326 assumed",
     "tệp không ghi hệ tọa độ; tọa độ giống kinh độ/vĩ độ nên coi là WGS 84 (EPSG:4326)"),
    (r"the features lie outside Vietnam after reprojection from (?P<crs>.*): check the CRS",
     "sau khi chuyển từ {crs}, các đơn vị nằm ngoài Việt Nam: hãy kiểm tra hệ tọa độ"),
    (r"no datum shift is known from (?P<crs>.*?) to WGS 84.*",
     "không có tham số chuyển đổi từ {crs} sang WGS 84: vị trí có thể lệch vài trăm mét; hãy nhập mã EPSG"),
    (r"no recognisable code or name column.*columns are: (?P<cols>.*)",
     "không thấy cột mã hay tên đơn vị (ví dụ 'ma_xa', 'ten_xa'); các cột trong tệp: {cols}"),
    (r"(?P<n>\d+) names were not in Unicode NFC.*", "{n} tên viết ở dạng Unicode tổ hợp đã được chuẩn hóa"),
    (r"(?P<n>\d+) (?P<col>\w+) values are not (?P<w>\d+)-digit codes, left empty",
     "{n} giá trị {col} không phải mã {w} chữ số, để trống"),
    (r"no hamlet code column: hamlet_id made from commune code and row order",
     "không có cột mã thôn: mã thôn được tạo từ mã xã và thứ tự dòng"),
    (r"(?P<n>\d+) (?P<col>\w+) values appear more than once, e.g. '(?P<ex>.*)'",
     "{n} giá trị {col} bị trùng, ví dụ '{ex}'"),
    (r"columns not found in the file: (?P<cols>.*)", "tệp thiếu các cột: {cols}"),
    # statistics
    (r"no recognisable header row.*", "không thấy dòng tiêu đề cột (cần các cột như 'Mã xã', 'Tên xã/phường', "
     "'Số tổ CNSCĐ', 'Số thành viên'); có thể tải mẫu Excel bên dưới"),
    (r"no data rows under the header", "không có dòng số liệu nào dưới dòng tiêu đề"),
    (r"old Excel 97-2003 \(\.xls\) files are not read.*", "không đọc tệp Excel cũ (.xls): hãy lưu lại dạng .xlsx"),
    (r"statistics must be \.csv or \.xlsx, not '(?P<ext>.*)'", "tệp số liệu phải là .csv hoặc .xlsx, không phải "
     "'{ext}'"),
    (r"this is not a text \(CSV\) file", "tệp này không phải tệp văn bản CSV"),
    (r"not a readable XLSX workbook.*", "không đọc được tệp Excel .xlsx (tệp hỏng hoặc không phải Excel)"),
    (r"sheet '(?P<s>.*)': no recognisable header, skipped", "trang '{s}': không thấy dòng tiêu đề, bỏ qua"),
    (r"sheet '(?P<s>.*)': columns not recognised, ignored: (?P<cols>.*)",
     "trang '{s}': các cột không nhận ra, bỏ qua: {cols}"),
    (r"sheet '(?P<s>.*)' row (?P<r>\d+): totals row '(?P<l>.*)' dropped", "trang '{s}' dòng {r}: bỏ dòng tổng '{l}'"),
    (r"sheet '(?P<s>.*)' row (?P<r>\d+): no code or name, skipped", "trang '{s}' dòng {r}: không có mã hay tên, bỏ qua"),
    (r"sheet '(?P<s>.*)': (?P<n>\d+) (?P<col>\w+) value\(s\) are not codes, e.g. '(?P<ex>.*)'",
     "trang '{s}': {n} giá trị {col} không phải mã, ví dụ '{ex}'"),
    (r"sheet '(?P<s>.*)': (?P<n>\d+) cell\(s\) of (?P<col>\w+) are not numbers, left empty",
     "trang '{s}': {n} ô của cột {col} không phải số, để trống"),
    (r"sheet '(?P<s>.*)': (?P<n>\d+) value\(s\) of (?P<col>\w+) above 100 %",
     "trang '{s}': {n} giá trị {col} lớn hơn 100 %"),
    (r"sheet '(?P<s>.*)': every (?P<col>\w+) value is at most 1.*",
     "trang '{s}': mọi giá trị {col} đều ≤ 1: có thể là phân số thay vì phần trăm (0,85 cần ghi là 85)"),
    (r"(?P<n>\d+) period value\(s\) not understood, e.g. '(?P<ex>.*)'.*",
     "{n} giá trị kỳ báo cáo không hiểu được, ví dụ '{ex}' (ghi dạng 2025, 2025-Q3 hoặc 2025-09)"),
    (r"no period for (?P<n>\d+) row\(s\).*", "{n} dòng không có kỳ báo cáo: thêm cột 'Kỳ báo cáo' (2025, 2025-Q3 "
     "hoặc 2025-09) hoặc ghi kỳ vào tên trang hay tên tệp"),
    # join
    (r"(?P<n>\d+) pre-2025 row\(s\) ignored: the 2025 unit has its own row",
     "{n} dòng theo địa giới cũ (trước 2025) bị bỏ qua vì đơn vị mới đã có dòng riêng"),
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
