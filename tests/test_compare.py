"""The compare tray, `/compare/`, similar rationales and `/boilerplate/`, on both databases."""

from __future__ import annotations

import importlib
import io
import itertools
import re
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from determinations import similarity
from determinations.ingest import ingest_paths, reparse_letters
from determinations.models import (
    DisputedItem,
    RationaleBand,
    RationaleShingles,
    StagedBandKeys,
)
from determinations.rationales.minhash import (
    packed_shingles,
    rationale_band_keys,
    rationale_shingles,
    unpacked_band_keys,
)
from tests.letters import letter_with_items
from tests.rationales.test_minhash import NEAR_COPY, RATIONALE, UNRELATED

pytestmark = pytest.mark.django_db

QUOTE = (
    "The MTUS guidelines state that opioids should be continued only if the patient has "
    "returned to work or has improved function and pain."
)
TRAMADOL = (
    f"{QUOTE} The treating physician documented a specific analgesic benefit and improved "
    "activities of daily living with tramadol, so the request is medically necessary."
)
SOMA = (
    "Carisoprodol is not recommended and is not indicated for long-term use; the records do "
    "not describe an acute exacerbation of back pain."
)
LETTERS = {
    "a.txt": ("CM14-0000001", [("Norco 10/325 mg #120", "Upheld", RATIONALE)]),
    "b.txt": ("CM14-0000002", [("Norco 10/325 mg #90", "Upheld", NEAR_COPY)]),
    "c.txt": ("CM14-0000003", [("Acupuncture x 6 sessions", "Overturned", UNRELATED)]),
    "d.txt": (
        "CM14-0000004",
        [("Tramadol 50 mg #60", "Overturned", TRAMADOL), ("Soma 350 mg #60", "Upheld", SOMA)],
    ),
}


@pytest.fixture
def items(tmp_path) -> dict[str, DisputedItem]:
    """The corpus's items by short name: norco, norco_copy, acupuncture, tramadol, soma."""
    for name, (case, letter_items) in LETTERS.items():
        (tmp_path / name).write_text(letter_with_items(letter_items, case))
    ingest_paths([tmp_path])
    by_label = {item.label: item for item in DisputedItem.objects.all()}
    return {
        "norco": by_label["Norco 10/325 mg #120"],
        "norco_copy": by_label["Norco 10/325 mg #90"],
        "acupuncture": by_label["Acupuncture x 6 sessions"],
        "tramadol": by_label["Tramadol 50 mg #60"],
        "soma": by_label["Soma 350 mg #60"],
    }


