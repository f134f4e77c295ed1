"""Extraction noise is undone before any field is read."""

from __future__ import annotations

import pytest

from determinations.parsing.clean import clean_text, decode, paragraphs


def test_blank_line_after_every_line_is_collapsed():
    text = "One line \n\nTwo line \n\n \n\nNew paragraph \n\nlast \n\n"
    assert clean_text(text) == "One line\nTwo line\n\nNew paragraph\nlast\n"


def test_single_spaced_text_keeps_its_blank_lines():
    text = "a\nb\n\nc\nd\ne\n\nf\n"
    assert clean_text(text) == text


def test_crlf_and_form_feeds_become_line_breaks():
    assert clean_text("a\r\nb\rc\fd") == "a\nb\nc\nd\n"


def test_page_footer_is_removed_and_text_joins_up():
    text = "Physical therapy for the lumbar\n\nPage 1 of 3\n\f\nspine: Upheld\n"
    assert clean_text(text) == "Physical therapy for the lumbar\nspine: Upheld\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("acute exacer-\nbations of pain", "acute exacerbations\n of pain\n"),
        ("a non-\nsedating relaxant", "a non-sedating\n relaxant\n"),
        ("as a second-\nline option", "as a second-line\n option\n"),
        ("left L5-\nS1 radiculopathy", "left L5-S1\n radiculopathy\n"),
        ("an evidence-\nbased guideline", "an evidence-based\n guideline\n"),
        ("a work-\nrelated injury", "a work-related\n injury\n"),
        ("Page(s): 63-\n66.", "Page(s): 63-66.\n"),
        ("Exercise equip-\nment, which is", "Exercise equipment,\n which is\n"),
    ],
)
def test_words_hyphenated_across_lines(text, expected):
    assert clean_text(text) == expected


def test_typographic_quotes_and_dashes_fold_to_ascii():
    assert (
        clean_text("the physician\u2019s \u201cplan\u201d \u2013 now")
        == 'the physician\'s "plan" - now\n'
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("physician\u2019s".encode(), "physician\u2019s"),
        (b"\xef\xbb\xbfUTF-8 with BOM", "UTF-8 with BOM"),
        ("physician\u2019s".encode("cp1252"), "physician\u2019s"),
        ("UTF-16 text".encode("utf-16"), "UTF-16 text"),
        (b"\x81\x8d undefined in cp1252", "\x81\x8d undefined in cp1252"),
    ],
)
def test_decode_never_fails(data, expected):
    assert decode(data) == expected


def test_paragraphs_collapse_inside_and_keep_breaks_between():
    assert paragraphs("a  b\nc\n\n\n d\n") == "a b c\n\nd"
