"""Safe handling of uploaded files and zip archives (SPEC §11).

Uploads come from people, by e-mail, from communes: they may be huge, truncated, or hostile. Before anything is
read we check the upload size; a zip is inspected entry by entry *before* extraction (paths, symlinks, declared
sizes, compression ratio), then extracted by streaming with the caps enforced on the bytes actually written,
because a zip's declared sizes can lie. Only the file types the loaders read are extracted.

Every refusal is an :class:`UploadError`: a :class:`~loaders.errors.LoaderError` (one line, naming the file) in
Vietnamese and English (catalogue keys ``archive.*``).
"""

from __future__ import annotations

import errno
import re
import shutil
import stat
import struct
import unicodedata
import zlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from loaders.errors import LoaderError

MB = 1024 * 1024
#: The extensions the loaders read; anything else in a zip is skipped, never extracted.
KNOWN_EXTENSIONS = frozenset({
    ".shp", ".shx", ".dbf", ".prj", ".cpg", ".geojson", ".json", ".gpkg", ".parquet", ".csv", ".tsv", ".xlsx",
    ".xlsm",
})
_CHUNK = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")

class UploadError(LoaderError):
    """An upload refused for safety or size; its keys are the ``archive.*`` entries of the catalogue."""

    namespace = "archive"


@dataclass(frozen=True)
class ArchiveLimits:
    """Caps for one upload: its own size, its unpacked size, and the compression ratio of any zip entry."""

    max_upload_bytes: int = 100 * MB
    max_unpacked_bytes: int = 500 * MB
    max_ratio: float = 100.0
    max_entries: int = 1000

    @classmethod
    def from_settings(cls, settings=None) -> "ArchiveLimits":
        """The ``[upload]`` caps of a :class:`~loaders.settings.Settings` (loaded when not given)."""
        if settings is None:
            from loaders.settings import load_settings

            settings = load_settings()
        return cls(
            max_upload_bytes=int(settings["upload.max_upload_mb"] * MB),
            max_unpacked_bytes=int(settings["upload.max_unpacked_mb"] * MB),
            max_ratio=float(settings["upload.max_zip_ratio"]),
            max_entries=int(settings["limits.max_zip_entries"]),
        )


def check_upload_size(path: str | Path, limits: ArchiveLimits | None = None) -> int:
    """Refuse an empty upload or one over the cap; return its size in bytes."""
    limits = limits or ArchiveLimits.from_settings()
    size = Path(path).stat().st_size
    if size == 0:
        raise UploadError("empty", path)
    if size > limits.max_upload_bytes:
        raise UploadError("too_big", path, size_mb=size / MB, limit_mb=limits.max_upload_bytes / MB)
    return size


def check_bytes_size(name: str, size: int, limits: ArchiveLimits | None = None) -> None:
    """Same check as :func:`check_upload_size` for bytes still in memory (before they touch the disk)."""
    limits = limits or ArchiveLimits.from_settings()
    if size == 0:
        raise UploadError("empty", name)
    if size > limits.max_upload_bytes:
        raise UploadError("too_big", name, size_mb=size / MB, limit_mb=limits.max_upload_bytes / MB)


def is_zip(path: str | Path) -> bool:
    """True when the file is named .zip, or has no data extension and starts with a zip signature.

    Data extensions win: an .xlsx is a zip inside, and is read as a workbook.
    """
    path = Path(path)
    if path.suffix.lower() == ".zip":
        return True
    if path.suffix.lower() in KNOWN_EXTENSIONS:
        return False
    with open(path, "rb") as handle:
        return handle.read(4) in (b"PK\x03\x04", b"PK\x05\x06")


