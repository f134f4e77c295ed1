"""Logging filters named in `settings.LOGGING`."""

from __future__ import annotations

import logging


class WithoutTraceback(logging.Filter):
    """Keep a record to its one line: drop the exception's traceback (for requests refused
    for their size, where the traceback only shows Django's own parsing)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True
