"""What a column header means, tolerant by construction (SPEC §7.8, §7.10).

A header is read as a *bag of concepts*, not as a string to look up: its text (or the texts of a two- or
three-row merged header, group first) is lowered, stripped of diacritics, split into words (camelCase, glued
shapefile names such as ``MAXA`` or ``DS15TUOI`` and letter/digit runs are split too), and the longest known
phrases are turned into concept symbols (``xã`` → commune, ``điện thoại thông minh`` → smartphone,
``tỷ lệ``/``%`` → share, ...). A canonical column is then the most specific rule whose required concepts are all
present and whose forbidden ones are absent. Word order, separators (``,`` ``/`` ``-`` ``;`` line breaks),
unit-type lists in any order ("xã/phường/thị trấn", "phường, xã"), abbreviations, case, diacritics and the
language do not matter, and a group ("Điện thoại thông minh") with its sub-header ("Số người sử dụng") reads
as one meaning.

Identity headers that say only "code" or "unit" without a level (``ID_2``, ``Mã``, ``Đơn vị``) come back as
``unit_code`` / ``unit_name``; :mod:`loaders.column_values` settles them, and columns no header explains, by
their values.
"""

from __future__ import annotations

import re
from functools import lru_cache

from loaders.text import is_missing, nfc, strip_diacritics