def safe_member_path(name: str) -> PurePosixPath | None:
    """The relative path an entry may be extracted to, or ``None`` when the name is unsafe.

    Unsafe: absolute (``/etc/x``, ``\\\\server\\x``), a drive letter (``C:x``) or any ``:``, any ``..`` part, or
    NUL bytes.
    Backslashes count as separators, as Windows zip tools write them.
    """
    if "\x00" in name:
        return None
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or _DRIVE.match(normalised):
        return None
    parts = [p for p in normalised.split("/") if p not in ("", ".")]
    # ":" anywhere: a drive ("./C:x" once "." is dropped) or a Windows alternate data stream ("a.shp:x")
    if not parts or any(p == ".." or ":" in p for p in parts):
        return None
    return PurePosixPath(*parts)


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return stat.S_ISLNK(mode)


def _wanted(path: PurePosixPath) -> bool:
    # macOS resource forks and hidden files are noise, never data
    if any(part.startswith(".") or part == "__MACOSX" for part in path.parts):
        return False
    return path.suffix.lower() in KNOWN_EXTENSIONS


_EOCD = struct.Struct("<4s4H2LH")        # end of central directory record
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")


def zip_entry_count(path: str | Path) -> int | None:
    """How many entries a zip's directory declares, read from its last bytes before anything is parsed.

    ``zipfile`` builds an object per entry when it opens an archive; a 100 MB zip of empty entries holds over a
    million of them. ``None`` when the end record is not found (the zip is then refused as corrupt later).
    """
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - (_EOCD.size + 65535)))
        tail = handle.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < _EOCD.size:
            return None
        entries = _EOCD.unpack_from(tail, at)[4]
        locator_at = at - _ZIP64_LOCATOR.size
        if entries == 0xFFFF and locator_at >= 0 and tail[locator_at:locator_at + 4] == b"PK\x06\x07":
            offset = _ZIP64_LOCATOR.unpack_from(tail, locator_at)[2]
            handle.seek(offset)
            record = handle.read(_ZIP64_EOCD.size)
            if len(record) == _ZIP64_EOCD.size and record[:4] == b"PK\x06\x06":
                entries = _ZIP64_EOCD.unpack(record)[6]
        return int(entries)


def _open_zip(zip_path: Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(zip_path)
        archive.infolist()
        return archive
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError,
            zlib.error):
        raise UploadError("bad_zip", zip_path) from None


def inspect_zip(zip_path: str | Path, limits: ArchiveLimits | None = None) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """Check a zip before extracting anything; return the entries to extract with their safe paths.

    Every entry is checked, including the ones that would be skipped: a hostile entry means the whole
    archive is refused rather than partly used.

    Raises
    ------
    UploadError
        Corrupt zip, unsafe path, symlink, encrypted entry, total unpacked size over the cap, an entry whose
        compression ratio exceeds the cap, or no readable file.
    """
    zip_path = Path(zip_path)
    limits = limits or ArchiveLimits.from_settings()
    size = check_upload_size(zip_path, limits)
    declared = zip_entry_count(zip_path)  # before zipfile builds an object per entry
    if declared is not None and declared > limits.max_entries:
        raise LoaderError("limits.too_many_entries", zip_path, entries=declared, limit=limits.max_entries)
    with _open_zip(zip_path) as archive:
        infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise LoaderError("limits.too_many_entries", zip_path, entries=len(infos), limit=limits.max_entries)
    wanted, total = [], 0
    for info in infos:
        target = safe_member_path(info.filename)
        if target is None:
            raise UploadError("unsafe_path", zip_path, entry=info.filename[:80])
        if _is_symlink(info):
            raise UploadError("symlink", zip_path, entry=info.filename[:80])
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise UploadError("encrypted", zip_path, entry=info.filename[:80])
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MB and ratio > limits.max_ratio:
            raise UploadError("ratio", zip_path, entry=info.filename[:80], ratio=ratio, limit=limits.max_ratio)
        total += info.file_size
        if total > limits.max_unpacked_bytes:
            raise UploadError("unpacked_too_big", zip_path, size_mb=total / MB,
                              limit_mb=limits.max_unpacked_bytes / MB)
        if _wanted(target):
            wanted.append((info, target))
    if total > 10 * MB and total / size > limits.max_ratio:  # many small entries that each pass the ratio check
        raise UploadError("total_ratio", zip_path, size_mb=total / MB, zip_mb=size / MB, ratio=total / size,
                          limit=limits.max_ratio)
    if not wanted:
        raise UploadError("no_known_files", zip_path)
    return wanted


