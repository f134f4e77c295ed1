"""`python manage.py export --format csv|json|jsonl [--output FILE]` with the search filters."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

import django_filters
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict

from determinations.export import WRITERS, export_records
from determinations.management.commands._progress import progress_bar
from determinations.search import ordered_items
from determinations.search.filters import ItemFilter


class Command(BaseCommand):
    help = "Export the disputed items matching the search filters (the parameters of `/`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=sorted(WRITERS), default="csv")
        parser.add_argument("--output", default="-", help="file to write; - for stdout (default)")
        parser.add_argument(
            "--bom", action="store_true", help="CSV: start with a UTF-8 BOM (Excel)"
        )
        filters = parser.add_argument_group("filters (as on the search page)")
        for name, definition in ItemFilter.base_filters.items():
            repeatable = isinstance(definition, django_filters.MultipleChoiceFilter)
            filters.add_argument(
                f"--{name.replace('_', '-')}",
                dest=f"filter_{name}",
                action="append" if repeatable else "store",
                metavar=name.upper(),
                help=f"{definition.label or name}{' (repeatable)' if repeatable else ''}",
            )

    def handle(self, *args, **options) -> None:
        params = QueryDict(mutable=True)
        for name in ItemFilter.base_filters:
            value = options.get(f"filter_{name}")
            if isinstance(value, list):
                params.setlist(name, value)
            elif value is not None:
                params[name] = value
        filters = ItemFilter(params)
        if filters.notices:
            raise CommandError(" ".join(filters.notices))
        total = filters.filtered().count() if sys.stderr.isatty() else None
        with progress_bar(total, unit="item") as advance:
            fmt = options["format"]
            rows = _counted(export_records(ordered_items(filters), fmt), advance)
            chunks = WRITERS[fmt](rows, bom=options["bom"]) if fmt == "csv" else WRITERS[fmt](rows)
            if options["output"] == "-":
                for chunk in chunks:
                    self.stdout.write(chunk, ending="")
                return
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                out.writelines(chunks)


def _counted(chunks: Iterator[list[str]], advance: Callable[[int], None]) -> Iterator[list[str]]:
    for rows in chunks:
        advance(len(rows))
        yield rows
