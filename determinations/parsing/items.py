"""The disputed items of a letter: label, decision, guidelines, rationale."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from determinations.parsing.clean import collapse_whitespace, paragraphs
from determinations.parsing.lines import LinePattern

_FIELDS = {
    "claims_administrator_guideline": (
        r"Claims\s+Administrator\s+guideline\s*:",
        r"Guideline\s+Criteria\s*/\s*Medical\s+Evidence\s+Relied\s+Upon\s+by\s+(?:the\s+)?"
        r"Claims\s+Administrator\s*:",
    ),
    "reviewer_guideline": (
        r"MAXIMUS\s+guideline\s*:",
        r"Guideline\s+Criteria\s*/\s*Medical\s+Evidence\s+Relied\s+Upon\s+by\s+(?:the\s+)?"
        r"Expert\s+Reviewer\s*:",
        r"MEDICAL\s+TREATMENT\s+GUIDELINE\(?S?\)?\s+RELIED\s+UPON\s+BY\s+(?:THE\s+)?"
        r"PROFESSIONAL\s+REVIEWER(?:\s+AND\s+WHY)?\s*:?",
        r"Medical\s+Treatment\s+Guideline\(?s?\)?\s+used\s*:",
    ),
    "rationale": (
        r"Decision\s+rationale\s*:",
        r"Rationale\s+for\s+the\s+Decision\s*:",
        r"RATIONALE\s+FOR\s+WHY\s+THE\s+REQUESTED\s+TREATMENT\s*/\s*SERVICE\s+IS\s*/\s*WAS\s+"
        r"NOT\s+MEDICALLY\s+NECESSARY\s*:?",
    ),
}
_FIELD_LABEL = LinePattern(
    r"[ \t]*(?:"
    + "|".join(f"(?P<{name}>{'|'.join(patterns)})" for name, patterns in _FIELDS.items())
    + ")",
    re.I,
)
# "Norco 10/325mg #101:  Upheld" (standard layout, and some 2013 letters): a decision word
# ending a line, before it a colon and whitespace, before those a label on one line. Found
# from the word back (`_decision_lines`): spelt out in both cases with its first letter a
# set, the word is looked for at a few nanoseconds a character; the same as one re.I regex
# from each line's start, `^[ \t]*(?P<label>\S[^\n]*?)\s*:\s*(?P<decision>Upheld|Overturned)
# \b\.?[ \t]*$`, which was half of this module's time.
_DECISION_WORD = re.compile(
    r"[UuOo](?:[Pp][Hh][Ee][Ll][Dd]|[Vv][Ee][Rr][Tt][Uu][Rr][Nn][Ee][Dd])\b\.?[ \t]*$", re.M
)
# "1. Norco 10/325mg #120 is not medically necessary and appropriate." (2013 letters)
_NUMBERED_DECISION = LinePattern(
    r"[ \t]*(?P<number>\d{1,2})[.)][ \t]+(?P<label>(?:(?!\n[ \t]*\n)[^\n]|\n){1,400}?)\s+"
    r"(?:is|are|was|were)\s+(?P<negation>not\s+)?medically\s+necessary"
    r"(?:\s+and\s+appropriate)?\.?[ \t]*$",
    re.I,
)
_NECESSITY = re.compile(
    r"\b(?:is|are|was|were|be)\s+(?P<negation>not\s+)?(?:considered\s+)?medically\s+necessary",
    re.I,
)
_NUMBERED_LINE = re.compile(r"^[ \t]*\d{1,2}[.)][ \t]+(?P<label>.+?)[ \t]*$", re.M)
_TRAILING_NUMBERED_LINE = re.compile(r"\n[ \t]*\d{1,2}[.)][ \t]+[^\n]*\s*\Z")
_MAX_LABEL_LINES = 3
# A partly authorized item (SPEC: "The documents"): "X was the original request. Y was
# authorized by the Claims Administrator. The remaining IMR eligible portion of the original
# request, Z is: Upheld". The item in dispute is Z; X and Y are kept beside it.
_ORIGINAL_REQUEST = re.compile(r"\b(?:was|were)\s+the\s+original\s+requests?\b", re.I)
_REMAINING_PORTION = re.compile(r"\bremaining\s+IMR\s+eligible\s+portion", re.I)
_PARTLY_AUTHORIZED = re.compile(
    r"(?P<original>.+?)\s+(?:was|were)\s+the\s+original\s+requests?\s*\.?\s*"
    r"(?:(?P<authorized>.+?)\s+(?:was|were)\s+(?:authorized|certified|approved)\s+by\s+"
    r"the\s+Claims\s+Administrator\s*\.?\s*)?"
    r"The\s+remaining\s+IMR\s+eligible\s+portions?\s+of\s+the\s+original\s+requests?\s*,?\s*"
    r"(?P<remaining>.+?)(?:\s+(?:is|are))?",
    re.I | re.S,
)
_SENTENCE_END = re.compile(r"\.\s")
_SPACE_BEFORE_COMMA = re.compile(r"\s+,")


@dataclass
class ItemText:
    """One disputed item as the letter writes it, before normalisation."""

    label: str
    decision: str | None
    original_request: str = ""
    authorized_portion: str = ""
    claims_administrator_guideline: str = ""
    reviewer_guideline: str = ""
    rationale: str = ""


def items_with_decisions(section: str) -> list[ItemText]:
    """Items of the standard and 2013 layouts: a decision line, then its fields."""
    starts = []  # (label start, body start, label, decision)
    previous_end = 0
    for line in decision_lines(section):
        if _FIELD_LABEL.match(section, line.start, line.end):
            continue
        label_start = _partly_authorized_start(section, previous_end, line.label_end)
        if label_start is None:
            label_start = _wrapped_label_start(section, line.start)
        label = section[label_start : line.label_end]
        starts.append((label_start, line.end, label, line.decision))
        previous_end = line.end
    number = 1
    for match in _NUMBERED_DECISION.finditer(section):
        # Items count 1, 2, 3...: a rationale line that wraps to start "12. Therefore, the
        # request ... is not medically necessary" is not item 12.
        if int(match.group("number")) != number:
            continue
        decision = "upheld" if match.group("negation") else "overturned"
        starts.append((match.start(), match.end(), match.group("label"), decision))
        number += 1
    starts.sort()
    items = []
    for index, (_, body_start, label, decision) in enumerate(starts):
        body_end = starts[index + 1][0] if index + 1 < len(starts) else len(section)
        items.append(_item(label, decision, section[body_start:body_end]))
    return items


@dataclass(frozen=True)
class DecisionLine:
    """Where a decision line is: from its line's start to past the decision word."""

    start: int  # the line's start
    label_end: int
    end: int
    decision: str  # "upheld" or "overturned"


