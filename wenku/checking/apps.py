from django.apps import AppConfig


class CheckingConfig(AppConfig):
    name = "wenku.checking"
    label = "checking"
    verbose_name = "查重"
