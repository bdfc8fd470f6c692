from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "wenku.library"
    label = "library"
    verbose_name = "文库"

    def ready(self) -> None:
        from wenku.library import signals  # noqa: F401  (connects the outbox handlers)
