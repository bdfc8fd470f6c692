from django.urls import path, register_converter
from django.urls.converters import get_converters

from wenku.downloads import views
from wenku.web.converters import IdConverter

app_name = "downloads"
if "id" not in get_converters():  # registered by wenku.web.urls too; registering twice is deprecated
    register_converter(IdConverter, "id")

urlpatterns = [
    path("d/<id:document_id>/download/<slug:fmt>/", views.download, name="download"),
]
