"""What search keeps in the database: the site dictionary and query statistics for staff."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SiteWord(models.Model):
    """An extra word for segmentation (主题教育, 两个维护 ...), edited by staff."""

    word = models.CharField("词", max_length=50, unique=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["word"]
        verbose_name = verbose_name_plural = "站点词典"

    def __str__(self) -> str:
        return self.word


class QueryStat(models.Model):
    """How often a query was searched on a day, and how many results it had the last time."""

    query = models.CharField(max_length=200)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    results = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["query", "day"], name="querystat_once_per_day")]
        indexes = [models.Index(fields=["day", "-count"], name="querystat_day_count")]
