"""What `make test` does on a machine that lacks a PostgreSQL server or Chromium."""

from __future__ import annotations

import psycopg

from tests import chromium, postgres_pass


def test_with_no_server_answering_a_throwaway_one_serves_the_run_and_goes():
    assert not postgres_pass.answers("postgres://postgres@127.0.0.1:1/imr")
    with postgres_pass.throwaway_server() as url:
        assert postgres_pass.answers(url)
        # libpq reads the URL's percent-encoded host as the socket's folder, as Django does.
        with psycopg.connect(url.removesuffix("/imr") + "/postgres") as database:
            assert database.execute("select 1").fetchone() == (1,)
    assert not postgres_pass.answers(url)


def test_chromium_is_the_one_named_by_the_environment_or_none(monkeypatch, tmp_path):
    browser = tmp_path / "chromium"
    browser.write_text("")
    monkeypatch.setenv("CHROMIUM", str(browser))
    assert chromium.find() == str(browser)
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "missing"))
    assert chromium.find() is None
    assert chromium.main() == 1  # never installs over a path the user gave
