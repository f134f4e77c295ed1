"""Dates as letters write them: 11/1/1998, 3/15/10, 09-01-2015, 2015-09-01, March 5, 2013."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAME = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"

DATE_PATTERN = re.compile(
    r"(?<![\d/.-])(?:"
    r"(?P<iso_y>(?:19|20)\d\d)-(?P<iso_m>[01]?\d)-(?P<iso_d>[0-3]?\d)"
    r"|(?P<m>[01]?\d)[/.-](?P<d>[0-3]?\d)[/.-](?P<y>(?:19|20)?\d\d)"
    rf"|(?P<mn>{_MONTH_NAME})\s+(?P<mn_d>{_DAY}),?\s+(?P<mn_y>(?:19|20)\d\d)"
    rf"|(?P<dm_d>{_DAY})\s+(?P<dm_mn>{_MONTH_NAME}),?\s+(?P<dm_y>(?:19|20)\d\d)"
    r")(?![\d/])",
    re.I,
)


def parse_date(text: str, today: date | None = None) -> date | None:
    """The first date in ``text``, or None."""
    for match in DATE_PATTERN.finditer(text):
        found = date_from_match(match, today)
        if found:
            return found
    return None


def date_from_match(match: re.Match[str], today: date | None = None) -> date | None:
    """Turn a DATE_PATTERN match into a date; None when it is not a real calendar date."""
    groups = match.groupdict()
    if groups["iso_y"]:
        parts = groups["iso_y"], groups["iso_m"], groups["iso_d"]
    elif groups["y"]:
        parts = groups["y"], groups["m"], groups["d"]
    elif groups["mn"]:
        parts = groups["mn_y"], _month(groups["mn"]), groups["mn_d"]
    else:
        parts = groups["dm_y"], _month(groups["dm_mn"]), groups["dm_d"]
    year_text, month, day_text = parts
    try:
        year = _full_year(year_text, today or date.today())
        return date(year, int(month), int(re.sub(r"\D", "", day_text)))
    except (TypeError, ValueError):
        return None


def _month(name: str) -> int | None:
    return _MONTHS.get(name.lower()[:3])


def _full_year(text: str, today: date) -> int:
    """Two-digit years up to this year are 20xx, later ones 19xx."""
    year = int(text)
    if year >= 100:
        return year
    return 2000 + year if year <= today.year % 100 else 1900 + year
