"""Finding drug names with a per-label regex finds exactly what the regex of every name finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from determinations.lexicon import Drug, Lexicon, _alternation, default_lexicon

LEXICON = default_lexicon()
NAMES = sorted(LEXICON.drugs)
EVERY_NAME = _alternation(sorted(LEXICON.drugs, key=len, reverse=True))


def every_name_finds(label: str, lexicon: Lexicon = LEXICON, pattern=EVERY_NAME) -> list[str]:
    return [match.group(0) for match in pattern.finditer(label)]


def found(label: str, lexicon: Lexicon = LEXICON) -> list[str]:
    pattern = lexicon._drug_names.pattern_for(label) if lexicon._drug_names else None
    return [match.group(0) for match in pattern.finditer(label)] if pattern else []


def written(name: str, draw) -> str:
    """A drug name as a label might write it: any case, hyphens or spaces between words."""
    name = "".join(c.upper() if draw(st.booleans()) else c for c in name)
    return "".join(draw(st.sampled_from([" ", "-", "  "])) if c == " " else c for c in name)


@st.composite
def labels(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["name", "name", "noise", "glued"]))
        if kind == "noise":
            parts.append(draw(st.text("abcdefgxyz0123456789 -/#.,%()é", max_size=12)))
        else:
            name = written(draw(st.sampled_from(NAMES)), draw)
            # glued: a name inside a longer word, which must not count
            parts.append(f"x{name}9" if kind == "glued" else name)
    return draw(st.sampled_from(["", " ", "/", "-"])).join(parts)


@settings(max_examples=600, deadline=None)
@given(labels())
def test_the_same_names_as_the_regex_of_every_name(label):
    LEXICON.find_drugs(label)  # builds the per-label regexes
    assert found(label) == every_name_finds(label)


def test_longer_names_win_and_overlaps_are_not_counted_twice():
    drugs = LEXICON.find_drugs("Hydrocodone bitartrate/acetaminophen 10/325 and Norco-Soma")
    assert [d.generic for d in drugs] == ["hydrocodone/acetaminophen", "carisoprodol"]


def test_names_that_do_not_start_with_a_word_are_still_found():
    lexicon = Lexicon()
    lexicon.add_drug_name("(ez) cream", Drug("ezetimibe", "other"))
    lexicon.add_drug_name("ez", Drug("other ez", "other"))
    assert [d.generic for d in lexicon.find_drugs("apply (ez) cream bid")] == ["ezetimibe"]
    assert [d.generic for d in lexicon.find_drugs("Ez 10mg")] == ["other ez"]


def test_a_label_without_any_name_and_an_empty_lexicon():
    assert LEXICON.find_drugs("MRI of the lumbar spine") == []
    assert Lexicon().find_drugs("Norco 10/325mg") == []


def test_labels_beyond_ascii_are_matched_with_every_name():
    assert [d.generic for d in LEXICON.find_drugs("Norco 10/325mg, café au lait")] == [
        "hydrocodone/acetaminophen"
    ]
