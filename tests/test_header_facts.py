"""The letter header's facts in search, insights and exports: the decision year range, the
priority facet, case-number search and the export's appended columns. Both databases.

A hand-built corpus of four letters; the expected values are written out by hand.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.apps import apps
from django.db import connection
from django.http import QueryDict

from determinations.export_records import formatted_now, stored_records, write_missing_records
from determinations.index.signals import write_missing_export_records
from determinations.ingest import ingest_paths
from determinations.insights import insights
from determinations.models import DisputedItem, ExportRecord, Letter
from determinations.search import ordered_items, search
from determinations.search.columns import _letters_sql, _read_plan
from determinations.search.filters import ItemFilter
from tests.letters import letter_with_items

pytestmark = pytest.mark.django_db
WHY = "The guidelines were applied to the documented findings."
PARTLY = (
    "Physical therapy 12 sessions was the original request. Physical therapy 6 sessions was "
    "authorized by the Claims Administrator. The remaining IMR eligible portion of the "
    "original request, Physical therapy 6 sessions"
)
LETTERS = {  # file: (case number, header lines, items)
    "a.txt": (
        "CM16-0213037",
        "Date Assigned: 11/21/2016\nDecision Date: 12/19/2016\nPriority: Expedited",
        [(PARTLY, "Upheld", WHY), ("Norco 10/325 mg #120", "Overturned", WHY)],
    ),
    "b.txt": (
        "CM15-0000101",
        "Date Assigned: 05/02/2015\nDecision Date: 06/01/2015\nPriority: Standard",
        [("Norco 5/325 mg #60", "Upheld", WHY), ("Soma 350 mg #30", "Upheld", WHY)],
    ),
    "c.txt": (
        "CB17-0000202",
        "Decision Date: 02/02/2017\nPriority: Standard",
        [("Tramadol 50 mg #60", "Overturned", WHY)],
    ),
    # No header at all; its rationale quotes letter a's case number, which is not its own.
    "d.txt": ("", "", [("Physical therapy 8 sessions", "Overturned", "Unlike CM16-0213037.")]),
}
A_ITEMS = ["Norco 10/325 mg #120", "Physical therapy 6 sessions"]
B_ITEMS = ["Norco 5/325 mg #60", "Soma 350 mg #30"]


@pytest.fixture
def corpus(tmp_path, settings):
    settings.IMR_INSIGHTS_MIN_GROUP = 2
    for name, (case_number, header, items) in LETTERS.items():
        text = letter_with_items(items, case_number=case_number)
        (tmp_path / name).write_text(f"{header}\n\n{text}" if header else text)
    ingest_paths([tmp_path])
    facts = Letter.objects.order_by("case_number").values_list(
        "case_number", "decision_date", "date_assigned", "priority"
    )
    assert [(c, str(d), str(a), p) for c, d, a, p in facts] == [
        ("", "None", "None", ""),
        ("CB17-0000202", "2017-02-02", "None", "standard"),
        ("CM15-0000101", "2015-06-01", "2015-05-02", "standard"),
        ("CM16-0213037", "2016-12-19", "2016-11-21", "expedited"),
    ], "the parser reads the header (a precondition of these tests)"


def labels(params: str) -> list[str]:
    """The labels of the items the SQL filters match, sorted."""
    return sorted(ordered_items(ItemFilter(QueryDict(params))).values_list("label", flat=True))


def page_labels(params: str) -> list[str]:
    """The labels of the search page's items, in its order."""
    return [item.label for item in search(QueryDict(params)).page.object_list]


def facet_counts(params: str, name: str) -> dict[str, int]:
    page = search(QueryDict(params))
    facet = next(f for f in page.facets + page.ranges if f.name == name)
    return {value.value: value.count for value in facet.values}


# Decision year


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("decision_year_min=2016", [*A_ITEMS, "Tramadol 50 mg #60"]),
        ("decision_year_max=2015", B_ITEMS),
        ("decision_year_min=2016&decision_year_max=2016", A_ITEMS),
        ("decision_year_min=2015&decision_year_max=2017", sorted(A_ITEMS + B_ITEMS + ["Tramadol 50 mg #60"])),
        ("decision_year_min=2018", []),
    ],
)  # fmt: skip
def test_decision_year_range_is_inclusive_and_leaves_undated_letters_out(corpus, params, expected):
    assert labels(params) == sorted(expected)
    assert sorted(page_labels(params)) == sorted(expected)


def test_decision_year_counts_under_the_other_filters(corpus):
    assert facet_counts("", "decision_year") == {"2017": 1, "2016": 2, "2015": 2}
    assert facet_counts("decision=upheld&decision_year_min=2017", "decision_year") == {
        "2016": 1,
        "2015": 2,
    }


# Priority


def test_priority_filters_and_its_values_combine_with_or(corpus):
    assert labels("priority=expedited") == A_ITEMS
    assert labels("priority=standard") == sorted([*B_ITEMS, "Tramadol 50 mg #60"])
    assert labels("priority=standard&priority=expedited") == sorted(
        [*A_ITEMS, *B_ITEMS, "Tramadol 50 mg #60"]
    )
    assert page_labels("priority=expedited&decision=overturned") == ["Norco 10/325 mg #120"]


