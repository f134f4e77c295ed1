"""The admin login lockout (django-axes): who a client is behind the reverse proxy, and what
locks it out (docs/deploy.md, "Admin logins behind the proxy").

A failed login counts against its username from its address and against its address alone.
The pair locks after `AXES_FAILURE_LIMIT` failures, so nobody elsewhere can lock the admin
out; the address locks after `IMR_LOGIN_FAILURES_PER_ADDRESS`, so trying many usernames from
one address does not get around the pair's limit.
"""

from __future__ import annotations

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the client: `REMOTE_ADDR`, or behind `IMR_TRUSTED_PROXY_COUNT` proxies
    the address the outermost of them appended to `X-Forwarded-For`.

    Each proxy appends the address it was reached from, so the last `count` entries are the
    proxies' own and everything to their left is whatever the client sent; without a proxy
    configured the header is the client's own word and is never read.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.IMR_TRUSTED_PROXY_COUNT
    if count < 1:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < count:  # not through every proxy: only the peer is known
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count].strip()))
    except ValueError:
        return remote


class PairAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler, with one limit for a username from an address and another,
    higher one, for an address whatever the usernames (axes has one limit for all)."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The failures that count against this login, scaled to `AXES_FAILURE_LIMIT`: the
        address's count reaches that limit exactly when it reaches its own."""
        recent = AccessAttempt.objects.filter(
            attempt_time__gte=get_cool_off_threshold(request),
            ip_address=request.axes_ip_address,
        )
        by_address = _failures(recent)
        by_pair = _failures(recent.filter(username=get_client_username(request, credentials)))
        limit = get_failure_limit(request, credentials)
        return max(by_pair, by_address * limit // settings.IMR_LOGIN_FAILURES_PER_ADDRESS)


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
