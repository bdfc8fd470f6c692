"""The core records: documents, their reading pages, categories and daily view marks."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from wenku.lib.rows import insert_rows
from wenku.text.counting import reading_minutes


class CategoryQuerySet(models.QuerySet):
    def with_documents_for(self, user) -> CategoryQuerySet:
        """Categories holding documents that ``user`` may see in lists, with their number as ``count``."""
        visible = models.Q(documents__in=Document.objects.listed_for(user))
        return self.annotate(count=models.Count("documents", filter=visible)).filter(count__gt=0)

    def named(self, name: str | None) -> Category | None:
        """The category of this name (whitespace collapsed), created if it does not exist yet; None for no name.
        Its slug comes from Category.save."""
        name = " ".join((name or "").split())[:100]
        if not name:
            return None
        found = self.filter(name=name).first()
        if found:
            return found
        try:
            with transaction.atomic():
                return self.create(name=name)
        except IntegrityError:  # created at the same moment by another request or process
            return self.get(name=name)


class Category(models.Model):
    name = models.CharField("名称", max_length=100, unique=True)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "分类"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:category", args=[self.slug])

    @staticmethod
    def slug_for(name: str) -> str:
        """The slug a name asks for: slugified (Chinese kept), or a hash when nothing of it survives."""
        return slugify(name, allow_unicode=True)[:100] or hashlib.sha1(name.encode()).hexdigest()[:10]

    def save(self, *args, **kwargs) -> None:
        """A new category whose slug is taken ("Foo Bar", then "foo-bar") gets the first free "-2", "-3"… instead.

        A clash on the name is left to raise: ``named`` then finds the category made at the same moment."""
        if not self._state.adding:
            return super().save(*args, **kwargs)
        base = (self.slug or self.slug_for(self.name))[:110]
        for attempt in range(1, 1000):
            self.slug = base if attempt == 1 else f"{base}-{attempt}"
            if Category.objects.filter(slug=self.slug).exists():
                continue
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                if Category.objects.filter(name=self.name).exists():
                    raise
        raise IntegrityError(f"no free slug for category {self.name!r}")


class Visibility(models.TextChoices):
    PUBLIC = "public", "公开"
    UNLISTED = "unlisted", "仅链接可见"
    PRIVATE = "private", "私有"


class Status(models.TextChoices):
    PUBLISHED = "published", "已发布"
    PENDING = "pending", "待审核"
    REJECTED = "rejected", "已拒绝"


class DownloadPolicy(models.TextChoices):
    EVERYONE = "everyone", "所有人可下载"
    MEMBERS = "members", "仅登录用户可下载"
    OFF = "off", "不可下载"


class DocumentQuerySet(models.QuerySet):
    """The one place that decides who sees which document.

    ``openable_by`` and ``listed_for`` say it in SQL for queries; ``opens_for`` and ``lists_for`` say the same for
    a row already in hand (the reading page's hot path). tests/test_visibility_rules.py checks that each pair agrees
    in every case.

    A document is addressed by its id, or by its access key (``by_key``). An unlisted document opens by its key
    only (ids can be counted, keys cannot be guessed); by its id it opens for its owner and staff alone.
    """

    @staticmethod
    def lists_for(user, status: str, visibility: str, uploader_id: int | None) -> bool:
        if user is not None and user.is_authenticated and (user.is_staff or user.pk == uploader_id):
            return True
        return status == Status.PUBLISHED and visibility == Visibility.PUBLIC

    @staticmethod
    def opens_for(user, status: str, visibility: str, uploader_id: int | None, by_key: bool = False) -> bool:
        if user is not None and user.is_authenticated and (user.is_staff or user.pk == uploader_id):
            return True
        if status != Status.PUBLISHED:
            return False
        return visibility == Visibility.PUBLIC or (by_key and visibility == Visibility.UNLISTED)

    def openable_by(self, user, key: str | None = None) -> DocumentQuerySet:
        """Documents whose id URLs answer for ``user``; with ``key``, the document whose key URLs answer."""
        queryset = self if key is None else self.filter(access_key=key)
        if user is not None and user.is_authenticated and user.is_staff:
            return queryset
        opened = [Visibility.PUBLIC] if key is None else [Visibility.PUBLIC, Visibility.UNLISTED]
        shown = models.Q(status=Status.PUBLISHED, visibility__in=opened)
        if user is not None and user.is_authenticated:
            shown |= models.Q(uploader=user)
        return queryset.filter(shown)

    def openable_at(self, user, ref: int | str) -> DocumentQuerySet:
        """The document at ``ref`` (an id, or an access key) if its URL answers for ``user``, else nothing."""
        if is_key(ref):
            return self.openable_by(user, key=ref)
        return self.openable_by(user).filter(pk=int(ref))

    def remembered_for(self, user) -> DocumentQuerySet:
        """Documents that may appear in ``user``'s own lists (favorites, reading history): those their id URLs
        open for them, and published unlisted ones, which they could only have reached by the key (the list links
        to the key URL)."""
        unlisted = models.Q(status=Status.PUBLISHED, visibility=Visibility.UNLISTED)
        return self.filter(models.Q(pk__in=self.openable_by(user).values("pk")) | unlisted)

    def listed_for(self, user) -> DocumentQuerySet:
        """Documents that may appear in lists, sitemaps and search results for ``user``."""
        if user is not None and user.is_authenticated and user.is_staff:
            return self
        shown = models.Q(status=Status.PUBLISHED, visibility=Visibility.PUBLIC)
        if user is not None and user.is_authenticated:
            shown |= models.Q(uploader=user)
        return self.filter(shown)


def new_access_key() -> str:
    """An unguessable key for the URLs of an unlisted document (128 random bits, 22 characters)."""
    return secrets.token_urlsafe(16)


def is_key(ref: int | str) -> bool:
    """Whether a URL's document reference is an access key rather than an id (ids have at most 15 digits)."""
    return isinstance(ref, str) and not (ref.isdigit() and len(ref) <= 15)


class Document(models.Model):
    title = models.CharField("标题", max_length=300)
    description = models.TextField("简介", blank=True)
    category = models.ForeignKey(
        Category, verbose_name="分类", null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="分享者", null=True, blank=True, on_delete=models.SET_NULL
    )
    source_format = models.CharField("格式", max_length=16)
    original_name = models.CharField("原始文件名", max_length=255)
    original_file = models.CharField("原始文件", max_length=255, help_text="relative to the data dir")
    original_record = models.CharField("记录编号", max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, unique=True)
    chars = models.PositiveIntegerField("字数")
    text_length = models.PositiveIntegerField(help_text="code points in the joined text")
    page_count = models.PositiveIntegerField("页数")
    heading_offsets = models.JSONField(default=list, blank=True, help_text="text offsets of heading paragraphs")
    views = models.PositiveBigIntegerField("阅读量", default=0)
    visibility = models.CharField("可见性", max_length=10, choices=Visibility, default=Visibility.PUBLIC)
    status = models.CharField("状态", max_length=10, choices=Status, default=Status.PUBLISHED)
    download_policy = models.CharField("下载", max_length=10, choices=DownloadPolicy, default=DownloadPolicy.EVERYONE)
    access_key = models.CharField(
        "链接密钥",
        max_length=32,
        unique=True,
        default=new_access_key,
        editable=False,
        help_text="addresses the document while it is unlisted: /u/<key>/",
    )
    created = models.DateTimeField("上传时间", default=timezone.now)
    updated = models.DateTimeField("修改时间", auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = verbose_name_plural = "文档"
        indexes = [
            models.Index(fields=["-created", "-id"], name="doc_newest"),
            models.Index(fields=["-views", "-id"], name="doc_most_read"),
            models.Index(fields=["category", "-created"], name="doc_category_newest"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        """Saving records a DocumentChange in the same transaction, so the search index cannot miss it."""
        with transaction.atomic():
            super().save(*args, **kwargs)
            DocumentChange.objects.create(document_id=self.pk)
            FollowUp.enqueue([self.pk], FollowUp.Step.DOWNLOADS)  # its download files are made again

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.chars, settings.WENKU_READING_CHARS_PER_MINUTE)

    @property
    def by_key(self) -> bool:
        """Whether the document's URLs use its access key instead of its id (while it is unlisted)."""
        return self.visibility == Visibility.UNLISTED

    @property
    def ref(self) -> str:
        """How URLs name the document: its access key while unlisted, else its id (see openable_at)."""
        return self.access_key if self.by_key else str(self.pk)

    def route(self, name: str, *args) -> str:
        """The URL of view ``name`` for this document, by its key while unlisted (view ``<name>_by_key``)."""
        if self.by_key:
            return reverse(f"{name}_by_key", args=[self.access_key, *args])
        return reverse(name, args=[self.pk, *args])

    def get_absolute_url(self) -> str:
        return self.route("web:document")

    def page_url(self, number: int) -> str:
        if number == 1:
            return self.get_absolute_url()
        return self.route("web:document_page", number)

    @property
    def last_page_url(self) -> str:
        return self.page_url(self.page_count)

    def full_text(self) -> str:
        """The whole text as imported: pages placed at their offsets, with "\\n" between paragraphs."""
        return Document.full_texts([self.pk])[self.pk]

    @staticmethod
    def full_texts(document_ids: list[int]) -> dict[int, str]:
        """full_text() of each of these documents, in one query."""
        parts: dict[int, list[str]] = {document_id: [] for document_id in document_ids}
        ends = dict.fromkeys(document_ids, 0)
        pages = Page.objects.filter(document_id__in=document_ids).order_by("document_id", "number")
        for document_id, start, text in pages.values_list("document_id", "start", "text"):
            parts[document_id].append("\n" * (start - ends[document_id]))
            parts[document_id].append(text)
            ends[document_id] = start + len(text)
        return {document_id: "".join(texts) for document_id, texts in parts.items()}


class Page(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    start = models.PositiveIntegerField(help_text="offset of this page in the document's text")
    text = models.TextField()
    chars = models.PositiveIntegerField()
    starts_mid_paragraph = models.BooleanField(default=False)

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="page_unique_number")]

    def __str__(self) -> str:
        return f"{self.document_id} 第{self.number}页"


class Article(models.Model):
    """One article of a compilation (汇编): its title and where it begins in the document's text.

    A single document has no rows. ``page`` and ``chars`` are derived from ``start`` and the next article's start,
    kept here so the table of contents is one query.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="articles")
    title = models.CharField("标题", max_length=300)
    start = models.PositiveIntegerField(help_text="offset of the article's first character in the document's text")
    page = models.PositiveIntegerField("页码")
    chars = models.PositiveIntegerField("字数")

    class Meta:
        ordering = ["document", "start"]
        verbose_name = verbose_name_plural = "篇目"
        constraints = [models.UniqueConstraint(fields=["document", "start"], name="article_unique_start")]

    def __str__(self) -> str:
        return self.title


class ViewMark(models.Model):
    """That a visitor has been counted for a document on a day: one view per visitor per document per day."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    visitor = models.CharField(max_length=64)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "visitor", "day"], name="viewmark_once_per_day")]
        indexes = [models.Index(fields=["day"], name="viewmark_day")]


class DocumentChange(models.Model):
    """The outbox: a document was added, changed or deleted. Written in the same transaction as the change;
    the search index applies and then removes these rows, so a crash between the two commits is repaired later.
    Not a foreign key: the row must outlive a deleted document."""

    document_id = models.BigIntegerField(db_index=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]


class FollowUp(models.Model):
    """The second outbox: work that must follow a document's import or change, other than the indexes (those
    follow DocumentChange). Written in the same transaction as the document, done by `wenku worker` (or by
    `wenku import` before it returns) and deleted only when done, so a crash at any point leaves it to be
    done again. Each step is idempotent. Not a foreign key: a step may find its document deleted, and says so."""

    class Step(models.TextChoices):
        REVIEW = "review", "近似重复审查"
        DOWNLOADS = "downloads", "生成下载文件"

    document_id = models.BigIntegerField()
    step = models.CharField(max_length=16, choices=Step)
    created = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["step", "document_id"], name="follow_up_once_per_step")]

    @classmethod
    def enqueue(cls, document_ids, step: str) -> None:
        insert_rows(cls, ("document_id", "step"), ((i, step) for i in document_ids), skip_conflicts=True)
