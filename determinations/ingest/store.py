"""Write parsed letters to the database in batches, keeping hand corrections."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from determinations import index
from determinations.ingest import bulk
from determinations.ingest.reading import ReadLetter
from determinations.lexicon import default_lexicon
from determinations.models import (
    DisputedItem,
    DrugClass,
    Letter,
    LicensureState,
    Medication,
    ParseIssue,
    Specialty,
)
from determinations.parsing import ParsedItem, ParsedLetter
from determinations.parsing.result import STATUS_FAILED, STATUS_OK, STATUS_WARNING

LETTER_FIELDS = (
    "layout",
    "case_number",
    "date_assigned",
    "ur_denial_date",
    "date_of_injury",
    "application_received_date",
    "decision_date",
    "priority",
    "patient_age",
    "patient_sex",
    "diagnoses",
    "summary",
)
ITEM_FIELDS = (
    "label",
    "original_request",
    "authorized_portion",
    "decision",
    "claims_administrator_guideline",
    "reviewer_guideline",
    "guideline_source",
    "rationale",
    "treatment",
    "medication",
    "drug_class",
    "category",
    "strength",
    "quantity",
    "refills",
)
_LETTER_COLUMNS = (
    "id", "content_hash", "source_file", "source_format", "original_text", "parse_status",
    "ingested_at", "parsed_at", *LETTER_FIELDS,
)  # fmt: skip
_ITEM_COLUMNS = tuple(DisputedItem._meta.get_field(name).attname for name in ITEM_FIELDS)
WHOLE_ITEM = "*"  # a correction of this field means the item itself was added or kept by hand


class Lookups:
    """Name-to-row caches for the small tables letters point at (states, specialties, ...)."""

    def __init__(self) -> None:
        self._cache: dict[type[Model], dict[str, Model]] = {}

    def state(self, code: str) -> LicensureState:
        return self._get(LicensureState, "code", code)

    def specialty(self, name: str) -> Specialty:
        return self._get(Specialty, "name", name)

    def drug_class(self, name: str) -> DrugClass | None:
        return self._get(DrugClass, "name", name) if name else None

    def medication(self, generic: str, drug_class: str) -> Medication | None:
        if not generic:
            return None
        cache = self._cache.setdefault(Medication, {})
        if generic not in cache:
            names = " ".join(default_lexicon().names_of(generic))
            cache[generic], _ = Medication.objects.get_or_create(
                generic_name=generic,
                defaults={"drug_class": self.drug_class(drug_class), "search_names": names},
            )
        return cache[generic]

    def resolve(self, letters: Iterable[ParsedLetter]) -> None:
        """Look up (creating where new) every row these letters point at, so that storing
        them only reads this cache: call it outside their transaction, and another thread
        storing with this cache then finds every row committed."""
        for parsed in letters:
            for code in parsed.reviewer_states:
                self.state(code)
            for name in parsed.reviewer_specialties:
                self.specialty(name)
            for item in parsed.items:
                self.medication(item.medication, item.drug_class)
                self.drug_class(item.drug_class)

    def _get(self, model: type[Model], key: str, value: str) -> Model:
        cache = self._cache.setdefault(model, {})
        if value not in cache:
            cache[value], _ = model.objects.get_or_create(**{key: value})
        return cache[value]


def store_new_letters(letters: list[ReadLetter], lookups: Lookups) -> list[int]:
    """Insert a batch of new letters with their items, reviewer facts and parse issues;
    returns the new letters' ids, in order."""
    now = timezone.now()
    with transaction.atomic():
        letter_ids = bulk.allocate_ids(Letter, len(letters))
        bulk.insert_rows(
            Letter,
            _LETTER_COLUMNS,
            [_letter_values(pk, read, now) for pk, read in zip(letter_ids, letters, strict=True)],
        )
        pairs = list(zip(letter_ids, (read.parsed for read in letters), strict=True))
        item_ids = _store_items(pairs, lookups)
        _set_reviewer_facts(pairs, lookups)
        bulk.insert_rows(
            ParseIssue,
            ("letter_id", "item_position", "field", "reason", "resolved"),
            [
                (letter_id, i.item, i.field, i.reason[:300], False)
                for letter_id, parsed in pairs
                for i in parsed.issues
            ],
        )
        index.letters_added(
            letter_ids,
            item_ids,
            [keys for read in letters for keys in read.band_keys],
            [shingles for read in letters for shingles in read.shingles],
        )
    return letter_ids


def _letter_values(pk: int, read: ReadLetter, now) -> tuple:
    """A new letter as a row of `_LETTER_COLUMNS`."""
    parsed = read.parsed
    return (
        pk, read.content_hash, read.source_file[:500], read.source_format, read.text,
        parsed.status, now, now,
        *(getattr(parsed, name) for name in LETTER_FIELDS),
    )  # fmt: skip


