"""Curation in the admin: the review queue, fixes through the real admin forms, and fixes
that survive `reparse` and re-ingest. Both databases."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from determinations.ingest import ingest_paths
from determinations.ingest.store import WHOLE_ITEM
from determinations.models import (
    DisputedItem,
    DrugClass,
    DrugName,
    HandCorrection,
    Letter,
    Medication,
    ParseIssue,
)
from tests.adminforms import change_form_data
from tests.letters import letter_with_items

pytestmark = pytest.mark.django_db
RATIONALE = "The guidelines do not support this new drug for chronic pain without a trial."


def unknown_drug_letter(case: str, label: str = "Quellaxin 50 mg #30") -> str:
    """A letter whose item names a drug the lexicon lacks and whose injury date is missing."""
    text = letter_with_items([(label, "Upheld", RATIONALE)], case)
    return text.replace(" on June 1, 2011", "")


def no_items_letter(case: str) -> str:
    text = letter_with_items([("Norco 10/325 mg #120", "Upheld", RATIONALE)], case)
    return text[: text.index("Norco 10/325 mg #120:")]


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "unknown.txt").write_text(unknown_drug_letter("CM14-0000010"))
    (tmp_path / "failed.txt").write_text(no_items_letter("CM14-0000011"))
    (tmp_path / "fine.txt").write_text(
        letter_with_items([("Norco 10/325 mg #120", "Overturned", RATIONALE)], "CM14-0000012")
    )
    ingest_paths([tmp_path])
    return tmp_path


@pytest.fixture
def steward(db):
    return User.objects.create_user("steward", password="pw", is_staff=True, is_superuser=True)


@pytest.fixture
def steward_client(client, steward):
    client.force_login(steward)
    return client


@pytest.fixture
def diclofenac(db):
    nsaid, _ = DrugClass.objects.get_or_create(name="nsaid")
    medication, _ = Medication.objects.get_or_create(
        generic_name="diclofenac", defaults={"drug_class": nsaid}
    )
    return medication


def letter(case: str) -> Letter:
    return Letter.objects.get(case_number=case)


def change_url(obj: Letter) -> str:
    return f"/admin/determinations/letter/{obj.pk}/change/"


def post_change(client, obj: Letter, **changes) -> None:
    page = client.get(change_url(obj))
    assert page.status_code == 200
    data = change_form_data(page) | changes
    response = client.post(change_url(obj), data)
    assert response.status_code == 302, _errors(response)


def _errors(response) -> str:
    if not response.context:
        return str(response.status_code)
    form = response.context["adminform"].form
    inlines = [f.errors for i in response.context["inline_admin_formsets"] for f in i.formset]
    return f"{form.errors} {inlines}"


def test_fixes_through_the_admin_survive_reparse_and_reingest(
    steward_client, steward, folder, diclofenac, capsys
):
    target = letter("CM14-0000010")
    item = target.items.get()
    assert (target.date_of_injury, item.medication) == (None, None)

    post_change(
        steward_client, target, date_of_injury="2011-06-01",
        **{"items-0-medication": str(diclofenac.pk), "items-0-drug_class": str(diclofenac.drug_class_id)},
    )  # fmt: skip

    target.refresh_from_db()
    item.refresh_from_db()
    assert target.date_of_injury == date(2011, 6, 1)
    assert (item.medication, item.drug_class.name) == (diclofenac, "nsaid")
    assert sorted(
        HandCorrection.objects.values_list(
            "item_position", "field", "old_value", "new_value", "corrected_by__username"
        ),
        key=str,
    ) == sorted(
        [
            (None, "date_of_injury", "", "2011-06-01", "steward"),
            (0, "medication", "", "diclofenac", "steward"),
            (0, "drug_class", "", "nsaid", "steward"),
        ],
        key=str,
    )
    assert not target.parse_issues.filter(resolved=False).exists()  # both issues resolved
    assert target.parse_status == "ok"

    # Fields nobody corrected are re-parsed; corrected ones are not.
    Letter.objects.filter(pk=target.pk).update(patient_age=99)
    DisputedItem.objects.filter(pk=item.pk).update(strength="tampered")
    call_command("reparse", stdout=io.StringIO())
    ingest_paths([folder])
    target.refresh_from_db()
    item.refresh_from_db()
    assert target.patient_age == 48 and item.strength == "50 mg"
    assert target.date_of_injury == date(2011, 6, 1)
    assert item.medication == diclofenac
    assert DisputedItem.objects.get(pk=item.pk)  # the same item, id kept

    page = steward_client.get(f"/determinations/{target.pk}/").content.decode()
    assert "Corrected by hand: date of injury." in page
    assert "Corrected by hand: drug class, medication." in page


def test_the_change_history_records_who_changed_what(steward_client, folder):
    target = letter("CM14-0000012")
    post_change(steward_client, target, patient_age="51", **{"items-0-decision": "upheld"})

    page = steward_client.get(change_url(target)).content.decode()
    assert "Changes made by hand" in page
    corrections = HandCorrection.objects.filter(letter=target)
    assert set(corrections.values_list("field", "old_value", "new_value")) == {
        ("patient_age", "48", "51"),
        ("decision", "overturned", "upheld"),
    }
    log = LogEntry.objects.get(object_id=str(target.pk))
    assert log.user.username == "steward" and "Patient age" in log.get_change_message()


def test_an_item_added_by_hand_to_a_failed_letter_is_kept_and_searchable(steward_client, folder):
    failed = letter("CM14-0000011")
    assert failed.parse_status == "failed"
    data = {
        "items-TOTAL_FORMS": "1",
        "items-0-label": "Norco 10/325 mg #120",
        "items-0-decision": "upheld",
        "items-0-guideline_source": "mtus",
        "items-0-category": "pharmaceutical",
        "items-0-rationale": "Added by a data steward from the original letter.",
    }
    post_change(steward_client, failed, **data)

    item = failed.items.get()
    failed.refresh_from_db()
    assert item.position == 0 and failed.parse_status == "ok"
    assert HandCorrection.objects.filter(letter=failed, field=WHOLE_ITEM).exists()
    assert not failed.parse_issues.filter(field="items", resolved=False).exists()
    assert "1 disputed item" in steward_client.get("/", {"q": "data steward"}).content.decode()

    call_command("reparse", stdout=io.StringIO())
    assert list(failed.items.values_list("pk", flat=True)) == [item.pk]


def test_an_item_deleted_by_hand_does_not_come_back(steward_client, folder):
    target = letter("CM14-0000012")
    post_change(steward_client, target, **{"items-0-DELETE": "on"})
    assert not target.items.exists()

    call_command("reparse", stdout=io.StringIO())
    assert not target.items.exists()


def test_a_drug_name_added_in_the_admin_is_used_by_reparse_and_search(
    steward_client, folder, diclofenac
):
    response = steward_client.post(
        "/admin/determinations/drugname/add/", {"name": "Quellaxin", "medication": diclofenac.pk}
    )
    assert response.status_code == 302
    assert DrugName.objects.get().added_by.username == "steward"

    call_command("reparse", stdout=io.StringIO())

    item = letter("CM14-0000010").items.get()
    assert item.medication == diclofenac
    assert "1 disputed item" in steward_client.get("/", {"q": "Quellaxin"}).content.decode()


def test_the_review_queue_filters(steward_client, folder, steward):
    HandCorrection.objects.create(letter=letter("CM14-0000012"), field="patient_age")

    def queue(**params) -> list[str]:
        response = steward_client.get("/admin/determinations/letter/", params)
        assert response.status_code == 200
        return sorted(obj.case_number for obj in response.context["cl"].result_list)

    assert queue(issue="any") == ["CM14-0000010", "CM14-0000011"]
    assert queue(issue="items") == ["CM14-0000011"]
    assert queue(issue="medication") == ["CM14-0000010"]
    assert queue(issue="date_of_injury") == ["CM14-0000010"]
    assert queue(parse_status__exact="failed") == ["CM14-0000011"]
    assert queue(corrected="yes") == ["CM14-0000012"]
    assert queue(corrected="no") == ["CM14-0000010", "CM14-0000011"]
    assert queue(decision="overturned") == ["CM14-0000012"]
    assert queue(q="CM14-0000011") == ["CM14-0000011"]
    assert queue(q="Quellaxin") == ["CM14-0000010"]  # the letter's text

    page = steward_client.get("/admin/determinations/letter/", {"issue": "any"}).content.decode()
    assert "unknown medication" in page and "no items found" in page


def test_dashboard_counts_open_issues_and_links_to_the_queue(steward_client, folder):
    page = steward_client.get("/admin/").content.decode()
    assert "3 open parse issues in 2 letters" in page
    assert 'href="/admin/determinations/letter/?issue=any"' in page
    assert "1 letter with no items found" in page


def test_admin_actions(steward_client, folder):
    ids = [letter(c).pk for c in ("CM14-0000010", "CM14-0000012")]
    url = "/admin/determinations/letter/"

    response = steward_client.post(url, {"action": "export_selected_csv", "_selected_action": ids})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted(row["case_number"] for row in rows) == ["CM14-0000010", "CM14-0000012"]

    response = steward_client.post(url, {"action": "reparse_selected", "_selected_action": ids})
    assert response.status_code == 302

    response = steward_client.post(url, {"action": "mark_issues_resolved", "_selected_action": ids})
    assert response.status_code == 302
    assert not ParseIssue.objects.filter(letter_id__in=ids, resolved=False).exists()
    assert letter("CM14-0000010").parse_status == "ok"


def test_an_issue_marked_resolved_stays_resolved_after_reparse(steward_client, folder):
    """A field truly absent from a letter is not a fault to fix again after every re-parse."""
    target = letter("CM14-0000010")
    post_change(
        steward_client, target,
        **{f"parse_issues-{n}-resolved": "on" for n in range(target.parse_issues.count())},
    )  # fmt: skip
    assert letter("CM14-0000010").parse_status == "ok"

    call_command("reparse", stdout=io.StringIO())

    assert not letter("CM14-0000010").parse_issues.filter(resolved=False).exists()
    assert letter("CM14-0000010").parse_status == "ok"


def test_the_admin_is_for_staff_only(client, folder):
    assert client.get("/admin/determinations/letter/").status_code == 302  # to the login page
    client.force_login(User.objects.create_user("visitor", password="pw"))
    response = client.get("/admin/determinations/letter/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_reviewer_group_edits_letters_but_not_users(client, folder):
    reviewer = User.objects.create_user("reviewer", password="pw", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="reviewer"))
    client.force_login(reviewer)

    assert client.get(change_url(letter("CM14-0000010"))).status_code == 200
    assert client.get("/admin/determinations/drugname/add/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get(f"/admin/auth/user/{reviewer.pk}/change/").status_code == 403


def test_the_reparse_action_does_not_wait_for_a_running_ingest(steward_client, folder):
    from determinations.ingest.lock import one_ingest_at_a_time

    target = letter("CM14-0000010")
    url = "/admin/determinations/letter/"
    with one_ingest_at_a_time():  # as an ingest in another process holds it
        response = steward_client.post(
            url, {"action": "reparse_selected", "_selected_action": [target.pk]}, follow=True
        )
    assert "An ingest or re-parse of this database is running" in response.content.decode()

    response = steward_client.post(
        url, {"action": "reparse_selected", "_selected_action": [target.pk]}, follow=True
    )
    assert "Reparsed 1 letters" in response.content.decode()
