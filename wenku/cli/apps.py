from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "wenku.cli"
    label = "wenku_cli"
