"""Limits on what costs the site or others: new accounts per address, password-reset mails per address and per
e-mail address. Counted in the store all processes share (wenku.lib.ratelimit), over the last hour.

A reset request is counted under its e-mail address whether or not an account has it, so that being refused says
nothing about which addresses have accounts.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import ngettext

from wenku.accounts.throttle import address_of
from wenku.lib import ratelimit

HOUR = 60 * 60


def registration_wait(request) -> int:
    """0 when one more account may be made from this request's address (it is counted), else seconds to wait."""
    rule = ratelimit.Rule("register-address", settings.WENKU_REGISTRATIONS_PER_ADDRESS_HOUR, HOUR)
    return ratelimit.take(rule, address_of(request))


def password_reset_wait(request, email: str) -> int:
    """0 when a reset mail may go to ``email`` for this request (it is counted), else seconds to wait."""
    return ratelimit.take_all(
        [
            (
                ratelimit.Rule("reset-address", settings.WENKU_PASSWORD_RESETS_PER_ADDRESS_HOUR, HOUR),
                address_of(request),
            ),
            (
                ratelimit.Rule("reset-email", settings.WENKU_PASSWORD_RESETS_PER_EMAIL_HOUR, HOUR),
                email.strip().casefold(),
            ),
        ]
    )


def too_many_registrations(seconds: int) -> str:
    minutes = ratelimit.wait_minutes(seconds)
    return ngettext(
        "Too many accounts have been created from your network address. Please try again in %(minutes)d minute.",
        "Too many accounts have been created from your network address. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def too_many_resets(seconds: int) -> str:
    minutes = ratelimit.wait_minutes(seconds)
    return ngettext(
        "Too many password reset requests. Please try again in %(minutes)d minute.",
        "Too many password reset requests. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
