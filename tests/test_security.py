"""Production settings: security headers, the deploy check, error pages, login lockout."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.views.defaults import server_error

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
