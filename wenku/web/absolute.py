"""Absolute URLs: on the site's canonical URL (WENKU_SITE_URL) when it is set, else on the request's own origin.

Every absolute link the site hands out (canonical links, QR codes, API ``url`` fields, the sitemap, 查重 reports,
password-reset mails) goes through here, so that a request made through another host name (an internal address, a
second domain) or a proxy that spoke plain http to us never leaks into a link meant for readers.
"""

from __future__ import annotations

from django.conf import settings


def site_origin(request) -> str:
    """``scheme://host[:port]`` that absolute links start with."""
    return settings.WENKU_SITE_URL or f"{request.scheme}://{request.get_host()}"


def absolute_url(request, path: str) -> str:
    """``path`` (a site path such as reverse() gives, starting with "/") as an absolute URL."""
    if settings.WENKU_SITE_URL:
        return settings.WENKU_SITE_URL + path
    return request.build_absolute_uri(path)


def site_domain(request) -> tuple[str, bool]:
    """(host[:port], https?) of the site, as Django's password-reset form wants them."""
    origin = site_origin(request)
    scheme, _, domain = origin.partition("://")
    return domain, scheme == "https"
