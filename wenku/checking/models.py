"""Near-duplicate findings, and the fingerprint table used when the database is PostgreSQL."""

from __future__ import annotations

from django.db import models

from wenku.library.models import Document


class NearDuplicate(models.Model):
    """``document`` is mostly (``share``) contained in ``original``, an earlier document."""

    document = models.OneToOneField(
        Document, verbose_name="文档", on_delete=models.CASCADE, related_name="near_duplicate"
    )
    original = models.ForeignKey(
        Document, verbose_name="相似于", on_delete=models.CASCADE, related_name="near_duplicates"
    )
    share = models.FloatField("重合比例")
    found = models.DateTimeField("发现时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "相似文档"
        ordering = ["-found"]

    def __str__(self) -> str:
        return f"{self.document_id} ⊂ {self.original_id} ({self.share:.0%})"


class Fingerprint(models.Model):
    """One kept fingerprint of a document (server mode only; the default setup keeps them in files)."""

    hash = models.BigIntegerField()
    document_id = models.BigIntegerField()
    position = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["hash"], name="fingerprint_hash"),
            models.Index(fields=["document_id"], name="fingerprint_document"),
        ]


class IndexState(models.Model):
    """What the fingerprint table was built with (server mode)."""

    key = models.CharField(max_length=40, unique=True)
    value = models.JSONField()
