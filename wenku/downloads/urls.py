from django.urls import path, register_converter
from django.urls.converters import get_converters

from wenku.downloads import views
from wenku.web.converters import IdConverter, KeyConverter

app_name = "downloads"
if "id" not in get_converters():  # registered by wenku.web.urls too; registering twice is deprecated
    register_converter(IdConverter, "id")
if "key" not in get_converters():
    register_converter(KeyConverter, "key")

urlpatterns = [
    path("d/<id:document_id>/download/<slug:fmt>/", views.download, name="download"),
    # unlisted documents, by their access key (Document.route picks this one for them)
    path("u/<key:document_id>/download/<slug:fmt>/", views.download, name="download_by_key"),
]
