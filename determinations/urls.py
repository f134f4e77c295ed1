from django.urls import path, re_path

from determinations.views import boilerplate, compare, export, health, insights, letters, search

app_name = "determinations"
urlpatterns = [
    path("", search.search_page, name="search"),
    path("determinations/<int:pk>/", letters.letter_detail, name="letter_detail"),
    path("compare/", compare.compare_page, name="compare"),
    path("boilerplate/", boilerplate.boilerplate_page, name="boilerplate"),
    path("insights/", insights.insights_page, name="insights"),
    path("insights.csv", insights.insights_csv, name="insights_csv"),
    re_path(r"^export\.(?P<fmt>csv|jsonl|json)$", export.export, name="export"),
    path("healthz", health.healthz, name="healthz"),
]
