from django.urls import path

from determinations.views import health, letters, search

app_name = "determinations"
urlpatterns = [
    path("", search.search_page, name="search"),
    path("determinations/<int:pk>/", letters.letter_detail, name="letter_detail"),
    path("healthz", health.healthz, name="healthz"),
]
