"""The shared-passage finder behind the compare page, on hand-written rationales."""

from __future__ import annotations

from determinations.rationales.shared import Segment, shared_passages

QUOTE = (
    "Opioids should be continued only if the patient has returned to work or has improved "
    "function and pain"
)


def marked(segments: list[Segment]) -> list[tuple[str, str, int]]:
    return [(s.text, s.level, s.shared_by) for s in segments if s.level]


def test_segments_give_back_each_rationale_exactly():
    texts = [f"First. {QUOTE}. End one.", f"{QUOTE}, says MTUS.\nEnd two."]
    for text, segments in zip(texts, shared_passages(texts), strict=True):
        assert "".join(s.text for s in segments) == text


def test_a_passage_in_every_rationale_is_shared_by_all():
    texts = [f"The records are sparse. {QUOTE}.", f"{QUOTE}. Not met.", f"Also: {QUOTE}!"]

    result = shared_passages(texts)

    assert [marked(segments) for segments in result] == [[(QUOTE, "all", 3)]] * 3


OTHER = "Physical therapy beyond ten visits is not supported by the guidelines for this injury"


def test_passages_shared_by_different_rationales_are_marked_apart():
    texts = [f"{QUOTE}. {OTHER}.", f"{OTHER}. Denied.", f"Nothing else in common at all: {QUOTE}"]

    first, second, third = shared_passages(texts)

    assert marked(first) == [(QUOTE, "some", 2), (OTHER, "some", 2)]
    assert marked(second) == [(OTHER, "some", 2)]
    assert marked(third) == [(QUOTE, "some", 2)]


def test_a_passage_in_two_of_three_rationales_is_shared_by_some():
    texts = [f"{QUOTE}. {OTHER}.", f"Denied. {QUOTE} and {OTHER}", f"{QUOTE}."]

    first, second, third = shared_passages(texts)

    assert marked(first) == [(QUOTE, "all", 3), (OTHER, "some", 2)]
    assert marked(second) == [(QUOTE, "all", 3), (OTHER, "some", 2)]
    assert marked(third) == [(QUOTE, "all", 3)]


def test_rationales_with_nothing_in_common_have_no_marks():
    texts = [
        "The request for twelve sessions of acupuncture exceeds the recommended trial.",
        "Topical compounded creams are largely experimental with few randomized trials.",
    ]
    assert [marked(s) for s in shared_passages(texts)] == [[], []]


def test_five_shared_words_are_not_a_passage_but_six_are():
    texts = ["alpha beta gamma delta epsilon one", "alpha beta gamma delta epsilon two"]
    assert [marked(s) for s in shared_passages(texts)] == [[], []]

    texts = ["alpha beta gamma delta epsilon zeta one", "x alpha beta gamma delta epsilon zeta"]
    assert [marked(s) for s in shared_passages(texts)] == [
        [("alpha beta gamma delta epsilon zeta", "all", 2)]
    ] * 2


def test_case_punctuation_and_line_breaks_do_not_hide_a_shared_passage():
    hard_wrapped = (
        "OPIOIDS should be continued only if the patient has\r\nreturned to work, or has "
        "improved function; and pain"
    )
    first, second = shared_passages([QUOTE, hard_wrapped])

    assert marked(first) == [(QUOTE, "all", 2)]
    assert marked(second) == [(hard_wrapped, "all", 2)]


def test_a_single_or_empty_rationale_has_no_marks():
    assert shared_passages([QUOTE]) == [[Segment(QUOTE)]]
    assert shared_passages(["", QUOTE]) == [[], [Segment(QUOTE)]]
