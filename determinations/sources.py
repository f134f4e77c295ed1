"""Find letter files in the paths given to `ingest`: files, folders (recursive), .zip archives."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# The longest real letters are well under 100 kB as text, and their PDFs (2 to 4 pages) under
# 200 kB: a file ten megabytes long is not one letter.
MAX_LETTER_BYTES = 10 * 1024 * 1024


class TooLarge(ValueError):
    """An input longer than `MAX_LETTER_BYTES`; ``str()`` says by how much."""

    def __init__(self, size: int) -> None:
        super().__init__(
            f"too large ({size / 1024 / 1024:.1f} MB): "
            f"a letter file is at most {MAX_LETTER_BYTES // 1024 // 1024} MB"
        )


@dataclass(frozen=True)
class Source:
    """One input: a file on disk or a member of an archive, read on demand."""

    name: str
    path: Path
    members: tuple[str, ...] = ()  # archive member names, outermost first

    def read(self) -> bytes:
        """The raw bytes of this input (raises OSError, zipfile.BadZipFile, ValueError)."""
        if not self.members:
            size = self.path.stat().st_size
            if size > MAX_LETTER_BYTES:
                raise TooLarge(size)
            return self.path.read_bytes()
        archive, info = self._member()
        if info.file_size > MAX_LETTER_BYTES:
            raise TooLarge(info.file_size)
        return archive.read(info)

    def head(self, size: int) -> bytes:
        """The first ``size`` bytes of this input, however long it is (raises as `read`)."""
        if not self.members:
            with self.path.open("rb") as file:
                return file.read(size)
        archive, info = self._member()
        with archive.open(info) as member:
            return member.read(size)

    def _member(self) -> tuple[zipfile.ZipFile, zipfile.ZipInfo]:
        """The archive holding this member (nested archives opened in memory), and its entry."""
        archive = zipfile.ZipFile(self.path)
        for member in self.members[:-1]:
            archive = zipfile.ZipFile(io.BytesIO(archive.read(member)))
        return archive, archive.getinfo(self.members[-1])


@dataclass(frozen=True)
class Unreadable:
    """An input that could not even be listed (a broken archive, a missing path)."""

    name: str
    reason: str


def discover(paths: list[str | Path]) -> Iterator[Source | Unreadable]:
    """Every input under ``paths``, in a stable order; archives are opened, folders walked."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            yield from _file(path, path.name)
        else:
            yield Unreadable(str(given), "no such file or folder")


def _walk(folder: Path) -> Iterator[Source | Unreadable]:
    # followlinks=False: a symlink loop cannot make the walk endless.
    for root, dirs, files in os.walk(folder, onerror=None, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            path = Path(root, name)
            if path.is_file():
                yield from _file(path, str(path.relative_to(folder.parent)))


def _file(path: Path, name: str) -> Iterator[Source | Unreadable]:
    if path.suffix.lower() != ".zip":
        yield Source(name, path)
        return
    try:
        with zipfile.ZipFile(path) as archive:
            yield from _archive(archive, path, name, ())
    except (zipfile.BadZipFile, OSError) as error:
        yield Unreadable(name, f"unreadable archive: {error}")


def _archive(
    archive: zipfile.ZipFile, path: Path, name: str, outer: tuple[str, ...]
) -> Iterator[Source | Unreadable]:
    for info in sorted(archive.infolist(), key=lambda i: i.filename):
        if info.is_dir():
            continue
        members = (*outer, info.filename)
        member_name = f"{name}/{info.filename}"
        if info.filename.lower().endswith(".zip"):
            try:
                with zipfile.ZipFile(io.BytesIO(archive.read(info))) as inner:
                    yield from _archive(inner, path, member_name, members)
            except (zipfile.BadZipFile, OSError, ValueError) as error:
                yield Unreadable(member_name, f"unreadable archive: {error}")
        else:
            yield Source(member_name, path, members)
