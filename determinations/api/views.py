"""The read-only JSON API (`/api/v1/`, issue 31): the search page's items in its order, its
facets, letters and similar rationales, for scripts.

Every search takes exactly the search page's parameters (`ItemFilter`); one the page would
ignore with a notice is a 400 here, as for the export: a script must not get every item
because one value was misspelt.
"""

from __future__ import annotations

import re

import django_filters
from django.http import HttpRequest, JsonResponse, QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import APIException, NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from determinations.api import serializers
from determinations.api.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    CursorError,
    Window,
    letters_window,
    window,
)
from determinations.models import DisputedItem, Letter
from determinations.search import matched_rows, search
from determinations.search.filters import ItemFilter
from determinations.search.query import case_number
from determinations.similarity import similar_rationales

MAX_CURSOR_LENGTH = 500


class ApiError(APIException):
    """An answer of ``status`` whose body names each parameter at fault:
    `{"errors": {"<parameter>": ["..."]}}`."""

    def __init__(self, status: int, errors: dict[str, list[str]]) -> None:
        super().__init__()
        self.status_code = status
        self.detail = {"errors": errors}


def search_parameters() -> list[OpenApiParameter]:
    """The search page's parameters, as the schema lists them (read from `ItemFilter`)."""
    parameters = []
    for name, definition in ItemFilter.base_filters.items():
        many = isinstance(definition, django_filters.MultipleChoiceFilter)
        number = isinstance(definition, django_filters.NumberFilter)
        choices = definition.extra.get("choices")  # a lookup table's are read per request
        parameters.append(
            OpenApiParameter(
                name,
                OpenApiTypes.INT if number else OpenApiTypes.STR,
                many=many,
                enum=[value for value, _ in choices] if isinstance(choices, list) else None,
                description=str(definition.label or name),
            )
        )
    return parameters


PAGING = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description="The `next` or `previous` link's."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description=f"1 to {MAX_PAGE_SIZE}."),
]


def checked_filters(params: QueryDict) -> ItemFilter:
    """The search the parameters describe; a 400 naming each parameter the page would ignore."""
    filters = ItemFilter(params)
    if not filters.notices:
        return filters
    errors = {}
    for name in ItemFilter.base_filters:  # each alone: which of them the notices are about
        if name in params:
            alone = QueryDict(mutable=True)
            alone.setlist(name, params.getlist(name))
            if notices := ItemFilter(alone).notices:
                errors[name] = notices
    raise ApiError(400, errors or {"parameters": filters.notices})


def page_size(params: QueryDict) -> int:
    value = params.get("page_size", "")
    if not value:
        return DEFAULT_PAGE_SIZE
    if not re.fullmatch(r"[0-9]{1,3}", value) or not 1 <= int(value) <= MAX_PAGE_SIZE:
        raise ApiError(400, {"page_size": [f"A whole number from 1 to {MAX_PAGE_SIZE}."]})
    return int(value)


def cursor(params: QueryDict) -> str | None:
    value = params.get("cursor") or None
    if value and len(value) > MAX_CURSOR_LENGTH:
        raise ApiError(400, {"cursor": ["Not a cursor this API gave."]})
    return value


def paged(request: HttpRequest, found: Window, count: int, results: list) -> Response:
    """A page of a walk: the total, the links to the pages around it, its results."""

    def link(position: str | None) -> str | None:
        if position is None:
            return None
        params = request.GET.copy()
        params["cursor"] = position
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return Response(
        {"count": count, "next": link(found.next), "previous": link(found.previous),
         "results": results}
    )  # fmt: skip


class ItemList(APIView):
    """The disputed items the search page finds, in its order, a cursor page at a time."""

    @extend_schema(
        operation_id="items_list",
        parameters=[*search_parameters(), *PAGING],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        filters = checked_filters(request.GET)
        size, position = page_size(request.GET), cursor(request.GET)
        evaluation, _, rows = matched_rows(filters)
        try:
            found = window(evaluation.columns, rows, filters.ordering, position, size)
        except CursorError as error:
            raise ApiError(error.status, {"cursor": [str(error)]}) from None
        ids = evaluation.columns.ids[found.rows].tolist()
        return paged(request, found, len(rows), serializers.item_records(request, ids))


class ItemDetail(APIView):
    """One disputed item, as the export writes it."""

    @extend_schema(operation_id="item_retrieve", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        records = serializers.item_records(request, [pk])
        if not records:
            raise NotFound(f"No disputed item {pk}.")
        return Response(records[0])


class SimilarItems(APIView):
    """The rationales of other letters most like an item's, closest first, with scores."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        item = DisputedItem.objects.only("rationale", "letter_id").filter(pk=pk).first()
        if item is None:
            raise NotFound(f"No disputed item {pk}.")
        similar = similar_rationales(item)
        records = serializers.item_records(request, [found.item.pk for found in similar])
        by_id = {record["item_id"]: record for record in records}
        return Response(
            {"item_id": pk, "results": [
                {"similarity": round(found.similarity, 4), "item": by_id[found.item.pk]}
                for found in similar if found.item.pk in by_id
            ]}
        )  # fmt: skip


class Facets(APIView):
    """The search page's facets for the same parameters: each value with its count."""

    @extend_schema(parameters=search_parameters(), responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        checked_filters(request.GET)
        params = request.GET.copy()
        params.pop("page", None)  # facets have no pages: no notice about one
        found = search(params, per_page=1)
        return Response(
            {"count": found.page.paginator.count, "facets": [
                *(serializers.facet_data(facet, "value") for facet in found.facets),
                *(serializers.facet_data(facet, "range") for facet in found.ranges),
            ]}
        )  # fmt: skip


class LetterList(APIView):
    """Letters by id, a cursor page at a time; `case_number` finds a case's letters."""

    @extend_schema(
        operation_id="letters_list",
        parameters=[OpenApiParameter("case_number", OpenApiTypes.STR), *PAGING],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        letters = Letter.objects.only("case_number", "ur_denial_date", "decision_date",
                                      "parse_status")  # fmt: skip
        if number := request.GET.get("case_number", "").strip():  # any case, as `q` reads one
            letters = letters.filter(case_number=case_number(number) or number[:40])
        size, position = page_size(request.GET), cursor(request.GET)
        try:
            found, page = letters_window(letters, position, size)
        except CursorError as error:
            raise ApiError(error.status, {"cursor": [str(error)]}) from None
        results = [serializers.letter_summary(request, letter) for letter in page]
        return paged(request, found, letters.count(), results)


class LetterDetail(APIView):
    """One letter: its fields, parse status and issues, original's addresses, its items."""

    @extend_schema(operation_id="letter_retrieve", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        letters = Letter.objects.defer("original_text").prefetch_related(
            "reviewer_states", "reviewer_specialties", "parse_issues", "items"
        )
        letter = letters.filter(pk=pk).first()
        if letter is None:
            raise NotFound(f"No letter {pk}.")
        return Response(serializers.letter_detail(request, letter))


def unknown_endpoint(request: HttpRequest) -> JsonResponse:
    """Any other path under `/api/v1/`: a 404 in JSON, as the endpoints answer theirs."""
    return JsonResponse({"detail": "No such endpoint: /api/v1/schema/ lists them."}, status=404)
