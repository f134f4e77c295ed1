"""`ingest` shows a progress bar on a terminal and nothing but its summary when piped."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios

from tests import letters
from tests.letters import ROOT


def _run_on_terminal(args: list[str], env: dict[str, str]) -> str:
    pid, fd = pty.fork()
    if pid == 0:  # the child: a 40x100 terminal, then the command
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        os.execve(sys.executable, [sys.executable, *args], env)
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode(errors="replace")


def test_progress_bar_on_a_terminal_only(real_db, tmp_path):
    letters.write_variants(tmp_path / "corpus", 30)
    args = [str(ROOT / "manage.py"), "ingest", str(tmp_path / "corpus"), "--batch-size", "10"]

    on_terminal = _run_on_terminal(args, real_db.env)
    letters.write_variants(tmp_path / "corpus", 40)  # ten more letters for the piped run
    piped = subprocess.run([sys.executable, *args], env=real_db.env, capture_output=True, text=True)

    assert "30/30" in on_terminal and "100%|" in on_terminal
    assert on_terminal.rstrip().endswith(
        "ingested 30 new, 0 unchanged, 6 with parse issues, 0 rejected"
    )
    assert piped.stdout == "ingested 10 new, 30 unchanged, 2 with parse issues, 0 rejected\n"
    assert re.fullmatch(r"took \d+\.\d s, \d+ inputs a second\n", piped.stderr)  # no bar
