from django.urls import path, re_path

from determinations.views import export, health, letters, search

app_name = "determinations"
urlpatterns = [
    path("", search.search_page, name="search"),
    path("determinations/<int:pk>/", letters.letter_detail, name="letter_detail"),
    re_path(r"^export\.(?P<fmt>csv|jsonl|json)$", export.export, name="export"),
    path("healthz", health.healthz, name="healthz"),
]
