from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "wenku.jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from wenku.jobs import originals  # noqa: F401 - connects the receiver that removes unused originals
