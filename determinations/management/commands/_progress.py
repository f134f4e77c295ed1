"""A progress bar on a terminal, nothing when output goes to a file or a pipe."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def progress_bar(total: int | None, unit: str) -> Iterator[Callable[[int], None]]:
    """Yield an ``advance(n)`` function that moves a tqdm bar when stderr is a terminal."""
    bar = tqdm(total=total, unit=unit, disable=not sys.stderr.isatty(), dynamic_ncols=True)
    try:
        yield bar.update
    finally:
        bar.close()
