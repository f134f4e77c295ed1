"""PDF text extraction and the kept originals (`determinations/ingest/pdf.py`): bytes in, no database."""

from __future__ import annotations

import os
import random

import pytest

from determinations.ingest import pdf
from determinations.parsing import parse_letter
from tests import letters, pdfs

SEED = (letters.SEED_LETTERS / "000_e538005986e6bddf.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_pdf() -> bytes:
    return pdfs.letter_pdf(SEED)


def test_the_text_layer_parses_as_the_text_letter_does(seed_pdf):
    text = pdf.extract_text(seed_pdf)

    from_text, from_pdf = parse_letter(SEED), parse_letter(text)
    assert [(i.label, i.decision) for i in from_pdf.items] == [("Metaxalone 375 mg #60", "upheld")]
    assert [i.rationale for i in from_pdf.items] == [i.rationale for i in from_text.items]
    assert (from_pdf.patient_age, from_pdf.diagnoses, from_pdf.reviewer_states) == (
        from_text.patient_age,
        from_text.diagnoses,
        from_text.reviewer_states,
    )


def test_pages_are_separated_by_a_form_feed_and_lines_end_with_a_newline():
    text = pdf.extract_text(pdfs.letter_pdf("IMR letter\n" + "a line of the letter\n" * 140))

    pages = text.split("\f")
    assert len(pages) == 3
    assert all(page.endswith("\n") for page in pages)
    assert "\r" not in text
    assert pages[0].startswith("IMR letter\na line of the letter\n")


def test_a_hyphen_that_pdfium_joined_to_the_next_line_ends_its_line_again():
    """A real letter: PDFium gives "x\ufffe" + "ray of the lumbar spine" on one line."""
    text = pdf.extract_text((letters.REAL_LETTERS / "CM16-0240900.pdf").read_bytes())

    assert "medication regimen, x-\nray of the lumbar spine" in text
    assert "\ufffe" not in text


def test_the_no_text_extraction_permission_flag_is_ignored_as_poppler_ignores_it(seed_pdf):
    flagged = pdfs.letter_pdf(SEED, no_extraction_flag=True)

    assert b"/Encrypt" in flagged
    assert pdf.extract_text(flagged) == pdf.extract_text(seed_pdf)


@pytest.mark.parametrize(
    ("make", "error", "reason"),
    [
        (
            pdfs.encrypted_pdf,
            pdf.EncryptedPdf,
            "encrypted PDF: it needs a password to be opened",
        ),
        (
            pdfs.image_only_pdf,
            pdf.NoTextLayer,
            "PDF without a text layer (a scan?): no text on its 2 pages; run OCR on it first",
        ),
        (
            lambda: pdfs.image_only_pdf(pages=1),
            pdf.NoTextLayer,
            "PDF without a text layer (a scan?): no text on its page; run OCR on it first",
        ),
        (pdfs.pageless_pdf, pdf.EmptyPdf, "PDF with no pages"),
        (
            lambda: pdfs.letter_pdf(SEED)[:-700],
            pdf.CorruptPdf,
            "truncated PDF: it does not end with %%EOF (an incomplete download?)",
        ),
        (
            lambda: b"%PDF-1.7\n" + b"\x00garbage" * 100 + b"\n%%EOF\n",
            pdf.CorruptPdf,
            "corrupt PDF: PDFium cannot read it (damaged or not a PDF inside)",
        ),
        (lambda: SEED.encode(), pdf.CorruptPdf, "not a PDF (no %PDF header)"),
        (lambda: b"", pdf.CorruptPdf, "not a PDF (no %PDF header)"),
    ],
    ids=[
        "encrypted",
        "image-only",
        "image-only-1-page",
        "no-pages",
        "truncated",
        "garbage",
        "text",
        "empty",
    ],
)
def test_a_pdf_without_letter_text_raises_its_reason(make, error, reason):
    with pytest.raises(error) as raised:
        pdf.extract_text(make())

    assert str(raised.value) == reason
    assert isinstance(raised.value, pdf.PdfRejected)


def test_the_error_of_one_bad_pdf_does_not_leak_into_the_next():
    """PDFium keeps its last error per thread; a document without pages sets none."""
    with pytest.raises(pdf.EncryptedPdf):
        pdf.extract_text(pdfs.encrypted_pdf())
    with pytest.raises(pdf.EmptyPdf):
        pdf.extract_text(pdfs.pageless_pdf())


def test_any_bytes_give_text_or_a_reason_never_another_exception(seed_pdf):
    rng = random.Random(27)
    samples = [seed_pdf[:n] + b"%%EOF" for n in range(0, len(seed_pdf), 97)]
    for _ in range(150):
        damaged = bytearray(seed_pdf)
        for _ in range(rng.randint(1, 40)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        samples.append(bytes(damaged))
    samples += [b"%PDF" + rng.randbytes(rng.randint(0, 3000)) + b"%%EOF" for _ in range(100)]

    outcomes = set()
    for data in samples:
        try:
            outcomes.add(type(pdf.extract_text(data)))
        except pdf.PdfRejected as rejected:
            outcomes.add(type(rejected))

    assert pdf.CorruptPdf in outcomes
    assert outcomes <= {str, pdf.CorruptPdf, pdf.EmptyPdf, pdf.NoTextLayer, pdf.EncryptedPdf}


def test_a_pdf_of_too_many_pages_is_refused_before_its_text_is_read():
    many = pdfs.image_only_pdf(pages=pdf.MAX_PAGES + 1)

    with pytest.raises(pdf.EmptyPdf) as raised:
        pdf.extract_text(many)

    assert str(raised.value) == f"PDF of {pdf.MAX_PAGES + 1} pages: a letter has at most 200"


def test_a_kept_pdf_is_written_once_under_its_hash(tmp_path, seed_pdf):
    digest = "ab" + "0" * 62

    assert pdf.keep_pdf(tmp_path, digest, seed_pdf) is True
    path = tmp_path / "ab" / f"{digest}.pdf"
    assert pdf.kept_pdf_path(tmp_path, digest) == path
    assert path.read_bytes() == seed_pdf
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    written_at = path.stat().st_mtime_ns

    assert pdf.keep_pdf(tmp_path, digest, seed_pdf) is False
    assert path.stat().st_mtime_ns == written_at
    assert os.listdir(tmp_path / "ab") == [f"{digest}.pdf"], "no temporary file left"


def test_a_kept_pdf_cut_short_by_a_crash_is_written_again(tmp_path, seed_pdf):
    digest = "cd" + "1" * 62
    path = pdf.kept_pdf_path(tmp_path, digest)
    path.parent.mkdir()
    path.write_bytes(seed_pdf[:100])

    assert pdf.keep_pdf(tmp_path, digest, seed_pdf) is True
    assert path.read_bytes() == seed_pdf


def test_a_failed_write_leaves_no_temporary_file(tmp_path, seed_pdf, monkeypatch):
    def full_disk(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf.os, "replace", full_disk)

    with pytest.raises(OSError, match="No space left"):
        pdf.keep_pdf(tmp_path, "ef" + "2" * 62, seed_pdf)
    assert os.listdir(tmp_path / "ef") == []
