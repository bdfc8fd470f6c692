from django.urls import path

from wenku.uploads.views import mine, moderation, report, upload
from wenku.web import urls as web_urls  # noqa: F401  (registers the "id" and "key" converters)

app_name = "uploads"

urlpatterns = [
    path("upload/", upload.upload, name="upload"),
    path("upload/jobs/", upload.jobs, name="jobs"),
    path("my/documents/", mine.my_documents, name="my_documents"),
    path("d/<id:document_id>/edit/", mine.edit, name="edit"),
    path("d/<id:document_id>/delete/", mine.delete, name="delete"),
    path("d/<id:document_id>/report/", report.report_document, name="report"),
    path("u/<key:document_id>/report/", report.report_document, name="report_by_key"),  # unlisted documents
    path("moderation/", moderation.queue, name="moderation"),
    path("moderation/<id:document_id>/approve/", moderation.approve, name="approve"),
    path("moderation/<id:document_id>/reject/", moderation.reject, name="reject"),
    path("moderation/<id:document_id>/resolve/", moderation.resolve, name="resolve"),
]
