"""The ingest service: idempotent by content hash, atomic per batch, nothing lost."""

from __future__ import annotations

import datetime
import re
import zipfile
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from determinations import curation
from determinations.ingest import bulk, ingest_paths, reparse_letters, store
from determinations.management.commands.ingest import elapsed_line
from determinations.models import DisputedItem, HandCorrection, Letter, ParseIssue, RejectedSource
from determinations.parsing import parse_letter
from tests import letters

pytestmark = pytest.mark.django_db


def test_sample_corpus_ingests_with_items_and_reviewer_facts():
    report = ingest_paths([letters.SEED_LETTERS])

    assert (report.new, report.unchanged, len(report.rejected)) == (5, 0, 0)
    assert Letter.objects.count() == 5
    assert DisputedItem.objects.count() == 7
    norco = DisputedItem.objects.get(label="Norco 10/325mg #101")
    assert norco.medication.generic_name == "hydrocodone/acetaminophen"
    assert norco.drug_class.name == "opioid"
    assert norco.letter.source_file == "seeds/002_1d16f4ec2548c5a7.txt"
    first = Letter.objects.get(source_file__endswith="000_e538005986e6bddf.txt")
    assert sorted(first.reviewer_states.values_list("code", flat=True)) == ["AL", "CA", "NJ"]
    assert first.original_text == (letters.SEED_LETTERS / "000_e538005986e6bddf.txt").read_text()


def test_ingested_rows_hold_typed_values_and_ids_are_never_reused(tmp_path):
    """Ingest writes plain rows with ids it takes itself (`determinations/ingest/bulk/`)."""
    ingest_paths([letters.SEED_LETTERS])
    letter = Letter.objects.exclude(date_of_injury=None).exclude(diagnoses=[]).first()
    assert isinstance(letter.date_of_injury, datetime.date) and isinstance(letter.diagnoses, list)
    assert letter.ingested_at and letter.parsed_at and letter.ingested_at.tzinfo
    newest = Letter.objects.latest("pk").pk
    newest_item = DisputedItem.objects.latest("pk").pk
    Letter.objects.filter(pk=newest).delete()

    letters.write_variants(tmp_path, 2)
    ingest_paths([tmp_path])
    added = list(Letter.objects.filter(pk__gt=newest).values_list("pk", flat=True))
    assert len(added) == 2 and not Letter.objects.filter(pk=newest).exists()
    added_items = DisputedItem.objects.filter(letter_id__in=added)
    assert min(added_items.values_list("pk", flat=True)) > newest_item
    # the database's own id allocation carries on after them (the admin adds letters so)
    made = Letter.objects.create(
        content_hash="x" * 64, original_text="-", parsed_at=letter.parsed_at
    )
    assert made.pk > max(added)


def test_second_ingest_of_the_same_corpus_adds_nothing():
    ingest_paths([letters.SEED_LETTERS])
    report = ingest_paths([letters.SEED_LETTERS])

    assert report.summary() == "ingested 0 new, 5 unchanged, 0 with parse issues, 0 rejected"
    assert Letter.objects.count() == 5
    assert DisputedItem.objects.count() == 7


def test_the_same_letter_under_two_names_is_stored_once(tmp_path):
    text = (letters.SEED_LETTERS / "000_e538005986e6bddf.txt").read_bytes()
    (tmp_path / "a.txt").write_bytes(text)
    (tmp_path / "b.txt").write_bytes(text)

    report = ingest_paths([tmp_path])

    assert (report.new, report.unchanged) == (1, 1)


def test_the_same_letter_in_two_batches_of_one_run_is_stored_once(tmp_path):
    text = (letters.SEED_LETTERS / "000_e538005986e6bddf.txt").read_bytes()
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_bytes(text)

    report = ingest_paths([tmp_path], batch_size=1)

    assert (report.new, report.unchanged) == (1, 2)
    assert Letter.objects.count() == 1


def test_zip_archives_and_nested_folders(tmp_path):
    names = [path.name for path in sorted(letters.SEED_LETTERS.glob("*.txt"))]
    with zipfile.ZipFile(tmp_path / "letters.zip", "w") as archive:
        for name in names[:3]:
            archive.write(letters.SEED_LETTERS / name, f"2015/{name}")
    nested = tmp_path / "more" / "deeper"
    nested.mkdir(parents=True)
    for name in names[3:]:
        (nested / name).write_bytes((letters.SEED_LETTERS / name).read_bytes())

    report = ingest_paths([tmp_path])

    assert report.new == 5
    in_archive = Letter.objects.filter(source_file__startswith=f"{tmp_path.name}/letters.zip/2015/")
    assert in_archive.count() == 3


