"""Uploading through the JSON API (POST /api/documents), mounted under /api/."""

from ninja import Router

router = Router(tags=["upload"])
