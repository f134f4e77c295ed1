"""URLs: the determinations app, the admin, the health check."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("determinations.urls")),
]
