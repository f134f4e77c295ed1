"""URLs: the determinations app, its JSON API, the admin, the health check, the site's icon."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView


class IconView(RedirectView):
    """`/favicon.ico`, which browsers ask for where no page names an icon (the admin, a PDF)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("determinations/favicon.svg")


urlpatterns = [
    path("favicon.ico", IconView.as_view()),
    path("admin/", admin.site.urls),
    path("api/v1/", include("determinations.api.urls")),
    path("", include("determinations.urls")),
]
