"""The authentication backend: Django's ModelBackend behind the failed-login limit of throttle.py.

Putting the limit here (rather than in the login form) covers every password check that goes through
django.contrib.auth.authenticate(): the site's login page, /admin/ and the password-confirming forms."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from wenku.accounts import throttle

REFUSED = "wenku_login_refused"  # request attribute: the throttle.Attempt that was refused, for the form's message


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        attempt = throttle.begin(str(username), throttle.address_of(request))
        if attempt.refused:
            if request is not None:
                setattr(request, REFUSED, attempt)
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            throttle.succeeded(str(username))
        return user