def _store_items(pairs: list[tuple[int, ParsedLetter]], lookups: Lookups) -> list[int]:
    """The disputed items of new letters; their ids, in order."""
    rows = [
        _item_values(letter_id, position, item, lookups)
        for letter_id, parsed in pairs
        for position, item in enumerate(parsed.items)
    ]
    item_ids = bulk.allocate_ids(DisputedItem, len(rows))
    bulk.insert_rows(
        DisputedItem,
        ("id", "letter_id", "position", *_ITEM_COLUMNS),
        [(pk, *row) for pk, row in zip(item_ids, rows, strict=True)],
    )
    return item_ids


def apply_reparse(letter: Letter, parsed: ParsedLetter, lookups: Lookups) -> None:
    """Bring a stored letter up to a new parse, leaving every hand-corrected field alone."""
    corrected = set(letter.corrections.values_list("item_position", "field"))
    with transaction.atomic():
        for name in LETTER_FIELDS:
            if (None, name) not in corrected:
                setattr(letter, name, getattr(parsed, name))
        _reparse_items(letter, parsed.items, corrected, lookups)
        if (None, "reviewer_states") not in corrected:
            letter.reviewer_states.set([lookups.state(c) for c in parsed.reviewer_states])
        if (None, "reviewer_specialties") not in corrected:
            letter.reviewer_specialties.set(
                [lookups.specialty(n) for n in parsed.reviewer_specialties]
            )
        issues = [i for i in parsed.issues if (i.item, i.field) not in corrected]
        # An issue a person marked resolved (a field truly absent from the letter) stays so.
        resolved = set(
            letter.parse_issues.filter(resolved=True).values_list("item_position", "field")
        )
        letter.parse_issues.all().delete()
        rows = ParseIssue.objects.bulk_create(
            ParseIssue(
                letter=letter,
                item_position=i.item,
                field=i.field,
                reason=i.reason[:300],
                resolved=(i.item, i.field) in resolved,
            )
            for i in issues
        )
        open_issues = any(not row.resolved for row in rows)
        letter.parse_status = parse_status(letter.items.exists(), open_issues)
        letter.parsed_at = timezone.now()
        letter.save()
        index.letters_changed([letter.pk])


def _reparse_items(
    letter: Letter, parsed_items: list[ParsedItem], corrected: set, lookups: Lookups
) -> None:
    """Update items in place by position so their ids (used in shared links) stay stable."""
    existing = {item.position: item for item in letter.items.all()}
    kept_by_hand = {position for position, name in corrected if name == WHOLE_ITEM}
    for position, parsed in enumerate(parsed_items):
        current = existing.pop(position, None)
        if position in kept_by_hand:  # added, kept or deleted by hand: as the person left it
            continue
        fresh = DisputedItem(letter=letter, position=position, **_item_fields(parsed, lookups))
        if current is None:
            fresh.save()
            continue
        for name in ITEM_FIELDS:
            if (position, name) not in corrected:
                setattr(current, name, getattr(fresh, name))
        current.save()
    corrected_positions = {position for position, _ in corrected if position is not None}
    stale = [item.pk for position, item in existing.items() if position not in corrected_positions]
    DisputedItem.objects.filter(pk__in=stale).delete()


def _item_values(letter_id: int, position: int, item: ParsedItem, lookups: Lookups) -> tuple:
    """A new item as a row of ``("letter_id", "position", *_ITEM_COLUMNS)``."""
    fields = _item_fields(item, lookups)
    values = (fields[name] for name in ITEM_FIELDS)
    return (letter_id, position, *(v.pk if isinstance(v, Model) else v for v in values))


def _item_fields(item: ParsedItem, lookups: Lookups) -> dict:
    return {
        "label": item.label[:500],
        "original_request": item.original_request,
        "authorized_portion": item.authorized_portion,
        "decision": item.decision or "",
        "claims_administrator_guideline": item.claims_administrator_guideline,
        "reviewer_guideline": item.reviewer_guideline,
        "guideline_source": item.guideline_source,
        "rationale": item.rationale,
        "treatment": item.treatment[:300],
        "medication": lookups.medication(item.medication, item.drug_class),
        "drug_class": lookups.drug_class(item.drug_class),
        "category": item.category,
        "strength": item.strength[:60],
        "quantity": item.quantity,
        "refills": item.refills,
    }


def _set_reviewer_facts(pairs: Iterable[tuple[int, ParsedLetter]], lookups: Lookups) -> None:
    states, specialties = [], []
    for letter_id, parsed in pairs:
        states += [(letter_id, lookups.state(code).pk) for code in parsed.reviewer_states]
        specialties += [
            (letter_id, lookups.specialty(name).pk) for name in parsed.reviewer_specialties
        ]
    bulk.insert_rows(Letter.reviewer_states.through, ("letter_id", "licensurestate_id"), states)
    bulk.insert_rows(
        Letter.reviewer_specialties.through, ("letter_id", "specialty_id"), specialties
    )


def parse_status(has_items: bool, has_open_issues: bool) -> str:
    """Failed without items, warning while any parse issue is open, else ok."""
    if not has_items:
        return STATUS_FAILED
    return STATUS_WARNING if has_open_issues else STATUS_OK
