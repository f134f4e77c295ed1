"""Every setting read from the environment and every make target is documented in the README,
and every search parameter in the project's contract (docs/contract.md)."""

from __future__ import annotations

import re

from tests.letters import ROOT

README = (ROOT / "README.md").read_text()


def _environment_variables() -> set[str]:
    names = set()
    for path in (ROOT / "imrsite" / "settings").glob("*.py"):
        names |= set(re.findall(r"os\.environ(?:\.get)?[\[(]\"([A-Z_]+)\"", path.read_text()))
    return names


def test_every_environment_variable_is_documented():
    names = _environment_variables()
    assert {"DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS"} <= names
    assert sorted(name for name in names if f"`{name}`" not in README) == []


def test_every_make_target_is_documented():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]+):", makefile, re.M)) - {"install", "clean", "format"}
    assert sorted(t for t in targets if f"make {t}" not in README) == []


def test_every_search_parameter_is_documented():
    from determinations.search.filters import ItemFilter

    contract = (ROOT / "docs" / "contract.md").read_text()
    names = [*ItemFilter.base_filters, "page"]
    assert sorted(name for name in names if f"`{name}`" not in contract) == []


def test_every_link_between_documents_leads_to_a_file():
    documents = [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    links = [
        (document, target)
        for document in documents
        for target in re.findall(r"\]\(([^)#:]+?)(?:#[\w-]+)?\)", document.read_text())
    ]
    assert len(links) > 20
    broken = [f"{d.name}: {t}" for d, t in links if not (d.parent / t).exists()]
    assert broken == []


def test_every_test_named_in_the_security_notes_exists():
    notes = (ROOT / "docs" / "security.md").read_text()
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", notes)
    named += [
        (module, test)
        for module, test in re.findall(r"`(tests/[\w/]+\.py)::\w+`, `::(\w+)`", notes)
    ]
    assert len(named) > 10
    for module, test in named:
        source = (ROOT / module).read_text()
        assert not test or f"def {test}(" in source, f"{module}::{test}"


def test_every_gunicorn_setting_from_the_environment_is_documented():
    config = (ROOT / "gunicorn.conf.py").read_text()
    names = set(re.findall(r"os\.environ\.get\([\"']([A-Z_]+)[\"']", config))
    assert {"WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "HOST", "PORT"} <= names
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    assert sorted(name for name in names if f"`{name}`" not in deploy) == []
