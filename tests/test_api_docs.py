"""Every curl example of docs/api.md, run with curl against a live test server: each answers
with the status its section says and with JSON."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess

import pytest

from determinations.ingest import ingest_paths
from tests import letters
from tests.letters import ROOT

DOC = (ROOT / "docs" / "api.md").read_text()
DOCUMENTED_HOST = "http://127.0.0.1:8000"
TOKEN = "0123456789abcdef0123456789abcdef01234567"  # the one docs/api.md shows


def _examples() -> list[tuple[str, str]]:
    """(section, command line) of every curl example, in order."""
    found, section = [], ""
    for line in DOC.splitlines():
        if line.startswith("## "):
            section = line[3:]
        elif line.startswith("curl "):
            found.append((section, line))
    return found


def test_the_documentation_has_examples_of_every_endpoint():
    commands = " ".join(command for _, command in _examples())
    for endpoint in re.findall(r"^\| `(/api/v1/[a-z]+/)", DOC, re.M):
        assert endpoint in commands, endpoint


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize(("section", "command"), _examples())
def test_each_curl_example_answers_as_documented(section, command, live_server, transactional_db):
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    ingest_paths([letters.SEED_LETTERS, letters.FIXTURE_LETTERS])
    Token.objects.create(key=TOKEN, user=User.objects.create_user("api", is_staff=True))
    arguments = [a.replace(DOCUMENTED_HOST, live_server.url) for a in shlex.split(command)]
    done = subprocess.run(
        [*arguments, "-w", "\n%{http_code}"], capture_output=True, text=True, timeout=60
    )
    body, status = done.stdout.rsplit("\n", 1)
    assert done.returncode == 0, done.stderr
    assert status == ("400" if section == "Errors" else "200"), body[:500]
    answer = json.loads(body)
    if "results" in answer:
        assert answer["results"], command  # each example finds something in the test corpus
