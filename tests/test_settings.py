"""Settings read from the environment mean the same thing however they are written."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.letters import ROOT


def _database_options(tmp_path, **environment: str) -> dict:
    """The default database's OPTIONS as a fresh process reads them from ``environment``."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "imrsite.settings.base",
        "IMR_VAR_DIR": str(tmp_path),
        **environment,
    }
    program = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_an_sqlite_url_keeps_the_options_of_the_embedded_database(tmp_path):
    embedded = _database_options(tmp_path)
    named = _database_options(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'other.sqlite3'}")
    assert embedded["transaction_mode"] == "IMMEDIATE" and "WAL" in embedded["init_command"]
    assert named == embedded
