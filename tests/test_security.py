"""Production settings: security headers, the deploy check, error pages, the login lockout,
allowed methods, the content security policy and refused requests."""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import resolve
from django.views.defaults import server_error

import determinations.api.urls
import determinations.urls
from determinations.ingest import ingest_paths
from determinations.models import DisputedItem
from imrsite.lockout import client_address
from tests import letters
from tests.letters import ROOT

pytestmark = pytest.mark.django_db


def test_every_page_sends_the_security_headers(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_hsts_over_https_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    assert "Strict-Transport-Security" not in client.get("/")
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_deploy_check_passes_under_the_documented_production_environment():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "imrsite.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "imr.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_a_missing_page_is_our_404_without_internals(client):
    response = client.get("/determinations/999999/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "There is no page at this address" in page and "Traceback" not in page


def test_the_500_page_shows_no_internals():
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert "Traceback" not in page and "settings" not in page.lower()


def test_repeated_failed_admin_logins_lock_the_account_out(client):
    User.objects.create_user("steward", password="right-password-1", is_staff=True)
    for _ in range(5):
        response = client.post(
            "/admin/login/", {"username": "steward", "password": "wrong", "next": "/admin/"}
        )
        assert response.status_code in (200, 429)
    response = client.post(
        "/admin/login/", {"username": "steward", "password": "right-password-1", "next": "/admin/"}
    )
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302  # still not logged in


def test_a_correct_login_after_a_few_mistakes_works(client):
    User.objects.create_user("steward", password="right-password-1", is_staff=True)
    for _ in range(2):
        client.post("/admin/login/", {"username": "steward", "password": "wrong"})
    response = client.post(
        "/admin/login/", {"username": "steward", "password": "right-password-1", "next": "/admin/"}
    )
    assert response.status_code == 302 and client.get("/admin/").status_code == 200


# Admin logins behind the reverse proxy (docs/deploy.md): the lockout knows the client by the
# address the proxy appended to X-Forwarded-For, never by the proxy's own or a forged one.
PROXY = "198.51.100.7"  # REMOTE_ADDR of every request that came through the proxy
CLIENT_A, CLIENT_B = "203.0.113.10", "203.0.113.20"


def log_in(username: str, password: str, remote: str = PROXY, forwarded: str = ""):
    """A new browser's login; `forwarded` is the X-Forwarded-For the site receives."""
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    form = {"username": username, "password": password, "next": "/admin/"}
    return Client().post("/admin/login/", form, **headers)


@pytest.fixture
def steward():
    return User.objects.create_user("steward", password="right-password-1", is_staff=True)


@pytest.mark.parametrize(
    "proxies, remote, forwarded, client",
    [
        (0, CLIENT_A, "", CLIENT_A),
        (0, CLIENT_A, CLIENT_B, CLIENT_A),  # no proxy: the header is the client's own word
        (1, PROXY, CLIENT_A, CLIENT_A),
        (1, PROXY, f"{CLIENT_B}, {CLIENT_A}", CLIENT_A),  # what the client sent is left of it
        (1, PROXY, f"{CLIENT_B},{CLIENT_A} ", CLIENT_A),
        (2, PROXY, f"{CLIENT_B}, {CLIENT_A}, 192.0.2.1", CLIENT_A),  # CDN, then the proxy
        (1, PROXY, "", PROXY),  # not through the proxy: only the peer is known
        (2, PROXY, CLIENT_A, PROXY),
        (1, PROXY, f"{CLIENT_A}, unknown", PROXY),
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
    ],
)  # fmt: skip
def test_the_client_address_is_the_one_the_trusted_proxies_appended(
    settings, proxies, remote, forwarded, client
):
    settings.IMR_TRUSTED_PROXY_COUNT = proxies
    headers = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_address(RequestFactory().get("/admin/login/", **headers)) == client


def test_behind_the_proxy_failed_logins_lock_out_only_their_own_client(settings, steward):
    settings.IMR_TRUSTED_PROXY_COUNT = 1
    for _ in range(5):  # A, pretending to be B as well
        log_in("steward", "wrong", forwarded=f"{CLIENT_B}, {CLIENT_A}")

    assert log_in("steward", "right-password-1", forwarded=CLIENT_A).status_code == 429
    b = log_in("steward", "right-password-1", forwarded=CLIENT_B)
    assert b.status_code == 302 and b.client.get("/admin/").status_code == 200


def test_an_address_trying_many_usernames_is_locked_out(settings, steward):
    settings.IMR_TRUSTED_PROXY_COUNT = 1
    for n in range(19):
        log_in(f"guess-{n}", "wrong", forwarded=CLIENT_A)
    assert log_in("steward", "right-password-1", forwarded=CLIENT_A).status_code == 302

    log_in("guess-19", "wrong", forwarded=CLIENT_A)  # the twentieth failure from A
    assert log_in("steward", "right-password-1", forwarded=CLIENT_A).status_code == 429
    assert log_in("steward", "right-password-1", forwarded=CLIENT_B).status_code == 302


def test_without_a_proxy_a_forged_forwarded_header_changes_nothing(steward):
    for n in range(5):  # each attempt claims another address; REMOTE_ADDR is the client
        log_in("steward", "wrong", remote=CLIENT_A, forwarded=f"192.0.2.{n}")

    assert log_in("steward", "right-password-1", CLIENT_A, "192.0.2.99").status_code == 429
    assert log_in("steward", "right-password-1", CLIENT_B, CLIENT_A).status_code == 302


# Methods, the content security policy, refused requests

PUBLIC_PAGES = [
    "/", "/determinations/{letter}/", "/determinations/{letter}/original.pdf",
    "/items/{item}/similar/", "/compare/", "/boilerplate/", "/insights/",
    "/insights.csv?breakdown=drug_class", "/export.csv", "/export.json", "/export.jsonl",
    "/healthz", "/feed.atom", "/cases/CM16-0213037/", "/api/v1/items/?q=pain",
    "/api/v1/items/{item}/", "/api/v1/items/{item}/similar/", "/api/v1/facets/?q=pain",
    "/api/v1/letters/", "/api/v1/letters/{letter}/", "/api/v1/schema/", "/api/v1/nothing/",
]  # fmt: skip


@pytest.fixture
def corpus():
    ingest_paths([letters.SEED_LETTERS])
    item = DisputedItem.objects.order_by("pk").first()
    return {"letter": item.letter_id, "item": item.pk}


def test_the_method_test_covers_every_public_url(corpus):
    tested = {resolve(path.format(**corpus).split("?")[0]).url_name for path in PUBLIC_PAGES}
    patterns = [*determinations.urls.urlpatterns, *determinations.api.urls.urlpatterns]
    assert tested == {pattern.name for pattern in patterns}


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_answer_get_and_head_only(client, corpus, path):
    url = path.format(**corpus)
    # the seed letters are text, without case numbers
    expected = 404 if url.endswith((".pdf", "/nothing/")) or url.startswith("/cases/") else 200
    assert client.get(url).status_code == expected
    assert client.head(url).status_code == expected
    browser = Client(enforce_csrf_checks=True)  # a 405 comes before the CSRF check's 403
    for method in ["options", "trace", "post", "put", "patch", "delete"]:
        response = getattr(browser, method)(url)
        assert (response.status_code, response["Allow"]) == (405, "GET, HEAD"), method


def test_the_admin_takes_posts_but_no_other_method(client):
    assert client.get("/admin/login/").status_code == 200
    assert client.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 200
    for method in ["options", "trace", "put", "delete"]:
        response = getattr(client, method)("/admin/login/")
        assert (response.status_code, response["Allow"]) == (405, "GET, HEAD, POST"), method


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_only_the_admin_allows_inline_styles(client, corpus):
    for path in PUBLIC_PAGES[:2] + PUBLIC_PAGES[4:7]:
        response = client.get(path.format(**corpus))
        assert "unsafe-inline" not in response["Content-Security-Policy"], path
        assert directives(response)["style-src"] == "'self'"
    admin = directives(client.get("/admin/login/"))
    assert (admin["style-src"], admin["script-src"]) == ("'self' 'unsafe-inline'", "'self'")


def test_too_many_parameters_is_a_400_logged_in_one_line(client, caplog):
    query = "&".join(f"p{n}=1" for n in range(1001))
    with caplog.at_level(logging.INFO):
        response = client.get(f"/?{query}")
    assert response.status_code == 400
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "django.security.TooManyFieldsSent",
            "ERROR",
            "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.",
        )
    ]
    assert caplog.records[0].exc_info is None and "Traceback" not in caplog.text
    assert caplog.text.count("\n") == 1
