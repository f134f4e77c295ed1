"""Build search URLs from the parameters a page used (the URL is the whole state of a search).

Links start from `used_parameters`, never from the request's query string: that may hold
anything, and every link of a page repeated it (issue 28: 240 copies of one value, or a
megabyte in an ignored parameter, came back in every facet, page and tray link).
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict


def used_parameters(form: forms.Form) -> QueryDict:
    """The parameters a validated search form used, as it cleaned them, in the form's order,
    each value once; those it refused are left out."""
    params = QueryDict(mutable=True)
    for name in form.fields:
        value = form.cleaned_data.get(name)
        if isinstance(value, list):
            params.setlist(name, list(dict.fromkeys(str(v) for v in value)))
        elif value is not None and value != "":
            params[name] = str(value)
    return params


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
