"""A new password, or a deactivated account, ends the user's API tokens.

Django ends the other sessions itself (each session keeps a hash of the password). Tokens are ours to end: a
post_save hook on the user model deletes them whenever set_password() was called before the save (the account
page's form, a password reset, the admin, `changepassword`, any code) and whenever the user is saved inactive.
A password re-hashed on login (Django upgrading its hasher) is not a new password and keeps them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save


def _end_tokens(sender, instance, **kwargs) -> None:
    from wenku.accounts.models import ApiToken

    new_password = getattr(instance, "_password", None) is not None  # set_password() was called; see AbstractBaseUser
    if new_password or not instance.is_active:
        ApiToken.objects.filter(user_id=instance.pk).delete()


def connect() -> None:
    post_save.connect(_end_tokens, sender=get_user_model(), dispatch_uid="wenku.accounts.revocation")
