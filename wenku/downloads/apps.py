from django.apps import AppConfig


class DownloadsConfig(AppConfig):
    name = "wenku.downloads"
    label = "downloads"
    verbose_name = "下载"
