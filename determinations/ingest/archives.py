"""Zip archives read within limits, trusting nothing an archive says about itself
(docs/ingest.md, "Archives"). `sources` lists archives with these; this module knows zips,
not letters."""

from __future__ import annotations

import bisect
import os
import struct
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

COPY_CHUNK = 1024 * 1024
SPOOL_IN_MEMORY = 4 * 1024 * 1024  # a longer nested archive is spooled to a temporary file
RATIO_FLOOR = 1024 * 1024  # a member no longer than this is never refused for its ratio
_ENTRY = struct.Struct("<4s4xH18xHHH12x")  # a central directory entry (APPNOTE 4.3.12)
_ENTRY_SIGNATURE = b"PK\x01\x02"
_UTF8_NAME = 1 << 11  # general purpose flag bit 11: the name is UTF-8 (APPNOTE 4.4.4)
GB, MB = 1024**3, 1024**2


@dataclass(frozen=True)
class ArchiveLimits:
    """How much an ingest reads out of one archive on disk and the archives inside it
    (defaults and why: docs/ingest.md, "Archives")."""

    depth: int = 5  # archives inside archives: a zip in a zip is depth 1
    members: int = 1_000_000  # entries of the archive and those inside it, together
    total_bytes: int = 20 * GB  # their members' uncompressed sizes, together
    ratio: int = 100  # uncompressed to compressed size of one member longer than RATIO_FLOOR


class Refused(ValueError):
    """An archive or member past one of the `ArchiveLimits`; ``str()`` says which."""


class Budget:
    """What the limits leave while one archive on disk, and the archives inside it, are read.

    An archive's members count, and their declared sizes are taken, when it is opened: one
    past the limits is refused whole, before any of its members is read. Reading then holds
    each member to its declared size (`Archive.spool`; zipfile stops at it too)."""

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.members = limits.members
        self.bytes = limits.total_bytes

    def check_depth(self, depth: int) -> None:
        if depth > self.limits.depth:
            raise Refused(
                f"archive nested {depth} deep: archives inside archives are opened "
                f"{self.limits.depth} deep at most (--max-archive-depth)"
            )

    def check_count(self, count: int) -> None:
        if count > self.members:
            left = self._left(f"{self.members:,}", f"{self.limits.members:,}")
            raise Refused(
                f"too many members: {count:,} in this archive, where an archive and those "
                f"inside it may hold {self.limits.members:,} in all{left} (--max-archive-members)"
            )

    def admit(self, archive: zipfile.ZipFile) -> None:
        """Take ``archive``'s members and declared sizes out of what is left, or refuse it."""
        self.check_count(len(archive.filelist))
        size = sum(info.file_size for info in archive.filelist)
        if size > self.bytes:
            left = self._left(_size(self.bytes), _size(self.limits.total_bytes))
            raise Refused(
                f"too large uncompressed: {_size(size)} in this archive, where an archive and "
                f"those inside it may hold {_size(self.limits.total_bytes)} in all{left} "
                "(--max-archive-bytes)"
            )
        self.members -= len(archive.filelist)
        self.bytes -= size

    @staticmethod
    def _left(left: str, whole: str) -> str:
        return "" if left == whole else f", {left} left for this one"


@dataclass
class Archive:
    """An open zip and the file under it (closed together)."""

    zip: zipfile.ZipFile
    file: BinaryIO
    size: int  # of the file: what no member can have been compressed to more than
    mislabelled: frozenset[int]  # positions in zip.filelist of names that are not UTF-8

    def members(self) -> list[tuple[zipfile.ZipInfo, str | bytes]]:
        """Its files (folders left out) and their names, in name order: a name is its bytes
        where they are not the UTF-8 its entry says they are."""
        named = []
        for at, info in enumerate(self.zip.filelist):
            if not info.is_dir():
                name = info.orig_filename
                named.append((info, name.encode("cp437") if at in self.mislabelled else name))
        named.sort(key=lambda pair: pair[0].orig_filename)
        return named

    def check_ratio(self, info: zipfile.ZipInfo, ratio: int) -> None:
        """Refuse member ``info`` unread when it inflates more than ``ratio`` times: a
        compressed size is believed only up to the archive's own size."""
        compressed = max(min(info.compress_size, self.size), 1)
        if info.file_size > RATIO_FLOOR and info.file_size > ratio * compressed:
            raise Refused(
                f"compressed {info.file_size // compressed:,} to 1: a member may be "
                f"compressed {ratio} to 1 at most; a zip bomb? (--max-compression-ratio)"
            )

    def read(self, info: zipfile.ZipInfo, most: int) -> bytes:
        """The first ``most`` bytes of member ``info`` (all of it when shorter)."""
        with self.zip.open(info) as member:
            return member.read(most)

    def spool(self, info: zipfile.ZipInfo) -> BinaryIO:
        """Member ``info`` copied into a temporary file, in memory only while it is short."""
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 returned
        try:
            with self.zip.open(info) as member:
                copied = 0
                while chunk := member.read(COPY_CHUNK):
                    copied += len(chunk)
                    if copied > info.file_size:
                        raise Refused(f"holds more than the {info.file_size:,} bytes it declares")
                    spool.write(chunk)
        except BaseException:
            spool.close()
            raise
        return spool

    def close(self) -> None:
        self.zip.close()
        self.file.close()


