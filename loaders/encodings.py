"""Legacy Vietnamese 8-bit text: TCVN3 (ABC), VNI Windows and cp1258, with detection (SPEC §7.2).

Shapefiles made before Unicode store their DBF attributes in the encoding of the *font* the author used:
TCVN3/ABC (``.VnTime``: one byte per lower-case letter with its marks) or VNI (``VNI-Times``: a base letter
followed by one mark byte). Neither is a Python codec, so both tables are written out here from the published
mappings (TCVN 5712:1993 VN3 and the VNI Windows font layout).

Detection decodes the raw bytes with every candidate and keeps the one whose words are most often valid
Vietnamese syllables; UTF-8 wins whenever it decodes strictly and means something.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

# ---------------------------------------------------------------------------------------------------------------
# TCVN3 (ABC): byte -> character for 0xA1..0xFF. Bytes below 0xA1 are ASCII. Upper-case letters with tones do not
# exist in the ABC fonts (authors switched to an upper-case font that draws the lower-case codes in capitals);
# the few capitals TCVN 5712 VN1 places in this range are decoded as such.
_TCVN3_HIGH = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ", 0xAF: "Ằ",
    0xB0: "\u0300", 0xB1: "\u0309", 0xB2: "\u0303", 0xB3: "\u0301", 0xB4: "\u0323",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ", 0xBA: "Ẳ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xBF: "Ẵ",
    0xC0: "Ắ", 0xC1: "Ầ", 0xC2: "Ẩ", 0xC3: "Ẫ", 0xC4: "Ấ", 0xC5: "Ề",
    0xC6: "ặ", 0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCD: "Ể", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE0: "Ổ", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF0: "Ỗ", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ", 0xFF: "Ố",
}

# ---------------------------------------------------------------------------------------------------------------
# VNI Windows. Letters that are a single byte of their own (lower case; the upper-case byte is 0x20 lower):
_VNI_LETTERS = {
    0xF4: "ơ", 0xF6: "ư", 0xF1: "đ",
    0xED: "í", 0xEC: "ì", 0xE6: "ỉ", 0xF3: "ĩ", 0xF2: "ị", 0xEE: "ỵ",
}
# Mark bytes that follow a base vowel, as combining characters (lower-case byte; upper-case is 0x20 lower).
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
_VNI_TONES = {0xF9: _ACUTE, 0xF8: _GRAVE, 0xFB: _HOOK, 0xF5: _TILDE, 0xEF: _DOT}
_VNI_CIRCUMFLEX = {  # on a, e, o
    0xE2: "", 0xE1: _ACUTE, 0xE0: _GRAVE, 0xE5: _HOOK, 0xE3: _TILDE, 0xE4: _DOT,
}
_VNI_BREVE = {  # on a only
    0xEA: "", 0xE9: _ACUTE, 0xE8: _GRAVE, 0xFA: _HOOK, 0xFC: _TILDE, 0xEB: _DOT,
}


def _both_cases(table: dict[int, str], upper=lambda s: s.upper()) -> dict[int, str]:
    doubled = dict(table)
    doubled.update({byte - 0x20: upper(text) for byte, text in table.items()})
    return doubled


_VNI_LETTERS_ALL = _both_cases(_VNI_LETTERS)
_VNI_TONES_ALL = _both_cases(_VNI_TONES, upper=lambda s: s)
_VNI_CIRCUMFLEX_ALL = _both_cases(_VNI_CIRCUMFLEX, upper=lambda s: s)
_VNI_BREVE_ALL = _both_cases(_VNI_BREVE, upper=lambda s: s)
_TONE_TAKERS = set("aeiouyAEIOUYơưƠƯ")


#: TCVN3 as a charmap table: one character per byte, decoded at C speed (a CSV may have millions of bytes).
_TCVN3_TABLE = "".join(_TCVN3_HIGH.get(b, chr(b)) for b in range(256))


def decode_tcvn3(raw: bytes) -> str:
    """Decode TCVN3 (ABC) bytes to NFC text."""
    text, _ = codecs.charmap_decode(raw, "strict", _TCVN3_TABLE)
    return unicodedata.normalize("NFC", text)


def decode_vni(raw: bytes) -> str:
    """Decode VNI Windows bytes to NFC text (a base letter followed by its mark byte)."""
    out: list[str] = []
    base = ""  # the last base letter written, without marks: decides whether a byte is a mark
    for b in raw:
        if b in _VNI_LETTERS_ALL:
            out.append(_VNI_LETTERS_ALL[b])
            base = _VNI_LETTERS_ALL[b]
        elif base.lower() in ("a", "e", "o") and b in _VNI_CIRCUMFLEX_ALL:
            out.append(_CIRCUMFLEX + _VNI_CIRCUMFLEX_ALL[b])
            base = ""
        elif base.lower() == "a" and b in _VNI_BREVE_ALL:
            out.append(_BREVE + _VNI_BREVE_ALL[b])
            base = ""
        elif base and base in _TONE_TAKERS and b in _VNI_TONES_ALL:
            out.append(_VNI_TONES_ALL[b])
            base = ""
        else:
            out.append(chr(b))
            base = chr(b)
    return unicodedata.normalize("NFC", "".join(out))


def decode_cp1258(raw: bytes) -> str:
    """Decode Windows-1258 (tones as separate combining bytes) to NFC text."""
    return unicodedata.normalize("NFC", raw.decode("cp1258", errors="replace"))


def decode_utf8(raw: bytes) -> str:
    """Decode UTF-8 to NFC text; bytes that are not UTF-8 become U+FFFD (counted by the callers)."""
    return unicodedata.normalize("NFC", raw.decode("utf-8", errors="replace"))


#: Candidate encodings, in the order preferred when two score the same.
DECODERS = {"UTF-8": decode_utf8, "cp1258": decode_cp1258, "TCVN3": decode_tcvn3, "VNI": decode_vni}

# ---------------------------------------------------------------------------------------------------------------
# Detection: a Vietnamese syllable is onset + vowel nucleus + coda, with at most one tone mark.
_ONSET = "(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
#: Vowel groups Vietnamese spells (tone marks removed); anything else is not a syllable.
_NUCLEI = (
    "iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê "
    "a ă â e ê i o ô ơ u ư y"
).split()
_NUCLEUS = "(" + "|".join(_NUCLEI) + ")"
_CODA = "(ch|ng|nh|[cmnpt])?"
_SYLLABLE = re.compile(f"^{_ONSET}{_NUCLEUS}{_CODA}$")
_TONES = set("\u0300\u0301\u0303\u0309\u0323")
_WORD = re.compile(r"\S+")


def is_vietnamese_syllable(word: str) -> bool:
    """True when ``word`` (any case, any Unicode form) is spelled like a Vietnamese syllable."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONES)
    letters = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return tones <= 1 and bool(_SYLLABLE.match(letters))


