"""Reading inputs ahead of parsing them (`reading.read_sources`): no database needed."""

from __future__ import annotations

import threading
from pathlib import Path

from determinations.ingest import reading
from determinations.ingest.reading import ReadLetter, Rejection, read_source, read_sources
from determinations.ingest.sources import Source, Unreadable, discover
from tests import letters


def _inputs(folder: Path) -> list[Source | Unreadable]:
    for name in sorted(p.name for p in letters.SEED_LETTERS.glob("*.txt"))[:4]:
        (folder / name).write_bytes((letters.SEED_LETTERS / name).read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.json").write_text("{}")
    return [*discover([folder]), Unreadable("gone.txt", "no such file or folder")]


def test_read_sources_gives_what_read_source_gives_each_input_in_order(tmp_path):
    inputs = _inputs(tmp_path)

    results = read_sources(inputs)

    assert results == [read_source(source) for source in inputs]
    kinds = [type(result) for result in results]
    assert kinds == [ReadLetter] * 4 + [Rejection] * 3


def test_files_are_read_by_the_read_ahead_threads_and_a_failed_read_is_a_rejection(
    tmp_path, monkeypatch
):
    inputs = [source for source in _inputs(tmp_path) if isinstance(source, Source)]
    read_by: list[str] = []
    original = Source.read

    def read(source: Source) -> bytes:
        read_by.append(threading.current_thread().name)
        if source.name.endswith("empty.txt"):
            raise OSError("disk on fire")
        return original(source)

    monkeypatch.setattr(Source, "read", read)

    results = read_sources(inputs)

    assert len(read_by) == len(inputs) - 1, "all but notes.json, turned away by its name"
    assert all(name.startswith("read-ahead") for name in read_by)
    failed = [r for r in results if isinstance(r, Rejection) and r.reason.startswith("unreadable")]
    assert [r.reason for r in failed] == ["unreadable: disk on fire"]
    assert reading.READ_AHEAD > 1