#: Concept symbol → the phrases (ASCII, lower case, words separated by spaces) that carry it.
LEXICON: dict[str, tuple[str, ...]] = {
    # -- levels of administrative units
    "P": ("tinh", "tinh thanh", "tinh thanh pho", "province", "provinces", "prov", "thanh pho truc thuoc trung uong",
          "tinh tp", "provincial"),
    "CITY": ("thanh pho", "tp"),
    "D": ("huyen", "quan", "thi xa", "district", "districts", "dist", "qh", "quan huyen", "county"),
    "C": ("xa", "phuong", "thi tran", "dac khu", "commune", "communes", "ward", "wards", "px", "phuong xa",
          "xa phuong", "tt", "town", "township"),
    "H": ("thon", "ban", "ap", "xom", "buon", "plei", "lang", "to dan pho", "tdp", "khu pho", "kp", "tieu khu",
          "khoi", "khom", "hamlet", "village", "khu dan cu", "kdc", "thon ban", "ban lang", "soc"),
    "HS": ("hamlets", "villages"),                    # English plurals: a number of hamlets
    "LEVEL_C": ("cap xa",),                           # "teams at commune level"
    "LEVEL_H": ("cap thon",),
    "UNIT": ("don vi hanh chinh", "dvhc", "don vi", "dia ban", "dia phuong", "unit", "units", "admin",
             "administrative unit", "location", "adm"),
    "CODE": ("ma", "code", "codes", "id", "ma so", "so hieu", "ma dinh danh", "gid", "ma dvhc", "pcode"),
    "NAME": ("ten", "name", "names", "ten goi", "ten don vi", "varname", "label"),
    "TYPE": ("loai", "type", "kieu", "phan loai", "loai hinh", "cap", "engtype"),
    "ORDER": ("stt", "so tt", "so thu tu", "thu tu", "no", "order"),
    "NOTE": ("ghi chu", "note", "notes", "chu thich", "remark", "remarks", "comment"),
    "PERSON_NAME": ("ho ten", "ho va ten", "nguoi lap", "nguoi ky"),
    # -- teams
    "TO": ("to", "team", "teams", "to cong tac", "tcnscd", "tcns"),
    "CNSCD": ("cnscd", "cong nghe so cong dong", "cong nghe so", "cns", "cnsc", "tcnscd", "tcns",
              "digital technology", "community digital", "cong dong"),
    "TEAMS": ("teams",),
    "MEMBER": ("thanh vien", "member", "members", "to vien", "tv"),
    "WITH": ("co", "da co", "da thanh lap", "thanh lap", "with", "having", "has", "duoc thanh lap", "covered"),
    "WITHOUT": ("chua co", "khong co", "chua thanh lap", "without", "chua"),
    # -- counting words
    "COUNT": ("so", "so luong", "sl", "number", "count", "num", "luot", "number of", "so cac", "tong so"),
    "TOTAL": ("tong", "tong so", "tong cong", "total", "all", "cong chung"),
    "SUBSET": ("trong do", "trong so do", "of which", "nu", "female", "women"),
    # -- population
    "POP": ("dan so", "so dan", "nhan khau", "population", "pop", "ds", "so nhan khau"),
    "AGE15": ("15 tuoi", "tu 15 tuoi", "tren 15 tuoi", "15 tuoi tro len", "15 plus", "15plus", "truong thanh",
              "adult", "adults", "tu 15", "tren 15", "15 tro len", "15 tuoi tro len"),
    "HOUSEHOLD": ("ho", "ho gia dinh", "household", "households", "hgd", "hh", "so ho"),
    "POOR": ("ho ngheo", "can ngheo", "ho kinh doanh", "poor"),
    "PERSON": ("nguoi", "people", "persons", "person", "nguoi dan", "cong dan", "user", "users", "ca nhan",
               "luot nguoi", "adopters"),
    "GUIDED": ("huong dan", "ho tro", "tham", "den tan nha", "visited", "visit", "visits", "guided", "tiep can",
               "tan nha"),
    "TRAINED": ("tap huan", "dao tao", "boi duong", "trained", "training", "pho cap", "hoc"),
    # -- adoption
    "SMARTPHONE": ("dien thoai thong minh", "dien thoai di dong thong minh", "dtdd thong minh", "dttm",
                   "smartphone", "smartphones", "smart phone", "smart phones"),
    "PHONE": ("dien thoai", "phone", "dtdd", "dien thoai di dong"),
    "SMART": ("thong minh", "smart"),
    "USE": ("su dung", "dung", "use", "using"),
    "VNEID": ("vneid", "vn eid", "dinh danh dien tu", "dinh danh", "dddt", "tai khoan dinh danh", "eid",
              "digital id", "e id", "dinh danh so"),
    "LEVEL1": ("muc 1", "muc do 1", "level 1", "muc i", "muc do i", "lv1"),
    "LEVEL2": ("muc 2", "muc do 2", "level 2", "muc ii", "muc do ii", "lv2", "level2", "muc2"),
    "CASHLESS": ("thanh toan khong dung tien mat", "khong dung tien mat", "ttkdtm", "tai khoan thanh toan",
                 "tai khoan ngan hang", "mobile money", "vi dien tu", "cashless", "bank account", "bank accounts",
                 "ngan hang", "thanh toan dien tu", "thanh toan so", "tai khoan giao dich thanh toan", "e wallet",
                 "ewallet", "mobile banking", "mobile money", "thanh toan", "payment", "payments"),
    "DOSSIER": ("ho so", "dossier", "dossiers", "thu tuc", "tthc", "thu tuc hanh chinh", "applications",
                "application"),
    "ONLINE": ("truc tuyen", "online", "dvctt", "dich vu cong truc tuyen", "toan trinh", "qua mang"),
    "SKILLS": ("ky nang so", "ky nang", "digital skills", "skills", "kns", "ky nang so co ban", "skill"),
    "BASIC": ("co ban", "basic"),
    "SHARE": ("ty le", "ti le", "pct", "phan tram", "share", "rate", "percent", "percentage", "ratio", "tl"),
    # -- periods
    "PERIOD": ("ky bao cao", "ky", "thoi gian", "thoi diem", "period", "thoi ky", "ky so lieu"),
    "YEAR": ("nam", "year"),
    "QUARTER": ("quy", "quarter"),
    "MONTH": ("thang", "month"),
    # -- area and area classes
    "AREA": ("dien tich", "area", "km2", "area km2", "dien tich tu nhien"),
    "MOUNTAIN": ("mien nui", "vung cao", "mountain", "mountainous", "vung nui"),
    "ISLAND": ("hai dao", "dao", "island", "islands"),
    "BORDER": ("bien gioi", "border"),
    "ETHNIC": ("dan toc thieu so", "dtts", "ethnic", "khu vuc", "vung dtts", "ethnic region"),
    "EXDIFF": ("dac biet kho khan", "dbkk", "kho khan", "extremely difficult", "difficult"),
    # -- phrases consumed so that a word inside them is not read alone ("xã hội" is not a commune)
    "OTHER": ("xa hoi", "quan ly", "co so", "co quan", "ap dung", "chi dao", "ban chi dao", "ban hanh",
              "tham gia", "to chuc", "quan tam", "dan toc", "di dong", "dich vu", "cong tac", "bao cao",
              "ke hoach", "chuyen doi so", "so hoa", "doanh nghiep", "thuong mai dien tu", "hop tac xa",
              "thoi diem bao cao", "tien do", "thuc hien", "nguoi lap bieu", "ky ten"),
}