def _copy_capped(source, handle, budget: int, declared: int, zip_path: Path, limits: ArchiveLimits) -> int:
    """Stream one entry; stop as soon as it outgrows its declared size or the remaining budget."""
    written = 0
    while True:
        chunk = source.read(_CHUNK)
        if not chunk:
            return written
        written += len(chunk)
        if written > declared or written > budget:
            # the header lied about the size: treat it as a bomb, whatever the ratio said
            raise UploadError("unpacked_too_big", zip_path, size_mb=written / MB,
                              limit_mb=limits.max_unpacked_bytes / MB)
        handle.write(chunk)


def safe_extract(zip_path: str | Path, dest_dir: str | Path, limits: ArchiveLimits | None = None) -> list[Path]:
    """Extract the readable files of a zip into ``dest_dir`` after :func:`inspect_zip`; return their paths.

    Parameters
    ----------
    zip_path : str or Path
        The uploaded zip (never modified).
    dest_dir : str or Path
        An empty directory for the extracted files (created if missing). On any error the files written so
        far are removed, so a refused archive leaves nothing behind.
    limits : ArchiveLimits, optional
        Defaults to the ``[upload]`` settings.

    Returns
    -------
    list of Path
        The extracted files, in archive order, each inside ``dest_dir``.
    """
    zip_path, dest_dir = Path(zip_path), Path(dest_dir)
    limits = limits or ArchiveLimits.from_settings()
    entries = inspect_zip(zip_path, limits)
    dest_dir.mkdir(parents=True, exist_ok=True)
    root = dest_dir.resolve()
    written: list[Path] = []
    budget = limits.max_unpacked_bytes
    try:
        with _open_zip(zip_path) as archive:
            for info, relative in entries:
                target = root.joinpath(*relative.parts)
                if root not in target.resolve().parents:  # belt and braces after safe_member_path
                    raise UploadError("unsafe_path", zip_path, entry=info.filename[:80])
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, open(target, "xb") as handle:
                    written.append(target)
                    budget -= _copy_capped(source, handle, budget, info.file_size, zip_path, limits)
    except UploadError:
        _remove(written)
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, zlib.error, RuntimeError) as error:
        _remove(written)
        if isinstance(error, FileExistsError):  # two entries with the same name after normalising
            raise UploadError("unsafe_path", zip_path, entry=str(Path(error.filename or "").name)) from None
        if isinstance(error, OSError) and error.errno in _DISK_FULL:
            raise UploadError("disk_full", zip_path) from None
        raise UploadError("bad_zip", zip_path) from None
    return written


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


# -- staging: uploaded files written to a private directory and sorted into boundaries and statistics --------------
BOUNDARY_EXTENSIONS = frozenset({".geojson", ".json", ".gpkg", ".parquet", ".shp"})
SHAPEFILE_COMPANIONS = frozenset({".shx", ".dbf", ".prj", ".cpg"})
STATS_EXTENSIONS = frozenset({".csv", ".tsv", ".xlsx", ".xlsm"})  # what loaders.grids reads
UPLOAD_EXTENSIONS = KNOWN_EXTENSIONS | {".zip"}
_UNSAFE_NAME_CHARS = re.compile(r"[^\w.\- ()]+")

@dataclass
class StagedUpload:
    """Uploaded files in a private directory, sorted: the files as received and what the loaders should read.

    Attributes
    ----------
    directory : Path
        The staging directory (inside the store, never the repository's ``data/``).
    sources : list of Path
        The files exactly as received (kept with the version when it is applied).
    boundaries : Path or None
        The one boundary file to read (a .shp, .geojson, .gpkg or .parquet; extracted from a zip if need be).
    stats : list of Path
        Statistics files (.csv, .xlsx).
    """

    directory: Path
    sources: list = field(default_factory=list)
    boundaries: Path | None = None
    stats: list = field(default_factory=list)

    def discard(self) -> None:
        """Remove the staging directory and everything in it."""
        shutil.rmtree(self.directory, ignore_errors=True)


