from django.apps import AppConfig


class DownloadsConfig(AppConfig):
    name = "wenku.downloads"
    label = "downloads"
    verbose_name = "下载"

    def ready(self) -> None:
        from wenku.downloads import cache  # noqa: F401 - connects the receiver that removes a deleted document's files