#: Identity and measure rules: (canonical, required groups (each: any one symbol), forbidden symbols).
_IDENTITY = ("P", "CITY", "D", "C", "H", "UNIT")
_MEASURES = frozenset({"TO", "CNSCD", "MEMBER", "POP", "AGE15", "HOUSEHOLD", "SMARTPHONE", "PHONE", "VNEID",
                       "CASHLESS", "DOSSIER", "ONLINE", "SKILLS", "SHARE", "COUNT", "TOTAL", "GUIDED", "TRAINED",
                       "AREA", "MOUNTAIN", "ISLAND", "BORDER", "ETHNIC", "EXDIFF", "PERIOD", "YEAR", "QUARTER",
                       "MONTH", "HS", "TEAMS", "PERSON", "SUBSET", "NOTE", "PERSON_NAME", "ORDER", "WITH"})
_NOT_A_COUNT = frozenset({"SHARE", "SUBSET", "NOTE", "PERSON_NAME"})
_ADOPTION = frozenset({"SMARTPHONE", "VNEID", "CASHLESS", "ONLINE", "SKILLS", "DOSSIER"})

RULES: tuple[tuple[str, tuple[frozenset, ...], frozenset], ...] = tuple(
    (canonical, tuple(frozenset(group.split("|")) for group in required.split()), frozenset(forbidden.split()))
    for canonical, required, forbidden in (
        # shares first: a share header also names its numerator
        ("team_presence", "H|HS TO|CNSCD SHARE", "SUBSET"),
        ("smartphone_share", "SMARTPHONE|SMART SHARE", "HOUSEHOLD SUBSET"),
        ("vneid_share", "VNEID SHARE", "LEVEL1 SUBSET"),
        ("cashless_share", "CASHLESS SHARE", "SUBSET"),
        ("online_service_share", "ONLINE SHARE", "SUBSET"),
        ("digital_skills_share", "SKILLS SHARE", "SUBSET"),
        # team counts
        ("hamlets_with_team", "H TO|CNSCD WITH", "SHARE WITHOUT MEMBER PERSON HOUSEHOLD SUBSET"),
        ("hamlets_with_team", "HS TO|TEAMS WITH", "SHARE WITHOUT MEMBER SUBSET"),
        ("team_members", "MEMBER", "SHARE SUBSET PERSON_NAME") ,
        ("households_visited", "HOUSEHOLD GUIDED|TRAINED", "SHARE SUBSET POOR"),
        ("people_trained", "PERSON TRAINED|GUIDED", "HOUSEHOLD SHARE SUBSET SMARTPHONE VNEID CASHLESS SKILLS"),
        ("people_trained", "TRAINED", "HOUSEHOLD SHARE SUBSET SMARTPHONE VNEID CASHLESS SKILLS TO"),
        ("hamlets", "H COUNT|TOTAL", "WITH WITHOUT SHARE MEMBER PERSON HOUSEHOLD POP SUBSET LEVEL_H CNSCD"),
        ("hamlets", "HS", "WITH WITHOUT SHARE MEMBER SUBSET"),
        ("teams", "TO COUNT|CNSCD|TOTAL|TEAMS", "H HS MEMBER PERSON HOUSEHOLD SHARE SUBSET"),
        ("teams", "TO LEVEL_H", "MEMBER WITH PERSON HOUSEHOLD SHARE SUBSET"),
        # population
        ("population_15plus", "AGE15", "SHARE SUBSET SMARTPHONE VNEID CASHLESS SKILLS ONLINE"),
        ("population", "POP", "AGE15 SHARE SUBSET SMARTPHONE VNEID CASHLESS SKILLS"),
        ("households", "HOUSEHOLD", "GUIDED TRAINED SHARE SUBSET SMARTPHONE VNEID CASHLESS ONLINE SKILLS POOR WITH"),
        # adoption counts
        ("smartphone_users", "SMARTPHONE", "SHARE HOUSEHOLD SUBSET"),
        ("smartphone_users", "PHONE SMART", "SHARE HOUSEHOLD SUBSET"),
        ("vneid_level2", "VNEID", "SHARE LEVEL1 SUBSET"),
        ("cashless_users", "CASHLESS", "SHARE SUBSET"),
        ("online_dossiers", "DOSSIER ONLINE", "SHARE SUBSET"),
        ("online_dossiers", "ONLINE", "SHARE SUBSET SMARTPHONE VNEID CASHLESS SKILLS"),
        ("total_dossiers", "DOSSIER", "ONLINE SHARE SUBSET"),
        ("digital_skills", "SKILLS", "SHARE SUBSET"),
        ("area_km2", "AREA", "SHARE"),
        # area classes
        ("is_mountainous", "MOUNTAIN", "SHARE"),
        ("is_island", "ISLAND", "SHARE"),
        ("is_border", "BORDER", "SHARE"),
        ("is_extremely_difficult", "EXDIFF", "SHARE"),
        ("ethnic_region", "ETHNIC", "SHARE"),
        # periods
        ("period", "PERIOD", "POP HOUSEHOLD TO MEMBER SHARE"),
        ("quarter", "QUARTER", "POP HOUSEHOLD TO MEMBER SHARE"),
        ("month", "MONTH", "POP HOUSEHOLD TO MEMBER SHARE"),
        ("year", "YEAR", "POP HOUSEHOLD TO MEMBER SHARE"),
    ))