def plausibility(text: str) -> tuple[int, int]:
    """Score decoded text: (non-ASCII words that are valid syllables, non-ASCII words that are not).

    Only words with non-ASCII characters count: ASCII words read the same in every candidate encoding.
    """
    good = bad = 0
    for word in _WORD.findall(text):
        word = word.strip(".,;:()-/\"'")
        if not word or word.isascii():
            continue
        if is_vietnamese_syllable(word):
            good += 1
        else:
            bad += 1
    return good, bad


def detect_encoding(samples: list[bytes]) -> str:
    """Name the encoding (a key of :data:`DECODERS`) that makes the most sense of these byte strings.

    Parameters
    ----------
    samples : list of bytes
        Raw attribute values (e.g. every text cell of a DBF).

    Returns
    -------
    str
        ``"UTF-8"`` when every sample decodes as UTF-8 (also for pure ASCII), else the legacy candidate with the
        highest share of valid syllables.
    """
    joined = b"\n".join(samples)
    try:
        joined.decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        pass
    best, best_score = "cp1258", None
    for name, decode in DECODERS.items():
        if name == "UTF-8":
            continue
        good, bad = plausibility(decode(joined))
        score = (good - 2 * bad, good)
        if best_score is None or score > best_score:
            best, best_score = name, score
    return best


def decode(raw: bytes, encoding: str) -> str:
    """Decode bytes with one of :data:`DECODERS` (or any Python codec name), returning NFC text."""
    if encoding in DECODERS:
        return DECODERS[encoding](raw)
    try:
        return unicodedata.normalize("NFC", raw.decode(encoding, errors="replace"))
    except (LookupError, UnicodeError, TypeError):  # a codec that cannot decode any bytes: keep the bytes' text
        return unicodedata.normalize("NFC", raw.decode("latin-1"))


