"""`python manage.py ingest PATH [PATH ...]`: load letters from files, folders and .zip archives."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandParser

from determinations.ingest import count_sources, ingest_paths
from determinations.management.commands._progress import progress_bar


class Command(BaseCommand):
    help = "Ingest IMR letters (text files, folders searched recursively, .zip archives)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="files, folders or .zip archives")
        parser.add_argument("--workers", type=int, default=1, help="parser processes (default 1)")
        parser.add_argument(
            "--batch-size", type=int, default=250, help="letters per transaction (default 250)"
        )

    def handle(self, *args, paths: list[str], workers: int, batch_size: int, **options) -> None:
        total = count_sources(paths) if sys.stderr.isatty() else None
        with progress_bar(total, unit="file") as advance:
            report = ingest_paths(
                paths, workers=max(workers, 1), batch_size=max(batch_size, 1), progress=advance
            )
        for rejection in report.rejected:
            self.stderr.write(f"rejected {rejection.source_file}: {rejection.reason}")
        self.stdout.write(report.summary())
