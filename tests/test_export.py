"""Exports: SPEC columns in order, CSV and JSON agree, streamed, safe in spreadsheets. Both databases."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.http import QueryDict
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from determinations import index
from determinations.export import COLUMNS, csv_lines_of, export_records, neutralise_formula
from determinations.ingest import ingest_paths
from determinations.models import DisputedItem, DrugClass, Letter, Medication
from determinations.search import search
from tests import letters

pytestmark = pytest.mark.django_db
SPEC_COLUMNS = (
    "determination_id, case_number, source_file, patient_age, patient_sex, date_of_injury, "
    "ur_denial_date, reviewer_states, reviewer_specialties, diagnoses, item_id, item_label, "
    "treatment, medication, drug_class, category, strength, quantity, refills, decision, "
    "guideline_source, claims_administrator_guideline, reviewer_guideline, rationale, parse_status, "
    "decision_date, date_assigned, priority, original_request, authorized_portion"
).split(", ")


@pytest.fixture
def corpus():
    ingest_paths([letters.SEED_LETTERS, letters.FIXTURE_LETTERS])


def content(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_columns_are_the_spec_columns_in_order():
    assert COLUMNS == SPEC_COLUMNS


def test_csv_and_json_hold_the_same_rows_as_the_search_page(corpus, client):
    params = {"category": "pharmaceutical", "decision": "upheld"}
    csv_response = client.get("/export.csv", params)
    json_response = client.get("/export.json", params)

    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response["Content-Disposition"].startswith('attachment; filename="imr-items-')
    table = list(csv.DictReader(io.StringIO(content(csv_response), newline="")))
    items = json.loads(content(json_response))
    assert list(items[0]) == SPEC_COLUMNS
    assert (
        len(table)
        == len(items)
        == search(QueryDict("category=pharmaceutical&decision=upheld")).page.paginator.count
    )
    for row, item in zip(table, items, strict=True):
        assert row == {name: _as_csv(item[name]) for name in SPEC_COLUMNS}


def _as_csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


def test_exact_values_of_one_row(corpus, client):
    norco = DisputedItem.objects.get(label="Norco 10/325mg #101")
    rows = json.loads(content(client.get("/export.json", {"q": "Vicodin", "sort": "oldest"})))
    row = next(r for r in rows if r["item_id"] == norco.pk)
    assert row == {
        "determination_id": norco.letter_id,
        "case_number": "",
        "source_file": "seeds/002_1d16f4ec2548c5a7.txt",
        "patient_age": 54,
        "patient_sex": "male",
        "date_of_injury": "2005-03-09",
        "ur_denial_date": None,
        "reviewer_states": ["CA"],
        "reviewer_specialties": [
            "Physical Medicine and Rehabilitation",
            "Pain Management",
            "Occupational Medicine",
        ],
        "diagnoses": [
            "lumbar spine post-lumbar laminectomy syndrome",
            "status-post morphine pump implant",
            "neuropathy",
            "permanent and stationary (treating under future medical)",
            "depression",
        ],
        "item_id": norco.pk,
        "item_label": "Norco 10/325mg #101",
        "treatment": "hydrocodone/acetaminophen",
        "medication": "hydrocodone/acetaminophen",
        "drug_class": "opioid",
        "category": "pharmaceutical",
        "strength": "10/325 mg",
        "quantity": 101,
        "refills": None,
        "decision": "upheld",
        "guideline_source": "mtus",
        "claims_administrator_guideline": "The Claims Administrator did not cite any medical evidence for its decision.",
        "reviewer_guideline": "Decision based on MTUS Chronic Pain Treatment Guidelines Opioids Page(s): 74.",
        "rationale": norco.rationale,
        "parse_status": "ok",
        "decision_date": None,
        "date_assigned": None,
        "priority": None,
        "original_request": "",
        "authorized_portion": "",
    }


def test_json_lines_has_one_object_per_line(corpus, client):
    lines = content(client.get("/export.jsonl", {"state": "CA"})).splitlines()
    assert len(lines) == search(QueryDict("state=CA")).page.paginator.count
    assert all(list(json.loads(line)) == SPEC_COLUMNS for line in lines)


def test_an_empty_result_is_a_valid_file(corpus, client):
    assert json.loads(content(client.get("/export.json", {"q": "nonexistentword"}))) == []
    assert (
        content(client.get("/export.csv", {"q": "nonexistentword"}))
        == ",".join(SPEC_COLUMNS) + "\r\n"
    )


def test_formula_cells_are_neutralised_and_awkward_text_round_trips(client):
    """Through the database's own formatting, on each database."""
    rationale = 'He said "stop", then, later:\nline two\r\n=not a formula'
    letter = Letter.objects.create(
        content_hash="f" * 64, source_file="=cmd|' /C calc'!A0.txt", original_text="x",
        layout="standard", parse_status="ok", parsed_at=timezone.now(),
        diagnoses=["=evil", "fine"], case_number="-CM1",
    )  # fmt: skip
    DisputedItem.objects.create(
        letter=letter, position=0, label='=HYPERLINK("http://x")', treatment="+1",
        medication=Medication.objects.create(generic_name="-2"),
        drug_class=DrugClass.objects.create(name="@SUM(A1)"), strength="\tx",
        reviewer_guideline="\rx", rationale=rationale, category="other",
    )  # fmt: skip
    index.letters_changed([letter.pk])  # as every write path does: the record is formatted now

    text = content(client.get("/export.csv"))
    parsed = next(csv.DictReader(io.StringIO(text, newline="")))

    assert parsed["item_label"] == '\'=HYPERLINK("http://x")'
    assert parsed["source_file"] == "'=cmd|' /C calc'!A0.txt"
    assert parsed["case_number"] == "'-CM1"
    assert [
        parsed[n]
        for n in ("treatment", "medication", "drug_class", "strength", "reviewer_guideline")
    ] == ["'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx"]
    assert parsed["diagnoses"] == "'=evil; fine"
    assert parsed["rationale"] == rationale
    assert (parsed["patient_age"], parsed["date_of_injury"], parsed["quantity"]) == ("", "", "")
    item = json.loads(content(client.get("/export.json")))[0]
    assert item["rationale"] == rationale and item["item_label"] == '=HYPERLINK("http://x")'
    assert neutralise_formula("plain") == "plain" and neutralise_formula("@x") == "'@x"


