"""Stored export records stay what the export would format now, through every change. Both
databases."""

from __future__ import annotations

import json

import pytest
import zstandard
from django.contrib.auth.models import User

from determinations import export_records
from determinations.export_records import formatted_now, stored_records
from determinations.ingest import ingest_paths, reparse_letters
from determinations.models import (
    DisputedItem,
    DrugClass,
    ExportRecord,
    Letter,
    LicensureState,
    Medication,
    ParseIssue,
    RecordDictionary,
    Specialty,
)
from tests import letters
from tests.adminforms import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    ingest_paths([letters.SEED_LETTERS, letters.FIXTURE_LETTERS])


def stale_records() -> list[int]:
    """Items whose stored records differ from a fresh formatting (or are missing)."""
    ids = list(DisputedItem.objects.values_list("pk", flat=True))
    fresh = {fmt: formatted_now(ids, fmt) for fmt in ("csv", "json")}
    stored = {fmt: stored_records(ids, fmt) for fmt in ("csv", "json")}
    return sorted(
        pk for pk in ids for fmt in ("csv", "json") if stored[fmt].get(pk) != fresh[fmt][pk]
    )


def exported(client, **params) -> list[dict]:
    response = client.get("/export.json", params)
    return json.loads(b"".join(response.streaming_content))


def test_ingest_stores_a_record_for_every_item(corpus):
    assert ExportRecord.objects.count() == DisputedItem.objects.count() == 34
    assert stale_records() == []


def test_renamed_names_show_in_the_export_at_once(corpus, client):
    Medication.objects.filter(generic_name="cyclobenzaprine").get().save()  # unchanged: no work
    for model, field, old, new in [
        (Medication, "generic_name", "cyclobenzaprine", "cyclobenzaprine hcl"),
        (DrugClass, "name", "muscle relaxant", "skeletal muscle relaxant"),
        (Specialty, "name", "Pain Management", "Pain Management (renamed)"),
        (LicensureState, "code", "CT", "CX"),
    ]:
        row = model.objects.get(**{field: old})
        setattr(row, field, new)
        row.save()

    assert stale_records() == []
    rows = exported(client, q="Flexeril")
    assert {r["medication"] for r in rows} == {"cyclobenzaprine hcl"}
    assert {r["drug_class"] for r in rows} == {"skeletal muscle relaxant"}


def test_reparse_and_admin_edits_rewrite_the_records(corpus, client):
    target = Letter.objects.get(source_file__endswith="002_1d16f4ec2548c5a7.txt")
    stale = ExportRecord.objects.filter(item__letter=target)
    stale.update(csv_record=zstandard.compress(b"old"), json_record=zstandard.compress(b"{}"))
    assert stale_records() != []
    reparse_letters(Letter.objects.filter(pk=target.pk))
    assert stale_records() == []

    client.force_login(User.objects.create_superuser("steward", password="pw"))
    url = f"/admin/determinations/letter/{target.pk}/change/"
    data = change_form_data(client.get(url)) | {"patient_age": "55", "items-1-quantity": "90"}
    assert client.post(url, data).status_code == 302

    assert stale_records() == []
    norco = next(r for r in exported(client, q="Vicodin") if r["determination_id"] == target.pk)
    assert (norco["patient_age"], norco["quantity"]) == (55, 90)


def test_a_parse_status_changed_in_the_admin_shows_in_the_export(corpus, admin_client):
    warned = Letter.objects.filter(parse_status="warning").first()
    admin_client.post(
        "/admin/determinations/letter/",
        {"action": "mark_issues_resolved", "_selected_action": [warned.pk]},
    )
    assert not ParseIssue.objects.filter(letter=warned, resolved=False).exists()
    assert stale_records() == []
    rows = [r for r in exported(admin_client) if r["determination_id"] == warned.pk]
    assert rows and {r["parse_status"] for r in rows} == {"ok"}


def test_a_deleted_item_takes_its_record_with_it(corpus):
    item = DisputedItem.objects.first()
    pk = item.pk  # delete() clears the instance's pk
    assert ExportRecord.objects.filter(item_id=pk).exists()
    item.delete()
    assert not ExportRecord.objects.filter(item_id=pk).exists()


def test_an_item_without_a_stored_record_is_still_exported(corpus, client):
    """Every write path stores records; an export must not leave an item out if one did not."""
    before = exported(client, sort="oldest")
    ExportRecord.objects.filter(item_id__in=[before[0]["item_id"], before[-1]["item_id"]]).delete()
    assert exported(client, sort="oldest") == before


def test_records_are_compressed_with_a_dictionary_trained_on_the_corpus(tmp_path, monkeypatch):
    from bench.generator import write

    monkeypatch.setattr(export_records, "TRAIN_ON", 300)
    write(tmp_path, 200, seed=3)
    ingest_paths([tmp_path], batch_size=50)

    assert RecordDictionary.objects.count() == 1
    assert RecordDictionary.objects.get().trained_on >= 300
    records = ExportRecord.objects.all()
    assert records.filter(dictionary=None).count() < 300  # only those stored before it
    assert stale_records() == []
    ids = list(records.values_list("item_id", flat=True))
    text = sum(len(r.encode()) for r in formatted_now(ids, "json").values())
    stored = sum(len(r) for r in records.values_list("json_record", flat=True))
    assert stored < text / 3
