from __future__ import annotations

from datetime import date

import pytest

from determinations.parsing.dates import parse_date

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11/1/1998", date(1998, 11, 1)),
        ("3/15/10", date(2010, 3, 15)),
        ("09-01-2015", date(2015, 9, 1)),
        ("2014-05-30", date(2014, 5, 30)),
        ("09.14.2003", date(2003, 9, 14)),
        ("March 5, 2012", date(2012, 3, 5)),
        ("Mar. 5th, 2013", date(2013, 3, 5)),
        ("Sept 3 2014", date(2014, 9, 3)),
        ("5 March 2013", date(2013, 3, 5)),
        ("on 02/05/2012.", date(2012, 2, 5)),
        ("1/2/98", date(1998, 1, 2)),
        ("1/2/26", date(2026, 1, 2)),
        ("1/2/27", date(1927, 1, 2)),
        ("13/45/2012 and later 1/2/03", date(2003, 1, 2)),
        ("Page(s): 63-66", None),
        ("10/325mg", None),
        ("no date here", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text, TODAY) == expected
