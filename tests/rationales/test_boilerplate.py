"""Repeated passages across many rationales (the boilerplate page)."""

from __future__ import annotations

from determinations.rationales.boilerplate import frequent_passages

TEMPLATE = (
    "According to the MTUS Chronic Pain guidelines, opioids should be continued only if the "
    "patient has returned to work or has improved function and pain."
)
SHORT_TEMPLATE = "There is no documentation of objective functional improvement in the records."


def test_a_template_in_most_rationales_comes_first_with_its_holders():
    rationales = [
        (1, f"The patient is 45. {TEMPLATE} Not met here."),
        (2, f"{TEMPLATE} Therefore not necessary. {SHORT_TEMPLATE}"),
        (3, f"Records reviewed. {TEMPLATE}"),
        (4, f"{SHORT_TEMPLATE} Denied."),
        (5, f"Unrelated: {SHORT_TEMPLATE}"),
        (6, "Twelve acupuncture sessions exceed the trial of three to six treatments."),
    ]

    passages = frequent_passages(rationales, min_count=3)

    assert [(p.text, p.item_ids) for p in passages] == [
        (TEMPLATE.rstrip("."), (1, 2, 3)),
        (SHORT_TEMPLATE.rstrip("."), (2, 4, 5)),
    ]


def test_a_passage_below_the_minimum_count_is_not_listed():
    rationales = [(1, TEMPLATE), (2, TEMPLATE), (3, SHORT_TEMPLATE)]
    assert frequent_passages(rationales, min_count=3) == []
    assert [p.item_ids for p in frequent_passages(rationales, min_count=2)] == [(1, 2)]


def test_a_part_of_a_listed_passage_is_not_listed_again():
    """Each rationale's run of repeated words is one passage, not every 8-word window of it."""
    rationales = [(pk, f"Intro {pk}. {TEMPLATE} Outro {pk}.") for pk in range(1, 6)]
    assert len(frequent_passages(rationales, min_count=3)) == 1


def test_a_longer_variant_held_by_fewer_rationales_is_listed_after_the_core():
    extended = TEMPLATE + " Urine drug screens are also recommended to monitor compliance."
    rationales = [(1, TEMPLATE), (2, TEMPLATE), (3, extended), (4, extended), (5, extended)]

    passages = frequent_passages(rationales, min_count=2)

    assert [(len(p.words), p.item_ids) for p in passages] == [
        (len(TEMPLATE.split()), (1, 2, 3, 4, 5)),
        (len(extended.split()), (3, 4, 5)),
    ]


def test_no_rationales_no_passages():
    assert frequent_passages([], min_count=1) == []
    assert frequent_passages([(1, "")], min_count=1) == []
