"""`python tests/peak_memory.py FILE COMMAND...`: run COMMAND and write its peak resident
memory in MB (its own, or that of a child it waited for, whichever is larger) to FILE.

Measured from this small process, not from pytest: Linux counts the memory a forked child
had before `exec` in its peak, so a child of pytest a thousand tests in starts at pytest's
size (375 MB measured in a full run).
"""

import os
import subprocess
import sys
from pathlib import Path


def main(report: str, *command: str) -> int:
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    Path(report).write_text(str(usage.ru_maxrss // 1024))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
