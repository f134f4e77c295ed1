"""`/api/v1/`: the JSON API and its OpenAPI schema; reads go to a replica, as the public
pages' do (`routing.py`)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from determinations.api import views
from determinations.routing import reads_from_replica as replica

app_name = "api"
urlpatterns = [
    path("items/", replica(views.ItemList.as_view()), name="items"),
    path("items/<int:pk>/", replica(views.ItemDetail.as_view()), name="item"),
    path("items/<int:pk>/similar/", replica(views.SimilarItems.as_view()), name="similar"),
    path("facets/", replica(views.Facets.as_view()), name="facets"),
    path("letters/", replica(views.LetterList.as_view()), name="letters"),
    path("letters/<int:pk>/", replica(views.LetterDetail.as_view()), name="letter"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    re_path(r"", views.unknown_endpoint, name="unknown"),  # last: any other path
]
