"""``wenku token USERNAME``: make a new personal API token for a user and print it (the only time it is shown)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenku.accounts import tokens


class Command(BaseCommand):
    help = gettext_lazy("Create a personal API token for a user and print it; use it as 'Authorization: Bearer TOKEN'.")
    examples = gettext_lazy(
        "  wenku token alice                   a new token for alice, printed once\n"
        "  wenku token alice --name 同步脚本    named as shown on alice's account page"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", metavar="USERNAME", help=_("the user the token acts as"))
        parser.add_argument("--name", default="", help=_("what the token is for (shown on the account page)"))

    def handle(self, *args, username, name, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(_("no user named %(name)r") % {"name": username}) from None
        if not user.is_active:
            raise CommandError(_("user %(name)r is not active") % {"name": username})
        _token, raw = tokens.create(user, name or "wenku token")
        self.stdout.write(raw)
