"""`python manage.py ingest PATH [PATH ...]`: load letters from files, folders and .zip archives."""

from __future__ import annotations

import argparse
import re
import sys
import time

from django.core.management.base import BaseCommand, CommandParser

from determinations.ingest import count_sources, ingest_paths
from determinations.ingest.archives import ArchiveLimits
from determinations.management.commands._progress import progress_bar

_SIZE = re.compile(r"(\d+)\s*([kmgt]?)i?b?", re.I)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


class Command(BaseCommand):
    help = "Ingest IMR letters (text files, folders searched recursively, .zip archives)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="files, folders or .zip archives")
        parser.add_argument("--workers", type=int, default=1, help="parser processes (default 1)")
        parser.add_argument(
            "--batch-size", type=int, default=250, help="letters per transaction (default 250)"
        )
        # The limits on archives, docs/ingest.md "Archives": defaults and why.
        limits = ArchiveLimits()
        parser.add_argument(
            "--max-archive-depth",
            type=_count(0),
            default=limits.depth,
            help=f"how deep archives inside archives are opened: a zip in a zip is 1 "
            f"(default {limits.depth})",
        )
        parser.add_argument(
            "--max-archive-members",
            type=_count(1),
            default=limits.members,
            help=f"entries in an archive and those inside it (default {limits.members:,})",
        )
        parser.add_argument(
            "--max-archive-bytes",
            type=_size,
            default=limits.total_bytes,
            help="uncompressed bytes in an archive and those inside it, e.g. 500M or 40G "
            f"(default {limits.total_bytes // 1024**3}G)",
        )
        parser.add_argument(
            "--max-compression-ratio",
            type=_count(1),
            default=limits.ratio,
            help=f"how many times a member over 1 MB may inflate (default {limits.ratio})",
        )

    def handle(self, *args, paths: list[str], workers: int, batch_size: int, **options) -> None:
        limits = ArchiveLimits(
            depth=options["max_archive_depth"],
            members=options["max_archive_members"],
            total_bytes=options["max_archive_bytes"],
            ratio=options["max_compression_ratio"],
        )
        started = time.monotonic()
        total = count_sources(paths, limits) if sys.stderr.isatty() else None
        with progress_bar(total, unit="file") as advance:
            report = ingest_paths(
                paths,
                workers=max(workers, 1),
                batch_size=max(batch_size, 1),
                progress=advance,
                limits=limits,
            )
        for rejection in report.rejected:
            self.stderr.write(f"rejected {rejection.source_file}: {rejection.reason}")
        self.stderr.write(elapsed_line(report.seen, time.monotonic() - started))
        self.stdout.write(report.summary())


def elapsed_line(inputs: int, seconds: float) -> str:
    """How long the run took and how fast it went ("took 12.4 s, 8,065 inputs a second")."""
    rate = f", {inputs / seconds:,.0f} inputs a second" if inputs and seconds > 0 else ""
    return f"took {seconds:,.1f} s{rate}"


def _count(least: int):
    def count(text: str) -> int:
        if not text.isdigit() or int(text) < least:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of {least} or more")
        return int(text)

    return count


def _size(text: str) -> int:
    """Bytes from ``500M``, ``20G``, ``20GB``, ``1048576``: units of 1,024."""
    match = _SIZE.fullmatch(text.strip())
    if not match or not int(match[1]):
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 500M or 20G")
    return int(match[1]) * _UNITS[match[2].lower()]
