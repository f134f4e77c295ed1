"""Ingest: `sources` finds the inputs (files, folders, `archives`), `reading` turns each into
a parsed letter or a rejection (in `workers`; PDFs by `pdf`), `store` writes them in batches
through `bulk` on the `lanes`, and `service` runs it all, one run at a time (`lock`).

The service is imported on first use: worker processes import this package to reach
`reading`, and have no Django settings to load models with."""

from __future__ import annotations

_SERVICE = {"IngestReport", "ReparseReport", "count_sources", "ingest_paths", "reparse_letters"}


def __getattr__(name: str):
    if name in _SERVICE:
        from determinations.ingest import service

        return getattr(service, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
