"""`python manage.py reparse`: re-run the parser over stored letter text."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from determinations.ingest import reparse_letters
from determinations.management.commands._progress import progress_bar
from determinations.models import Letter


class Command(BaseCommand):
    help = "Re-parse stored letters; fields corrected by hand are never overwritten."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ids", nargs="*", type=int, help="only these letter ids")

    def handle(self, *args, ids: list[int] | None, **options) -> None:
        letters = Letter.objects.all()
        if ids:
            letters = letters.filter(pk__in=ids)
        with progress_bar(letters.count(), unit="letter") as advance:
            report = reparse_letters(letters, progress=advance)
        self.stdout.write(report.summary())
