from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "wenku.uploads"
    label = "uploads"
    verbose_name = "上传与审核"
