"""Hand corrections from the admin: record what a person changed, keep it through re-parses.

`store.apply_reparse` never overwrites a field recorded here; this module records the
fields, resolves the parse issues an edit answers, and builds the lexicon with the drug names
data stewards added.
"""

from __future__ import annotations

from determinations.ingest.store import ITEM_FIELDS, LETTER_FIELDS, WHOLE_ITEM, parse_status
from determinations.lexicon import Lexicon, default_lexicon
from determinations.models import DisputedItem, DrugName, HandCorrection, Letter, ParseIssue

LETTER_LISTS = ("reviewer_states", "reviewer_specialties")
ADDED, DELETED = "added by hand", "deleted by hand"


def letter_snapshot(letter: Letter) -> dict:
    """The letter's correctable values as stored, before a form changes them."""
    return _correctable(Letter.objects.get(pk=letter.pk))


def record_letter_edit(letter: Letter, before: dict, user) -> list[str]:
    """Record every letter field that differs from ``before``; returns their names."""
    after = _correctable(letter)
    changed = [name for name in after if after[name] != before[name]]
    for name in changed:
        record_correction(letter, None, name, _shown(before[name]), _shown(after[name]), user)
    _resolve(letter, [(None, name) for name in changed])
    return changed


def record_item_edit(item: DisputedItem, before: DisputedItem | None, user) -> list[str]:
    """Record an added item, or every changed field of an edited one."""
    if before is None:
        record_correction(item.letter, item.position, WHOLE_ITEM, "", ADDED, user)
        _resolve(item.letter, [(None, "items")])
        return [WHOLE_ITEM]
    changed = [n for n in ITEM_FIELDS if _value(before, n) != _value(item, n)]
    for name in changed:
        record_correction(
            item.letter, item.position, name, _shown(getattr(before, name)),
            _shown(getattr(item, name)), user,
        )  # fmt: skip
    _resolve(item.letter, [(item.position, name) for name in changed])
    return changed


def record_item_deletion(item: DisputedItem, user) -> None:
    """An item a person deleted: a re-parse must not bring it back."""
    record_correction(item.letter, item.position, WHOLE_ITEM, item.label, DELETED, user)


def refresh_parse_status(letter: Letter) -> bool:
    """Failed without items, warning while any parse issue is open, else ok; whether that
    changed the letter's status (which its export shows: `index.letters_changed`)."""
    status = parse_status(
        letter.items.exists(), letter.parse_issues.filter(resolved=False).exists()
    )
    if status == letter.parse_status:
        return False
    Letter.objects.filter(pk=letter.pk).update(parse_status=status)
    letter.parse_status = status
    return True


def next_position(letter: Letter) -> int:
    """Where an item added by hand goes: after every item the letter has or had."""
    used = list(letter.items.values_list("position", flat=True))
    used += [p for p in letter.corrections.values_list("item_position", flat=True) if p is not None]
    return max(used, default=-1) + 1


def curated_lexicon() -> Lexicon:
    """The bundled lexicon plus every drug name added in the admin."""
    names = DrugName.objects.select_related("medication__drug_class")
    return default_lexicon().with_drug_names(
        [(n.name, n.medication.generic_name, str(n.medication.drug_class or "")) for n in names]
    )


def _correctable(letter: Letter) -> dict:
    values = {name: getattr(letter, name) for name in LETTER_FIELDS}
    values["reviewer_states"] = sorted(str(s) for s in letter.reviewer_states.all())
    values["reviewer_specialties"] = sorted(str(s) for s in letter.reviewer_specialties.all())
    return values


def record_correction(
    letter: Letter, position: int | None, field: str, old, new, user=None
) -> None:
    """Remember that a person set ``field`` by hand."""
    HandCorrection.objects.create(
        letter=letter,
        item_position=position,
        field=field,
        old_value="" if old is None else str(old),
        new_value="" if new is None else str(new),
        corrected_by=user,
    )


def _resolve(letter: Letter, fields: list[tuple[int | None, str]]) -> None:
    """Mark the open parse issues these edited fields answer as resolved."""
    for position, name in fields:
        ParseIssue.objects.filter(
            letter=letter, item_position=position, field=name, resolved=False
        ).update(resolved=True)


def _value(item: DisputedItem, name: str):
    field = DisputedItem._meta.get_field(name)
    return getattr(item, field.attname)


def _shown(value) -> str:
    """A value as a person reads it in the change history."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)
