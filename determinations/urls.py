"""The public pages read the corpus from a replica when there is one (`routing.py`); the
admin, `/healthz` and every write use the primary."""

from django.urls import path, re_path

from determinations.routing import reads_from_replica as replica
from determinations.views import boilerplate, compare, export, health, insights, letters, search
from determinations.views.cases import case_letter
from determinations.views.feeds import SearchFeed

app_name = "determinations"
urlpatterns = [
    path("", replica(search.search_page), name="search"),
    path("determinations/<int:pk>/", replica(letters.letter_detail), name="letter_detail"),
    path("determinations/<int:pk>/original.pdf", replica(letters.letter_pdf), name="letter_pdf"),
    path("items/<int:pk>/similar/", replica(letters.similar_to_item), name="similar_to_item"),
    path("compare/", replica(compare.compare_page), name="compare"),
    path("boilerplate/", replica(boilerplate.boilerplate_page), name="boilerplate"),
    path("insights/", replica(insights.insights_page), name="insights"),
    path("insights.csv", replica(insights.insights_csv), name="insights_csv"),
    re_path(r"^export\.(?P<fmt>csv|jsonl|json)$", replica(export.export), name="export"),
    path("feed.atom", replica(SearchFeed()), name="feed"),
    path("cases/<str:case_number>/", replica(case_letter), name="case"),
    path("healthz", health.healthz, name="healthz"),
]