def test_priority_counts_reflect_the_other_filters_but_not_its_own(corpus):
    assert facet_counts("", "priority") == {"standard": 3, "expedited": 2}
    assert facet_counts("decision=overturned", "priority") == {"standard": 1, "expedited": 1}
    assert facet_counts("priority=expedited&decision=upheld", "priority") == {
        "standard": 2,
        "expedited": 1,
    }
    facet = next(f for f in search(QueryDict("priority=expedited")).facets if f.name == "priority")
    assert [(v.label, v.selected) for v in facet.values] == [
        ("Standard", False),
        ("Expedited", True),
    ]


BAD = {
    "decision_year_min=abc": "Decision year from: Enter a whole number. Ignored.",
    "decision_year_max=99999": (
        "Decision year to: Ensure this value is less than or equal to 2100. Ignored."
    ),
    "priority=urgent": "No priority called 'urgent': ignored.",
}


@pytest.mark.parametrize(("params", "notice"), BAD.items(), ids=list(BAD))
def test_bad_values_give_the_page_with_a_message_and_refuse_the_export(
    corpus, client, params, notice
):
    response = client.get(f"/?{params}")
    assert response.status_code == 200
    assert response.context["result"].notices == [notice]
    assert response.context["result"].page.paginator.count == 6  # the bad value is ignored
    refused = client.get(f"/export.csv?{params}")
    assert refused.status_code == 400
    assert refused.content.decode() == f"The export was not made: {notice}\n"
    assert client.get(f"/insights/?{params}").status_code == 200


def test_search_page_shows_the_priority_facet_and_decision_year_inputs(corpus, client):
    page = client.get("/", {"priority": "standard", "decision_year_min": "2015"})
    html = page.content.decode()
    assert '<input type="checkbox" name="priority" value="standard" checked> Standard' in html
    assert '<input type="checkbox" name="priority" value="expedited"> Expedited' in html
    assert 'name="decision_year_min" min="1900" max="2100" value="2015"' in html
    assert 'name="decision_year_max" min="1900" max="2100" value=""' in html
    assert 'name="injury_year_min" min="1900" max="2100" value=""' in html
    assert "<legend>Year of decision</legend>" in html


# Case numbers


@pytest.mark.parametrize(
    "query", ["CM16-0213037", "cm16-0213037", '"CM16-0213037"', "CM16-0213037,"]
)
def test_a_case_number_finds_its_letter_not_the_text_that_quotes_it(corpus, query):
    assert labels(f"q={query}") == A_ITEMS
    assert sorted(page_labels(f"q={query}")) == A_ITEMS


def test_a_case_number_with_words_searches_within_its_letter(corpus):
    assert labels("q=CM16-0213037 norco") == ["Norco 10/325 mg #120"]
    assert page_labels("q=CM16-0213037 norco") == ["Norco 10/325 mg #120"]
    # ranked by the words among that letter's items: "norco" is in one label, "pain" in the
    # case summary both share
    query = "q=CM16-0213037 norco OR pain"
    assert page_labels(query) == ["Norco 10/325 mg #120", "Physical therapy 6 sessions"]
    assert [item.label for item in ordered_items(ItemFilter(QueryDict(query)))] == page_labels(
        query
    )


def test_several_case_numbers_and_excluded_ones(corpus):
    assert labels("q=CM16-0213037 CM15-0000101") == sorted(A_ITEMS + B_ITEMS)
    for sort in ("oldest", "newest"):
        params = f"q=CM16-0213037 OR CM15-0000101&sort={sort}"
        in_sql = [item.label for item in ordered_items(ItemFilter(QueryDict(params)))]
        assert page_labels(params) == in_sql and sorted(in_sql) == sorted(A_ITEMS + B_ITEMS)
    assert labels("q=norco -CM16-0213037") == ["Norco 5/325 mg #60"]
    assert labels("q=-CM16-0213037 -CB17-0000202") == sorted(
        [*B_ITEMS, "Physical therapy 8 sessions"]
    )


def test_an_unknown_case_number_finds_nothing_and_says_so(corpus, client):
    result = client.get("/", {"q": "CM99-0000001"}).context["result"]
    assert result.notices == ["No letter has the case number CM99-0000001."]
    assert result.page.paginator.count == 0
    result = client.get("/", {"q": "CM99-0000001 CM16-0213037"}).context["result"]
    assert result.notices == ["No letter has the case number CM99-0000001."]
    assert sorted(item.label for item in result.page.object_list) == A_ITEMS
    assert client.get("/", {"q": "CM16-0213037"}).context["result"].notices == []


def test_the_export_of_a_case_number_search_holds_its_letter(corpus, client):
    response = client.get("/export.json", {"q": "cm16-0213037"})
    rows = json.loads(b"".join(response.streaming_content))
    assert [row["item_label"] for row in rows] == ["Physical therapy 6 sessions", A_ITEMS[0]]
    assert {row["case_number"] for row in rows} == {"CM16-0213037"}


