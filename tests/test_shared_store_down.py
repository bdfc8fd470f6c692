"""With the shared store away (Redis stopped), limited actions are refused with a wait, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_away(settings):
    caches = dict(settings.CACHES)
    caches["shared"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.5},
    }
    settings.CACHES = caches


def test_a_check_waits_while_the_shared_store_is_away(redis_away, client):
    response = client.post("/api/check", {"text": "政府工作报告" * 20}, content_type="application/json")
    assert response.status_code == 429


def test_registration_waits_while_the_shared_store_is_away(redis_away, client):
    response = client.post(
        "/accounts/register/",
        {"username": "newcomer", "password1": "a-long-enough-password-1", "password2": "a-long-enough-password-1"},
    )
    assert response.status_code == 429


def test_healthz_says_the_shared_store_is_away(redis_away, client):
    body = client.get("/healthz").json()
    assert not body["ok"] and body["shared_store"]["state"] == "error"
