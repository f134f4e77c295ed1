"""Web-search query syntax (SPEC: `q`): words, "quoted phrases", OR, -excluded, and case
numbers. Plain Python.

The parsed query is translated for each database by its backend, so both read a query the
same way: stop words are dropped here (PostgreSQL's English configuration would drop them,
SQLite FTS5 would not), and a query of only stop words or punctuation is empty, not an error.

A case number (`CM16-0213037`, SPEC: "a case number in `q` finds its letter first") is not a
word of the text: both full-text tokenizers split it at the hyphen, and its digits would match
other numbers. It is taken out of the words and matched against the letter's case number
exactly: the query then searches within that letter (any of several case numbers), and
`-CM16-0213037` leaves that letter out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 500

# PostgreSQL's English stop words (snowball english.stop), so both databases ignore the same.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now""".split()
)
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[\w]+(?:[-/.'][\w]+)*")
# As the parser reads them (`parsing/__init__.py`); a query may spell them in lower case.
CASE_NUMBER = re.compile(r"C[MB]\d{2}-\d{7}", re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    """A word or a phrase (several words that must stand together)."""

    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    def to_websearch(self) -> str:
        text = " ".join(self.words)
        return f'"{text}"' if self.is_phrase else text


@dataclass
class SearchQuery:
    """A parsed query: every group (terms joined by OR) must match, no excluded term may."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    # Letters by case number (upper case): the items of any of them; none of the excluded.
    case_numbers: list[str] = field(default_factory=list)
    excluded_case_numbers: list[str] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        """Whether the full-text index has anything to match (case numbers aside)."""
        return bool(self.groups or self.excluded)

    @property
    def has_case_numbers(self) -> bool:
        return bool(self.case_numbers or self.excluded_case_numbers)

    @property
    def is_empty(self) -> bool:
        return not self.has_text and not self.has_case_numbers

    def words(self) -> list[str]:
        """Every word the query looks for (for highlighting), excluded ones left out."""
        return [word for group in self.groups for term in group for word in term.words]

    def to_websearch(self) -> str:
        """The query in `websearch_to_tsquery` syntax, without the dropped words."""
        parts = [" OR ".join(term.to_websearch() for term in group) for group in self.groups]
        parts += [f"-{term.to_websearch()}" for term in self.excluded]
        return " ".join(parts)


def parse_query(text: str) -> SearchQuery:
    """Read web-search syntax; unbalanced quotes and stray operators are forgiven."""
    query = SearchQuery()
    join_next = False
    for match in _TOKEN.finditer(text[:MAX_QUERY_LENGTH]):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare == "OR":
            join_next = bool(query.groups)
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        token = phrase if phrase is not None else bare
        if number := case_number(token):
            found = query.excluded_case_numbers if negated else query.case_numbers
            if number not in found:
                found.append(number)
            join_next = False  # "x OR CM16-0213037": the letter narrows, it is no alternative
            continue
        term = _term(token, is_phrase=phrase is not None)
        if term is None:
            continue
        if negated:
            query.excluded.append(term)
        elif join_next:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        join_next = False
    return query


def case_number(text: str) -> str:
    """The case number a token is (surrounding punctuation or quotes aside), else ""."""
    words = _WORD.findall(text)
    if len(words) == 1 and CASE_NUMBER.fullmatch(words[0]):
        return words[0].upper()
    return ""


def _term(text: str, is_phrase: bool) -> Term | None:
    words = tuple(word.lower() for word in _WORD.findall(text))
    if not is_phrase:
        words = tuple(word for word in words if word not in STOP_WORDS)
    if not words or all(word in STOP_WORDS for word in words):
        return None
    return Term(words)
