"""Undo the noise that PDF text extraction leaves in a letter (SPEC: "The documents")."""

from __future__ import annotations

import re

# "Page 2 of 5" with the blank lines around it: the text on both sides joins up again.
_PAGE_FOOTER = re.compile(
    r"\n[ \t\n]*Page[ \t]+\d+[ \t]+(?:of|/)[ \t]+\d+[ \t]*(?:\n[ \t]*)*(?=\n|\Z)", re.I
)
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# A word broken at a line end: "exacer-\nbations", "L5-\nS1"; the line break moves after
# the word and what sticks to it ("equip-\nment, which": after the comma).
_LINE_HYPHEN = re.compile(r"(?<![\w-])(\w+)-\n[ \t]*(\w+)(\S*)")
# After these the hyphen belongs to the word ("non-\nsedating" stays "non-sedating").
KEEP_HYPHEN_AFTER = frozenset(
    {
        "non",
        "post",
        "pre",
        "self",
        "anti",
        "multi",
        "semi",
        "sub",
        "well",
        "long",
        "short",
        "second",
        "first",
        "third",
        "low",
        "high",
        "full",
        "part",
        "follow",
        "co",
        "re",
        "over",
        "under",
        "x",
        "by",
        "cross",
        "year",
        "day",
        "week",
        "month",
        "left",
        "right",
        "mid",
        "intra",
        "extra",
        "inter",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "status",
    }
)
# Before these the hyphen belongs to the word too ("evidence-\nbased", "work-\nrelated").
KEEP_HYPHEN_BEFORE = frozenset(
    {"based", "related", "induced", "positive", "negative", "specific", "wrist", "sided"}
)
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u00a0": " ",
        "\u2022": "-",
        "\u00ad": "",
        "\ufeff": "",
        "\t": " ",
    }
)


def decode(data: bytes) -> str:
    """Decode letter bytes: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return data.decode("latin-1")


def clean_text(text: str) -> str:
    """Return the letter text with line endings, footers, spacing and hyphenation repaired."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    # Translating costs more than looking for a character outside ASCII first.
    text = text.replace("\t", " ") if text.isascii() else text.translate(_TYPOGRAPHY)
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    if _is_double_spaced(text):
        text = text.replace("\n\n", "\n")
    text = _PAGE_FOOTER.sub("", text)
    if "-\n" in text:  # the regex is costly; most letters have no broken word
        text = _LINE_HYPHEN.sub(_join_hyphenated, text)
    if "\n\n\n" in text:  # as for the hyphens: finding none took the regex 20 us a letter
        text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip("\n ") + "\n"


def collapse_whitespace(text: str) -> str:
    """One space between words: how extracted fields are stored."""
    return " ".join(text.split())


def paragraphs(text: str) -> str:
    """Collapse whitespace inside paragraphs, keep a blank line between them."""
    parts = (collapse_whitespace(p) for p in _BLANK_LINE.split(text))
    return "\n\n".join(p for p in parts if p)


def _is_double_spaced(text: str) -> bool:
    """True when extraction put a blank line after (nearly) every line of text."""
    lines = text.split("\n")
    filled = [i for i, line in enumerate(lines[:-1]) if line.strip()]
    if len(filled) < 4:
        return False
    followed_by_blank = sum(1 for i in filled if not lines[i + 1].strip())
    return followed_by_blank / len(filled) > 0.8


def _join_hyphenated(match: re.Match[str]) -> str:
    """Re-join a word broken at a line end, moving the line break after it."""
    head, tail, rest = match.group(1), match.group(2), match.group(3)
    is_split_word = head.isalpha() and head.islower() and tail.isalpha() and tail.islower()
    if is_split_word and head not in KEEP_HYPHEN_AFTER and tail not in KEEP_HYPHEN_BEFORE:
        return f"{head}{tail}{rest}\n"
    return f"{head}-{tail}{rest}\n"
