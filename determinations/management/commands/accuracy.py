"""`python manage.py accuracy PATH --expected FILE`: the parser's accuracy per field."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from django.core.management.base import BaseCommand, CommandError, CommandParser

from determinations.accuracy import corrected, measure
from determinations.ingest.reading import ReadLetter, read_source
from determinations.ingest.sources import discover


class Command(BaseCommand):
    help = (
        "Parse the letters under PATH (text or PDF files, folders, zips) without storing them, "
        "and print how often each field matches the expectations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="letter files, folders or .zip archives")
        parser.add_argument(
            "--expected", required=True, help="JSON of expected values keyed by case number"
        )
        parser.add_argument(
            "--corrections", help="JSON of expected values the letters themselves contradict"
        )
        parser.add_argument("--misses", action="store_true", help="list every wrong value")

    def handle(self, *args, paths, expected, corrections, misses, **options) -> None:
        expectations = _json(expected)
        if corrections:
            expectations = corrected(expectations, _json(corrections))
        letters = []
        for source in discover(paths):
            read = read_source(source)
            if isinstance(read, ReadLetter):
                letters.append((PurePosixPath(read.source_file).stem, read.parsed))
        accuracy = measure(letters, expectations)
        if not accuracy.letters:
            raise CommandError("no letter under the paths given has expectations")
        for line in accuracy.lines():
            self.stdout.write(line)
        if misses:
            for miss in accuracy.misses:
                self.stdout.write(f"  {miss}")


def _json(path: str) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"cannot read {path}: {error}") from error