def open_zip(file: BinaryIO, budget: Budget) -> Archive:
    """``file`` opened as a zip within ``budget``; ``file`` is closed when it cannot be."""
    try:
        size = file.seek(0, os.SEEK_END)
        start, length, declared = _directory(file)
        budget.check_count(declared)
        if length > _ENTRY.size * budget.members:
            # Room for more entries than are left, whatever the end record declares: count
            # them, one at a time, before zipfile reads them all into memory (half a kB each).
            budget.check_count(sum(1 for _ in _entries(file, start, length)))
        archive, mislabelled = _opened(file, start, length)
        budget.admit(archive)
    except BaseException:
        file.close()
        raise
    return Archive(archive, file, size, mislabelled)


def _directory(file: BinaryIO) -> tuple[int, int, int]:
    """Where the central directory starts, its length, and the entries it declares, read
    from the end record as `zipfile.ZipFile` reads it (with its own private helper)."""
    try:
        end = zipfile._EndRecData(file)
    except OSError:
        end = None
    if not end:
        raise zipfile.BadZipFile("File is not a zip file")
    length = end[zipfile._ECD_SIZE]
    start = end[zipfile._ECD_LOCATION] - length
    if end[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:
        start -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator
    return start, length, end[zipfile._ECD_ENTRIES_TOTAL]


def _entries(file: BinaryIO, start: int, length: int) -> Iterator[tuple[int, int, bytes]]:
    """(offset, flags, name) of each central directory entry, read one at a time."""
    file.seek(start)
    at = 0
    while at + _ENTRY.size <= length:
        header = file.read(_ENTRY.size)
        if len(header) < _ENTRY.size:
            return
        signature, flags, name_length, extra_length, comment_length = _ENTRY.unpack(header)
        if signature != _ENTRY_SIGNATURE:
            return  # zipfile says what is wrong when it reads the directory
        yield start + at, flags, file.read(name_length)
        file.seek(extra_length + comment_length, os.SEEK_CUR)
        at += _ENTRY.size + name_length + extra_length + comment_length


def _opened(file: BinaryIO, start: int, length: int) -> tuple[zipfile.ZipFile, frozenset[int]]:
    """``file`` as a `zipfile.ZipFile`, and the positions of the names flagged UTF-8 that are
    not: zipfile gives up on the whole archive for one such name, so they are read through a
    view of the file without the flag, as cp437, which gives every byte a character back."""
    try:
        return zipfile.ZipFile(file), frozenset()
    except UnicodeDecodeError:
        pass
    view = _Unflagged(file)
    mislabelled, flags = set(), []
    for at, (offset, flag_bits, name) in enumerate(_entries(file, start, length)):
        if flag_bits & _UTF8_NAME and not _is_utf8(name):
            mislabelled.add(at)
            flags.append(offset + 8)  # the flags of a central directory entry
    view.unflag(flags)
    archive = zipfile.ZipFile(view)
    # and of the local header of each, which zipfile checks against the directory's name
    view.unflag([archive.filelist[at].header_offset + 6 for at in mislabelled])
    return archive, frozenset(mislabelled)


def _is_utf8(name: bytes) -> bool:
    try:
        name.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _Unflagged:
    """A read-only view of a zip file in which chosen flag fields lack the UTF-8 bit."""

    def __init__(self, file: BinaryIO) -> None:
        self._file = file
        self._offsets: list[int] = []
        self._bytes: dict[int, int] = {}

    def unflag(self, flags: list[int]) -> None:
        """Clear the UTF-8 bit of the two-byte flag fields at ``flags``: bit 11 is bit 3 of
        the second, little-endian, byte."""
        for offset in flags:
            self._file.seek(offset + 1)
            original = self._file.read(1)
            if original:
                self._bytes[offset + 1] = original[0] & ~(_UTF8_NAME >> 8)
        self._offsets = sorted(self._bytes)

    def read(self, size: int | None = -1) -> bytes:
        at = self._file.tell()
        data = self._file.read(size)
        first = bisect.bisect_left(self._offsets, at)
        last = bisect.bisect_left(self._offsets, at + len(data))
        if first == last:
            return data
        changed = bytearray(data)
        for offset in self._offsets[first:last]:
            changed[offset - at] = self._bytes[offset]
        return bytes(changed)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def seekable(self) -> bool:
        return True


def _size(count: int) -> str:
    return f"{count / GB:.1f} GB" if count >= GB else f"{count / MB:.1f} MB"
