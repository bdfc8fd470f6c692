"""The accounts part of the JSON API (favorites, the current user's lists), mounted under /api/."""

from ninja import Router

router = Router(tags=["me"])
