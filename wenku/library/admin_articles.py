"""Staff correct a compilation's split in the Document admin: rename an article, delete one (its text joins the
article before it), or add one at a paragraph number or a text offset (a split). Page and 字数 are recomputed."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from wenku.library.articles import paragraph_start
from wenku.library.models import Article
from wenku.text.pagination import paragraph_offsets


class ArticleForm(forms.ModelForm):
    paragraph = forms.IntegerField(
        label="从第几段开始", required=False, min_value=1, help_text="填写后按段落定位，忽略“起点”"
    )

    class Meta:
        model = Article
        fields = ("title", "paragraph", "start")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False  # a new article may take its first paragraph as title
        self.fields["start"].required = False
        self.fields["start"].label = "起点（字符偏移）"


class ArticleFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        text = self.instance.full_text() if self.instance.pk else ""
        starts = paragraph_offsets(text)
        seen: set[int] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not (form.has_changed() or form.instance.pk):
                continue
            start = _start_of(data, starts, text)
            if start in seen:
                raise ValidationError("两篇文章不能从同一段开始。")
            seen.add(start)
            title = (data.get("title") or "").strip() or text[start:].split("\n", 1)[0][:300]
            if not title:
                raise ValidationError("标题不能为空。")
            form.instance.start, form.instance.title = start, title
            form.cleaned_data["start"], form.cleaned_data["title"] = start, title
            if form.instance.page is None:
                form.instance.page, form.instance.chars = 1, 0  # placeholders until recomputed on save


def _start_of(data: dict, starts: list[int], text: str) -> int:
    number = data.get("paragraph")
    if number is not None:
        if number > len(starts):
            raise ValidationError(f"文档只有{len(starts)}段。")
        return starts[number - 1]
    start = data.get("start")
    if start is None:
        raise ValidationError("请填写段落号或起点。")
    if start >= len(text):
        raise ValidationError(f"起点超出全文长度（{len(text)}）。")
    return paragraph_start(text, start)


class ArticleInline(admin.TabularInline):
    model = Article
    form = ArticleForm
    formset = ArticleFormSet
    extra = 1
    readonly_fields = ("page", "chars")
    verbose_name = "篇目"
    verbose_name_plural = "篇目（汇编中的文章；删除一篇即并入上一篇）"
