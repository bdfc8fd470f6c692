"""What moderation keeps: staff decisions on documents, and readers' reports (举报)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from wenku.library.models import Document


class Decision(models.Model):
    """A staff decision on a document, kept so that the uploader can see why a document was rejected and
    staff can see who did what."""

    class Action(models.TextChoices):
        APPROVE = "approve", "通过"
        REJECT = "reject", "拒绝"
        HIDE = "hide", "设为私有"

    document = models.ForeignKey(Document, verbose_name="文档", on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField("处理", max_length=10, choices=Action)
    reason = models.TextField("理由", blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = verbose_name_plural = "审核记录"

    def __str__(self) -> str:
        return f"{self.get_action_display()}《{self.document}》"


class Report(models.Model):
    """A logged-in reader's report of a document; open until staff resolve it."""

    class Reason(models.TextChoices):
        COPYRIGHT = "copyright", "侵犯版权"
        ILLEGAL = "illegal", "违法违规"
        OBSCENE = "obscene", "色情低俗"
        SPAM = "spam", "垃圾广告"
        BROKEN = "broken", "内容错乱、无法阅读"
        OTHER = "other", "其他"

    class Outcome(models.TextChoices):
        DISMISSED = "dismissed", "不予处理"
        HIDDEN = "hidden", "已设为私有"
        REJECTED = "rejected", "已下架（拒绝）"

    document = models.ForeignKey(Document, verbose_name="文档", on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="举报人", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField("原因", max_length=16, choices=Reason)
    detail = models.TextField("说明", blank=True, max_length=2000)
    created = models.DateTimeField("举报时间", default=timezone.now)
    resolved = models.DateTimeField("处理时间", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField("处理结果", max_length=16, choices=Outcome, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = verbose_name_plural = "举报"
        constraints = [
            models.UniqueConstraint(
                fields=["document", "reporter"],
                condition=models.Q(resolved__isnull=True),
                name="report_one_open_per_reader",
            )
        ]
        indexes = [models.Index(fields=["resolved", "document"], name="report_open")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}：《{self.document}》"

    @property
    def is_open(self) -> bool:
        return self.resolved is None
