"""Registering, logging in and out, and passwords: Django's views with the site's templates and rules."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from wenku.accounts import limits
from wenku.accounts.forms import LoginForm, RegisterForm, ThrottledPasswordChangeForm
from wenku.accounts.password_reset import SitePasswordResetForm

REMEMBER_ME = timedelta(days=30)


class LoginView(auth_views.LoginView):
    """Log in. "记住我" keeps the session for 30 days; without it the session ends when the browser closes."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # Django's LoginView sets site_name to the request's host, over the site's name from the context processor.
        return {**super().get_context_data(**kwargs), "site_name": settings.WENKU_SITE_NAME}

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.set_expiry(int(REMEMBER_ME.total_seconds()) if form.cleaned_data["remember_me"] else 0)
        return response


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def register(request):
    """Create an account and log in with it (until the browser closes), then go on to ?next= or the account page."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    if request.user.is_authenticated:
        return HttpResponseRedirect(next_url or reverse("accounts:me"))  # next is an address, never a URL name
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = limits.registration_wait(request)  # WENKU_REGISTRATIONS_PER_ADDRESS_HOUR
        if wait:
            form.add_error(None, limits.too_many_registrations(wait))
            return render(request, "accounts/register.html", {"form": form, "next": next_url}, status=429)
        user = form.save()
        login(request, user)
        request.session.set_expiry(0)
        messages.success(
            request, _("Welcome, %(name)s! Your account has been created.") % {"name": user.get_username()}
        )
        return HttpResponseRedirect(next_url or reverse("accounts:me"))  # next is an address, never a URL name
    return render(request, "accounts/register.html", {"form": form, "next": next_url})


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:me")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = SitePasswordResetForm  # the mailed link is on WENKU_SITE_URL
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        return {"site_name": settings.WENKU_SITE_NAME}

    def form_valid(self, form):
        """No mail past the limits (per address, per e-mail address); the same answer whether or not the e-mail
        address has an account."""
        wait = limits.password_reset_wait(self.request, form.cleaned_data["email"])
        if wait:
            form.add_error(None, limits.too_many_resets(wait))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
