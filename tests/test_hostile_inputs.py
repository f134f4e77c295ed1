"""Inputs built to break an ingest: names that are not UTF-8, zips nested 1,200 deep, zip
bombs, links and FIFOs. Each gets its one outcome and costs no other input its place (issue
28; docs/ingest.md, "Archives" and "Names"). Both databases."""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from io import StringIO
from pathlib import Path

import dj_database_url
import pytest
from django.core.management import call_command

from determinations.ingest import archives, count_sources, ingest_paths
from determinations.ingest.archives import ArchiveLimits
from determinations.ingest.reading import read_sources
from determinations.ingest.sources import Source, Unreadable, discover, printable
from determinations.models import Letter, RejectedSource
from tests import letters
from tests.letters import ROOT
from tests.postgres_pass import server_connection

SEEDS = sorted(letters.SEED_LETTERS.glob("*.txt"))
LETTER = SEEDS[0].read_bytes()
OTHER_LETTER = SEEDS[1].read_bytes()
NOT_A_LETTER = b"Preheat the oven. Mix flour and water."
BOMB_GB = 1.5
DEPTH_NOTE = "archives inside archives are opened 5 deep at most (--max-archive-depth)"


# Builders of hostile inputs.


def a_letter(n: int) -> bytes:
    """A distinct letter (distinct content hash) for each ``n``."""
    return letters.letter_with_items([("Soma 350mg", "Upheld", f"Not needed, {n}.")]).encode()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # stored: the bytes below are found as written
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_name_bytes(archive: bytes, written: str, raw: bytes) -> bytes:
    """``archive`` with the name ``written`` (UTF-8 flagged: not ASCII) replaced by ``raw``
    in the member's local header and central directory entry."""
    encoded = written.encode()
    assert len(raw) == len(encoded) and archive.count(encoded) == 2
    return archive.replace(encoded, raw)


def nested_zips(levels: int, bottom: dict[str, bytes], beside: dict[str, bytes]) -> bytes:
    """A zip holding ``1.zip`` and ``beside``; ``1.zip`` holds ``2.zip``, and so on down to
    ``{levels}.zip``, which holds ``bottom``. Built from the inside out."""
    data = zip_bytes(bottom)
    for level in range(levels, 1, -1):
        data = zip_bytes({f"{level}.zip": data})
    return zip_bytes({"1.zip": data, **beside})


def set_in_directory(archive: bytearray, name: str, offset: int, value: bytes) -> None:
    """Write ``value`` at ``offset`` in the central directory entry of member ``name``."""
    end = archive.rindex(b"PK\x05\x06")
    at = int.from_bytes(archive[end + 16 : end + 20], "little")
    while archive[at + 46 : at + 46 + len(name)] != name.encode():
        lengths = [int.from_bytes(archive[at + n : at + n + 2], "little") for n in (28, 30, 32)]
        at += 46 + sum(lengths)
    archive[at + offset : at + offset + len(value)] = value


def write_bomb(path: Path, gigabytes: float, level: int = 1) -> Path:
    """A zip holding ``inner.zip``: ``gigabytes`` of zeros stored, deflated to a few MB.
    Written as a stream, so the fixture costs seconds and no memory."""
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as outer,
        outer.open("inner.zip", "w", force_zip64=True) as stream,
        zipfile.ZipFile(stream, "w", zipfile.ZIP_STORED) as inner,
        inner.open("zeros.txt", "w", force_zip64=True) as zeros,
    ):
        for _ in range(int(gigabytes * 1024)):
            zeros.write(chunk)
    return path


@pytest.fixture(scope="session")
def bomb(tmp_path_factory) -> Path:
    """The nested bomb of the issue (1.5 GB inside); built once, in about 3 s."""
    return write_bomb(tmp_path_factory.mktemp("bomb") / "bomb.zip", BOMB_GB)


