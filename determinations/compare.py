"""The compare tray (`items` in the URL) and the side-by-side columns of `/compare/`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import QueryDict
from django.urls import reverse

from determinations.models import DisputedItem
from determinations.rationales.shared import Segment, shared_passages
from determinations.similarity import SimilarRationale, similar_rationales

MIN_COMPARED, MAX_COMPARED = 2, 4
TRAY_PARAM = "items"
NAMED = 3  # values a notice names before "and others"
MAX_LOOKED_UP = 100  # `items` values the compare page looks up; the rest are left out


@dataclass
class Tray:
    """The items chosen for comparison, read from repeated `items` parameters."""

    ids: list[int] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params: QueryDict, existing: set[int] | None = None) -> Tray:
        """The tray the parameters describe. ``existing``: when given, ids not in it are
        left out with a notice before the limit applies, so that an item that no longer
        exists does not take the place of one that does."""
        tray = cls()
        left_out, bad, missing = [], [], []
        for raw in params.getlist(TRAY_PARAM):
            pk = item_id(raw)
            if pk is None:
                bad.append(raw)
            elif pk in tray.ids:
                continue
            elif existing is not None and pk not in existing:
                missing.append(pk)
            elif len(tray.ids) == MAX_COMPARED:
                left_out.append(str(pk))
            else:
                tray.ids.append(pk)
        # A notice names a few of the values, however many the URL repeats (issue 28).
        for raw in bad[:NAMED]:
            tray.notices.append(f"“{raw[:40]}” is not an item number; it was left out.")
        if len(bad) > NAMED:
            tray.notices.append(f"{len(bad) - NAMED} more values were not item numbers either.")
        tray.notices += [_missing(pk) for pk in missing[:NAMED]]
        if len(missing) > NAMED:
            tray.notices.append(f"{len(missing) - NAMED} more items do not exist either.")
        if left_out:
            named = ", ".join(left_out[:NAMED]) + (" and others" if len(left_out) > NAMED else "")
            which = f"item {named} was" if len(left_out) == 1 else f"items {named} were"
            tray.notices.append(
                f"At most {MAX_COMPARED} items can be compared side by side; {which} left out."
            )
        return tray

    def params(self) -> QueryDict:
        """`items=...`: the tray as the links of a page carry it."""
        params = QueryDict(mutable=True)
        params.setlist(TRAY_PARAM, [str(pk) for pk in self.ids])
        return params

    @property
    def is_full(self) -> bool:
        return len(self.ids) >= MAX_COMPARED

    def toggled(self, params: QueryDict, item_id: int) -> str:
        """`?...` (page kept) with ``item_id`` added to or taken out of the tray."""
        params = params.copy()
        ids = [pk for pk in self.ids if pk != item_id]
        if item_id not in self.ids:
            ids.append(item_id)
        params.setlist(TRAY_PARAM, [str(pk) for pk in ids])
        return "?" + params.urlencode()

    def items(self) -> list[DisputedItem]:
        """The tray's items that exist, in tray order, with what a tray line shows."""
        found = DisputedItem.objects.select_related("letter", "medication").in_bulk(self.ids)
        return [found[pk] for pk in self.ids if pk in found]


def item_id(raw: str) -> int | None:
    """The item id ``raw`` names, or None when it is not one (a bigint of ASCII digits)."""
    value = raw.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _missing(pk: int) -> str:
    return f"There is no item {pk} (it may have been removed by a re-parse); it was left out."


def tray_context(tray: Tray, params: QueryDict, items, anchor: str) -> dict:
    """What a page with "Add to compare" controls shows: the tray, and on each of ``items``
    `in_tray` and `tray_url` (a link back to this page, at ``anchor``, with it toggled)."""
    for item in items:
        item.in_tray = item.pk in tray.ids
        item.tray_url = tray.toggled(params, item.pk) + f"#{anchor}-{item.pk}"
    cleared = params.copy()
    cleared.pop(TRAY_PARAM, None)
    lines = [(item, tray.toggled(params, item.pk)) for item in tray.items()]
    return {
        "tray": tray,
        "tray_lines": lines,
        "tray_compare_url": compare_url([item.pk for item, _ in lines]),
        "tray_clear_url": "?" + cleared.urlencode(),
        "max_compared": MAX_COMPARED,
    }


def tray_query(tray: Tray, q: str = "") -> str:
    """`?q=...&items=...`: what links between search results and letter pages carry."""
    params = QueryDict(mutable=True)
    if q:
        params["q"] = q
    params.setlist(TRAY_PARAM, [str(pk) for pk in tray.ids])
    return "?" + params.urlencode() if params else ""


def compare_url(ids) -> str:
    params = QueryDict(mutable=True)
    params.setlist(TRAY_PARAM, [str(pk) for pk in ids])
    return reverse("determinations:compare") + "?" + params.urlencode()


@dataclass
class SimilarLink:
    """A similar rationale with the links that compare it."""

    similar: SimilarRationale
    pair_url: str
    add_url: str = ""
    in_comparison: bool = False


@dataclass
class Column:
    """One compared item: its facts, its rationale cut into marked segments, its neighbours."""

    item: DisputedItem
    segments: list[Segment]
    remove_url: str
    similar: list[SimilarLink]


def compared_columns(params: QueryDict) -> tuple[Tray, list[Column]]:
    """The compare tray ``params`` describe, keeping only items that exist (so that a missing
    one takes no place among the four), and a column for each of its items."""
    looked_up = QueryDict(mutable=True)
    looked_up.setlist(TRAY_PARAM, params.getlist(TRAY_PARAM)[:MAX_LOOKED_UP])
    ids = {item_id(raw) for raw in looked_up.getlist(TRAY_PARAM)} - {None}
    found = (
        DisputedItem.objects.select_related("letter", "medication", "drug_class")
        .prefetch_related("letter__reviewer_states", "letter__reviewer_specialties")
        .in_bulk(ids)
    )
    tray = Tray.from_params(looked_up, existing=set(found))
    items = [found[pk] for pk in tray.ids]
    segments = shared_passages([item.rationale for item in items])
    columns = [
        Column(
            item=item,
            segments=item_segments,
            remove_url=compare_url([pk for pk in tray.ids if pk != item.pk]),
            similar=similar_links(item, tray.ids),
        )
        for item, item_segments in zip(items, segments, strict=True)
    ]
    return tray, columns


def similar_links(item: DisputedItem, compared: list[int] | None = None) -> list[SimilarLink]:
    """The rationales most like ``item``'s, each with "compare with this" (and "add") links."""
    compared = compared or [item.pk]
    links = []
    for similar in similar_rationales(item):
        other = similar.item.pk
        add_url = ""
        if other not in compared and len(compared) < MAX_COMPARED and len(compared) > 1:
            add_url = compare_url([*compared, other])
        links.append(
            SimilarLink(similar, compare_url([item.pk, other]), add_url, other in compared)
        )
    return links