def compare(client, *ids) -> str:
    query = "&".join(f"items={pk}" for pk in ids)
    response = client.get(f"/compare/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def columns(page: str) -> list[str]:
    return re.findall(r'<article class="compared" id="compared-(\d+)"', page)


def marks(page: str, level: str) -> list[str]:
    """The marked passages of the rationales (the legend left out)."""
    rationales = "".join(re.findall(r'<div class="rationale marked">(.*?)</div>', page, re.S))
    return re.findall(rf'<mark class="shared-{level}"[^>]*>(.*?)</mark>', rationales, re.S)


def notices(page: str) -> list[str]:
    block = re.search(r'<div class="notices".*?</div>', page, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(0)) if block else []


def test_two_items_side_by_side_with_their_shared_passage_marked(client, items):
    norco, tramadol = items["norco"], items["tramadol"]

    page = compare(client, norco.pk, tramadol.pk)

    assert columns(page) == [str(norco.pk), str(tramadol.pk)]
    shared = QUOTE + " The"  # both rationales go on with "The ..."
    assert marks(page, "all") == [shared, shared]
    assert marks(page, "some") == []
    assert "shared by both rationales" in page
    for item in (norco, tramadol):
        assert f'href="/determinations/{item.letter_id}/#item-{item.pk}"' in page
        assert item.label in page
    assert 'class="badge badge-upheld">Upheld' in page
    assert 'class="badge badge-overturned">Overturned' in page
    assert "CM14-0000004" in page and "Pain Medicine" in page and "CA" in page
    assert "Page(s): 78" in page  # the reviewer guideline with its pages
    assert notices(page) == []


def test_three_items_mark_what_all_share_apart_from_what_some_share(client, items):
    page = compare(client, items["norco"].pk, items["norco_copy"].pk, items["tramadol"].pk)

    assert len(columns(page)) == 3
    assert QUOTE + " The" in marks(page, "all")
    assert any("no urine drug screen" in passage for passage in marks(page, "some"))
    assert "shared by all 3 rationales" in page and "shared by some of them" in page


def test_four_items_is_the_most_and_a_fifth_is_refused_with_a_message(client, items):
    ids = [items[name].pk for name in ("norco", "norco_copy", "acupuncture", "tramadol")]

    assert columns(compare(client, *ids)) == [str(pk) for pk in ids]

    page = compare(client, *ids, items["soma"].pk)
    assert columns(page) == [str(pk) for pk in ids]
    assert notices(page) == [
        f"At most 4 items can be compared side by side; item {items['soma'].pk} was left out."
    ]
    sixth = DisputedItem.objects.get(pk=items["soma"].pk)
    sixth.pk, sixth.position = None, sixth.position + 1
    sixth.save()
    page = compare(client, *ids, items["soma"].pk, sixth.pk)
    assert notices(page)[0] == (
        f"At most 4 items can be compared side by side; items {items['soma'].pk}, "
        f"{sixth.pk} were left out."
    )


def test_an_item_that_no_longer_exists_takes_no_place_among_the_four(client, items):
    ids = [items[name].pk for name in ("norco", "norco_copy", "acupuncture", "tramadol")]

    page = compare(client, 987654, *ids, items["soma"].pk)

    assert columns(page) == [str(pk) for pk in ids]
    assert notices(page) == [
        "There is no item 987654 (it may have been removed by a re-parse); it was left out.",
        f"At most 4 items can be compared side by side; item {items['soma'].pk} was left out.",
    ]


@pytest.mark.parametrize(
    "bad", ["abc", "-3", "1.5", "99999999999999999999", "\uff11\uff12", "' OR 1=1"]
)
def test_an_invalid_id_is_reported_on_the_page(client, items, bad):
    response = client.get("/compare/", {"items": [items["norco"].pk, bad, items["soma"].pk]})

    page = response.content.decode()
    assert response.status_code == 200
    assert columns(page) == [str(items["norco"].pk), str(items["soma"].pk)]
    assert len(notices(page)) == 1 and "is not an item number" in notices(page)[0]


def test_a_missing_id_is_reported_and_one_item_left_asks_for_another(client, items):
    page = compare(client, items["norco"].pk, 987654)

    assert columns(page) == [str(items["norco"].pk)]
    assert notices(page)[0] == (
        "There is no item 987654 (it may have been removed by a re-parse); it was left out."
    )
    assert "Add at least one more item to compare" in notices(page)[1]


def test_no_items_explains_how_to_compare(client, items):
    page = compare(client)
    assert columns(page) == [] and "Nothing to compare yet" in page


def test_repeated_ids_count_once(client, items):
    pk = items["norco"].pk
    assert columns(compare(client, pk, pk, items["soma"].pk, pk)) == [
        str(pk),
        str(items["soma"].pk),
    ]


def test_compare_page_queries_do_not_grow_with_items(client, items, django_assert_max_num_queries):
    ids = [items[name].pk for name in ("norco", "norco_copy", "acupuncture", "tramadol")]
    # items + states + specialties, then per column: band candidates + their items
    with django_assert_max_num_queries(3 + 2 * len(ids)):
        compare(client, *ids)


# Similar rationales


def similar(item: DisputedItem) -> list[tuple[str, float]]:
    return [(s.item.label, round(s.similarity, 3)) for s in similarity.similar_rationales(item)]


def test_a_near_copy_ranks_first_and_an_unrelated_rationale_does_not_appear(items):
    found = similar(items["norco"])

    assert found[0][0] == "Norco 10/325 mg #90"
    assert found[0][1] > 0.8
    assert "Acupuncture x 6 sessions" not in [label for label, _ in found]


def test_similar_rationales_leave_out_the_items_own_letter(items):
    assert "Soma 350 mg #60" not in [label for label, _ in similar(items["tramadol"])]


def test_the_letters_own_items_never_take_a_candidates_place(tmp_path, monkeypatch):
    """A letter repeating one rationale for several items still finds other letters'."""
    twice = [
        ("Norco 10/325 mg #120", "Upheld", RATIONALE),
        ("Norco 5/325 mg #60", "Upheld", RATIONALE),
    ]
    (tmp_path / "a.txt").write_text(letter_with_items(twice, "CM14-0000001"))
    (tmp_path / "b.txt").write_text(
        letter_with_items([("Norco 10/325 mg #90", "Upheld", NEAR_COPY)], "CM14-0000002")
    )
    ingest_paths([tmp_path])
    monkeypatch.setattr(similarity, "CANDIDATES", 1)

    found = similar(DisputedItem.objects.get(label="Norco 5/325 mg #60"))

    assert [label for label, _ in found] == ["Norco 10/325 mg #90"]


def test_the_similarity_score_is_exact_and_the_same_on_every_database(items):
    """Exact Jaccard of 4-word shingles: a stored figure both database passes must print."""
    assert similar(items["norco"]) == [("Norco 10/325 mg #90", 0.881)]
    assert similar(items["acupuncture"]) == []


def test_letter_page_links_each_item_to_its_similar_rationales(client, items):
    """Looked up once the letter is shown (letter.js loads each item's page of them)."""
    norco = items["norco"]

    page = client.get(f"/determinations/{norco.letter_id}/").content.decode()

    section = page[page.index(f'id="item-{norco.pk}"') :]
    section = section[section.index("Similar rationales") : section.index("</article>")]
    assert f'data-similar-url="/items/{norco.pk}/similar/"' in page
    assert f'<a href="/items/{norco.pk}/similar/">' in section
    assert "alike" not in page  # not looked up for the letter page itself
    assert "determinations/letter.js" in page


def test_similar_page_lists_similar_rationales_with_compare_links(client, items):
    norco, copy = items["norco"], items["norco_copy"]

    page = client.get(f"/items/{norco.pk}/similar/").content.decode()

    section = page[page.index('<section class="similar"') :]
    assert "Norco 10/325 mg #90" in section and "88% alike" in section
    assert f'href="/compare/?items={norco.pk}&amp;items={copy.pk}"' in section
    assert f'href="/determinations/{norco.letter_id}/#item-{norco.pk}">Back to' in page


def test_similar_page_of_an_item_with_none_and_of_a_missing_item(client, items):
    page = client.get(f"/items/{items['acupuncture'].pk}/similar/").content.decode()
    assert "No rationale in another letter is at least 20% alike." in page
    assert client.get("/items/999999/similar/").status_code == 404


def test_compare_page_lists_similar_rationales_and_offers_to_add_them(client, items):
    norco, tramadol, copy = items["norco"], items["tramadol"], items["norco_copy"]

    page = compare(client, norco.pk, tramadol.pk)

    assert f'href="/compare/?items={norco.pk}&amp;items={copy.pk}"' in page
    assert f'href="/compare/?items={norco.pk}&amp;items={tramadol.pk}&amp;items={copy.pk}"' in page
    # in a comparison of the two near-copies, each lists the other as already compared
    page = compare(client, norco.pk, copy.pk)
    assert page.count("in this comparison") == 2


def stored_shingles() -> dict[int, bytes]:
    return {pk: bytes(data) for pk, data in RationaleShingles.objects.values_list("pk", "hashes")}


def shingles_of_rationales() -> dict[int, bytes]:
    return {
        item.pk: packed_shingles(rationale_shingles(item.rationale))
        for item in DisputedItem.objects.all()
    }


def test_band_keys_and_shingle_sets_follow_reparse_deletion_and_rebuild(items):
    norco = items["norco"]
    before = sorted(RationaleBand.objects.values_list("item_id", "key"))
    assert stored_shingles() == shingles_of_rationales() and len(stored_shingles()) == 5

    reparse_letters()
    assert sorted(RationaleBand.objects.values_list("item_id", "key")) == before
    assert stored_shingles() == shingles_of_rationales()

    RationaleShingles.objects.all().delete()
    call_command("index_similarity", stdout=io.StringIO())
    assert sorted(RationaleBand.objects.values_list("item_id", "key")) == before
    assert stored_shingles() == shingles_of_rationales()

    copy = items["norco_copy"].pk  # delete() clears the instance's pk
    items["norco_copy"].delete()
    assert similar(norco) == []
    assert not RationaleBand.objects.filter(item_id=copy).exists()
    assert copy not in stored_shingles()


def stored_band_keys() -> dict[int, list[int]]:
    return {
        pk: unpacked_band_keys(bytes(data))
        for pk, data in RationaleShingles.objects.values_list("pk", "band_keys")
    }


def band_keys_of_rationales() -> dict[int, list[int]]:
    return {
        item.pk: sorted(set(rationale_band_keys(item.rationale)))
        for item in DisputedItem.objects.all()
    }


def band_rows() -> list[tuple[int, int]]:
    return sorted(RationaleBand.objects.values_list("item_id", "key"))


def test_each_item_s_band_keys_are_stored_with_its_shingle_set(items):
    similarity.merge_staged_bands()
    assert stored_band_keys() == band_keys_of_rationales()
    assert band_rows() == sorted(
        (pk, key) for pk, keys in stored_band_keys().items() for key in keys
    )


def test_deleting_a_letter_removes_its_items_rows_of_the_key_index(items):
    similarity.merge_staged_bands()
    tramadol, soma = items["tramadol"], items["soma"]
    tramadol.letter.delete()
    assert {pk for pk, _ in band_rows()} == {
        items[n].pk for n in ("norco", "norco_copy", "acupuncture")
    }
    assert soma.pk not in stored_band_keys()


@pytest.mark.parametrize("legacy", ["keys not stored", "no shingle set"])
def test_items_stored_before_their_keys_were_are_forgotten_by_their_rationale(items, legacy):
    similarity.merge_staged_bands()
    norco = items["norco"]
    stored = RationaleShingles.objects.filter(item_id=norco.pk)
    if legacy == "keys not stored":
        stored.update(band_keys=None)
    else:
        stored.delete()
    pk = norco.pk
    norco.delete()
    assert pk not in {item_id for item_id, _ in band_rows()} and len(band_rows()) > 0


OLD_STAGED = "determinations_stagedrationaleband"  # one row a key, until migration 0016


@pytest.fixture
def keys_staged_the_old_way(items):
    """The key index as migrations 0015 and 0016 found it: norco's keys still staged in the
    old table (a run cut short), everyone else's merged."""
    from django.db import connection

    similarity.merge_staged_bands()
    norco = items["norco"]
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TABLE {OLD_STAGED} ("key" bigint NOT NULL, item_id bigint NOT NULL)'
        )
        for key in set(rationale_band_keys(norco.rationale)):
            cursor.execute(
                f'INSERT INTO {OLD_STAGED} ("key", item_id) VALUES (%s, %s)', [key, norco.pk]
            )
    RationaleBand.objects.filter(item_id=norco.pk).delete()
    return norco


