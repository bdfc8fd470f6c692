"""Deployment settings are read from the environment when the settings module is imported. So each test reads
them the way a site would: a real interpreter imports wenku.settings with the environment under test and reports
what it derived, and the test then runs real requests through Django with exactly those values."""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
import tempfile
from functools import cache

import pytest

DEPLOY_VARIABLES = (
    "WENKU_SITE_URL",
    "WENKU_ALLOWED_HOSTS",
    "WENKU_TRUSTED_PROXIES",
    "WENKU_HSTS_SECONDS",
    "WENKU_CSRF_TRUSTED_ORIGINS",
)
DERIVED = (
    "WENKU_SITE_URL",
    "WENKU_ALLOWED_HOSTS",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
)
PRINT_SETTINGS = f"""
import json, django
django.setup()
from django.conf import settings
values = {{name: getattr(settings, name) for name in {DERIVED!r}}}
values["WENKU_TRUSTED_PROXIES"] = [str(n) for n in settings.WENKU_TRUSTED_PROXIES]
print(json.dumps(values))
"""


def clean_environment(data_dir: str, **variables: str) -> dict[str, str]:
    """The test process's environment without any deployment setting, plus ``variables``."""
    env = {k: v for k, v in os.environ.items() if k not in DEPLOY_VARIABLES}
    return {
        **env,
        "WENKU_DATA_DIR": data_dir,
        "DATABASE_URL": "",
        "DJANGO_SETTINGS_MODULE": "wenku.settings",
        **variables,
    }


@cache
def derived_settings(**variables: str) -> dict:
    """The settings wenku.settings derives from ``variables`` (the other deployment variables unset)."""
    data_dir = tempfile.mkdtemp(prefix="wenku-settings-")
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env=clean_environment(data_dir, **variables),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def deploy(settings):
    """deploy(WENKU_SITE_URL=..., ...): this test's settings become what a site with that environment has."""

    def apply(**variables: str) -> dict:
        values = derived_settings(**variables)
        for name in DERIVED:
            setattr(settings, name, values[name])
        settings.ALLOWED_HOSTS = [*values["ALLOWED_HOSTS"], "testserver"]  # as Django's test environment adds
        settings.WENKU_TRUSTED_PROXIES = [ipaddress.ip_network(n) for n in values["WENKU_TRUSTED_PROXIES"]]
        return values

    return apply
