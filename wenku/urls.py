from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from wenku.api.api import api
from wenku.web.sitemaps import SITEMAPS
from wenku.web.sitemaps import index as sitemap_index

urlpatterns = [
    path("", include("wenku.web.urls")),
    path("accounts/", include("wenku.accounts.urls")),
    path("", include("wenku.uploads.urls")),
    path("", include("wenku.downloads.urls")),
    path("", include("wenku.checking.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]

handler400 = "wenku.web.views.errors.bad_request"
handler404 = "wenku.web.views.errors.not_found"
handler500 = "wenku.web.views.errors.server_error"
