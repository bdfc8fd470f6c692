"""What accounts keep: favorites, where each reader is in each document, API tokens, login attempts and upload
usage."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wenku.library.models import Document


class Favorite(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="favorites"
    )
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="favorites"
    )
    created = models.DateTimeField(_("favorited at"), default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = verbose_name_plural = _("favorite")
        constraints = [models.UniqueConstraint(fields=["user", "document"], name="favorite_once")]
        indexes = [models.Index(fields=["user", "-created"], name="favorite_user_newest")]

    def __str__(self) -> str:
        return f"{self.user} ★ {self.document}"


class ReadingPosition(models.Model):
    """The last page a reader read of a document: one row per reader and document, updated on every read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="reading_positions"
    )
    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="+")
    page = models.PositiveIntegerField(_("page"))
    updated = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        ordering = ["-updated", "-id"]
        verbose_name = verbose_name_plural = _("reading history")
        constraints = [models.UniqueConstraint(fields=["user", "document"], name="reading_position_once")]
        indexes = [models.Index(fields=["user", "-updated"], name="reading_position_user_newest")]

    def __str__(self) -> str:
        return f"{self.user} {self.document} p.{self.page}"

    @property
    def shown_page(self) -> int:
        """The remembered page, within the document's pages."""
        return max(1, min(self.page, self.document.page_count))

    @property
    def url(self) -> str:
        return self.document.page_url(self.shown_page)


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 digest is kept; the token itself is shown once when created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("begins with"), max_length=16, help_text=_("to tell tokens apart"))
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = verbose_name_plural = _("API token")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"


class LoginAttempt(models.Model):
    """A password login attempt, kept while it counts towards the failed-login limit (see throttle.py).

    In the database, not a cache, so that the limit holds across the server's processes."""

    username = models.CharField(_("username"), max_length=150, help_text=_("case-folded"))
    address = models.CharField(_("IP address"), max_length=45, blank=True)
    created = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = verbose_name_plural = _("login attempt")
        indexes = [
            models.Index(fields=["username", "created"], name="login_attempt_username"),
            models.Index(fields=["address", "created"], name="login_attempt_address"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.address} {self.created:%Y-%m-%d %H:%M}"


class UploadUsage(models.Model):
    """One upload request's files and bytes, kept while they count towards the user's daily upload quotas
    (wenku/uploads/quotas.py). In the database, so that the quotas hold across processes and restarts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    files = models.PositiveIntegerField(_("files"))
    bytes = models.PositiveBigIntegerField(_("bytes"))
    created = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = _("upload usage")
        indexes = [models.Index(fields=["user", "created"], name="upload_usage_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.files} {self.bytes} {self.created:%Y-%m-%d %H:%M}"