def bomb_ratio(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("inner.zip")
    return info.file_size // info.compress_size


def ingest_command(*args: str) -> tuple[list[str], str]:
    """`manage.py ingest` in this process: (stderr lines but the last, stdout). The last
    says how long the run took."""
    out, err = StringIO(), StringIO()
    call_command("ingest", *args, stdout=out, stderr=err)
    return without_elapsed_line(err.getvalue()).splitlines(), out.getvalue()


def without_elapsed_line(err: str) -> str:
    """``err`` without its last line, which must say how long the run took."""
    rest, _, elapsed = err.rstrip("\n").rpartition("\n")
    assert re.fullmatch(r"took [\d,]+\.\d s(, [\d,]+ inputs a second)?", elapsed), elapsed
    return rest + "\n" if rest else ""


# Names.


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("CM13-0012345.txt", "CM13-0012345.txt"),
        ("lettre d'été.txt", "lettre d'été.txt"),
        ("dir\\name.txt", "dir\\name.txt"),  # a backslash alone is left as it is
        ("bad_\udcff\udcfe.txt", "bad_\\xff\\xfe.txt"),  # os.listdir's name for b"bad_\xff\xfe"
        (b"bad_\xff\xfe.txt", "bad_\\xff\\xfe.txt"),
        (b"caf\xe9\\1.txt", "caf\\xe9\\\\1.txt"),  # escaped: its backslash doubled
        ("new\nline.txt", "new\\x0aline.txt"),
        ("nul\x00.txt", "nul\\x00.txt"),
        ("\u202etxt.exe", "\\xe2\\x80\\xaetxt.exe"),  # right-to-left override
        ("tab\t.txt", "tab\\x09.txt"),
    ],
)
def test_a_name_is_kept_as_it_is_or_escaped_losslessly(name, shown):
    assert printable(name) == shown
    raw = name if isinstance(name, bytes) else os.fsencode(name)
    if shown != name:
        assert _unescaped(shown) == raw


def _unescaped(shown: str) -> bytes:
    """The bytes an escaped name stands for (the rule docs/ingest.md gives)."""
    parts = re.split(r"(\\\\|\\x[0-9a-f]{2})", shown)
    return b"".join(
        b"\\" if part == "\\\\" else bytes([int(part[2:], 16)]) if part.startswith("\\x")
        else part.encode()
        for part in parts
    )  # fmt: skip


# The mixed folder of the issue.


def hostile_folder(folder: Path, bomb: Path) -> dict[str, str]:
    """The seed letters and every hostile input next to them; returns each input's expected
    outcome: "new", or the rejection line."""
    folder.mkdir()
    for seed in SEEDS:
        (folder / seed.name).write_bytes(seed.read_bytes())
    expected = {f"corpus/{seed.name}": "new" for seed in SEEDS}

    os.chdir(folder)  # names not UTF-8 are written as bytes, as a user's tools would
    try:
        Path(os.fsdecode(b"bad_\xff\xfe.txt")).write_bytes(NOT_A_LETTER)
        Path(os.fsdecode(b"lettre_\xe9t\xe9.txt")).write_bytes(a_letter(1))
        Path("new\nline.txt").write_bytes(a_letter(2))
    finally:
        os.chdir(ROOT)
    expected["corpus/bad_\\xff\\xfe.txt"] = "not an IMR determination letter"
    expected["corpus/lettre_\\xe9t\\xe9.txt"] = "new"
    expected["corpus/new\\x0aline.txt"] = "new"

    named = zip_bytes({"good.txt": a_letter(3), "bad_é.txt": NOT_A_LETTER, "ok_é.txt": a_letter(4)})
    named = with_name_bytes(named, "bad_é.txt", b"bad_\xff\xfe.txt")
    (folder / "names.zip").write_bytes(with_name_bytes(named, "ok_é.txt", b"ok_\xe9\xe9.txt"))
    expected["corpus/names.zip/bad_\\xff\\xfe.txt"] = "not an IMR determination letter"
    expected["corpus/names.zip/good.txt"] = "new"
    expected["corpus/names.zip/ok_\\xe9\\xe9.txt"] = "new"

    deep = nested_zips(1_200, {"letter.txt": a_letter(5)}, beside={"top.txt": a_letter(6)})
    (folder / "deep.zip").write_bytes(deep)
    sixth = "corpus/deep.zip/" + "/".join(f"{n}.zip" for n in range(1, 7))
    expected[sixth] = f"archive nested 6 deep: {DEPTH_NOTE}"
    expected["corpus/deep.zip/top.txt"] = "new"

    os.symlink(folder / SEEDS[0].name, folder / "link.txt")
    expected["corpus/link.txt"] = "symbolic link, not followed"
    os.mkfifo(folder / "pipe.txt")
    expected["corpus/pipe.txt"] = "not a regular file (FIFO)"

    (folder / "bomb.zip").write_bytes(bomb.read_bytes())
    expected["corpus/bomb.zip/inner.zip"] = (
        f"compressed {bomb_ratio(bomb):,} to 1: a member may be compressed 100 to 1 at most; "
        "a zip bomb? (--max-compression-ratio)"
    )
    return expected


