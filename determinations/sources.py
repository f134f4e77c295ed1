"""Find letter files in the paths given to `ingest`: files, folders (recursive), .zip archives."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_LETTER_BYTES = 10 * 1024 * 1024  # the longest real letters are well under 100 kB


@dataclass(frozen=True)
class Source:
    """One input: a file on disk or a member of an archive, read on demand."""

    name: str
    path: Path
    members: tuple[str, ...] = ()  # archive member names, outermost first

    def read(self) -> bytes:
        """The raw bytes of this input (raises OSError, zipfile.BadZipFile, ValueError)."""
        if not self.members:
            if self.path.stat().st_size > MAX_LETTER_BYTES:
                raise ValueError(f"larger than {MAX_LETTER_BYTES // 1024 // 1024} MB")
            return self.path.read_bytes()
        data = b""
        archive = zipfile.ZipFile(self.path)
        for depth, member in enumerate(self.members):
            info = archive.getinfo(member)
            if info.file_size > MAX_LETTER_BYTES and depth == len(self.members) - 1:
                raise ValueError(f"larger than {MAX_LETTER_BYTES // 1024 // 1024} MB")
            data = archive.read(member)
            if depth < len(self.members) - 1:
                archive = zipfile.ZipFile(io.BytesIO(data))
        return data


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