# Insights


def test_insights_break_outcomes_down_by_decision_year(corpus, client):
    found = insights(QueryDict("")).breakdown("decision_year")
    assert [(g.label, g.items, g.upheld, g.overturned, g.upheld_percent, g.rated) for g in found.groups] == [
        ("2015", 2, 2, 0, 100.0, True),
        ("2016", 2, 1, 1, 50.0, True),
        ("2017", 1, 0, 1, 0.0, False),
    ]  # fmt: skip
    assert found.groups[1].search_url == "/?decision_year_min=2016&decision_year_max=2016"
    assert sorted(page_labels("decision_year_min=2016&decision_year_max=2016")) == A_ITEMS

    page = client.get("/insights/", {"priority": "standard"}).content.decode()
    assert "By year of decision" in page
    table = client.get("/insights.csv", {"breakdown": "decision_year", "priority": "standard"})
    assert table.content.decode() == (
        "group,items,upheld,overturned,upheld_rate_percent,rated\r\n"
        "All matching items,3,2,1,66.7,yes\r\n"
        "2015,2,2,0,100.0,yes\r\n"
        "2017,1,0,1,,no\r\n"
    )


# Export


NEW_COLUMNS = [
    "decision_date",
    "date_assigned",
    "priority",
    "original_request",
    "authorized_portion",
]


def test_export_appends_the_header_facts_and_partly_authorized_texts(corpus, client):
    rows = json.loads(b"".join(client.get("/export.json", {"sort": "oldest"}).streaming_content))
    assert list(rows[0])[-5:] == NEW_COLUMNS
    by_label = {row["item_label"]: [row[name] for name in NEW_COLUMNS] for row in rows}
    assert by_label == {
        "Physical therapy 6 sessions": [
            "2016-12-19", "2016-11-21", "expedited",
            "Physical therapy 12 sessions", "Physical therapy 6 sessions",
        ],
        "Norco 10/325 mg #120": ["2016-12-19", "2016-11-21", "expedited", "", ""],
        "Norco 5/325 mg #60": ["2015-06-01", "2015-05-02", "standard", "", ""],
        "Soma 350 mg #30": ["2015-06-01", "2015-05-02", "standard", "", ""],
        "Tramadol 50 mg #60": ["2017-02-02", None, "standard", "", ""],
        "Physical therapy 8 sessions": [None, None, None, "", ""],
    }  # fmt: skip

    text = b"".join(client.get("/export.csv", {"sort": "oldest"}).streaming_content).decode()
    table = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["item_label"] for row in table] == [row["item_label"] for row in rows]
    partly = next(row for row in table if row["item_label"] == "Physical therapy 6 sessions")
    assert [partly[name] for name in NEW_COLUMNS] == [
        "2016-12-19", "2016-11-21", "expedited",
        "Physical therapy 12 sessions", "Physical therapy 6 sessions",
    ]  # fmt: skip
    undated = next(row for row in table if row["item_label"] == "Physical therapy 8 sessions")
    assert [undated[name] for name in NEW_COLUMNS] == ["", "", "", "", ""]
    # dates bare, texts quoted (RFC 4180, as the other columns)
    line = next(line for line in text.split("\r\n") if '"Physical therapy 12 sessions"' in line)
    assert line.endswith(
        ',2016-12-19,2016-11-21,"expedited","Physical therapy 12 sessions",'
        '"Physical therapy 6 sessions"'
    )
    line = next(line for line in text.split("\r\n") if '"Physical therapy 8 sessions"' in line)
    assert line.endswith(',,,,"",""')


def test_the_cli_export_takes_the_new_filters(corpus, capsys):
    from django.core.management import call_command

    call_command(
        "export", "--format", "jsonl", "--priority", "standard", "--decision-year-min", "2016"
    )
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["item_label"], r["priority"], r["decision_date"]) for r in rows] == [
        ("Tramadol 50 mg #60", "standard", "2017-02-02")
    ]  # fmt: skip


# Records stored before the export gained columns


def test_records_deleted_by_a_migration_are_written_again_after_migrate(corpus):
    ids = list(DisputedItem.objects.values_list("pk", flat=True))
    fresh = formatted_now(ids, "json")
    ExportRecord.objects.all().delete()  # what migration 0018 does

    app = apps.get_app_config("determinations")
    write_missing_export_records(sender=app, using="default", plan=None)  # a flush: nothing
    assert ExportRecord.objects.count() == 0
    write_missing_export_records(sender=app, using="default", plan=[("migration", False)])

    assert stored_records(ids, "json") == fresh
    assert write_missing_records() == 0, "nothing left to write"


def test_the_search_columns_read_the_letters_covering_index():
    if connection.vendor != "sqlite":
        pytest.skip(
            "SQLite's plan names the covering index; PostgreSQL's depends on its statistics"
        )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {_letters_sql(*_read_plan()[1:])}")
        plan = " ".join(row[-1] for row in cursor.fetchall())
    assert "USING COVERING INDEX letter_search_columns" in plan