#: Canonical column names (SPEC §2), recognised as they are.
CANONICAL_NAMES = frozenset({canonical for canonical, _, _ in RULES} | {
    "province_code", "province_name", "district_code", "district_name", "commune_code", "commune_name",
    "commune_type", "hamlet_id", "hamlet_name", "hamlet_type"})

#: Identity column of each level: (code, name, type).
_LEVEL_COLUMNS = {
    "province": ("province_code", "province_name", None),
    "district": ("district_code", "district_name", None),
    "commune": ("commune_code", "commune_name", "commune_type"),
    "hamlet": ("hamlet_id", "hamlet_name", "hamlet_type"),
    "unit": ("unit_code", "unit_name", "commune_type"),
}

_CAMEL = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z])")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_PHRASES = {tuple(phrase.split()): symbol for symbol, phrases in LEXICON.items() for phrase in phrases}
_VOCABULARY = frozenset(word for words in _PHRASES for word in words if len(word) > 1)
#: Phrases carrying two concepts at once.
_BOTH = {("tcnscd",): ("TO", "CNSCD"), ("tcns",): ("TO", "CNSCD"), ("teams",): ("TO", "TEAMS"),
         ("tong", "so"): ("COUNT", "TOTAL"), ("so", "ho"): ("COUNT", "HOUSEHOLD"),
         ("hamlets",): ("HS", "COUNT"), ("villages",): ("HS", "COUNT"), ("households",): ("HOUSEHOLD", "COUNT"),
         ("so", "ho", "so"): ("COUNT", "DOSSIER"), ("tong", "so", "ho", "so"): ("COUNT", "TOTAL", "DOSSIER")}


_LONGEST = max(len(words) for words in (*_PHRASES, *_BOTH))


#: First words of glued field names (``MAXA``, ``TENHUYEN``, ``SOTOCNS``): only words starting with one of them
#: are split, so an unknown word such as ``bando`` (bản đồ, a map) is not read as ``ban do``.
_GLUED_STARTS = ("ma", "ten", "so", "loai", "sl", "tl", "ty", "ds", "id", "xa", "phuong", "tinh", "huyen", "thon",
                 "dan", "tong", "to", "tv", "ho", "dien", "quan", "dvhc")


def _segment(word: str) -> list[str]:
    """Split a glued field name into known words (``maxa`` → ``ma xa``); the word itself when it cannot."""
    if word in _VOCABULARY or len(word) < 4 or word.isdigit() or not word.startswith(_GLUED_STARTS):
        return [word]
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 12), end):
            piece = word[start:end]
            if best[start] is not None and (piece in _VOCABULARY or piece.isdigit()):
                candidate = best[start] + [piece]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[-1] or [word]


@lru_cache(maxsize=8192)
def header_words(text: str) -> tuple[str, ...]:
    """The words of a header: ASCII, lower case, camelCase and glued names split (``wardCode`` → ward code)."""
    text = _CAMEL.sub(" ", nfc(text))
    text = strip_diacritics(text).lower().replace("%", " pct ").replace("²", "2")
    text = re.sub(r"15\s*\+", " 15 tuoi tro len ", text)
    text = _LETTER_DIGIT.sub(" ", text)
    words = []
    for word in _NOT_WORD.split(text):
        if word:
            words.extend(_segment(word))
    return tuple(words)


