"""/api/docs works offline: Swagger UI comes from our own static files (collected and served by whitenoise), no CDN."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.management import call_command
from django.test import Client

_REFERENCES = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)


def test_the_api_docs_load_swagger_ui_from_our_own_static_files(db, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)  # as `wenku serve` does
    client = Client()  # a new client: whitenoise reads the freshly collected STATIC_ROOT

    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert not re.search(r"(?:https?:)?//(?!testserver\b)[a-z0-9.-]+\.[a-z]{2,}", html, re.I), "an external host"
    references = _REFERENCES.findall(html)
    scripts = [r for r in references if urlsplit(r).path.endswith(".js")]
    styles = [r for r in references if urlsplit(r).path.endswith(".css")]
    assert len(scripts) >= 2 and styles, references  # the Swagger UI bundle, its start script, its stylesheet
    for reference in references:
        parts = urlsplit(reference)
        assert not parts.scheme and not parts.netloc, reference
        assert parts.path.startswith(settings.STATIC_URL), reference
        served = client.get(parts.path)
        assert served.status_code == 200, reference
        body = b"".join(served.streaming_content) if served.streaming else served.content
        assert len(body) > 100, reference
    bundle = next(r for r in scripts if "swagger-ui-bundle" in r)
    served = client.get(urlsplit(bundle).path)
    assert b"SwaggerUIBundle" in b"".join(served.streaming_content)
    assert "javascript" in served["Content-Type"]
    # the page asks for our own schema, which is there
    assert '"/api/openapi.json"' in html
    assert client.get("/api/openapi.json").status_code == 200