#: Longest staged file name, in UTF-8 bytes (file systems allow 255; Vietnamese letters take 2-3 bytes each).
MAX_NAME_BYTES = 150


def safe_file_name(name: str) -> str:
    """A file name safe to create in the staging directory: the last path part, odd characters replaced, and at
    most :data:`MAX_NAME_BYTES` bytes with its extension kept (the extension says how the file is read)."""
    base = unicodedata.normalize("NFC", re.split(r"[\\/]", str(name))[-1]).strip()
    base = _UNSAFE_NAME_CHARS.sub("_", base).lstrip(".") or "upload"
    path = PurePosixPath(base)
    suffix = path.suffix if len(path.suffix.encode("utf-8")) <= 16 else ""
    stem = base[: len(base) - len(suffix)] if suffix else base
    budget = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    stem = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore").rstrip() or "upload"
    return stem + suffix


def _unique(directory: Path, name: str) -> Path:
    """``directory / name``, or ``name-2``, ``name-3`` … when two uploads carry the same name."""
    target = directory / name
    number = 1
    while target.exists():
        number += 1
        path = PurePosixPath(name)
        target = directory / f"{path.stem}-{number}{path.suffix}"
    return target


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def _write_source(item, received: Path, limits: ArchiveLimits) -> Path:
    try:
        if isinstance(item, (str, Path)):
            path = Path(item)
            check_upload_size(path, limits)
            target = _unique(received, safe_file_name(path.name))
            shutil.copyfile(path, target)
            return target
        name, data = item
        check_bytes_size(safe_file_name(name), len(data), limits)
        target = _unique(received, safe_file_name(name))
        target.write_bytes(data)
        return target
    except OSError as error:  # the server's disk, not the file: said as such, never a traceback
        name = item.name if isinstance(item, (str, Path)) else item[0]
        if error.errno in _DISK_FULL:
            raise UploadError("disk_full", safe_file_name(name)) from None
        raise UploadError("cannot_store", safe_file_name(name), detail=error.strerror or type(error).__name__) \
            from None


def stage_files(items, directory: str | Path, limits: ArchiveLimits | None = None) -> StagedUpload:
    """Write uploads into ``directory``, unzip zips safely, and sort what the loaders should read.

    Parameters
    ----------
    items : iterable of Path or (name, bytes)
        Files on disk, or names and contents as received by the app (``st.file_uploader``).
    directory : str or Path
        An empty private directory (see ``Store.staging_dir``); removed again on error.
    limits : ArchiveLimits, optional

    Raises
    ------
    UploadError
        A file over the size cap, an unknown type, an unsafe or broken zip, several boundary layers, or nothing
        usable at all.
    """
    limits = limits or ArchiveLimits.from_settings()
    staged = StagedUpload(directory=Path(directory))
    received = staged.directory / "received"
    received.mkdir(parents=True, exist_ok=True)
    try:
        readable = []
        for number, item in enumerate(items):
            source = _write_source(item, received, limits)
            staged.sources.append(source)
            if is_zip(source):
                readable += safe_extract(source, staged.directory / f"unzipped-{number}", limits)
            elif source.suffix.lower() in KNOWN_EXTENSIONS:
                readable.append(source)
            else:
                raise UploadError("unknown_type", source, ext=source.suffix or "\"\"")
        _sort(staged, readable)
    except BaseException:
        staged.discard()
        raise
    return staged


def _sort(staged: StagedUpload, readable: list[Path]) -> None:
    layers = [p for p in readable if p.suffix.lower() in BOUNDARY_EXTENSIONS]
    if len(layers) > 1:
        raise UploadError("several_boundaries", layers[0], names=", ".join(p.name for p in layers[:4]))
    staged.boundaries = layers[0] if layers else None
    staged.stats = [p for p in readable if p.suffix.lower() in STATS_EXTENSIONS]
    if staged.boundaries is None and not staged.stats:
        raise UploadError("nothing_usable", staged.sources[0] if staged.sources else None)
