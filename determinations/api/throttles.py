"""How often the API answers one client (issue 31): anonymous clients by address, at
`IMR_API_ANON_RATE`; staff, signed in or by token, by account at `IMR_API_STAFF_RATE`.

The rates are read when a request comes, so a deployment's settings (or a test's) apply
without a restart of the throttle classes. The counts live in the default cache: with the
per-process memory cache each worker counts on its own (docs/api.md).
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from imrsite.lockout import client_address


def _is_staff(request: Request) -> bool:
    return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class AnonymousRate(SimpleRateThrottle):
    """Every client but staff, by its address as the lockout reads it (behind proxies too)."""

    scope = "anonymous"

    def get_rate(self) -> str | None:
        return settings.IMR_API_ANON_RATE or None

    def get_cache_key(self, request: Request, view) -> str | None:
        if _is_staff(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class StaffRate(SimpleRateThrottle):
    """Staff accounts, each counted on its own."""

    scope = "staff"

    def get_rate(self) -> str | None:
        return settings.IMR_API_STAFF_RATE or None

    def get_cache_key(self, request: Request, view) -> str | None:
        if not _is_staff(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