def test_the_upgrade_fills_stored_keys_from_the_key_index(keys_staged_the_old_way):
    from django.db import connection

    upgrade = importlib.import_module("determinations.migrations.0015_band_keys_by_key")
    expected = stored_band_keys()
    RationaleShingles.objects.update(band_keys=None)
    # the step uses only the editor's connection (SQLite's editor cannot open in a test)
    upgrade.fill_band_keys(None, SimpleNamespace(connection=connection))
    assert stored_band_keys() == expected == band_keys_of_rationales()


def test_the_upgrade_merges_keys_left_staged_one_row_a_key(keys_staged_the_old_way):
    from django.db import connection

    upgrade = importlib.import_module("determinations.migrations.0016_staged_band_keys_by_range")
    with connection.cursor() as cursor:
        upgrade.merge_staged_keys(None, SimpleNamespace(execute=cursor.execute))
    assert band_rows() == sorted(
        (pk, key) for pk, item_keys in band_keys_of_rationales().items() for key in item_keys
    )


def test_items_stored_before_shingle_sets_are_ranked_the_same(items):
    """A database upgraded from before shingle sets were stored, `index_similarity` not yet
    run: candidates without a stored set are shingled from their rationales."""
    found = {name: similar(item) for name, item in items.items()}
    RationaleShingles.objects.filter(item_id=items["norco_copy"].pk).delete()
    assert {name: similar(item) for name, item in items.items()} == found
    RationaleShingles.objects.all().delete()
    assert {name: similar(item) for name, item in items.items()} == found
    assert found["norco"] == [("Norco 10/325 mg #90", 0.881)]

    out = io.StringIO()
    call_command("index_similarity", "--missing-shingles", stdout=out)
    assert out.getvalue().strip() == "stored the phrase sets of 5 items"
    assert stored_shingles() == shingles_of_rationales()
    assert stored_band_keys() == band_keys_of_rationales()
    call_command("index_similarity", "--missing-shingles", stdout=out)
    assert out.getvalue().strip().endswith("stored the phrase sets of 0 items")
    assert {name: similar(item) for name, item in items.items()} == found


