"""Decision lines found from the decision word back, against the one regex they replace."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from determinations.parsing.items import decision_lines, items_with_decisions

# The regex `decision_lines` replaced (run from every line's start), kept as its reference.
REFERENCE = re.compile(
    r"^[ \t]*(?P<label>\S[^\n]*?)\s*:\s*(?P<decision>Upheld|Overturned)\b\.?[ \t]*$", re.M | re.I
)
PIECES = [
    "Norco 10/325mg #120", "Upheld", "upheld", "OVERTURNED", "Overturned.", "Upheldx", "ex",
    ":", ": ", " :", " ", "\t", "\n", "\n\n", "\f", "\r", ".", "1.", "a", "Decision rationale:",
    "\u00a0",
]  # fmt: skip


def reference_lines(section: str) -> list[tuple[int, int, int, str]]:
    return [
        (m.start(), m.end("label"), m.end(), m.group("decision").lower())
        for m in REFERENCE.finditer(section)
    ]


@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
@example("A: Upheld\n: Overturned")
@example("A\n  :\n\nUpheld.  \nB : : overturned")
@example(" \t: Upheld")
@example("\fA: Upheld")
def test_decision_lines_are_what_the_reference_regex_finds(section):
    found = [(d.start, d.label_end, d.end, d.decision) for d in decision_lines(section)]
    assert found == reference_lines(section)


def test_items_of_a_standard_decisions_section():
    section = (
        "1. Norco 10/325mg #120:  Upheld\n\n"
        "Claims Administrator guideline: MTUS\n\nMAXIMUS guideline: MTUS\n\n"
        "Decision rationale: Not supported by the records.\n\n"
        "2. Physical therapy x 12\nsessions: Overturned\n\n"
        "MAXIMUS guideline: ODG\n\nDecision rationale: Supported."
    )
    items = items_with_decisions(section)
    assert [(i.label, i.decision) for i in items] == [
        ("1. Norco 10/325mg #120", "upheld"),
        ("2. Physical therapy x 12 sessions", "overturned"),
    ]
    assert items[0].reviewer_guideline == "MTUS" and items[1].rationale == "Supported."


def test_numbered_items_count_up_and_a_wrapped_number_is_no_item():
    section = (
        "1. Norco 10/325mg #120 is not medically necessary and appropriate.\n"
        "Rationale for the Decision:\nThe patient has had physical therapy sessions, about\n"
        "12. Therefore, the request for more therapy is not medically necessary.\n\n"
        "2. Urine drug screen is medically necessary and appropriate.\n"
        "Rationale for the Decision:\nSupported."
    )
    items = items_with_decisions(section)
    assert [(i.label, i.decision) for i in items] == [
        ("Norco 10/325mg #120", "upheld"),
        ("Urine drug screen", "overturned"),
    ]
    assert "12. Therefore" in items[0].rationale
