"""The password-reset form: its mailed link is on the site URL, never on whatever Host header the request had."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm

from wenku.web.absolute import site_domain


class SitePasswordResetForm(PasswordResetForm):
    """Django builds the link from the request's host and scheme; this passes WENKU_SITE_URL's instead (without
    it, the request's validated host and scheme, as before: see wenku/web/absolute.py)."""

    def save(self, *args, request=None, **kwargs):
        if request is not None:
            kwargs["domain_override"], kwargs["use_https"] = site_domain(request)
        return super().save(*args, request=request, **kwargs)