def test_ingest_stages_band_keys_and_merges_them_in_key_order(tmp_path, monkeypatch):
    """Merged as merge_due says and when the run ends; what a run cut short left
    staged is merged by the next run."""
    for name, (case, letter_items) in LETTERS.items():
        (tmp_path / name).write_text(letter_with_items(letter_items, case))
    merges = []
    real_merge = similarity.merge_staged_bands

    def counted_merge():
        merges.append((StagedBandKeys.objects.count(), RationaleBand.objects.count()))
        return real_merge()

    monkeypatch.setattr(similarity, "MERGE_EVERY", 2)
    monkeypatch.setattr(similarity, "merge_staged_bands", counted_merge)
    ingest_paths([tmp_path], batch_size=1)

    # after letters 2 and 4, then at the end; one staged row a letter (a batch)
    assert merges[:2] == [(2, 0), (2, merges[1][1])] and merges[1][1] > 0
    assert len(merges) == 3 and merges[2][0] == len(LETTERS) - 4
    assert not StagedBandKeys.objects.exists()
    items = DisputedItem.objects.all()
    keys = band_rows()
    assert keys == sorted((pk, key) for pk, item_keys in band_keys_of_rationales().items()
                          for key in item_keys)  # fmt: skip

    cut_short = items.first()
    RationaleBand.objects.filter(item_id=cut_short.pk).delete()
    StagedBandKeys.objects.create(first_item_id=cut_short.pk, last_item_id=cut_short.pk)
    assert ingest_paths([tmp_path]).new == 0
    assert band_rows() == keys
    assert not StagedBandKeys.objects.exists()


