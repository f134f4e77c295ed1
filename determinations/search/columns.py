"""The facet fields of every disputed item as numpy columns, cached per process.

Counting facets in SQL costs one scan per facet; over the whole corpus that is far too slow
for a search page. These columns hold one small integer per item and field, so every facet
is one vectorised count. They reload when `CorpusVersion` moves (ingest, reparse, admin edit).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from determinations.models import CorpusVersion, DisputedItem, DrugClass, Letter, Medication

DECISIONS = ["", *DisputedItem.Decision.values]
CATEGORIES = ["", *DisputedItem.Category.values]
GUIDELINES = ["", *DisputedItem.GuidelineSource.values]
SEXES = ["", "female", "male"]


@dataclass
class ItemColumns:
    """Item-aligned arrays (sorted by item id) and inverted lists for many-valued facts."""

    version: str
    ids: np.ndarray
    letter_ids: np.ndarray
    positions: np.ndarray
    decision: np.ndarray
    category: np.ndarray
    guideline: np.ndarray
    medication: np.ndarray  # Medication id, 0 for none
    drug_class: np.ndarray
    sex: np.ndarray
    age: np.ndarray  # -1 when not stated
    injury_year: np.ndarray  # 0 when unknown
    ur_year: np.ndarray
    ur_day: np.ndarray  # proleptic ordinal of the UR denial date, 0 when unknown
    states: dict[str, np.ndarray] = field(default_factory=dict)  # code -> item rows
    specialties: dict[str, np.ndarray] = field(default_factory=dict)
    medication_names: dict[int, str] = field(default_factory=dict)
    drug_class_names: dict[int, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)


_cache: ItemColumns | None = None
_lock = threading.Lock()


def item_columns() -> ItemColumns:
    """The columns for the current corpus, loaded again only after it changed."""
    global _cache
    version = CorpusVersion.current()
    if _cache is None or _cache.version != version:
        with _lock:
            if _cache is None or _cache.version != version:
                _cache = load_columns(version)
    return _cache


def load_columns(version: str) -> ItemColumns:
    """Read every item's facet fields in one query (and one per many-to-many fact)."""
    rows = list(
        DisputedItem.objects.order_by("id").values_list(
            "id", "letter_id", "position", "decision", "category", "guideline_source",
            "medication_id", "drug_class_id", "letter__patient_sex", "letter__patient_age",
            "letter__date_of_injury", "letter__ur_denial_date",
        )
    )  # fmt: skip
    by = list(zip(*rows, strict=True)) if rows else [()] * 12
    injury = [d.year if d else 0 for d in by[10]]
    denial = by[11]
    letter_ids = np.array(by[1], dtype=np.int64)
    columns = ItemColumns(
        version=version,
        ids=np.array(by[0], dtype=np.int64),
        letter_ids=letter_ids,
        positions=np.array(by[2], dtype=np.int32),
        decision=_codes(by[3], DECISIONS),
        category=_codes(by[4], CATEGORIES),
        guideline=_codes(by[5], GUIDELINES),
        medication=np.array([m or 0 for m in by[6]], dtype=np.int64),
        drug_class=np.array([c or 0 for c in by[7]], dtype=np.int64),
        sex=_codes(by[8], SEXES),
        age=np.array([-1 if a is None else a for a in by[9]], dtype=np.int16),
        injury_year=np.array(injury, dtype=np.int16),
        ur_year=np.array([d.year if d else 0 for d in denial], dtype=np.int16),
        ur_day=np.array([d.toordinal() if d else 0 for d in denial], dtype=np.int32),
        medication_names=dict(Medication.objects.values_list("id", "generic_name")),
        drug_class_names=dict(DrugClass.objects.values_list("id", "name")),
    )
    states = Letter.reviewer_states.through.objects.values_list("letter_id", "licensurestate__code")
    specialties = Letter.reviewer_specialties.through.objects.values_list(
        "letter_id", "specialty__name"
    )
    columns.states = _item_rows_by_value(letter_ids, states)
    columns.specialties = _item_rows_by_value(letter_ids, specialties)
    return columns


def _codes(values, vocabulary: list[str]) -> np.ndarray:
    index = {value: code for code, value in enumerate(vocabulary)}
    return np.array([index.get(v or "", 0) for v in values], dtype=np.int8)


def _item_rows_by_value(letter_ids: np.ndarray, pairs) -> dict[str, np.ndarray]:
    """For each value of a letter's many-valued fact, the rows of that letter's items."""
    order = np.argsort(letter_ids, kind="stable")
    sorted_letters = letter_ids[order]
    letters_by_value: dict[str, list[int]] = {}
    for letter_id, value in pairs:
        letters_by_value.setdefault(value, []).append(letter_id)
    rows = {}
    for value, letters in letters_by_value.items():
        wanted = np.array(letters, dtype=np.int64)
        start = np.searchsorted(sorted_letters, wanted, side="left")
        stop = np.searchsorted(sorted_letters, wanted, side="right")
        pieces = [order[a:b] for a, b in zip(start, stop, strict=True) if b > a]
        rows[value] = np.unique(np.concatenate(pieces)) if pieces else np.array([], dtype=np.int64)
    return rows
