"""An ingest's worker processes end with the process that started them.

A `ProcessPoolExecutor` worker waits for work on a pipe whose writing end it holds too, so a
parent killed with SIGKILL (no chance to stop its pool) left its workers waiting forever, and
with them the multiprocessing resource tracker, whose pipe they hold (issue 28, item 8).
Imports nothing from Django: a spawned worker has no settings.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from pathlib import Path

from determinations.ingest.reading import start_worker
from determinations.lexicon import Lexicon

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_EVERY = 1.0  # seconds between two looks at the parent, where the kernel cannot tell


def start_worker_ending_with(parent: int, lexicon: Lexicon | None, pdf_root: Path | None) -> None:
    """Set up a worker process of ``parent`` (a pid): `exit_with_parent`, then
    `reading.start_worker`."""
    exit_with_parent(parent)
    start_worker(lexicon, pdf_root)


def exit_with_parent(parent: int) -> None:
    """End this process as soon as ``parent`` (the pid of its parent) ends: on Linux the
    kernel kills it; elsewhere, and should that fail, a thread looking every `WATCH_EVERY`
    seconds ends it."""
    _killed_with_parent()
    if os.getppid() != parent:  # the parent ended before the kernel was asked
        os._exit(1)
    watch = threading.Thread(target=_watch, args=(parent,), name="watch-parent", daemon=True)
    watch.start()


def _killed_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent ends. Its results would go
    nowhere, and it holds nothing to clean up: a kept PDF appears whole or not at all."""
    if not sys.platform.startswith("linux"):
        return
    # No prctl in this libc: the watching thread will do.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_EVERY)
    os._exit(1)  # not sys.exit: the pool's threads would be waited for