def test_a_merge_writes_each_staged_item_s_rows_once(items):
    """An item indexed again while staged is not written twice, and one forgotten while
    staged is not written at all."""
    norco, soma = items["norco"], items["soma"]
    RationaleBand.objects.all().delete()  # as an ingest leaves them before its merge
    ids = [item.pk for item in items.values()]
    StagedBandKeys.objects.create(first_item_id=min(ids), last_item_id=max(ids))
    similarity.index_items([(norco.pk, norco.rationale)])  # its rows written directly
    similarity.forget_sketches([soma.pk])
    moved = similarity.merge_staged_bands()
    expected = {
        (pk, key)
        for pk, item_keys in band_keys_of_rationales().items()
        if pk != soma.pk
        for key in item_keys
    }
    assert set(band_rows()) == expected
    assert moved == len(expected) - len(band_keys_of_rationales()[norco.pk])
    assert similarity.merge_staged_bands() == 0


def every_band_row() -> list[tuple[int, int]]:
    return sorted((pk, key) for pk, keys in band_keys_of_rationales().items() for key in keys)


def test_overlapping_staged_ranges_are_merged_once_without_a_conflict_check(items):
    """Two batches written at once take interleaved ids, so their staged ranges overlap; and
    a range can cover items a merge before wrote."""
    ids = sorted(item.pk for item in items.values())
    first = items["norco"].pk
    RationaleBand.objects.exclude(item_id=first).delete()  # merged before, with its rows
    StagedBandKeys.objects.create(first_item_id=ids[0], last_item_id=ids[-2])
    StagedBandKeys.objects.create(first_item_id=ids[1], last_item_id=ids[-1])
    with CaptureQueriesContext(connection) as statements:
        moved = similarity.merge_staged_bands()
    assert band_rows() == every_band_row()
    assert moved == len(every_band_row()) - len(band_keys_of_rationales()[first])
    if connection.vendor == "postgresql":  # in one statement, which had nothing to skip
        merges = [q["sql"] for q in statements.captured_queries if "INSERT" in q["sql"]]
        assert len(merges) == 1 and "ON CONFLICT" not in merges[0]


