from django.apps import AppConfig


class DeterminationsConfig(AppConfig):
    name = "determinations"
    verbose_name = "IMR determinations"

    def ready(self) -> None:
        from determinations.index import signals  # noqa: F401  (connects the receivers)
