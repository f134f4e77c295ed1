"""The facet fields of every disputed item as numpy columns, cached per process.

Counting facets in SQL costs one scan per facet; over the whole corpus that is far too slow
for a search page. These columns hold one small integer per item and field, so every facet
is one vectorised count. They reload when `CorpusVersion` moves (ingest, reparse, admin edit).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from django.db import DatabaseError, connections

from determinations.models import CorpusVersion, DisputedItem, Letter
from determinations.routing import read_connection
from determinations.search.registry import FACETS, FacetDefinition, Kind


@dataclass
class ItemColumns:
    """Item-aligned arrays (sorted by item id) and inverted lists for many-valued facts."""

    version: str
    ids: np.ndarray
    letter_ids: np.ndarray
    positions: np.ndarray
    ur_day: np.ndarray  # proleptic ordinal of the UR denial date, 0 when unknown
    # Facet name -> one small integer per item: a CHOICE's code in its vocabulary, a NAMED
    # value's id (0 for none), a RANGE's number (-1 when not stated), a YEAR (0 when unknown).
    values: dict[str, np.ndarray] = field(default_factory=dict)
    names: dict[str, dict[int, str]] = field(default_factory=dict)  # CHOICE, NAMED: code -> name
    reviewed: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # value -> rows
    derived: dict = field(default_factory=dict, repr=False)  # what searches computed once
    superseded: bool = False  # the corpus has changed; newer columns are being loaded

    def __len__(self) -> int:
        return len(self.ids)

    def rows_of_ids(self, wanted: np.ndarray) -> np.ndarray:
        """The row of each wanted item id, -1 for an id not among the columns."""
        if not len(self.ids):
            return np.full(len(wanted), -1, dtype=np.int64)
        inside = (wanted >= 0) & (wanted < len(self._row_of_id))
        return np.where(inside, self._row_of_id[np.where(inside, wanted, 0)], -1)

    @cached_property
    def _row_of_id(self) -> np.ndarray:
        """Row of every id up to the largest (-1 for ids that are gone): a gather instead of
        a binary search per matched item."""
        lookup = np.full(int(self.ids.max()) + 1, -1, dtype=np.int64)
        lookup[self.ids] = np.arange(len(self.ids))
        return lookup

    @cached_property
    def fact_pairs(self) -> dict[str, FactPairs]:
        """Each REVIEWER facet's (item row, value) pairs."""
        return {name: FactPairs.of(rows) for name, rows in self.reviewed.items()}

    @cached_property
    def by_letter(self) -> np.ndarray:
        """Every row in (letter, position) order: the relevance order's ties."""
        return np.lexsort((self.positions, self.letter_ids)).astype(np.int32)

    @cached_property
    def newest_first(self) -> np.ndarray:
        """Every row by UR denial date, newest first (undated last), as SQL's `newest`."""
        undated = self.ur_day == 0
        keys = (self.positions, -self.letter_ids, -self.ur_day.astype(np.int64), undated)
        return np.lexsort(keys).astype(np.int32)

    @cached_property
    def oldest_first(self) -> np.ndarray:
        undated = self.ur_day == 0
        keys = (self.positions, self.letter_ids, self.ur_day, undated)
        return np.lexsort(keys).astype(np.int32)


@dataclass
class FactPairs:
    """A many-valued fact as aligned (item row, value code) pairs, so that counting every
    value under a mask is one gather and one `bincount`."""

    rows: np.ndarray
    codes: np.ndarray
    names: list[str]

    @classmethod
    def of(cls, rows_by_value: dict[str, np.ndarray]) -> FactPairs:
        names = list(rows_by_value)
        lists = [rows_by_value[name] for name in names]
        rows = np.concatenate(lists) if lists else np.array([], dtype=np.int64)
        codes = np.repeat(np.arange(len(names)), [len(r) for r in lists])
        return cls(rows, codes, names)

    def counts(self, mask: np.ndarray | None) -> np.ndarray:
        """Items under ``mask`` (None: all) per value, aligned with ``names``."""
        codes = self.codes if mask is None else self.codes.take(selected(mask.take(self.rows)))
        return np.bincount(codes, minlength=len(self.names))


def selected(mask: np.ndarray) -> np.ndarray:
    """The positions where ``mask`` is true: taking them is several times faster than
    indexing a column with the mask itself."""
    return np.flatnonzero(mask)