def test_a_merge_skips_rows_written_while_it_ran(items):
    """An item's rows written by another writer after the merge looked (here: only some of
    them, which the merge cannot tell from none) are skipped, not an error."""
    norco = items["norco"]
    keys = band_keys_of_rationales()[norco.pk]
    RationaleBand.objects.exclude(item_id=norco.pk, key=keys[-1]).delete()
    StagedBandKeys.objects.create(
        first_item_id=min(i.pk for i in items.values()),
        last_item_id=max(i.pk for i in items.values()),
    )
    assert similarity.merge_staged_bands() == len(every_band_row()) - 1
    assert band_rows() == every_band_row()


def test_an_edited_rationale_is_reindexed(admin_client, items):
    soma = items["soma"]
    url = f"/admin/determinations/disputeditem/{soma.pk}/change/"
    form = {
        field: getattr(soma, field) or ""
        for field in ("label", "decision", "claims_administrator_guideline",
                      "reviewer_guideline", "guideline_source", "treatment", "category",
                      "strength")
    }  # fmt: skip
    form |= {"letter": soma.letter_id, "position": soma.position, "rationale": NEAR_COPY}

    response = admin_client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored_shingles()[soma.pk] == packed_shingles(rationale_shingles(NEAR_COPY))
    assert similar(items["norco"])[0][0] == "Norco 10/325 mg #90"
    assert "Soma 350 mg #60" in [label for label, _ in similar(items["norco"])]


# The tray on search and letter pages


def test_search_results_offer_add_to_compare_carrying_the_tray(client, items):
    norco = items["norco"]

    page = client.get("/", {"q": "norco", "items": norco.pk}).content.decode()

    assert "Compare tray" in page and "(1 of 4)" in page
    assert "Add at least one more item to compare" in page
    assert f'href="?q=norco#result-{norco.pk}" class="tray-toggle in-tray">' in page  # remove
    copy = items["norco_copy"]
    assert f'href="?q=norco&amp;items={norco.pk}&amp;items={copy.pk}#result-{copy.pk}"' in page
    assert f'<input type="hidden" name="items" value="{norco.pk}">' in page
    assert f"/determinations/{norco.letter_id}/?q=norco&amp;items={norco.pk}#item-" in page


