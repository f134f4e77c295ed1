"""Find letter files in the paths given to `ingest`: files, folders (recursive), .zip archives.

Every input found is one `Source` or one `Unreadable`, whatever its name, kind, nesting or
size (docs/ingest.md, "What is rejected", "Archives", "Names")."""

from __future__ import annotations

import logging
import os
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from determinations.ingest import archives
from determinations.ingest.archives import ArchiveLimits

# The longest real letters are well under 100 kB as text, and their PDFs (2 to 4 pages) under
# 200 kB: a file ten megabytes long is not one letter.
MAX_LETTER_BYTES = 10 * 1024 * 1024
HEAD = 8  # bytes read of an archive member too large to be a letter: enough to tell a PDF
LINK_NOT_FOLLOWED = "symbolic link, not followed"
_KINDS = (
    (stat.S_ISLNK, LINK_NOT_FOLLOWED),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "not a regular file (FIFO)"),
    (stat.S_ISSOCK, "not a regular file (socket)"),
    (stat.S_ISCHR, "not a regular file (character device)"),
    (stat.S_ISBLK, "not a regular file (block device)"),
)
logger = logging.getLogger(__name__)


class TooLarge(ValueError):
    """An input longer than `MAX_LETTER_BYTES`; ``str()`` says by how much."""

    def __init__(self, size: int) -> None:
        super().__init__(
            f"too large ({size / 1024 / 1024:.1f} MB): "
            f"a letter file is at most {MAX_LETTER_BYTES // 1024 // 1024} MB"
        )


class NotRegular(ValueError):
    """A path that is not a regular file (a link, a FIFO, a device...): never opened."""


@dataclass(frozen=True)
class Source:
    """One input: a file on disk, read on demand, or a member of an archive, read when the
    archive was listed and carried as its bytes (an archive is opened once, by the process
    that lists it, and its members are read in order)."""

    name: str
    path: Path  # the file; for a member, the archive on disk it came out of
    # A member's bytes (its first HEAD only, when it is too large to be a letter), its length.
    data: bytes | None = field(default=None, repr=False)
    size: int = 0

    def read(self) -> bytes:
        """The raw bytes of this input (raises OSError, ValueError)."""
        if self.data is not None:
            if self.size > MAX_LETTER_BYTES:
                raise TooLarge(self.size)
            return self.data
        size = _regular_size(self.path)
        if size > MAX_LETTER_BYTES:
            raise TooLarge(size)
        return self.path.read_bytes()

    def head(self, size: int) -> bytes:
        """The first ``size`` bytes of this input, however long it is (raises as `read`)."""
        if self.data is not None:
            return self.data[:size]
        _regular_size(self.path)
        with self.path.open("rb") as file:
            return file.read(size)


@dataclass(frozen=True)
class Unreadable:
    """An input that could not even be listed (a broken archive, a missing path)."""

    name: str
    reason: str


def discover(
    paths: list[str | Path], limits: ArchiveLimits | None = None, read: bool = True
) -> Iterator[Source | Unreadable]:
    """Every input under ``paths``, in a stable order; archives are opened, folders walked.

    A path given here is followed when it is a symbolic link (whoever named it meant it);
    links met in a folder are not. ``read=False`` leaves archive members unread (to count).
    """
    limits = limits or ArchiveLimits()
    for given in paths:
        path = Path(given)
        try:
            mode = path.stat().st_mode
        except (FileNotFoundError, NotADirectoryError, ValueError):
            yield Unreadable(_shown(str(given), read), "no such file or folder")
            continue
        except OSError as error:
            yield Unreadable(_shown(str(given), read), f"unreadable: {error}")
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(path, limits, read)
        elif stat.S_ISREG(mode):
            real = path.resolve() if path.is_symlink() else path
            yield from _file(real, _shown(path.name, read), limits, read)
        else:
            yield Unreadable(_shown(path.name, read), _not_regular(mode))


def printable(name: str | bytes) -> str:
    """``name`` as shown and stored: itself when it is UTF-8 and every character prints;
    else with each byte that is not UTF-8, or is part of a character that does not print,
    written ``\\xNN``, and each backslash ``\\\\``, so that the bytes can be told back. A
    str stands for the bytes `os.fsencode` gives of it."""
    if isinstance(name, str):
        try:
            name = name.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a surrogate no file name decodes to
            name = name.encode("utf-8", "surrogatepass")
    text = name.decode("utf-8", "surrogateescape")
    if text.isprintable():
        return text
    return "".join(_escaped(character) for character in text)


def _escaped(character: str) -> str:
    if character == "\\":
        return "\\\\"
    if character.isprintable():
        return character
    return "".join(f"\\x{byte:02x}" for byte in character.encode("utf-8", "surrogateescape"))


def _shown(name: str | bytes, warn: bool, within: str = "") -> str:
    """``name``, `printable`, after ``within`` (its archive's name and a slash); when it had
    to be escaped, and ``warn``, a warning says so."""
    escaped = printable(name)
    if warn and escaped != name:  # a name given as bytes was not UTF-8
        logger.warning(
            "%s%s: the name is not UTF-8, or has characters that do not print: written "
            "with \\xNN for their bytes",
            within,
            escaped,
        )
    return within + escaped


