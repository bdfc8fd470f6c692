"""A session cannot skip CSRF by adding a made-up Authorization header."""

from __future__ import annotations

from django.test import Client


def test_a_bogus_bearer_beside_a_session_still_needs_csrf(db, django_user_model, tmp_path):
    user = django_user_model.objects.create_user("writer", password="x-long-password-1")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    path = tmp_path / "短文.txt"
    path.write_text("短文标题\n这是一段正文。", encoding="utf-8")
    with path.open("rb") as handle:
        response = browser.post("/api/documents", {"file": handle}, HTTP_AUTHORIZATION="Bearer not-a-real-token")
    assert response.status_code in (401, 403)
