from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wenku.accounts"
    label = "accounts"
    verbose_name = "用户"

    def ready(self) -> None:
        from wenku.accounts import revocation

        revocation.connect()
