from django.urls import path

from determinations import views

app_name = "determinations"
urlpatterns = [
    path("", views.letter_list, name="letter_list"),
    path("determinations/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("healthz", views.healthz, name="healthz"),
]
