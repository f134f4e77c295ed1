"""`ingest` of PDF letters: text from the PDF, identity from its bytes, the original kept on
disk and served from the letter page; bad PDFs each rejected once with a reason."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.management import call_command

from determinations.ingest import ingest_paths, pdf, reparse_letters
from determinations.models import DisputedItem, Letter, RejectedSource
from determinations.parsing import parse_letter
from tests import letters, pdfs

pytestmark = pytest.mark.django_db
SEED = (letters.SEED_LETTERS / "000_e538005986e6bddf.txt").read_text(encoding="utf-8")
CASE = letters.letter_with_items(
    [("Norco 10/325 mg #60", "Upheld", "Not needed."), ("Lyrica 75 mg", "Overturned", "Yes.")],
    case_number="CM16-0213037",
)


@pytest.fixture
def pdf_root(settings, tmp_path):
    settings.IMR_PDF_ROOT = tmp_path / "kept"
    return settings.IMR_PDF_ROOT


@pytest.fixture(scope="module")
def seed_pdf() -> bytes:
    return pdfs.letter_pdf(SEED)


@pytest.fixture(scope="module")
def case_pdf() -> bytes:
    return pdfs.letter_pdf(CASE, no_extraction_flag=True)


def _kept(root) -> list[str]:
    return sorted(path.name for path in root.rglob("*") if path.is_file())


def test_a_pdf_letter_is_stored_with_its_text_its_hash_and_its_original(
    tmp_path, pdf_root, seed_pdf
):
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "seed.pdf").write_bytes(seed_pdf)

    report = ingest_paths([tmp_path / "letters"])

    assert report.summary() == "ingested 1 new, 0 unchanged, 0 with parse issues, 0 rejected"
    letter = Letter.objects.get()
    digest = hashlib.sha256(seed_pdf).hexdigest()
    assert (letter.content_hash, letter.source_format, letter.source_file) == (
        digest,
        "pdf",
        "letters/seed.pdf",
    )
    assert letter.original_text == pdf.extract_text(seed_pdf)
    assert list(letter.items.values_list("label", "decision")) == [
        ("Metaxalone 375 mg #60", "upheld")
    ]
    assert (pdf_root / digest[:2] / f"{digest}.pdf").read_bytes() == seed_pdf


def test_the_same_pdf_again_adds_nothing_and_writes_nothing(tmp_path, pdf_root, seed_pdf):
    (tmp_path / "a.pdf").write_bytes(seed_pdf)
    ingest_paths([tmp_path / "a.pdf"])
    kept = pdf.kept_pdf_path(pdf_root, hashlib.sha256(seed_pdf).hexdigest())
    written_at = kept.stat().st_mtime_ns
    (tmp_path / "copy.pdf").write_bytes(seed_pdf)

    report = ingest_paths([tmp_path / "a.pdf", tmp_path / "copy.pdf"])

    assert report.summary() == "ingested 0 new, 2 unchanged, 0 with parse issues, 0 rejected"
    assert Letter.objects.count() == 1
    assert kept.stat().st_mtime_ns == written_at
    assert _kept(pdf_root) == [kept.name]


def test_a_kept_pdf_deleted_by_hand_comes_back_with_the_next_ingest(tmp_path, pdf_root, seed_pdf):
    (tmp_path / "a.pdf").write_bytes(seed_pdf)
    ingest_paths([tmp_path / "a.pdf"])
    kept = pdf.kept_pdf_path(pdf_root, hashlib.sha256(seed_pdf).hexdigest())
    kept.unlink()

    report = ingest_paths([tmp_path / "a.pdf"])

    assert (report.new, report.unchanged) == (0, 1)
    assert kept.read_bytes() == seed_pdf


def test_a_file_that_starts_as_a_pdf_is_read_as_one_whatever_its_name(tmp_path, case_pdf):
    (tmp_path / "letter.txt").write_bytes(case_pdf)
    (tmp_path / "CM16-0213037").write_bytes(case_pdf + b"\n")
    (tmp_path / "download.aspx").write_bytes(case_pdf + b"\n\n")

    report = ingest_paths([tmp_path])

    assert (report.new, len(report.rejected)) == (3, 0)
    assert set(Letter.objects.values_list("source_format", "case_number")) == {
        ("pdf", "CM16-0213037")
    }


def bad_pdfs(folder, seed_pdf: bytes) -> dict[str, str]:
    """Write PDFs that are no letter beside a good one; each one's expected reason."""
    files = {
        "empty.pdf": (b"", "empty file"),
        "truncated.pdf": (seed_pdf[: len(seed_pdf) // 2], "truncated PDF: it does not end with %%EOF (an incomplete download?)"),
        "encrypted.pdf": (pdfs.encrypted_pdf(SEED), "encrypted PDF: it needs a password to be opened"),
        "scan.pdf": (pdfs.image_only_pdf(), "PDF without a text layer (a scan?): no text on its 2 pages; run OCR on it first"),
        "no_pages.pdf": (pdfs.pageless_pdf(), "PDF with no pages"),
        "really_text.pdf": (SEED.encode(), "not a PDF: named .pdf, but its bytes do not start with %PDF"),
        "huge.pdf": (seed_pdf[:-6] + b"%" + b"x" * (30 * 1024 * 1024) + b"\n%%EOF\n", "too large (30.0 MB): a letter file is at most 10 MB"),
        "recipe.pdf": (pdfs.letter_pdf("Preheat the oven. Mix flour and water."), "not an IMR determination letter"),
        "garbage.pdf": (b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n", "corrupt PDF: PDFium cannot read it (damaged or not a PDF inside)"),
    }  # fmt: skip
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    (folder / "good.pdf").write_bytes(seed_pdf)
    return {name: reason for name, (_, reason) in files.items()}


def test_each_bad_pdf_is_rejected_once_with_its_reason_and_the_good_one_is_stored(
    tmp_path, pdf_root, seed_pdf
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    expected = bad_pdfs(corpus, seed_pdf)

    report = ingest_paths([corpus])

    assert {r.source_file.rsplit("/", 1)[-1]: r.reason for r in report.rejected} == expected
    assert report.summary() == "ingested 1 new, 0 unchanged, 0 with parse issues, 9 rejected"
    assert report.seen == len(expected) + 1
    assert Letter.objects.get().source_file.endswith("good.pdf")
    assert dict(RejectedSource.objects.values_list("source_file", "reason")) == {
        f"corpus/{name}": reason for name, reason in expected.items()
    }
    assert _kept(pdf_root) == [f"{hashlib.sha256(seed_pdf).hexdigest()}.pdf"]

    again = ingest_paths([corpus])
    assert again.summary() == "ingested 0 new, 1 unchanged, 0 with parse issues, 9 rejected"
    assert RejectedSource.objects.count() == 9


def test_the_ingest_command_reports_bad_pdfs_on_stderr(capsys, tmp_path, seed_pdf):
    bad_pdfs(tmp_path, seed_pdf)

    call_command("ingest", str(tmp_path))

    out, err = capsys.readouterr()
    assert out.strip().endswith("ingested 1 new, 0 unchanged, 0 with parse issues, 9 rejected")
    assert "encrypted PDF: it needs a password to be opened" in err


def test_a_pdf_in_a_zip_and_in_a_nested_zip(tmp_path, pdf_root, seed_pdf, case_pdf):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as nested:
        nested.writestr("2017/CM16-0213037.pdf", case_pdf)
    with zipfile.ZipFile(tmp_path / "letters.zip", "w") as bundle:
        bundle.writestr("seed.pdf", seed_pdf)
        bundle.writestr("scan.pdf", pdfs.image_only_pdf(pages=1))
        bundle.writestr("more.zip", inner.getvalue())

    report = ingest_paths([tmp_path / "letters.zip"])

    assert (report.new, [r.source_file for r in report.rejected]) == (2, ["letters.zip/scan.pdf"])
    stored = dict(Letter.objects.values_list("source_file", "content_hash"))
    assert stored == {
        "letters.zip/seed.pdf": hashlib.sha256(seed_pdf).hexdigest(),
        "letters.zip/more.zip/2017/CM16-0213037.pdf": hashlib.sha256(case_pdf).hexdigest(),
    }
    assert len(_kept(pdf_root)) == 2


def test_workers_read_pdfs_as_one_process_does(tmp_path, pdf_root):
    folder = tmp_path / "letters"
    folder.mkdir()
    variants = letters.letter_variants(24)
    for name, text in variants:
        (folder / name).with_suffix(".pdf").write_bytes(pdfs.letter_pdf(text))

    report = ingest_paths([folder], workers=2, batch_size=10)

    assert (report.new, len(report.rejected)) == (24, 0)
    assert set(Letter.objects.values_list("source_format", flat=True)) == {"pdf"}
    expected_items = sum(len(parse_letter(text).items) for _, text in variants)
    assert DisputedItem.objects.count() == expected_items
    assert len(_kept(pdf_root)) == 24
    for letter in Letter.objects.all():
        kept = pdf.kept_pdf_path(pdf_root, letter.content_hash)
        assert hashlib.sha256(kept.read_bytes()).hexdigest() == letter.content_hash


def test_a_pdf_that_cannot_be_kept_is_rejected_not_stored_without_it(tmp_path, settings, seed_pdf):
    settings.IMR_PDF_ROOT = tmp_path / "not-a-folder"
    settings.IMR_PDF_ROOT.write_text("a file where the folder should be")
    (tmp_path / "seed.pdf").write_bytes(seed_pdf)
    (tmp_path / "seed.txt").write_text(SEED)

    report = ingest_paths([tmp_path / "seed.pdf", tmp_path / "seed.txt"])

    assert report.new == 1 and Letter.objects.get().source_format == "text"
    [rejected] = report.rejected
    assert rejected.source_file == "seed.pdf"
    assert rejected.reason.startswith("could not keep the PDF: [Errno 20] Not a directory")


def test_reparse_re_reads_a_pdf_letter_from_its_stored_text(tmp_path, seed_pdf):
    (tmp_path / "seed.pdf").write_bytes(seed_pdf)
    ingest_paths([tmp_path])
    letter = Letter.objects.get()
    item_ids = list(letter.items.values_list("pk", flat=True))
    letter.items.update(label="changed")

    report = reparse_letters()

    assert report.summary() == "reparsed 1 letters, 0 with parse issues"
    letter.refresh_from_db()
    assert letter.source_format == "pdf"
    assert list(letter.items.values_list("pk", "label")) == [(item_ids[0], "Metaxalone 375 mg #60")]


@pytest.fixture
def pdf_and_text_letters(tmp_path, pdf_root, case_pdf) -> tuple[Letter, Letter]:
    (tmp_path / "case.pdf").write_bytes(case_pdf)
    (tmp_path / "seed.txt").write_text(SEED)
    ingest_paths([tmp_path])
    return Letter.objects.get(source_format="pdf"), Letter.objects.get(source_format="text")


def test_the_original_pdf_is_served_inline_under_the_case_number(
    client, pdf_and_text_letters, case_pdf
):
    from_pdf, _ = pdf_and_text_letters

    response = client.get(f"/determinations/{from_pdf.pk}/original.pdf")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == case_pdf
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="CM16-0213037.pdf"'
    assert response["Content-Length"] == str(len(case_pdf))
    policy = response["Content-Security-Policy"]
    assert "object-src 'self'" in policy and "default-src 'self'" in policy
    page_policy = client.get(f"/determinations/{from_pdf.pk}/")["Content-Security-Policy"]
    assert "object-src 'none'" in page_policy, "only the PDF itself may be shown by a plugin"


def test_a_pdf_without_a_case_number_is_named_by_the_letter_id(client, tmp_path, seed_pdf):
    (tmp_path / "seed.pdf").write_bytes(seed_pdf)
    ingest_paths([tmp_path])
    letter = Letter.objects.get()

    response = client.get(f"/determinations/{letter.pk}/original.pdf")

    assert response["Content-Disposition"] == f'inline; filename="{letter.pk}.pdf"'


def test_no_original_pdf_is_a_friendly_404(client, pdf_and_text_letters, pdf_root):
    from_pdf, from_text = pdf_and_text_letters
    missing = Letter.objects.order_by("-pk").first().pk + 1

    for pk in (from_text.pk, missing):
        response = client.get(f"/determinations/{pk}/original.pdf")
        assert response.status_code == 404
        assert "Search the determinations" in response.content.decode()

    pdf.kept_pdf_path(pdf_root, from_pdf.content_hash).unlink()
    response = client.get(f"/determinations/{from_pdf.pk}/original.pdf")
    assert response.status_code == 404
    assert "Search the determinations" in response.content.decode()


def test_the_letter_page_links_to_the_original_pdf_only_for_a_pdf_letter(
    client, pdf_and_text_letters
):
    from_pdf, from_text = pdf_and_text_letters
    link = (
        f'<a class="original-pdf" href="/determinations/{from_pdf.pk}/original.pdf"'
        ' type="application/pdf">Original PDF</a>'
    )

    assert link in client.get(f"/determinations/{from_pdf.pk}/").content.decode()
    text_page = client.get(f"/determinations/{from_text.pk}/").content.decode()
    assert "Original PDF" not in text_page and "original.pdf" not in text_page