_cache: ItemColumns | None = None
_lock = threading.Lock()
_reloading: threading.Thread | None = None
# From this many items a reload takes a second or more: a process
# that has columns keeps serving them while it loads the new ones, rather than make one
# request wait. Below it the request reloads them itself.
BACKGROUND_RELOAD_ITEMS = 300_000
log = logging.getLogger(__name__)


def item_columns() -> ItemColumns:
    """The columns for the current corpus, loaded again only after it changed.

    A large corpus's columns are reloaded in the background: until the new ones are in,
    searches get the previous ones, marked `superseded` (the page says so).
    """
    global _cache
    version = CorpusVersion.current()
    cache = _cache
    if cache is not None and cache.version != version and len(cache) >= BACKGROUND_RELOAD_ITEMS:
        cache.superseded = True
        _reload_in_background()
        return cache
    if _cache is None or _cache.version != version:
        with _lock:
            if _cache is None or _cache.version != version:
                _cache = load_columns(version)
    return _cache


def _reload_in_background() -> None:
    global _reloading
    with _lock:
        if _reloading is None or not _reloading.is_alive():
            _reloading = threading.Thread(target=_reload, name="search-columns", daemon=True)
            _reloading.start()


def _reload() -> None:
    """Load and warm the latest columns (again, if the corpus changed meanwhile)."""
    global _cache
    try:
        while (version := CorpusVersion.current()) != getattr(_cache, "version", None):
            columns = load_columns(version)
            for name in WARMED:
                getattr(columns, name)
            with _lock:
                _cache = columns
    except DatabaseError:  # the next search starts another try
        log.exception("could not reload the search columns")
    finally:
        connections.close_all()  # this thread's own connections


def warm_columns() -> ItemColumns:
    """Load the columns and build what searches derive from them on first use (the orders,
    the id lookup, the fact pairs): at a million letters the loading alone takes seconds,
    better spent before a process takes its first request than during it."""
    columns = item_columns()
    for name in WARMED:
        getattr(columns, name)
    return columns


WARMED = ["_row_of_id", "fact_pairs", "by_letter", "newest_first", "oldest_first"]


def load_columns(version: str) -> ItemColumns:
    """Read every item's facet fields and every letter's patient facts as small integers
    (dates as ISO text), a chunk at a time, and join them in numpy; reviewer facts as pairs
    of ids.

    At a million items, Python objects per value (the ORM's dates, strings) cost a minute and
    a gigabyte, and a join in SQL reads each letter's row past its original text; each scan
    here reads one covering index (`letter_search_columns`, `item_search_columns`).
    """
    of_items, of_letters, dated = _read_plan()
    items = _read_numbers(_items_sql(of_items), 3 + len(of_items))
    letters, dates = _read_numbers(_letters_sql(of_letters, dated), 1 + len(of_letters), len(dated))
    letter_ids = items[1]
    # each item's row in the letters' arrays (both in id order)
    of_letter = np.clip(np.searchsorted(letters[0], letter_ids), 0, max(len(letters[0]) - 1, 0))
    item_dates = dict(zip(dated, dates[:, of_letter] if len(letters[0]) else dates, strict=True))
    denial = item_dates["ur_denial_date"]
    columns = ItemColumns(
        version=version,
        ids=items[0],
        letter_ids=letter_ids,
        positions=items[2].astype(np.int32),
        ur_day=np.where(np.isnat(denial), 0, (denial - _DAY_ZERO).astype(np.int64)).astype(
            np.int32
        ),
    )
    read = [(f, items[3 + i]) for i, f in enumerate(of_items)]
    read += [(f, letters[1 + i][of_letter]) for i, f in enumerate(of_letters)]
    for definition, numbers in read:
        columns.values[definition.name] = numbers.astype(_TYPES[definition.kind])
    for definition in FACETS:
        if definition.kind is Kind.YEAR:
            columns.values[definition.name] = _years(item_dates[definition.field])
        elif definition.kind is Kind.CHOICE:
            columns.names[definition.name] = dict(enumerate(definition.vocabulary))
        elif definition.kind is Kind.NAMED:
            columns.names[definition.name] = _lookup_names(definition)
        elif definition.kind is Kind.REVIEWER:
            pairs = _pairs(definition.model_field)
            rows = _item_rows_by_value(letter_ids, pairs, _lookup_names(definition))
            columns.reviewed[definition.name] = rows
    return columns