def test_bad_inputs_are_rejected_with_reasons_and_the_run_goes_on(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n ")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "scan.txt").write_bytes(b"%PDF-1.4 ...")
    (tmp_path / "notes.json").write_text('{"note": "IMR Decision rationale"}')
    (tmp_path / "recipe.txt").write_text("Mix flour and water. Bake for an hour.")
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "good.txt").write_bytes(
        (letters.SEED_LETTERS / "000_e538005986e6bddf.txt").read_bytes()
    )

    report = ingest_paths([tmp_path, tmp_path / "missing.txt"])

    reasons = {r.source_file.rsplit("/", 1)[-1]: r.reason for r in report.rejected}
    assert reasons == {
        "blank.txt": "empty file",
        "broken.zip": "unreadable archive: File is not a zip file",
        "empty.txt": "empty file",
        "image.png": "not a letter file (.png): letters are .txt or .pdf files",
        "image.txt": "binary file, not text",
        "missing.txt": "no such file or folder",
        "notes.json": "not a letter file (.json): letters are .txt or .pdf files",
        "recipe.txt": "not an IMR determination letter",
        "scan.txt": "truncated PDF: it does not end with %%EOF (an incomplete download?)",
    }
    assert report.new == 1
    assert RejectedSource.objects.count() == 9
    ingest_paths([tmp_path])
    assert RejectedSource.objects.count() == 9, "a rerun does not pile up rejections"


def test_windows_1252_file_is_decoded_and_kept(tmp_path):
    text = (letters.SEED_LETTERS / "002_1d16f4ec2548c5a7.txt").read_text()
    (tmp_path / "cp1252.txt").write_bytes(letters.windows_1252(text))

    ingest_paths([tmp_path])

    letter = Letter.objects.get()
    assert "physician\u2019s requests for treatment" in letter.original_text
    assert letter.parse_status == "ok"
    assert letter.items.count() == 2


def test_letter_without_items_is_kept_as_failed_with_its_text(tmp_path):
    text = "HOW THE IMR FINAL DETERMINATION WAS MADE\nThe reviewer is licensed in California.\n"
    (tmp_path / "truncated.txt").write_text(text)

    report = ingest_paths([tmp_path])

    letter = Letter.objects.get()
    assert report.summary() == "ingested 1 new, 0 unchanged, 1 with parse issues, 0 rejected"
    assert (letter.parse_status, letter.original_text) == ("failed", text)
    assert ParseIssue.objects.filter(letter=letter, field="items").exists()


def test_a_thousand_letters_twice_leaves_a_thousand(tmp_path):
    letters.write_variants(tmp_path, 1000)

    first = ingest_paths([tmp_path], batch_size=100)
    second = ingest_paths([tmp_path], batch_size=100)

    assert (first.new, second.new, second.unchanged) == (1000, 0, 1000)
    assert Letter.objects.count() == 1000
    assert Letter.objects.filter(items__isnull=True).count() == 0


