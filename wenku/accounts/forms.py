"""The account forms: Django's own, with the remember-me box, the failed-login message and throttled password checks."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wenku.accounts.backends import REFUSED


def _refusal(request) -> ValidationError | None:
    """The "too many failed logins" error, if the backend refused this request's attempt."""
    attempt = getattr(request, REFUSED, None)
    if attempt is None:
        return None
    minutes = attempt.wait_minutes
    message = ngettext(
        "Too many failed logins. Please try again in %(minutes)d minute.",
        "Too many failed logins. Please try again in %(minutes)d minutes.",
        minutes,
    )
    return ValidationError(message, code="throttled", params={"minutes": minutes})


def _password_is_right(request, user, password: str) -> bool:
    """Checks a password through authenticate(), so that guesses count towards the failed-login limit."""
    return authenticate(request, username=user.get_username(), password=password) is not None


class LoginForm(AuthenticationForm):
    remember_me = forms.BooleanField(label=_("Remember me for 30 days"), required=False)

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            refusal = _refusal(self.request)
            if refusal is not None:
                raise refusal from None
            raise


class RegisterForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username",)


class ThrottledPasswordChangeForm(PasswordChangeForm):
    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not _password_is_right(self.request, self.user, old_password):
            raise _refusal(self.request) or ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class EmailForm(forms.Form):
    """The address for password resets. Changing it asks for the password: whoever holds a stolen session must
    not be able to point the account's recovery elsewhere."""

    email = forms.EmailField(label=_("E-mail address"), required=False)
    password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, user, request, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, initial={"email": user.email}, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not _password_is_right(self.request, self.user, password):
            raise _refusal(self.request) or ValidationError(_("The password is not correct."), code="password")
        return password


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, required=False, help_text=_("What the token is for, e.g. 'my laptop'.")
    )