@pytest.mark.django_db
def test_every_letter_of_a_hostile_folder_is_stored_and_each_hostile_input_rejected(
    tmp_path, bomb, caplog
):
    expected = hostile_folder(tmp_path / "corpus", bomb)

    lines, summary = ingest_command(str(tmp_path / "corpus"))

    rejected = {name: why for name, why in expected.items() if why != "new"}
    assert sorted(lines) == sorted(f"rejected {name}: {why}" for name, why in rejected.items())
    issues = Letter.objects.exclude(parse_status="ok").count()
    assert (
        summary
        == f"ingested {len(expected) - len(rejected)} new, 0 unchanged, {issues} with parse issues, {len(rejected)} rejected\n"
    )
    stored = set(Letter.objects.values_list("source_file", flat=True))
    assert stored == {name for name, why in expected.items() if why == "new"}
    assert dict(RejectedSource.objects.values_list("source_file", "reason")) == rejected
    warned = sorted(r.getMessage().split(":")[0] for r in caplog.records if "\\x" in r.getMessage())
    assert warned == [
        "corpus/bad_\\xff\\xfe.txt", "corpus/lettre_\\xe9t\\xe9.txt", "corpus/names.zip/bad_\\xff\\xfe.txt",
        "corpus/names.zip/ok_\\xe9\\xe9.txt", "corpus/new\\x0aline.txt",
    ]  # fmt: skip
    assert count_sources([tmp_path / "corpus"]) == len(expected)


@pytest.mark.django_db
def test_a_rerun_of_a_hostile_folder_adds_nothing(tmp_path, bomb):
    expected = hostile_folder(tmp_path / "corpus", bomb)
    ingest_paths([tmp_path / "corpus"])

    report = ingest_paths([tmp_path / "corpus"])

    new = sum(1 for why in expected.values() if why == "new")
    assert (report.new, report.unchanged, len(report.rejected)) == (0, new, len(expected) - new)
    assert RejectedSource.objects.count() == len(expected) - new


# Archives: opened once, limits, lies.


