"""Background work: import jobs queued by web requests, and the workers that do them (their heartbeats)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportJob(models.Model):
    """One uploaded file waiting to be imported, being imported, or imported (with its results).

    The upload request stores the original and this row, nothing else; a worker claims the row with a lease
    that its heartbeat keeps extending, so a worker killed mid-import leaves a job another worker takes over
    when the lease runs out. A job that has been started WENKU_JOB_ATTEMPTS times without finishing fails."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField("文件名", max_length=255)
    original = models.CharField("原文件", max_length=500, help_text="relative to the data dir")
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField(default=0)
    options = models.JSONField(default=dict)
    state = models.CharField("状态", max_length=16, choices=State, default=State.QUEUED)
    results = models.JSONField(default=list)
    attempts = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField("提交时间", default=timezone.now)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "导入任务"
        indexes = [models.Index(fields=["state", "id"], name="job_state")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_state_display()})"

    @property
    def finished_state(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class WorkerBeat(models.Model):
    """A worker process's heartbeat: /healthz reports workers whose beat is older than a minute as gone."""

    name = models.CharField(max_length=200, unique=True)
    pid = models.IntegerField()
    started = models.DateTimeField(default=timezone.now)
    seen = models.DateTimeField(default=timezone.now)
    jobs_done = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-seen"]
