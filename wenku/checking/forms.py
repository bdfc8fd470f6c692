"""The /check form: pasted text or one file, and whether to add it to the library as well."""

from __future__ import annotations

from django import forms
from django.conf import settings

from wenku.checking.submission import CHECKABLE_EXTENSIONS, SubmissionError, check_file, text_of_file
from wenku.uploads import limits


class CheckForm(forms.Form):
    text = forms.CharField(
        label="粘贴文本",
        required=False,
        strip=False,  # shown and counted exactly as submitted
        widget=forms.Textarea(attrs={"rows": 12, "placeholder": "在此粘贴要查重的文字"}),
    )
    file = forms.FileField(
        label="或上传文件",
        required=False,
        allow_empty_file=False,
        error_messages={"empty": "文件是空的", "invalid": "上传的文件不完整，请重新上传。"},
        widget=forms.FileInput(attrs={"accept": ",".join(CHECKABLE_EXTENSIONS)}),
    )
    add_to_library = forms.BooleanField(label="同时加入文库", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.file_bytes: bytes | None = None
        self.fields["text"].widget.attrs["maxlength"] = settings.WENKU_CHECK_MAX_CHARS

    def clean(self):
        """Cheap checks only (sign-in, size, file name): the file is read after the throttle has let the check
        through (``read_file``), so that a refused check costs no parsing."""
        data = super().clean()
        upload = data.get("file")
        if data.get("add_to_library") and not (self.user and self.user.is_authenticated):
            raise forms.ValidationError("登录后才能把文本加入文库。")
        if upload:
            if upload.size is not None and upload.size > limits.max_bytes():
                raise forms.ValidationError(f"文件太大（上限 {settings.WENKU_MAX_FILE_MB} MB）")
            try:
                check_file(upload.size or 0, upload.name or "")
            except SubmissionError as exc:
                raise forms.ValidationError(str(exc)) from None
        else:
            # browsers send the line breaks of a textarea as CRLF; the text as typed has LF
            data["text"] = data.get("text", "").replace("\r\n", "\n")
            if not data["text"].strip():
                raise forms.ValidationError("请粘贴要查重的文字，或者上传一个文件。")
        return data

    def read_file(self) -> str:
        """The text of the uploaded file (the form must be valid and hold one); raises SubmissionError."""
        upload = self.cleaned_data["file"]
        try:
            upload.seek(0)
            self.file_bytes = upload.read()
        finally:
            upload.close()
        text = text_of_file(self.file_bytes, upload.name or "")
        if not text.strip():
            raise SubmissionError("请粘贴要查重的文字，或者上传一个文件。")
        self.cleaned_data["text"] = text
        return text
