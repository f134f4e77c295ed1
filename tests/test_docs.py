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


DOCUMENTS = [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
CODE_FOLDERS = ("determinations", "imrsite", "tests", "bench", ".ci")
MADE_AT_RUN_TIME = ("var/", "test-artifacts/", "staticfiles/", "bench/out/")


def _named(pattern: str) -> set[tuple[str, str]]:
    """(document, name) for every backticked name the pattern finds in README and docs."""
    return {
        (document.name, name)
        for document in DOCUMENTS
        for name in re.findall(pattern, document.read_text())
    }


def _code_files() -> list:
    files = [path for folder in CODE_FOLDERS for path in (ROOT / folder).rglob("*.py")]
    return [*files, ROOT / "manage.py", ROOT / "gunicorn.conf.py"]


def test_every_module_named_in_the_docs_exists():
    """A module or folder named in the docs is in the code: by its path from the top, or its
    path's end (`search/urls.py`, `store.py`). Folders made at run time are left out."""
    named = _named(r"`([\w./-]+\.py|[\w-]+/(?:[\w-]+/)*)`")
    assert len(named) > 20
    code = [p.relative_to(ROOT).as_posix() for p in _code_files()]
    code += [p.rsplit("/", 1)[0] + "/" for p in code]
    missing = sorted(
        (document, name)
        for document, name in named
        if not name.startswith(MADE_AT_RUN_TIME)
        and not (ROOT / name).exists()
        and not any(path == name or path.endswith("/" + name) for path in code)
    )
    assert missing == []


def test_every_command_named_in_the_docs_exists():
    from django.core.management import get_commands

    named = _named(r"manage\.py ([a-z_]+)")
    assert len(named) > 5
    assert sorted(pair for pair in named if pair[1] not in get_commands()) == []


def test_every_model_named_in_the_docs_exists():
    """A backticked CamelCase name is a model or another class of the code."""
    from django.apps import apps

    classes = {m.__name__ for m in apps.get_models()}
    for path in _code_files():
        classes |= set(re.findall(r"^\s*class (\w+)", path.read_text(), re.M))
    named = _named(r"`([A-Z][a-z]+(?:[A-Z][a-z]+)+)`")
    assert len(named) > 5
    assert sorted(pair for pair in named if pair[1] not in classes) == []
