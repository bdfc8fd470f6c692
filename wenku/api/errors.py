"""The API's error bodies in the request's language (Chinese by default), like every other message.

django-ninja answers its own errors in English ("Not Found", "Unauthorized", "Too many requests."); these handlers
say the same through gettext, so that a 404 reads as the rest of the site does.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext, gettext_noop
from ninja import NinjaAPI
from ninja.errors import HttpError

# django-ninja's own messages, marked here so that makemessages puts them in our catalog.
NINJA_MESSAGES = (gettext_noop("Unauthorized"), gettext_noop("Too many requests."), gettext_noop("CSRF check Failed"))


def install(api: NinjaAPI) -> None:
    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": gettext("Not found")}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(request, {"detail": gettext(str(exc))}, status=exc.status_code)