def decode_text_file(raw: bytes) -> tuple[str, str]:
    """Decode a whole text file (CSV): UTF-8 with or without BOM, UTF-16 with BOM, else cp1258 / TCVN3 / VNI.

    Returns the NFC text and the encoding used.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return unicodedata.normalize("NFC", raw[3:].decode("utf-8", errors="replace")), "UTF-8 (BOM)"
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return unicodedata.normalize("NFC", raw.decode("utf-32", errors="replace")), "UTF-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # a file cut short may end in half a character
        return unicodedata.normalize("NFC", raw.decode("utf-16", errors="replace")), "UTF-16"
    encoding = detect_encoding(raw.splitlines())
    return decode(raw, encoding), encoding


def redecode_latin1_columns(frame, encoding: str | None = None) -> tuple[str, int]:
    """Re-decode a DataFrame's text columns that were read as ISO-8859-1 (i.e. raw bytes), in place.

    With ``encoding=None`` the encoding is detected over every text cell at once (one name is too little to
    tell TCVN3 from VNI). Returns the encoding used (a key of :data:`DECODERS` or a Python codec name) and how
    many cells held bytes that encoding cannot decode (a .cpg that names the wrong encoding).
    """
    text_columns = [c for c in frame.columns if c != "geometry"
                    and any(isinstance(v, str) for v in frame[c].head(1000))]
    if encoding is None:
        samples = [v.encode("latin-1") for c in text_columns for v in frame[c] if isinstance(v, str)]
        encoding = detect_encoding(samples)
    undecodable = 0
    for column in text_columns:
        decoded = frame[column].map(lambda v: decode(v.encode("latin-1"), encoding) if isinstance(v, str) else v)
        undecodable += int(sum(1 for v in decoded if isinstance(v, str) and "\ufffd" in v))
        frame[column] = decoded.astype(object)
    return encoding, undecodable


def codec_for_cpg(declared: str) -> str | None:
    """The decoder for what a shapefile's .cpg says (``"1258"``, ``"ANSI 1258"``, ``"UTF-8"``, ``"TCVN3"``...).

    Returns a key of :data:`DECODERS` or a Python codec name, or ``None`` when the .cpg names nothing known.
    """
    text = declared.strip().upper().replace("ANSI", "").replace("CP", "").replace("WINDOWS-", "").strip()
    legacy = {"TCVN3": "TCVN3", "ABC": "TCVN3", "TCVN": "TCVN3", "VNI": "VNI", "1258": "cp1258",
              "65001": "UTF-8", "UTF-8": "UTF-8", "UTF8": "UTF-8"}
    if text in legacy:
        return legacy[text]
    candidate = f"cp{text}" if text.isdigit() else declared.strip()
    try:
        name = codecs.lookup(candidate).name
        # only a codec that turns any byte string into text will do: "base64", "rot13", "idna" or "undefined"
        # are codecs too, and a hostile .cpg may name them
        if not isinstance(bytes(range(256)).decode(name, errors="replace"), str):
            return None
    except (LookupError, UnicodeError, TypeError, ValueError):
        return None
    return name


def legacy_font_encoding(texts) -> str | None:
    """Name the legacy font encoding of Unicode text typed with a TCVN3 or VNI font (``"B¶o Th¾ng"``), if any.

    Excel files from provincial offices often hold text typed in ``.VnTime`` or ``VNI-Times``: each byte of the
    font encoding stored as the Latin-1 character of the same number. Returns ``"TCVN3"`` or ``"VNI"`` when no
    text uses a character beyond Latin-1 (real Vietnamese Unicode always does) and decoding reads better;
    ``None`` otherwise.
    """
    texts = [t for t in texts if isinstance(t, str) and not t.isascii()]
    if not texts or any(ord(ch) > 0xFF for t in texts for ch in t):
        return None
    raw = b"\n".join(t.encode("latin-1") for t in texts)
    good, bad = plausibility("\n".join(texts))
    best, best_score = None, good - 2 * bad
    for name in ("TCVN3", "VNI"):
        decoded_good, decoded_bad = plausibility(DECODERS[name](raw))
        if decoded_good - 2 * decoded_bad > best_score:
            best, best_score = name, decoded_good - 2 * decoded_bad
    return best