@pytest.mark.django_db
def test_an_archive_and_each_archive_inside_it_are_opened_once(tmp_path, monkeypatch):
    inner = zip_bytes({f"in/{n:03}.txt": a_letter(n) for n in range(40)})
    outer = {f"out/{n:03}.txt": a_letter(100 + n) for n in range(40)} | {"more.zip": inner}
    (tmp_path / "letters.zip").write_bytes(zip_bytes(outer))
    opened = []
    original = zipfile.ZipFile.__init__

    def counting(self, file, *args, **kwargs):
        opened.append(file)
        original(self, file, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "__init__", counting)

    report = ingest_paths([tmp_path / "letters.zip"])  # read in this process: counted

    assert report.new == 80
    assert len(opened) == 2, "the archive on disk and the one inside it, once each"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("flags", "outcomes"),
    [
        ([], {"top.txt": "new", "1.zip/2.zip/letter.txt": "new"}),
        (["--max-archive-depth", "1"], {"top.txt": "new", "1.zip/2.zip": "archive nested 2 deep: archives inside archives are opened 1 deep at most (--max-archive-depth)"}),
        (["--max-archive-depth", "0"], {"top.txt": "new", "1.zip": "archive nested 1 deep: archives inside archives are opened 0 deep at most (--max-archive-depth)"}),
        (["--max-archive-members", "3"], {"top.txt": "new", "1.zip/2.zip": "too many members: 1 in this archive, where an archive and those inside it may hold 3 in all, 0 left for this one (--max-archive-members)"}),
        (["--max-archive-members", "1"], {"": "too many members: 2 in this archive, where an archive and those inside it may hold 1 in all (--max-archive-members)"}),
    ],
)  # fmt: skip
def test_the_archive_limits_and_their_flags(tmp_path, flags, outcomes):
    archive = nested_zips(2, {"letter.txt": a_letter(2)}, beside={"top.txt": a_letter(1)})
    (tmp_path / "a.zip").write_bytes(archive)

    lines, summary = ingest_command(str(tmp_path / "a.zip"), *flags)

    name = {key: "/".join(filter(None, ["a.zip", key])) for key in outcomes}
    rejected = [f"rejected {name[key]}: {why}" for key, why in outcomes.items() if why != "new"]
    assert lines == rejected
    new = sum(1 for why in outcomes.values() if why == "new")
    assert summary.startswith(f"ingested {new} new, 0 unchanged, ")
    assert sorted(Letter.objects.values_list("source_file", flat=True)) == sorted(
        name[key] for key, why in outcomes.items() if why == "new"
    )


@pytest.mark.django_db
def test_the_uncompressed_bytes_and_the_ratio_are_limited(tmp_path):
    plenty = bytes(3 * 1024 * 1024)  # 3 MB of zeros: deflated a thousandfold
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.txt", plenty)
        archive.writestr("letter.txt", LETTER)
    (tmp_path / "z.zip").write_bytes(buffer.getvalue())
    info = zipfile.ZipFile(tmp_path / "z.zip").getinfo("zeros.txt")

    by_ratio, _ = ingest_command(str(tmp_path / "z.zip"))
    by_bytes, _ = ingest_command(
        str(tmp_path / "z.zip"), "--max-archive-bytes", "2M", "--max-compression-ratio", "5000"
    )
    allowed, _ = ingest_command(str(tmp_path / "z.zip"), "--max-compression-ratio", "5000")

    assert by_ratio == [
        f"rejected z.zip/zeros.txt: compressed {info.file_size // info.compress_size:,} to 1: a member may be compressed 100 to 1 at most; a zip bomb? (--max-compression-ratio)"
    ]
    assert by_bytes == [
        "rejected z.zip: too large uncompressed: 3.0 MB in this archive, where an archive and those inside it may hold 2.0 MB in all (--max-archive-bytes)"
    ]
    assert allowed == ["rejected z.zip/zeros.txt: binary file, not text"]
    assert Letter.objects.get().source_file == "z.zip/letter.txt"


def test_an_archive_declaring_fewer_entries_than_it_holds_is_counted_before_it_is_read(tmp_path):
    data = bytearray(zip_bytes({f"{n}.txt": b"x" for n in range(200)}))
    end = data.rindex(b"PK\x05\x06")
    data[end + 8 : end + 12] = (3).to_bytes(2, "little") * 2  # "3 entries", on disk and in all
    (tmp_path / "liar.zip").write_bytes(bytes(data))

    found = list(discover([tmp_path / "liar.zip"], ArchiveLimits(members=100)))

    assert found == [
        Unreadable("liar.zip", "too many members: 200 in this archive, where an archive and those inside it may hold 100 in all (--max-archive-members)")
    ]  # fmt: skip


