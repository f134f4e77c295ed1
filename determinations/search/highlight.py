"""Highlighted text as safe HTML: the text is always escaped first, then <mark> is added."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from determinations.search.backends import MARK_END, MARK_START


def marked_html(snippet: str) -> SafeString:
    """A backend snippet (matches between MARK_START and MARK_END) as escaped HTML."""
    escaped = escape(snippet)  # leaves the two control characters alone
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def highlight_words(text: str, words: list[str]) -> SafeString:
    """``text`` escaped, with every word starting like one of ``words`` marked."""
    text = text.replace(MARK_START, "").replace(MARK_END, "")
    stems = sorted({_stem(word) for word in words if _stem(word)}, key=len, reverse=True)
    if not stems:
        return escape(text)
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + r")\w*", re.I)
    marked = pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", text)
    return marked_html(marked)


def _stem(word: str) -> str:
    """A crude stem so `exacerbations` also marks `exacerbation` (as both databases match)."""
    word = word.lower()
    for ending in ("ations", "ation", "ing", "ies", "es", "ed", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word
