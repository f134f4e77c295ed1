"""The two-column header of the published letters, as each text extractor lays it out."""

from __future__ import annotations

from datetime import date

import pytest

from determinations.parsing import parse_letter

PDFIUM = (  # PDFium leaves a space at the end of a line that wraps
    "Case Number: CM16-0231706\n"
    "Date Assigned: 12/07/2016 Date of Injury: 10/23/2016\n"
    "Decision Date: 01/05/2017 UR Denial Date: 11/29/2016\n"
    "Priority: Standard Application \n"
    "Received: \n"
    "12/01/2016\n"
    "HOW THE IMR FINAL DETERMINATION WAS MADE\n"
)
PDFTOTEXT_LAYOUT = """Case Number:          CM16-0231706
Date Assigned:        12/07/2016                      Date of Injury:      10/23/2016
Decision Date:        01/05/2017                      UR Denial Date:      11/29/2016
Priority:             Standard                        Application          12/01/2016
                                                      Received:

                 HOW THE IMR FINAL DETERMINATION WAS MADE
"""


@pytest.mark.parametrize("header", [PDFIUM, PDFTOTEXT_LAYOUT], ids=["pdfium", "pdftotext"])
def test_header_facts(header):
    letter = parse_letter(header)
    assert letter.case_number == "CM16-0231706"
    assert letter.date_assigned == date(2016, 12, 7)
    assert letter.date_of_injury == date(2016, 10, 23)
    assert letter.decision_date == date(2017, 1, 5)
    assert letter.ur_denial_date == date(2016, 11, 29)
    assert letter.priority == "standard"
    assert letter.application_received_date == date(2016, 12, 1)


def test_expedited_priority_and_no_header():
    assert parse_letter("Priority:   Expedited\nIMR ISSUES").priority == "expedited"
    letter = parse_letter("CLINICAL CASE SUMMARY\nThe patient is a 40 year old man.")
    assert (letter.priority, letter.decision_date, letter.application_received_date) == (
        "",
        None,
        None,
    )
