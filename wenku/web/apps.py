from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "wenku.web"
    label = "web"

    def ready(self) -> None:
        from wenku.web import hosts  # noqa: F401 - registers the host-name check
