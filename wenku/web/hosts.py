"""Which host names the site answers to, checked before it serves: never any host, and never unconfigured, except
in the demo.

Answering to any Host header lets whoever sends a request choose the host of the links the site builds from it (a
password-reset mail carrying a link to the sender's own host is the classic). The check runs as a deployment check
(`manage.py check --deploy`), at the start of `wenku serve` and when the WSGI application loads (gunicorn
wenku.wsgi); `wenku serve --demo` skips it.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

TAG = "wenku_hosts"
LOOPBACK = ("127.0.0.1", "::1", "localhost")
_demo = False

HINT = (
    "Set WENKU_SITE_URL to the address readers use (e.g. WENKU_SITE_URL=https://wenku.example.org), or "
    "WENKU_ALLOWED_HOSTS to the host names to answer to (comma-separated). `wenku serve --demo` needs neither."
)


@checks.register(TAG, deploy=True)
def check_hosts(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if _demo:
        return []
    any_host = "*" in settings.ALLOWED_HOSTS
    if any_host and not settings.WENKU_SITE_URL:
        message = (
            "WENKU_ALLOWED_HOSTS=* answers to any host name, and without WENKU_SITE_URL links and password-reset "
            "mails are built on the host name the request gave."
        )
        return [checks.Error(message, hint=HINT, id="wenku.E001")]
    if any_host:
        message = "WENKU_ALLOWED_HOSTS=* answers to any host name (links and mails use WENKU_SITE_URL)."
        hint = "List the host names in WENKU_ALLOWED_HOSTS, or leave it unset: WENKU_SITE_URL's host is then used."
        return [checks.Warning(message, hint=hint, id="wenku.W001")]
    if not settings.WENKU_SITE_URL and not settings.WENKU_ALLOWED_HOSTS:
        message = (
            "No host name is configured: the site answers only to localhost, 127.0.0.1 and [::1], and refuses "
            "requests for any other name (400 Bad Request)."
        )
        return [checks.Error(message, hint=HINT, id="wenku.E002")]
    return []


def refuse_unconfigured() -> None:
    """Raise ImproperlyConfigured when the host check finds an error (for the WSGI application's start)."""
    errors = [m for m in check_hosts() if m.is_serious()]
    if errors:
        raise ImproperlyConfigured("\n".join(f"{m.msg} {m.hint}" for m in errors))


def serve_demo(bind_host: str) -> None:
    """The demo (`wenku serve --demo`) runs without the check; when it is unconfigured and listens beyond the
    loopback interface (to show it on a LAN), it answers to any host name, as a demo always did."""
    global _demo
    _demo = True
    unconfigured = not settings.WENKU_SITE_URL and not settings.WENKU_ALLOWED_HOSTS
    if unconfigured and bind_host.strip("[]") not in LOOPBACK:
        settings.ALLOWED_HOSTS = ["*"]
