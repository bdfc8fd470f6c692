from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "wenku.search"
    label = "search"
    verbose_name = "搜索"
