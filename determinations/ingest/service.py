"""The service behind `ingest` and `reparse`: read, parse in workers, write in batches."""

from __future__ import annotations

import collections
import functools
import itertools
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError

from determinations import index
from determinations.curation import curated_lexicon
from determinations.ingest.archives import ArchiveLimits
from determinations.ingest.bulk import bulk_load
from determinations.ingest.lanes import writing_lanes
from determinations.ingest.lock import one_ingest_at_a_time
from determinations.ingest.reading import ReadLetter, Rejection, read_sources, start_worker
from determinations.ingest.sources import discover
from determinations.ingest.store import Lookups, apply_reparse, store_new_letters
from determinations.ingest.workers import start_worker_ending_with
from determinations.lexicon import Lexicon
from determinations.models import Letter, RejectedSource
from determinations.parsing import parse_letter

BATCH_SIZE = 250
BATCHES_AHEAD = 2  # batches parsed in the workers while one is written
CHUNK = 16  # inputs a worker reads and parses per task
Progress = Callable[[int], None]
BatchReader = Callable[[Iterable[list]], Iterator[list[ReadLetter | Rejection]]]
logger = logging.getLogger(__name__)


@dataclass
class IngestReport:
    """What one ingest run did; `summary()` is the line SPEC asks for."""

    new: int = 0
    unchanged: int = 0
    with_issues: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def seen(self) -> int:
        """Inputs looked at: letters new or unchanged, and rejected sources."""
        return self.new + self.unchanged + len(self.rejected)

    def add(self, part: IngestReport) -> None:
        self.new += part.new
        self.unchanged += part.unchanged
        self.with_issues += part.with_issues
        self.rejected += part.rejected

    def summary(self) -> str:
        return (
            f"ingested {self.new} new, {self.unchanged} unchanged, "
            f"{self.with_issues} with parse issues, {len(self.rejected)} rejected"
        )


@dataclass
class ReparseReport:
    """What one reparse run did."""

    reparsed: int = 0
    with_issues: int = 0

    def summary(self) -> str:
        return f"reparsed {self.reparsed} letters, {self.with_issues} with parse issues"


def count_sources(paths: Iterable[str | Path], limits: ArchiveLimits | None = None) -> int:
    """How many inputs an ingest of ``paths`` will look at (for a progress bar)."""
    return sum(1 for _ in discover(list(paths), limits, read=False))


@one_ingest_at_a_time()
def ingest_paths(
    paths: Iterable[str | Path],
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    limits: ArchiveLimits | None = None,
) -> IngestReport:
    """Ingest every letter under ``paths``; idempotent by content hash, atomic per batch.
    Waits while another ingest or reparse of the database runs (`one_ingest_at_a_time`)."""
    report = IngestReport()
    lookups = Lookups()
    batches = _batches(discover(list(paths), limits), batch_size)
    merged_at = 0

    def stored(parts: list[IngestReport | None]) -> None:
        for part in parts:
            if part is not None:  # None: a merge
                report.add(part)
                if progress:
                    progress(part.seen)

    reader = _batch_reader(workers, curated_lexicon(), Path(settings.IMR_PDF_ROOT))
    with bulk_load(), reader as read_all:
        with writing_lanes() as lanes:
            for results in read_all(batches):
                # Rows of the small tables are written here, outside any batch's transaction,
                # so that every lane finds them committed.
                lookups.resolve([r.parsed for r in results if isinstance(r, ReadLetter)])
                stored(lanes.send(functools.partial(_store_batch, results, lookups)))
                if index.merge_due(report.new, merged_at):
                    # On a lane: the others write on meanwhile, and the merge takes
                    # the keys staged when it starts, leaving later ones to the next.
                    step = f"merge after {report.new} letters"
                    stored(lanes.send(_timed(step, index.merge_staged_keys)))
                    merged_at = report.new
            stored(lanes.drain())
        finish_ingest(stored_letters=bool(report.new))
    return report


def finish_ingest(stored_letters: bool = True) -> None:
    """The steps at the end of an ingest: the last merge of staged band keys (also what a
    run cut short left staged) and, when it stored letters, statistics and bitmaps.

    On a database with several writing lanes the bitmaps are built on one while the other
    merges and gathers statistics: neither reads what the other writes.
    """

    def last_merge() -> None:
        merge = functools.partial(index.merge_staged_keys, statistics=False)
        _timed("last merge of staged band keys", merge)()
        if stored_letters:
            _timed("statistics", index.refresh_statistics)()

    with writing_lanes() as lanes:
        lanes.send(last_merge)
        if stored_letters:
            lanes.send(_timed("bitmaps of common words", index.rebuild_common_words))
        lanes.drain()