def test_declared_sizes_that_lie_are_held_to(tmp_path):
    """A member declaring fewer bytes than its data inflates to is read to its declared size
    and no further: its check sum then fails; a nested archive so cut is no zip."""
    inner = zip_bytes({"letter.txt": LETTER})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("short.txt", LETTER)
        archive.writestr("short.zip", inner)
    data = bytearray(buffer.getvalue())
    for name, size in (("short.txt", len(LETTER)), ("short.zip", len(inner))):
        set_in_directory(data, name, 24, (size // 2).to_bytes(4, "little"))  # its length
    (tmp_path / "lies.zip").write_bytes(bytes(data))

    found = {s.name: s for s in discover([tmp_path / "lies.zip"])}

    assert found["lies.zip/short.txt"].reason == "unreadable: Bad CRC-32 for file 'short.txt'"
    assert (
        found["lies.zip/short.zip"].reason == "unreadable archive: Bad CRC-32 for file 'short.zip'"
    )


def test_a_member_name_that_is_not_utf8_costs_its_archive_nothing(tmp_path):
    archive = zip_bytes({"a.txt": LETTER, "b_é.txt": OTHER_LETTER, "c.txt": b"IMR third"})
    (tmp_path / "x.zip").write_bytes(with_name_bytes(archive, "b_é.txt", b"b_\xff\xfe.txt"))

    found = list(discover([tmp_path / "x.zip"]))

    assert [(s.name, s.read()) for s in found] == [
        ("x.zip/a.txt", LETTER), ("x.zip/b_\\xff\\xfe.txt", OTHER_LETTER), ("x.zip/c.txt", b"IMR third"),
    ]  # fmt: skip


# Links and special files.


def test_links_and_special_files_are_refused_unopened(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "letter.txt").write_bytes(LETTER)
    os.symlink(corpus / "letter.txt", corpus / "link.txt")
    os.symlink(corpus / "gone.txt", corpus / "broken.txt")
    os.mkfifo(corpus / "pipe")
    listening = socket.socket(socket.AF_UNIX)
    os.chdir(corpus)  # a socket's path is short
    try:
        listening.bind("socket")
    finally:
        os.chdir(ROOT)
        listening.close()

    found = [
        (s.name, getattr(s, "reason", ""))
        for s in discover([corpus, corpus / "pipe", corpus / "link.txt"])
    ]

    assert found == [
        ("corpus/broken.txt", "symbolic link, not followed"),
        ("corpus/letter.txt", ""),
        ("corpus/link.txt", "symbolic link, not followed"),
        ("corpus/pipe", "not a regular file (FIFO)"),
        ("corpus/socket", "not a regular file (socket)"),
        ("pipe", "not a regular file (FIFO)"),
        ("link.txt", ""),  # named on the command line: followed
    ]


def test_a_file_replaced_by_a_fifo_after_listing_is_refused_without_blocking(tmp_path):
    (tmp_path / "letter.txt").write_bytes(LETTER)
    sources = list(discover([tmp_path]))
    (tmp_path / "letter.txt").unlink()
    os.mkfifo(tmp_path / "letter.txt")
    results = []

    reader = threading.Thread(target=lambda: results.extend(read_sources(sources)), daemon=True)
    reader.start()
    reader.join(timeout=20)
    if reader.is_alive():  # blocked opening the FIFO: a writer that leaves at once frees it
        os.close(os.open(tmp_path / "letter.txt", os.O_WRONLY | os.O_NONBLOCK))

    assert [(r.source_file, r.reason) for r in results] == [
        (f"{tmp_path.name}/letter.txt", "not a regular file (FIFO)")
    ]


def test_a_folder_that_cannot_be_listed_is_rejected(tmp_path, monkeypatch):
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "letter.txt").write_bytes(LETTER)
    (tmp_path / "locked").mkdir()
    scandir = os.scandir

    def refuse_locked(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse_locked)

    found = [(s.name, getattr(s, "reason", "")) for s in discover([tmp_path])]

    assert found == [
        (f"{tmp_path.name}/locked", "unreadable folder: Permission denied"),
        (f"{tmp_path.name}/open/letter.txt", ""),
    ]


def test_a_member_is_read_once_and_carried_as_its_bytes(tmp_path):
    (tmp_path / "a.zip").write_bytes(zip_bytes({"big.pdf": b"%PDF" + bytes(11 * 1024 * 1024)}))

    (member,) = discover([tmp_path / "a.zip"])

    assert isinstance(member, Source) and member.size == 11 * 1024 * 1024 + 4
    assert member.head(4) == b"%PDF" and len(member.data) == 8, "only its head: too large"


# Memory: the bomb, in a process of its own.


@pytest.fixture
def child_db(tmp_path):
    """A migrated database for a child `manage.py`: a SQLite file, or on the PostgreSQL pass
    a database named after the pass's own with ``_hostile`` added."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["IMR_VAR_DIR"] = str(tmp_path / "var")
    url = os.environ.get("DATABASE_URL", "")
    if url:
        config = dj_database_url.parse(url)
        name = f"{config['NAME']}_hostile"
        _admin(config, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin(config, f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{name}"
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    yield env
    if url:
        _admin(config, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(config: dict, sql: str) -> None:
    with server_connection(config, "postgres") as connection:
        connection.execute(sql)


def peak_ingest(env: dict, *args: str) -> tuple[int, str, str]:
    """`manage.py ingest` in a child: its peak resident memory in MB (`tests/peak_memory.py`),
    stdout and stderr."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder, "peak")
        command = [sys.executable, str(ROOT / "tests" / "peak_memory.py"), str(report)]
        command += [sys.executable, str(ROOT / "manage.py"), "ingest", *args]
        child = subprocess.run(command, env=env, capture_output=True, text=True)
        assert child.returncode == 0, child.stderr
        peak = int(report.read_text())
    return peak, child.stdout, without_elapsed_line(child.stderr)


def test_a_nested_bomb_is_refused_in_little_memory(child_db, bomb):
    peak, out, err = peak_ingest(child_db, str(bomb), "--workers", "2")

    assert peak < 300, f"{peak} MB"
    assert err == (
        f"rejected bomb.zip/inner.zip: compressed {bomb_ratio(bomb):,} to 1: a member may be "
        "compressed 100 to 1 at most; a zip bomb? (--max-compression-ratio)\n"
    )
    assert out == "ingested 0 new, 0 unchanged, 0 with parse issues, 1 rejected\n"


def test_a_nested_bomb_allowed_by_its_ratio_is_read_as_a_stream(child_db, bomb):
    """Let through the ratio, the 1.5 GB inner archive is spooled to a temporary file and
    its zeros refused for their size, all in flat memory; under a lower --max-archive-bytes
    it is refused unread."""
    start = time.perf_counter()
    peak, out, err = peak_ingest(child_db, str(bomb), "--max-compression-ratio", "100000")
    streamed = time.perf_counter() - start
    by_bytes = peak_ingest(
        child_db, str(bomb), "--max-compression-ratio", "100000", "--max-archive-bytes", "1G"
    )

    assert peak < 300 and by_bytes[0] < 300, f"{peak} MB, {by_bytes[0]} MB, {streamed:.1f} s"
    assert (
        err
        == "rejected bomb.zip/inner.zip/zeros.txt: too large (1536.0 MB): a letter file is at most 10 MB\n"
    )
    assert out == "ingested 0 new, 0 unchanged, 0 with parse issues, 1 rejected\n"
    assert (
        by_bytes[2]
        == "rejected bomb.zip: too large uncompressed: 1.5 GB in this archive, where an archive and those inside it may hold 1.0 GB in all (--max-archive-bytes)\n"
    )


# The flags are documented.


def test_every_ingest_flag_is_documented():
    from determinations.management.commands.ingest import Command

    parser = Command().create_parser("manage.py", "ingest")
    flags = {option for action in parser._actions for option in action.option_strings}
    documented = (ROOT / "docs" / "ingest.md").read_text()
    ours = {flag for flag in flags if flag.startswith(("--max-", "--workers", "--batch-size"))}
    assert len(ours) == 6
    assert sorted(flag for flag in ours if f"`{flag}" not in documented) == []
    assert archives.ArchiveLimits() == ArchiveLimits(5, 1_000_000, 20 * 1024**3, 100)