@given(st.lists(st.one_of(st.text(), st.integers(), st.none()), min_size=1, max_size=8))
def test_small_tables_read_back_with_the_csv_module(cells):
    """`csv_lines_of` (the insights tables): any text, quotes, commas, CR, LF reads back as
    written, with formula-like text neutralised."""
    header = [f"column {n}" for n in range(len(cells))]
    text = "".join(csv_lines_of(header, [cells]))
    expected = [
        "" if cell is None else neutralise_formula(cell) if isinstance(cell, str) else str(cell)
        for cell in cells
    ]
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [header, expected]


def test_bom_for_excel(corpus, client):
    raw = b"".join(client.get("/export.csv", {"bom": "1"}).streaming_content)
    assert raw.startswith("\ufeffdetermination_id,".encode())


def test_bad_parameters_refuse_the_export_with_a_message(corpus, client):
    response = client.get("/export.csv", {"medication": "unobtainium"})
    assert response.status_code == 400
    assert (
        response.content.decode()
        == "The export was not made: No medication called 'unobtainium': ignored.\n"
    )
    assert client.get("/export.xml").status_code == 404
    assert client.post("/export.csv").status_code == 405


def test_anonymous_exports_are_limited_but_staff_exports_are_not(
    corpus, client, admin_client, settings
):
    settings.IMR_EXPORT_MAX_ROWS_ANONYMOUS = 10
    refused = client.get("/export.csv")
    assert refused.status_code == 403
    assert refused.content.decode() == (
        "This export would hold 34 items; exports without a staff login are limited to 10. "
        "Narrow the search, or sign in as staff.\n"
    )
    assert client.get("/export.csv", {"category": "surgery"}).status_code == 200
    assert len(json.loads(content(admin_client.get("/export.json")))) == 34


def test_export_reads_the_database_in_a_fixed_number_of_queries(
    corpus, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        rows = json.loads(content(client.get("/export.json")))
    assert len(rows) == 34


def test_each_chunk_costs_one_query_whatever_its_size(corpus, django_assert_num_queries):
    """The order, then one query per chunk: no query per item or per letter."""
    items = DisputedItem.objects.order_by("pk")
    with django_assert_num_queries(1 + 4):
        chunks = list(export_records(items, "json", chunk=10))
    assert [len(records) for records in chunks] == [10, 10, 10, 4]
    ids = [json.loads(record)["item_id"] for records in chunks for record in records]
    assert ids == list(items.values_list("pk", flat=True))


def test_search_page_links_to_exports_with_its_parameters(corpus, client):
    page = client.get("/", {"decision": "upheld", "age_min": "abc"}).content.decode()
    assert 'href="/export.csv?decision=upheld"' in page
    assert 'href="/export.json?decision=upheld"' in page


def test_cli_export_uses_the_same_filters(corpus, tmp_path, capsys):
    target = tmp_path / "items.csv"
    call_command("export", "--format", "csv", "--output", str(target), "--medication", "cyclobenzaprine",
                 "--medication", "tizanidine", "--decision", "upheld")  # fmt: skip
    table = list(csv.DictReader(target.open(newline="", encoding="utf-8")))
    expected = search(QueryDict("medication=cyclobenzaprine&medication=tizanidine&decision=upheld"))
    assert [int(row["item_id"]) for row in table] == [item.pk for item in expected.page.object_list]

    call_command("export", "--format", "jsonl", "--q", "Flexeril", "--output", "-")
    lines = capsys.readouterr().out.splitlines()
    assert sorted(json.loads(line)["item_label"] for line in lines) == [
        "Amrix 15 milligrams #40, for the lumbar",
        "Cyclobenzaprine 7.5mg #60",
        "Flexeril",
    ]


def test_cli_export_refuses_bad_filters(corpus):
    with pytest.raises(CommandError, match="Minimum age: Enter a whole number"):
        call_command("export", "--age-min", "abc")