def test_a_crash_mid_batch_loses_only_that_batch_and_a_rerun_finishes(tmp_path):
    letters.write_variants(tmp_path, 1000)
    real_store_items = store._store_items
    calls = 0

    def crash_on_fourth_batch(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 4:  # letters of this batch are already inserted: they must roll back
            raise KeyboardInterrupt("killed")
        return real_store_items(*args, **kwargs)

    with (
        mock.patch.object(store, "_store_items", crash_on_fourth_batch),
        pytest.raises(KeyboardInterrupt),
    ):
        ingest_paths([tmp_path], batch_size=100)

    assert Letter.objects.count() == 300
    assert Letter.objects.filter(items__isnull=True).count() == 0
    report = ingest_paths([tmp_path], batch_size=100)
    assert (report.new, report.unchanged) == (700, 300)
    assert Letter.objects.count() == 1000


def test_workers_give_the_same_result_as_one_process(tmp_path):
    letters.write_variants(tmp_path, 60)

    report = ingest_paths([tmp_path], workers=2, batch_size=25)

    assert report.new == 60
    expected_items = sum(len(parse_letter(text).items) for _, text in letters.letter_variants(60))
    assert DisputedItem.objects.count() == expected_items


def test_reparse_keeps_hand_corrections_and_updates_the_rest():
    ingest_paths([letters.SEED_LETTERS])
    letter = Letter.objects.get(source_file__endswith="002_1d16f4ec2548c5a7.txt")
    robaxin = letter.items.get(position=0)
    norco_id = letter.items.get(position=1).pk
    curation.record_correction(letter, 0, "treatment", robaxin.treatment, "methocarbamol 750")
    robaxin.treatment = "methocarbamol 750"
    robaxin.rationale = "stale text that a reparse must refresh"
    robaxin.save()
    curation.record_correction(letter, None, "patient_age", letter.patient_age, 55)
    Letter.objects.filter(pk=letter.pk).update(patient_age=55, summary="stale")

    report = reparse_letters()

    assert report.reparsed == 5
    letter.refresh_from_db()
    robaxin.refresh_from_db()
    assert (letter.patient_age, robaxin.treatment) == (55, "methocarbamol 750")
    assert letter.summary.startswith("The injured worker is a 54 year old male")
    assert robaxin.rationale.startswith("MTUS 2009 states that muscle relaxants")
    assert letter.items.get(position=1).pk == norco_id, "item ids survive a reparse"


def test_reingesting_a_file_never_touches_a_corrected_letter():
    ingest_paths([letters.SEED_LETTERS])
    letter = Letter.objects.get(source_file__endswith="001_9dd21c29f48658d3.txt")
    curation.record_correction(letter, None, "patient_age", None, 40)
    Letter.objects.filter(pk=letter.pk).update(patient_age=40)

    ingest_paths([letters.SEED_LETTERS])

    letter.refresh_from_db()
    assert letter.patient_age == 40
    assert HandCorrection.objects.count() == 1


def test_ingest_command_prints_the_summary_line(capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("shopping list")
    call_command("ingest", str(letters.SEED_LETTERS), str(tmp_path))

    out, err = capsys.readouterr()
    assert (
        out.strip().splitlines()[-1]
        == "ingested 5 new, 0 unchanged, 1 with parse issues, 1 rejected"
    )
    rejection, elapsed = err.splitlines()
    assert rejection == f"rejected {tmp_path.name}/notes.txt: not an IMR determination letter"
    assert re.fullmatch(r"took \d+\.\d s, [\d,]+ inputs a second", elapsed)


def test_the_elapsed_line_says_how_long_and_how_fast():
    assert elapsed_line(8065, 1.0) == "took 1.0 s, 8,065 inputs a second"
    assert elapsed_line(100_000, 123.456) == "took 123.5 s, 810 inputs a second"
    assert elapsed_line(0, 0.2) == "took 0.2 s"


def test_reparse_command_prints_a_summary(capsys):
    ingest_paths([letters.SEED_LETTERS])
    call_command("reparse")
    assert capsys.readouterr().out.strip() == "reparsed 5 letters, 1 with parse issues"


def test_bulk_rows_leave_unwritten_fields_at_their_defaults():
    ingest_paths([letters.SEED_LETTERS])
    letter_id = Letter.objects.values_list("pk", flat=True).first()

    bulk.insert_rows(ParseIssue, ("letter_id", "field", "reason"), [(letter_id, "x", "why")])

    issue = ParseIssue.objects.get(field="x")
    assert (issue.item_position, issue.resolved, issue.reason) == (None, False, "why")
    bulk.insert_rows(RejectedSource, ("source_file", "reason"), [("x.pdf", "PDF file")])
    assert RejectedSource.objects.get(source_file="x.pdf").rejected_at is not None


def test_a_bulk_row_that_breaks_a_constraint_raises_django_s_integrity_error():
    """On PostgreSQL too (rows go in by COPY there): ingest retries a batch on this error."""
    ingest_paths([letters.SEED_LETTERS])
    stored = Letter.objects.first()
    row = (stored.content_hash, "again.txt", "text", stored.parsed_at)

    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_rows(
            Letter, ("content_hash", "source_file", "original_text", "parsed_at"), [row]
        )

    assert Letter.objects.filter(content_hash=stored.content_hash).count() == 1