LOAD_CHUNK = 50_000
_DAY_ZERO = np.datetime64("0000-12-31")  # so that 0001-01-01 is day 1, as date.toordinal()
_TYPES = {Kind.CHOICE: np.int8, Kind.NAMED: np.int64, Kind.RANGE: np.int16}


def _read_plan() -> tuple[list[FacetDefinition], list[FacetDefinition], list[str]]:
    """The facets read as numbers from the items and from the letters, and the letters' date
    fields (the years' and the UR denial date's, which orders results)."""
    numbers = [f for f in FACETS if f.kind in _TYPES]
    years = [f.field for f in FACETS if f.kind is Kind.YEAR]
    dated = list(dict.fromkeys([*years, "ur_denial_date"]))
    return [f for f in numbers if not f.on_letter], [f for f in numbers if f.on_letter], dated


def _number(definition: FacetDefinition) -> str:
    """The SQL that reads a facet as a small integer, as `ItemColumns.values` holds it."""
    column = definition.model_field.column
    if definition.kind is Kind.CHOICE:
        choices = enumerate(definition.choices, start=1)
        cases = " ".join(f"WHEN '{value}' THEN {code}" for code, (value, _) in choices)
        return f"CASE {column} {cases} ELSE 0 END"
    return f"COALESCE({column}, {-1 if definition.kind is Kind.RANGE else 0})"


# The same SQL on both databases; each reads only columns of its covering index.
def _items_sql(facets: list[FacetDefinition]) -> str:
    numbers = "".join(f", {_number(f)}" for f in facets)
    return f"SELECT id, letter_id, position{numbers} FROM {DisputedItem._meta.db_table} ORDER BY id"


def _letters_sql(facets: list[FacetDefinition], dated: list[str]) -> str:
    numbers = "".join(f", {_number(f)}" for f in facets)
    dates = "".join(f", COALESCE(CAST({name} AS TEXT), 'NaT')" for name in dated)
    return f"SELECT id{numbers}{dates} FROM {Letter._meta.db_table} ORDER BY id"


def _lookup_names(definition: FacetDefinition) -> dict[int, str]:
    model, name_field = definition.lookup
    return dict(model.objects.values_list("id", name_field))


def _read_numbers(sql: str, numbers: int, dates: int = 0):
    """The query's columns as arrays: ``numbers`` int64 rows, then ``dates`` datetime rows."""
    parts = []
    with read_connection().chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(LOAD_CHUNK):
            values = list(zip(*rows, strict=True))
            parts.append(
                (np.array(values[:numbers], dtype=np.int64), np.array(values[numbers:], "M8[D]"))
            )
    ints = np.concatenate([p[0] for p in parts], axis=1) if parts else np.zeros((numbers, 0), int)
    if not dates:
        return ints
    days = np.concatenate([p[1] for p in parts], axis=1) if parts else np.zeros((dates, 0), "M8[D]")
    return ints, days


def _years(dates: np.ndarray) -> np.ndarray:
    years = dates.astype("M8[Y]").astype(np.int64) + 1970
    return np.where(np.isnat(dates), 0, years).astype(np.int16)


def _pairs(relation) -> np.ndarray:
    """(letter id, fact id) of a many-to-many reviewer fact, as a 2 x N array."""
    through = relation.remote_field.through
    pairs = through.objects.values_list(relation.m2m_column_name(), relation.m2m_reverse_name())
    return np.array(list(pairs), dtype=np.int64).reshape(-1, 2).T


def _item_rows_by_value(
    letter_ids: np.ndarray, pairs: np.ndarray, names: dict[int, str]
) -> dict[str, np.ndarray]:
    """For each value of a letter's many-valued fact, the rows of that letter's items."""
    order = np.argsort(letter_ids, kind="stable")
    sorted_letters = letter_ids[order]
    rows = {}
    for fact_id in np.unique(pairs[1]):
        wanted = pairs[0][pairs[1] == fact_id]
        start = np.searchsorted(sorted_letters, wanted, side="left")
        lengths = np.searchsorted(sorted_letters, wanted, side="right") - start
        # every row of every wanted letter: the ranges start[k] .. start[k] + lengths[k]
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        rows[names[int(fact_id)]] = np.unique(order[np.repeat(start, lengths) + offsets])
    return rows
