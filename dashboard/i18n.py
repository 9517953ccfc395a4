"""Vietnamese / English labels and number formats for the dashboard and the maps.

Vietnamese is the default. Numbers follow each language's convention (``1.459`` and ``85,5 %`` in Vietnamese,
``1,459`` and ``85.5%`` in English) through the project's one formatter, :mod:`analysis.formatting`, re-exported
here for the pages. Indicator labels live with the indicators (``analysis.indicators``).
"""

from __future__ import annotations

from analysis.formatting import format_number, format_percent, format_value  # noqa: F401  (re-exported)

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
_LABELS: dict[str, tuple[str, str]] = {
    # navigation
    "app_title": ("Bản đồ Tổ công nghệ số cộng đồng", "Community digital technology teams map"),
    "page_map": ("Bản đồ", "Map"),
    "page_gaps": ("Vùng trống", "Gaps"),
    "page_compare": ("So sánh", "Compare"),
    "page_data": ("Dữ liệu", "Data"),
    "page_about": ("Giới thiệu", "About"),
    "demo_badge": ("Dữ liệu minh họa", "Demo data"),
    "demo_note": (
        "Dữ liệu minh họa: ranh giới xã gần đúng và số liệu tổng hợp, không phải số liệu chính thức.",
        "Demo data: approximate commune shapes and synthetic figures, not official statistics.",
    ),
    # filters
    "filters": ("Bộ lọc", "Filters"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "level": ("Cấp hiển thị", "Level"),
    "level_province": ("Tỉnh, thành phố", "Province"),
    "level_commune": ("Xã, phường, đặc khu", "Commune"),
    "level_hamlet": ("Thôn, tổ dân phố", "Hamlet"),
    "province": ("Tỉnh, thành phố", "Province"),
    "commune": ("Xã, phường, đặc khu", "Commune"),
    "all_country": ("Toàn quốc", "Whole country"),
    "all_province": ("Toàn tỉnh", "Whole province"),
    "period": ("Kỳ số liệu", "Period"),
    "area_classes": ("Loại địa bàn", "Area type"),
    "outlines": ("Tô viền vùng", "Outline areas"),
    "all_areas": ("Mọi địa bàn", "All areas"),
    "no_outlines": ("Không tô viền", "No outlines"),
    "only_team_gaps": ("Chỉ xét thôn chưa có tổ", "Only hamlets without a team"),
    "threshold": ("Chỉ hiện đơn vị dưới ngưỡng", "Only units below"),
    "threshold_help": ("Để 0 để hiện tất cả", "0 shows all"),
    "scheme": ("Cách phân lớp", "Classification"),
    "scheme_quantiles": ("Phân vị (số đơn vị bằng nhau)", "Quantiles"),
    "scheme_equal_interval": ("Khoảng đều", "Equal interval"),
    "scheme_natural_breaks": ("Ngắt tự nhiên (Jenks)", "Natural breaks (Jenks)"),
    "scheme_target": ("So với mục tiêu", "Against the target"),
    "classes": ("Số lớp", "Classes"),
    "basemap": ("Nền bản đồ OpenStreetMap (cần Internet)", "OpenStreetMap basemap (needs Internet)"),
    "present_link": ("Chế độ trình chiếu", "Presentation mode"),
    "exit_present": ("Thoát trình chiếu", "Leave presentation mode"),
    "copy_link": ("Sao chép đường dẫn trên thanh địa chỉ để chia sẻ đúng màn hình này.",
                  "Copy the address bar to share exactly this view."),
    # legend and tooltips
    "no_data": ("Không có số liệu", "No data"),
    "source": ("Nguồn", "Source"),
    "target": ("Mục tiêu", "Target"),
    "not_met": ("Chưa đạt", "Below target"),
    "near": ("Gần đạt", "Near target"),
    "met": ("Đạt mục tiêu", "At target"),
    # count columns (tooltips: numerator / denominator; details table)
    "count_teams": ("Số tổ", "Teams"),
    "count_team_members": ("Thành viên tổ", "Team members"),
    "count_hamlets": ("Số thôn", "Hamlets"),
    "count_hamlets_with_team": ("Thôn có tổ", "Hamlets with a team"),
    "count_population": ("Dân số", "Population"),
    "count_population_15plus": ("Dân số từ 15 tuổi", "Population 15+"),
    "count_smartphone_users": ("Người dùng điện thoại thông minh", "Smartphone users"),
    "count_vneid_level2": ("Người có VNeID mức 2", "VNeID level 2 holders"),
    "count_cashless_users": ("Người thanh toán không tiền mặt", "Cashless payers"),
    "count_online_dossiers": ("Hồ sơ trực tuyến", "Online dossiers"),
    "count_total_dossiers": ("Tổng số hồ sơ", "All dossiers"),
    "count_digital_skills": ("Người có kỹ năng số", "People with digital skills"),
    # KPI
    "kpi_teams": ("Tổ CNSCĐ", "Teams"),
    "kpi_members": ("Thành viên", "Members"),
    "kpi_hamlets": ("Thôn có tổ", "Hamlets covered"),
    "kpi_pop15": ("Dân số từ 15 tuổi", "Population 15+"),
    "kpi_average": ("Bình quân theo dân số", "Population-weighted average"),
    # details
    "click_hint": ("Bấm vào một đơn vị trên bản đồ để xem chi tiết.", "Click a unit on the map to see details."),
    "trend": ("Diễn biến theo kỳ", "Trend over periods"),
    "value": ("Giá trị", "Value"),
    "hamlet_needs_place": ("Chọn tỉnh hoặc xã để xem cấp thôn; đang hiện cấp xã.",
                           "Choose a province or commune to see hamlets; showing communes."),
    "no_units": ("Không có đơn vị nào khớp bộ lọc.", "No unit matches the filters."),
    "downloads": ("Tải xuống bản đồ và số liệu", "Download the map and the figures"),
    "download_map": ("Bản đồ", "Map"),
    "download_table": ("Bảng", "Table"),
    "atlas_commune": ("Tập bản đồ: mỗi xã một trang", "Atlas: one page per commune"),
    "atlas_province": ("Tập bản đồ: mỗi tỉnh một trang", "Atlas: one page per province"),
    "atlas_format": ("Định dạng", "Format"),
    "atlas_pdf": ("PDF nhiều trang", "Multi-page PDF"),
    "atlas_zip": ("ZIP các ảnh PNG", "ZIP of PNG images"),
    "atlas_make": ("Tạo tập bản đồ", "Make the atlas"),
    "atlas_download": ("Tải tập bản đồ", "Download the atlas"),
    # gaps
    "gaps_title": ("Vùng trống cần ưu tiên", "Gaps to prioritise"),
    "gap_rank": ("Hạng", "Rank"),
    "gap_unit": ("Đơn vị", "Unit"),
    "gap_score": ("Số người bị ảnh hưởng (điểm)", "People affected (score)"),
    "gap_reasons": ("Lý do", "Reasons"),
    "gap_indicators": ("Chỉ tiêu xét", "Indicators considered"),
    "gap_count": ("{n} đơn vị là vùng trống", "{n} units are gaps"),
    "not_a_gap": ("Không phải vùng trống", "Not a gap"),
    "no_gaps": ("Không có vùng trống với bộ lọc này.", "No gaps with these filters."),
    # compare
    "compare_mode": ("So sánh", "Compare"),
    "compare_periods": ("Hai kỳ", "Two periods"),
    "compare_indicators": ("Hai chỉ tiêu", "Two indicators"),
    "period_a": ("Kỳ trước", "Earlier period"),
    "indicator_b": ("Chỉ tiêu thứ hai", "Second indicator"),
    "change_map": ("Thay đổi", "Change"),
    "change_unit": ("điểm %", "points"),
    # data page
    "sources": ("Nguồn dữ liệu", "Data sources"),
    "metadata": ("Thông tin bộ dữ liệu", "Dataset metadata"),
    "join_report": ("Báo cáo ghép số liệu với ranh giới", "Join report"),
    "periods": ("Các kỳ", "Periods"),
    # the data officer's upload panel (dashboard/upload_panel.py)
    "upload.title": ("Cập nhật dữ liệu", "Update the data"),
    "upload.active": ("Đang dùng: phiên bản **{id}** (tải lên {created})", "In use: version **{id}** (uploaded {created})"),
    "upload.pinned": ("Ứng dụng đang được chỉ định dùng một thư mục dữ liệu cố định (COVERAGE_MAP_DATA): dữ liệu tải "
               "lên được lưu nhưng bản đồ chưa hiển thị.",
               "The app is pinned to a fixed data directory (COVERAGE_MAP_DATA): uploads are stored but not shown."),
    "upload.active_default": ("Đang dùng: dữ liệu có sẵn (chưa có bản tải lên nào)",
                       "In use: the embedded data (nothing uploaded yet)"),
    "upload.uploader": ("Chọn tệp ranh giới (.zip, .geojson, .gpkg, .parquet) hoặc số liệu (.xlsx, .csv)",
                 "Choose boundaries (.zip, .geojson, .gpkg, .parquet) or statistics (.xlsx, .csv)"),
    "upload.uploader_help": ("Tối đa {mb:.0f} MB mỗi tệp. Shapefile: nén cả .shp, .shx, .dbf, .prj, .cpg vào một tệp .zip.",
                      "Up to {mb:.0f} MB per file. Shapefile: zip .shp, .shx, .dbf, .prj, .cpg together."),
    "upload.who": ("Người tải lên", "Uploaded by"),
    "upload.level": ("Cấp của ranh giới", "Boundary level"),
    "upload.level_auto": ("Tự nhận biết", "Detect"),
    "upload.level_commune": ("Xã, phường, đặc khu", "Commune"),
    "upload.level_hamlet": ("Thôn, tổ dân phố", "Hamlet"),
    "upload.crs": ("Hệ tọa độ nếu tệp không có .prj (mã EPSG, ví dụ 3405 cho VN-2000 múi 48)",
            "Coordinate system if the file has no .prj (EPSG code, e.g. 3405 for VN-2000 zone 48)"),
    "upload.checking": ("Đang kiểm tra tệp…", "Checking the files…"),
    "upload.report": ("Kết quả kiểm tra", "Validation report"),
    "upload.usable": ("Tệp dùng được. Bấm **Áp dụng** để cập nhật bản đồ; dữ liệu đang dùng vẫn được giữ lại.",
               "The files are usable. Press **Apply** to update the map; the data in use is kept."),
    "upload.not_usable": ("Tệp chưa dùng được, dữ liệu đang dùng không thay đổi:", "Not usable; the data in use is unchanged:"),
    "upload.apply": ("Áp dụng", "Apply"),
    "upload.apply_failed": ("Không áp dụng được do lỗi của chương trình; dữ liệu đang dùng không thay đổi. Hãy báo cho "
                     "bộ phận kỹ thuật.", "Could not apply because of a program error; the data in use is "
                     "unchanged. Please tell the technical team."),
    "upload.applied": ("Đã áp dụng: phiên bản {id} đang được dùng.", "Applied: version {id} is now in use."),
    "upload.boundaries": ("Ranh giới", "Boundaries"),
    "upload.b_features": ("{n} đơn vị cấp {level}", "{n} {level} units"),
    "upload.b_crs": ("Hệ tọa độ: {crs}{reproj}", "Coordinate system: {crs}{reproj}"),
    "upload.b_reproj": (", đã chuyển sang WGS 84 (EPSG:4326)", ", converted to WGS 84 (EPSG:4326)"),
    "upload.b_fixed": ("{n} hình bị lỗi đã được sửa", "{n} invalid shapes repaired"),
    "upload.b_empty": ("{n} đơn vị không có hình", "{n} units without a shape"),
    "upload.b_encoding": ("Bảng mã chữ: {enc}", "Text encoding: {enc}"),
    "upload.stats": ("Số liệu", "Statistics"),
    "upload.s_rows": ("{n} dòng; kỳ: {periods}", "{n} rows; periods: {periods}"),
    "upload.s_columns": ("Cột nhận ra: {n}", "Columns recognised: {n}"),
    "upload.join": ("Ghép số liệu với đơn vị hành chính", "Joining figures to units"),
    "upload.j_code": ("Khớp theo mã", "Matched by code"),
    "upload.j_name": ("Khớp theo tên", "Matched by name"),
    "upload.j_legacy": ("Khớp qua danh mục trước 2025", "Matched via the pre-2025 register"),
    "upload.j_unmatched": ("Không khớp (sẽ không được nhập)", "Unmatched (will not be loaded)"),
    "upload.j_without": ("Đơn vị chưa có số liệu", "Units without figures"),
    "upload.j_unmatched_table": ("Các dòng không khớp và gợi ý (không tự ghép):",
                          "Unmatched rows and suggestions (never joined automatically):"),
    "upload.col_name": ("Tên trong tệp", "Name in the file"),
    "upload.col_suggestion": ("Gợi ý", "Suggestion"),
    "upload.problems": ("Lưu ý khi đọc tệp", "Notes from reading the files"),
    "upload.sample": ("Mấy dòng đầu sau khi ghép", "First rows after joining"),
    "upload.history": ("Lịch sử phiên bản", "Version history"),
    "upload.no_history": ("Chưa có phiên bản nào được tải lên.", "No version uploaded yet."),
    "upload.h_id": ("Phiên bản", "Version"), "upload.h_created": ("Thời gian (UTC)", "Time (UTC)"),
    "upload.h_who": ("Người tải", "Uploaded by"), "upload.h_files": ("Tệp gốc", "Source files"),
    "upload.h_matched": ("Dòng khớp", "Rows matched"), "upload.h_content": ("Nội dung", "Content"),
    "upload.c_boundaries": ("ranh giới {level} ({n})", "{level} boundaries ({n})"),
    "upload.c_stats": ("số liệu {level} {periods}", "{level} figures {periods}"), "upload.h_active": ("Đang dùng", "In use"),
    "upload.rollback": ("Quay lại phiên bản trước", "Roll back to the previous version"),
    "upload.rolled_back": ("Đã quay lại: {what} đang được dùng.", "Rolled back: {what} is in use."),
    "upload.default_data": ("dữ liệu có sẵn", "the embedded data"),
    "upload.use_version": ("Dùng phiên bản", "Use version"),
    "upload.use": ("Dùng phiên bản này", "Use this version"),
    "upload.templates": ("Mẫu nhập số liệu (Excel)", "Data entry templates (Excel)"),
    "upload.templates_help": ("Tiêu đề cột trong mẫu luôn được nhận ra khi tải lên.",
                       "The template's column headers are always recognised on upload."),
    "upload.tpl_commune": ("Tải mẫu cấp xã", "Download the commune template"),
    "upload.tpl_hamlet": ("Tải mẫu cấp thôn", "Download the hamlet template"),
}


def t(key: str, lang: str = DEFAULT_LANG, **values) -> str:
    """The label ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    vi, en = _LABELS[key]
    text = en if lang == "en" else vi
    return text.format(**values) if values else text


def has_label(key: str) -> bool:
    """Whether ``key`` has a label (for keys built from data, e.g. ``area_<column>``)."""
    return key in _LABELS
