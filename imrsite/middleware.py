"""What the admin may do that the public site may not: take POSTs, and use inline styles."""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.urls import reverse

PUBLIC_METHODS = ["GET", "HEAD"]
ADMIN_METHODS = ["GET", "HEAD", "POST"]  # forms, login, logout


def in_admin(request: HttpRequest) -> bool:
    return request.path.startswith(reverse("admin:index"))


class ReadOnlyOutsideAdminMiddleware:
    """405 for any method but GET and HEAD outside the admin (OPTIONS and TRACE included), and
    for any but those and POST inside it: no public page takes anything but a query string."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        allowed = ADMIN_METHODS if in_admin(request) else PUBLIC_METHODS
        if request.method not in allowed:
            return HttpResponseNotAllowed(allowed)
        return self.get_response(request)


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's policy, plus `style-src 'unsafe-inline'` on the admin's pages alone: its
    templates and widgets set style attributes; the public templates have none."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponse, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and in_admin(request):
            update = dict(parts.update or {})
            update["style-src"] = [*update.get("style-src", []), UNSAFE_INLINE]
            parts.update = update
        return parts
