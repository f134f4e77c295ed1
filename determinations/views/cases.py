"""`/cases/<case number>/`: a stable address for a case, sent on to its letter's page."""

from __future__ import annotations

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from determinations.models import Letter
from determinations.search.query import case_number as read_case_number


def case_letter(request: HttpRequest, case_number: str) -> HttpResponse:
    """Redirect (302) to the letter with this case number, read as `q` reads one (any case).

    The case number is not unique: when letters share one, the one decided last is shown
    (undated last, then the one added last), as a reader following a case expects.
    """
    number = read_case_number(case_number)
    letter = None
    if number:
        letters = Letter.objects.filter(case_number=number).only("pk")
        letter = letters.order_by(F("decision_date").desc(nulls_last=True), "-pk").first()
    if letter is None:
        context = {"case_number": case_number[:40], "valid": bool(number)}
        return render(request, "determinations/case_not_found.html", context, status=404)
    return redirect("determinations:letter_detail", pk=letter.pk)
