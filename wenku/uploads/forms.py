"""Forms of the upload, edit, report and moderation pages."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator

from wenku.library.models import Category, Document, Visibility
from wenku.uploads.models import Report

VISIBILITY_HELP = {
    Visibility.PUBLIC: "出现在列表、搜索和网站地图中",
    Visibility.UNLISTED: "不出现在列表和搜索中，知道链接的人可以阅读",
    Visibility.PRIVATE: "只有你自己（和管理员）能看到",
}


class CategoryFields(forms.Form):
    """An existing category, or the name of a new one (which wins when both are given)."""

    category = forms.ModelChoiceField(Category.objects.all(), label="分类", required=False, empty_label="（不分类）")
    new_category = forms.CharField(label="或新建分类", max_length=100, required=False)

    def category_name(self) -> str:
        new = self.cleaned_data.get("new_category", "").strip()
        existing = self.cleaned_data.get("category")
        return new or (existing.name if existing else "")


class UploadForm(CategoryFields):
    """The upload's settings; the files themselves are read from request.FILES one by one, so that an empty or
    oversized file becomes a result line of its own instead of a form error that refuses the whole batch."""

    title = forms.CharField(
        label="标题", max_length=300, required=False, help_text="只上传一个文件时有效；留空则从文件中识别"
    )
    description = forms.CharField(
        label="简介", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    visibility = forms.ChoiceField(
        label="可见性", choices=Visibility.choices, initial=Visibility.PUBLIC, widget=forms.RadioSelect
    )

    field_order = ["title", "category", "new_category", "description", "visibility"]


class DocumentEditForm(forms.ModelForm):
    new_category = forms.CharField(label="或新建分类", max_length=100, required=False)

    class Meta:
        model = Document
        fields = ["title", "category", "new_category", "description", "visibility"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "visibility": forms.RadioSelect}

    def __init__(self, *args, visibility_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if visibility_locked:  # a posted value is ignored: the document keeps its visibility
            self.fields["visibility"].disabled = True
            self.fields["visibility"].help_text = "管理员已将这篇文档下架或设为私有，可见性只能由管理员修改。"
        self.fields["category"].empty_label = "（不分类）"
        self.fields["title"].error_messages["required"] = "标题不能为空"
        self.fields["description"].validators.append(MaxLengthValidator(2000))

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("标题不能为空")
        return title

    def save(self, commit: bool = True) -> Document:
        new = self.cleaned_data.get("new_category", "").strip()
        if new:
            self.instance.category = Category.objects.named(new)
        return super().save(commit)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label="举报原因", choices=Report.Reason.choices, widget=forms.RadioSelect)
    detail = forms.CharField(label="说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        if data.get("reason") == Report.Reason.OTHER and not data.get("detail", "").strip():
            self.add_error("detail", "选择“其他”时请写明原因")
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(label="拒绝理由", max_length=2000, required=False)


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(choices=Report.Outcome.choices)
    note = forms.CharField(max_length=2000, required=False)
