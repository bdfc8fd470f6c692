"""``wenku token USERNAME``: make a new personal API token for a user and print it (the only time it is shown)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from wenku.accounts import tokens


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it; use it as 'Authorization: Bearer TOKEN'."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for (shown on the account page)")

    def handle(self, *args, username, name, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None
        if not user.is_active:
            raise CommandError(f"user {username!r} is not active")
        _token, raw = tokens.create(user, name or "wenku token")
        self.stdout.write(raw)
