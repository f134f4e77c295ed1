"""Build search URLs from the current parameters (the URL is the whole state of a search)."""

from __future__ import annotations

from django.http import QueryDict


def with_value_toggled(params: QueryDict, name: str, value: str) -> str:
    """`?...` with ``value`` added to or removed from the repeatable parameter ``name``."""
    params = params.copy()
    values = params.getlist(name)
    params.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    params.pop("page", None)
    return "?" + params.urlencode()


def with_values(params: QueryDict, page: int | None = None, **values: str | None) -> str:
    """`?...` with single-valued parameters set (None removes one) and the page reset."""
    params = params.copy()
    params.pop("page", None)
    for name, value in values.items():
        params.pop(name, None)
        if value not in (None, ""):
            params[name] = str(value)
    if page and page > 1:
        params["page"] = str(page)
    return "?" + params.urlencode()