def _walk(folder: Path, limits: ArchiveLimits, read: bool) -> Iterator[Source | Unreadable]:
    failed: list[OSError] = []
    # followlinks=False: a symlink loop cannot make the walk endless.
    for root, dirs, files in os.walk(folder, onerror=failed.append, followlinks=False):
        yield from _unlisted(failed, folder, read)
        dirs.sort()
        for name in [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            dirs.remove(name)  # os.walk would not enter it: say so
            where = os.path.relpath(os.path.join(root, name), folder.parent)
            yield Unreadable(_shown(where, read), LINK_NOT_FOLLOWED)
        for name in sorted(files):
            path = Path(root, name)
            yield from _entry(
                path, _shown(str(path.relative_to(folder.parent)), read), limits, read
            )
    yield from _unlisted(failed, folder, read)


def _unlisted(failed: list[OSError], folder: Path, read: bool) -> Iterator[Unreadable]:
    """A folder the walk could not list, once each."""
    for error in failed:
        where = os.path.relpath(error.filename or folder, folder.parent)
        yield Unreadable(_shown(where, read), f"unreadable folder: {error.strerror}")
    failed.clear()


def _entry(
    path: Path, name: str, limits: ArchiveLimits, read: bool
) -> Iterator[Source | Unreadable]:
    """A file met in a folder: links and special files are refused unopened (a FIFO would
    block whoever opens it)."""
    try:
        mode = path.lstat().st_mode
    except OSError as error:
        yield Unreadable(name, f"unreadable: {error}")
        return
    if stat.S_ISREG(mode):
        yield from _file(path, name, limits, read)
    else:
        yield Unreadable(name, _not_regular(mode))


def _not_regular(mode: int) -> str:
    return next((why for kind, why in _KINDS if kind(mode)), "not a regular file")


def _regular_size(path: Path) -> int:
    """The length of the file at ``path``, checked again where it is read: a file can be
    replaced by a link or a FIFO after the folder was listed."""
    status = path.lstat()
    if not stat.S_ISREG(status.st_mode):
        raise NotRegular(_not_regular(status.st_mode))
    return status.st_size


def _opened(path: Path) -> BinaryIO:
    """The regular file at ``path``, opened for reading without waiting: were it replaced by
    a FIFO since it was listed, a plain open would wait for a writer."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegular(_not_regular(mode))
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _file(
    path: Path, name: str, limits: ArchiveLimits, read: bool
) -> Iterator[Source | Unreadable]:
    if path.suffix.lower() == ".zip":
        yield from _archive(path, name, limits, read)
    else:
        yield Source(name, path)


@dataclass
class _Level:
    """An archive being listed, in the stack of those open inside one another."""

    name: str
    archive: archives.Archive
    depth: int  # 0: the archive on disk
    members: Iterator = field(init=False)

    def __post_init__(self) -> None:
        self.members = iter(self.archive.members())


def _archive(
    path: Path, name: str, limits: ArchiveLimits, read: bool
) -> Iterator[Source | Unreadable]:
    """Each member of the archive at ``path``, a nested archive's members in its place.

    The archives open inside one another are a stack, not a recursion, so no nesting reaches
    Python's limit; each is opened once and read in order."""
    budget = archives.Budget(limits)
    try:
        stack = [_Level(name, archives.open_zip(_opened(path), budget), 0)]
    except Exception as error:  # whatever a hostile file raises: see _next
        yield Unreadable(name, _reason(error, "unreadable archive"))
        return
    try:
        while stack:
            level = stack[-1]
            info, member = next(level.members, (None, None))
            if info is None:
                stack.pop().archive.close()
                continue
            unread = Source(_shown(member, read, f"{level.name}/"), path)
            found = _next(level, info, unread, budget, read)
            if isinstance(found, _Level):
                stack.append(found)
            else:
                yield found
    finally:
        for level in stack:
            level.archive.close()


def _next(
    level: _Level, info: zipfile.ZipInfo, unread: Source, budget: archives.Budget, read: bool
) -> Source | Unreadable | _Level:
    """Member ``info`` of ``level`` (``unread``: its name and archive): a `Source` with its
    bytes, an `Unreadable`, or the `_Level` of the archive it is."""
    name = unread.name
    nested = name.lower().endswith(".zip")
    try:
        level.archive.check_ratio(info, budget.limits.ratio)
        if nested:
            budget.check_depth(level.depth + 1)
            return _Level(
                name, archives.open_zip(level.archive.spool(info), budget), level.depth + 1
            )
        if not read:  # listed to be counted: no bytes, and none to be read
            return replace(unread, data=b"", size=info.file_size)
        if info.file_size > MAX_LETTER_BYTES:
            return replace(unread, data=level.archive.read(info, HEAD), size=info.file_size)
        data = level.archive.read(info, MAX_LETTER_BYTES + 1)
        return replace(unread, data=data, size=len(data))
    # zipfile and the decompressors under it raise BadZipFile, OSError, EOFError, zlib.error,
    # struct.error, NotImplementedError... on hostile bytes: each is this member's outcome.
    except Exception as error:
        return Unreadable(name, _reason(error, "unreadable archive" if nested else "unreadable"))


def _reason(error: Exception, prefix: str) -> str:
    if isinstance(error, (archives.Refused, TooLarge, NotRegular)):
        return str(error)
    return f"{prefix}: {str(error) or type(error).__name__}"
