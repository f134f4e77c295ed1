"""`{% facet_options facet values %}`: a facet's values as checkboxes with their counts.

A search page lists some 170 facet values; written with the template language they were
about a third of the page's rendering, as one `format_html_join` they cost almost nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join

from determinations.search.facets import Facet, FacetValue

register = template.Library()

_OPTION = (
    '<li><label><input type="checkbox" name="{}" value="{}"{}> {}</label> '
    '<span class="count" aria-label="{} items">{}</span></li>'
)
_CHECKED = format_html(" {}", "checked")


@register.simple_tag
def facet_options(facet: Facet, values: Iterable[FacetValue]) -> str:
    return format_html_join(
        "",
        _OPTION,
        (
            (facet.name, v.value, _CHECKED if v.selected else "", v.label, v.count, v.count)
            for v in values
        ),
    )