def _timed(step: str, work: Callable[[], object]) -> Callable[[], None]:
    """``work`` as a task that logs how long it took (DJANGO_LOG_LEVEL=INFO shows it)."""

    def timed() -> None:
        start = time.perf_counter()
        work()
        logger.info("ingest: %s took %.1f s", step, time.perf_counter() - start)

    return timed


def reparse_letters(
    queryset=None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    wait: bool = True,
) -> ReparseReport:
    """Re-run the parser over stored text; hand-corrected fields are never overwritten.
    Waits while an ingest or another reparse of the database runs, or with ``wait`` false
    raises `IngestRunning` (a web request should not wait for an ingest)."""
    with one_ingest_at_a_time(wait):
        return _reparse(queryset, batch_size, progress)


def _reparse(queryset, batch_size: int, progress: Progress | None) -> ReparseReport:
    report = ReparseReport()
    lookups = Lookups()
    lexicon = curated_lexicon()
    letters = (queryset if queryset is not None else Letter.objects.all()).order_by("pk")
    for letter in letters.iterator(chunk_size=batch_size):
        apply_reparse(letter, parse_letter(letter.original_text, lexicon), lookups)
        report.reparsed += 1
        report.with_issues += letter.parse_status != "ok"
        if progress:
            progress(1)
    if report.reparsed:
        index.rebuild_common_words()
    return report


def _store_batch(results: list[ReadLetter | Rejection], lookups: Lookups) -> IngestReport:
    """Store one batch in its own transaction; what it did."""
    letters = [r for r in results if isinstance(r, ReadLetter)]
    try:
        new = _new_letters(letters)
        store_new_letters(new, lookups)
    except IntegrityError:
        # Another lane of this ingest stored some of these letters since we looked (a
        # letter twice in the corpus; other ingests wait for this one): look again, once.
        new = _new_letters(letters)
        store_new_letters(new, lookups)
    rejections = [r for r in results if isinstance(r, Rejection)]
    _record_rejections(rejections)
    return IngestReport(
        new=len(new),
        unchanged=len(letters) - len(new),
        with_issues=sum(1 for r in new if r.parsed.status != "ok"),
        rejected=rejections,
    )


def _new_letters(letters: list[ReadLetter]) -> list[ReadLetter]:
    """The letters not stored already (earlier batches of this run included), each once.

    Asks the database only: a set of every hash met in the run, copied for each batch, was
    an eighth of the writer's time 800,000 letters in (py-spy).
    """
    hashes = [read.content_hash for read in letters]
    known = set(
        Letter.objects.filter(content_hash__in=hashes).values_list("content_hash", flat=True)
    )
    new = []
    for read in letters:
        if read.content_hash not in known:
            known.add(read.content_hash)
            new.append(read)
    return new


def _record_rejections(rejections: list[Rejection]) -> None:
    """Keep each rejection once (per file and content), so re-runs do not pile them up."""
    known = set(
        RejectedSource.objects.filter(
            source_file__in=[r.source_file for r in rejections]
        ).values_list("source_file", "content_hash")
    )
    RejectedSource.objects.bulk_create(
        RejectedSource(
            source_file=r.source_file[:500], content_hash=r.content_hash, reason=r.reason[:300]
        )
        for r in rejections
        if (r.source_file[:500], r.content_hash) not in known
    )


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


@contextmanager
def _batch_reader(workers: int, lexicon: Lexicon, pdf_root: Path) -> Iterator[BatchReader]:
    """Yield a function that reads batches of inputs, in worker processes when asked.

    With workers, the next batches are parsed while the caller stores the current one, so
    parsing and writing overlap instead of taking turns.
    """
    if workers <= 1:
        start_worker(lexicon, pdf_root)
        try:
            yield lambda batches: (_flat(_read_batch(map, batch)) for batch in batches)
        finally:
            start_worker(None, None)
        return
    # spawn, not fork: a forked worker would share the parent's database connection (and
    # hold its ingest lock).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=start_worker_ending_with,
        initargs=(os.getpid(), lexicon, pdf_root),
    ) as pool:

        def read_ahead(batches: Iterable[list]) -> Iterator[list[ReadLetter | Rejection]]:
            pending: collections.deque = collections.deque()
            for batch in batches:
                # map() submits the whole batch at once; its results are read in order.
                pending.append(_read_batch(pool.map, batch))
                if len(pending) > BATCHES_AHEAD:
                    yield _flat(pending.popleft())
            while pending:
                yield _flat(pending.popleft())

        yield read_ahead


def _read_batch(map_chunks: Callable, batch: list) -> Iterator[list[ReadLetter | Rejection]]:
    """`read_sources` over ``batch`` in chunks of `CHUNK`, by ``map_chunks`` (a pool's map
    or the built-in one); yields each chunk's results, in order."""
    return map_chunks(read_sources, list(_batches(batch, CHUNK)))


def _flat(chunks: Iterable[list]) -> list:
    return list(itertools.chain.from_iterable(chunks))