def test_a_tray_of_two_links_to_the_comparison_and_a_full_tray_says_so(client, items):
    two = [items["norco"].pk, items["tramadol"].pk]
    page = client.get("/", {"items": two}).content.decode()
    assert f'href="/compare/?items={two[0]}&amp;items={two[1]}">Compare these 2' in page

    four = [items[n].pk for n in ("norco", "norco_copy", "acupuncture", "tramadol")]
    page = client.get("/", {"items": four}).content.decode()
    assert "Compare tray is full (4)" in page
    assert page.count("In compare tray · remove") == 4


def test_export_links_leave_the_tray_out(client, items):
    page = client.get("/", {"items": items["norco"].pk, "decision": "upheld"}).content.decode()
    assert 'href="/export.csv?decision=upheld"' in page


def test_letter_page_adds_its_items_to_the_tray(client, items):
    tramadol, norco = items["tramadol"], items["norco"]

    page = client.get(f"/determinations/{tramadol.letter_id}/", {"items": norco.pk})

    html = page.content.decode()
    add = f'href="?items={norco.pk}&amp;items={tramadol.pk}#item-{tramadol.pk}" class="tray-toggle"'
    assert add in html
    assert f'href="/?items={norco.pk}">Search</a>' in html


# Repeated passages


@pytest.fixture
def templated(tmp_path):
    """Five letters whose rationales quote the same guideline passage; one does not."""
    openings = ["Records reviewed.", "Per the file:", "In summary", "Notes show pain.", "Hence"]
    decisions = ["Upheld", "Upheld", "Upheld", "Overturned", "Upheld"]
    for n, (opening, decision) in enumerate(zip(openings, decisions, strict=True)):
        rationale = f"{opening} {QUOTE} {n} more days."
        (tmp_path / f"t{n}.txt").write_text(
            letter_with_items([(f"Norco 10/325 mg #{n + 30}", decision, rationale)])
        )
    (tmp_path / "other.txt").write_text(letter_with_items([("Soma 350 mg", "Upheld", SOMA)]))
    ingest_paths([tmp_path])


def test_boilerplate_page_lists_repeated_passages_with_their_decisions(client, templated):
    page = client.get("/boilerplate/").content.decode()

    rows = re.findall(r"<tr>\s*<td><q>(.*?)</q>.*?</tr>", page, re.S)
    assert rows == [QUOTE.rstrip(".")]
    cells = re.findall(r'<td class="num"[^>]*>(.*?)</td>', page)
    assert cells == ["5", "4", "1", "80%"]
    assert "Read from all 6 matching rationales" in page


def test_boilerplate_phrase_link_finds_the_rationales_that_hold_it(client, templated):
    page = client.get("/boilerplate/", {"decision": "upheld"}).content.decode()
    link = re.search(r'<a href="(/\?[^"]+)">Search for this phrase', page).group(1)

    results = client.get(link.replace("&amp;", "&")).content.decode()

    assert "4 disputed items" in results  # the upheld ones that quote the passage


def test_boilerplate_page_with_nothing_repeated_or_a_bad_parameter(client, templated):
    page = client.get("/boilerplate/", {"medication": "carisoprodol"}).content.decode()
    assert "No passage of 8 or more words recurs" in page

    response = client.get("/boilerplate/", {"age_min": "old"})
    assert response.status_code == 200
    assert "age" in " ".join(notices(response.content.decode())).lower()


def test_merges_come_every_50000_letters_then_every_quarter_of_what_is_merged():
    merged, merges = 0, []
    for stored in range(250, 1_000_001, 250):  # a million letters, in batches of 250
        if similarity.merge_due(stored, merged):
            merges.append(stored)
            merged = stored
    assert merges[:4] == [50_000, 100_000, 150_000, 200_000]
    assert merges[4:7] == [250_000, 312_500, 390_750]
    assert all(b - a >= max(50_000, a // 4) for a, b in itertools.pairwise(merges))
    assert len(merges) == 11