@lru_cache(maxsize=8192)
def header_symbols(text: str) -> frozenset[str]:
    """The concepts a header text carries, longest phrases first (``tổ dân phố`` is a hamlet, not a team)."""
    words, symbols, i = header_words(text), set(), 0
    while i < len(words):
        for size in range(min(_LONGEST, len(words) - i), 0, -1):
            phrase = words[i:i + size]
            if phrase in _BOTH:
                symbols.update(_BOTH[phrase])
                break
            if phrase in _PHRASES:
                symbols.add(_PHRASES[phrase])
                break
        else:
            size = 1
        i += size
    symbols.discard("OTHER")
    return frozenset(symbols)


def _level(symbols: frozenset[str]) -> str | None:
    if symbols & {"H", "HS"}:
        return "hamlet"
    if "C" in symbols:
        return "commune"
    if "D" in symbols:
        return "district"
    if symbols & {"P", "CITY"}:
        return "province"
    if "UNIT" in symbols:
        return "unit"
    return None


def _identity(symbols: frozenset[str]) -> str | None:
    """``commune_code``, ``hamlet_name``, ``unit_code``... when the header names a unit rather than a figure."""
    if symbols & (_MEASURES - {"ORDER"}) - {"WITH"} or "PERSON_NAME" in symbols:
        return None
    if symbols == {"ORDER"} or symbols == {"NOTE"}:
        return None
    level = _level(symbols)
    code_column, name_column, type_column = _LEVEL_COLUMNS.get(level or "unit")
    if "TYPE" in symbols:
        return type_column if level in (None, "unit", "commune", "hamlet") else None
    if "CODE" in symbols:
        return code_column
    if level is not None and not symbols & {"ORDER", "WITH"}:
        return name_column
    if symbols == {"NAME"}:
        return "unit_name"
    return None


def _rank_rules(symbols: frozenset[str], lowest: frozenset[str]) -> str | None:
    """The most specific rule met by ``symbols``; concepts the sub-header itself carries count first."""
    best = None
    for order, (canonical, required, forbidden) in enumerate(RULES):
        if symbols & forbidden or not all(symbols & group for group in required):
            continue
        rank = (sum(1 for group in required if lowest & group), len(required), -order)
        if best is None or rank > best[0]:
            best = (rank, canonical)
    return None if best is None else best[1]


def meaning(*texts) -> str | None:
    """The canonical column a header means, or ``None``.

    Parameters
    ----------
    *texts
        The header's text, or the texts of a merged multi-row header from the group down to the sub-header
        (empty cells and repeats of a merged cell are ignored). The sub-header is the more specific: under the
        group "Dân số", "Số hộ" is the number of households, and "Tên xã" stays the commune's name whatever
        title spans it.

    Examples
    --------
    >>> meaning("Tên phường, xã, thị trấn"), meaning("Điện thoại thông minh", "Số người sử dụng")
    ('commune_name', 'smartphone_users')
    """
    parts = []
    for text in texts:
        if is_missing(text) or not str(text).strip():
            continue
        if not parts or nfc(str(text)) != parts[-1]:
            parts.append(nfc(str(text)))
    if not parts:
        return None
    if len(parts) == 1 and is_note_header(parts[0]):
        return None
    if len(parts) == 1 and parts[0].strip().lower() in CANONICAL_NAMES:
        return parts[0].strip().lower()  # our own column names, as our templates and exports write them
    lowest = header_symbols(parts[-1])
    symbols = frozenset().union(*(header_symbols(part) for part in parts))
    if not symbols:
        return None
    if len(parts) > 1 and _identity(lowest) and not _rank_rules(lowest, lowest):
        own, joined = _identity(lowest), _identity(symbols)
        # "Xã, phường" over "Tên" is the commune's name; a title over "Tên xã" does not change it
        if own.startswith("unit_") and joined and joined.split("_")[-1] == own.split("_")[-1]:
            return joined
        return own
    return _rank_rules(symbols, lowest) or _identity(symbols)


def is_total_header(*texts) -> bool:
    """True when a header speaks of a total ("Tổng số", "Total"): preferred when two columns mean the same."""
    return any("TOTAL" in header_symbols(nfc(str(t))) for t in texts if not is_missing(t))


def is_note_header(text) -> bool:
    """Headers that only number the rows or carry notes (STT, TT, Ghi chú)."""
    if is_missing(text):
        return False
    if header_words(nfc(str(text))) in (("tt",), ("no",), ("stt",)):
        return True
    symbols = header_symbols(nfc(str(text)))
    return bool(symbols) and symbols <= {"ORDER", "NOTE", "COUNT"} and bool(symbols & {"ORDER", "NOTE"})