def decision_lines(section: str) -> Iterator[DecisionLine]:
    """Every "label: Upheld" line of ``section``, in order; a label cannot be a line's
    leading spaces only, and the colon may sit at the start of the decision word's line."""
    taken_to = 0
    for word in _DECISION_WORD.finditer(section):
        colon = _skip_whitespace_back(section, word.start()) - 1
        if colon < 0 or section[colon] != ":":
            continue
        label_end = _skip_whitespace_back(section, colon)
        start = section.rfind("\n", 0, label_end) + 1
        label_start = start
        while section[label_start] in " \t":
            label_start += 1
        if start < taken_to or label_start >= label_end or section[label_start].isspace():
            continue
        decision = "upheld" if section[word.start()] in "Uu" else "overturned"
        yield DecisionLine(start, label_end, word.end(), decision)
        taken_to = word.end()


def _skip_whitespace_back(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def items_of_professional_review(issues: str, decisions: str) -> list[ItemText]:
    """Items of the older MEDICAL PROFESSIONAL REVIEW layout: issues listed, then blocks."""
    labels = [m.group("label") for m in _NUMBERED_LINE.finditer(issues)]
    if not labels and issues.strip():
        labels = [issues.strip().split("\n\n")[0]]
    blocks = _guideline_blocks(decisions)
    if len(blocks) < len(labels):
        blocks = _numbered_entry_blocks(decisions, labels) or blocks
    items = []
    for index, label in enumerate(labels):
        block = blocks[index] if index < len(blocks) else ""
        item = _item(label, None, block)
        item.decision = decision_from_rationale(item.rationale)
        items.append(item)
    return items


def decision_from_rationale(rationale: str) -> str | None:
    """The conclusion of a rationale: "is not medically necessary" means upheld."""
    conclusions = list(_NECESSITY.finditer(rationale))
    if not conclusions:
        return None
    return "upheld" if conclusions[-1].group("negation") else "overturned"


def _item(label: str, decision: str | None, body: str) -> ItemText:
    item = ItemText(label=_clean_label(label), decision=decision)
    partly = _PARTLY_AUTHORIZED.fullmatch(item.label)
    if partly:
        item.label = _clean_label(partly.group("remaining"))
        item.original_request = _clean_label(partly.group("original"))
        item.authorized_portion = _clean_label(partly.group("authorized") or "")
    matches = list(_FIELD_LABEL.finditer(body))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        value = body[match.end() : end]
        name = match.lastgroup or ""
        if name == "rationale":
            item.rationale = paragraphs(value)
        elif not getattr(item, name):
            setattr(item, name, collapse_whitespace(value))
    return item


def _numbered_entry_blocks(decisions: str, labels: list[str]) -> list[str]:
    """The older layout with one guideline and one rationale heading for every item, each
    listing the items as "1) label: ...": one block per item, made of its own entries under
    both headings (without the "1) label:" prefix); [] when the entries are not there."""
    headings = [
        m
        for m in _FIELD_LABEL.finditer(decisions)
        if m.lastgroup != "claims_administrator_guideline"
    ]
    blocks = [""] * len(labels)
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(decisions)
        entries = _numbered_entries(decisions[heading.end() : end], labels)
        if entries is None:
            return []
        for number, entry in enumerate(entries):
            blocks[number] += f"{heading.group(0)}\n{entry}\n\n"
    return blocks if headings else []


def _numbered_entries(section: str, labels: list[str]) -> list[str] | None:
    """Each item's entry in ``section``, found as "N) label" at a line's start in item
    order (a numbered list inside an entry does not repeat the item's label)."""
    starts = []
    at = 0
    for number, label in enumerate(labels, start=1):
        entry = _entry_start(section, at, number, label)
        if entry is None:
            return None
        starts.append(entry)
        at = entry[1]
    ends = [start for start, _ in starts[1:]] + [len(section)]
    return [section[body:end] for (_, body), end in zip(starts, ends, strict=True)]


def _entry_start(section: str, at: int, number: int, label: str) -> tuple[int, int] | None:
    """(start, start of the text after "N) label:") of item ``number``'s entry."""
    wanted = collapse_whitespace(label).lower()
    pattern = re.compile(rf"^[ \t]*{number}[.)][ \t]+", re.M)
    for match in pattern.finditer(section, at):
        rest = section[match.end() : match.end() + len(label) * 2 + 40]
        words = collapse_whitespace(rest).lower()
        if words.startswith(wanted):
            label_end = _end_of_words(rest, len(wanted))
            colon = re.match(r"\s*:?", rest[label_end:])
            return match.start(), match.end() + label_end + (colon.end() if colon else 0)
    return None


def _end_of_words(text: str, collapsed_length: int) -> int:
    """Where in ``text`` its whitespace-collapsed form reaches ``collapsed_length``."""
    seen = 0
    in_space = True
    for index, char in enumerate(text):
        if seen >= collapsed_length:
            return index
        if char.isspace():
            if not in_space:
                seen += 1
            in_space = True
        else:
            seen += 1
            in_space = False
    return len(text)


def _guideline_blocks(decisions: str) -> list[str]:
    """Split the older layout's decisions at each reviewer-guideline heading."""
    starts = [
        m.start() for m in _FIELD_LABEL.finditer(decisions) if m.lastgroup == "reviewer_guideline"
    ]
    ends = [*starts[1:], len(decisions)]
    # The next issue's own "2. Physical therapy 12 sessions:" line closes a block.
    return [
        _TRAILING_NUMBERED_LINE.sub("", decisions[s:e]) for s, e in zip(starts, ends, strict=True)
    ]


def _partly_authorized_start(section: str, since: int, label_end: int) -> int | None:
    """Where a partly authorized item's label begins: at its original request, which may
    lie two sentences before the decision line; None when the label is not one."""
    window_start = max(since, label_end - 2000)
    remaining = _last(_REMAINING_PORTION, section, window_start, label_end)
    if remaining is None or _SENTENCE_END.search(section, remaining.end(), label_end):
        return None
    original = _last(_ORIGINAL_REQUEST, section, window_start, remaining.start())
    if original is None:
        return None
    sentences = _SENTENCE_END.findall(section, original.end(), remaining.start())
    if len(sentences) > 2:  # "X was the original request. Y was authorized by ... The"
        return None
    line_start = section.rfind("\n", 0, original.start()) + 1
    return _wrapped_label_start(section, line_start)


def _last(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(text, start, end):  # noqa: B007 (the last one is wanted)
        pass
    return found


def _wrapped_label_start(section: str, line_start: int) -> int:
    """Where a label that wraps onto the decision line begins (SPEC: extraction noise)."""
    start = line_start
    for _ in range(_MAX_LABEL_LINES - 1):
        previous_end = start - 1
        if previous_end <= 0:
            break
        previous_start = section.rfind("\n", 0, previous_end) + 1
        line = section[previous_start:previous_end].strip()
        if not line or line.endswith((".", ":", ";")) or _FIELD_LABEL.match(line):
            break
        start = previous_start
    return start


def _clean_label(label: str) -> str:
    label = collapse_whitespace(label)
    label = _SPACE_BEFORE_COMMA.sub(",", label)
    return label.strip(" :,;")
