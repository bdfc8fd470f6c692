from django.urls import path, register_converter

from wenku.web.converters import IdConverter, KeyConverter
from wenku.web.views import browse, health, read, search, seo, share

app_name = "web"
register_converter(IdConverter, "id")
register_converter(KeyConverter, "key")

urlpatterns = [
    path("", browse.home, name="home"),
    path("documents/", browse.document_list, name="documents"),
    path("popular/", browse.popular, name="popular"),
    path("category/<str:slug>/", browse.category, name="category"),
    path("about/", browse.about, name="about"),
    path("d/<id:document_id>/", read.document, name="document"),
    path("d/<id:document_id>/<id:number>/", read.document_page, name="document_page"),
    path("d/<id:document_id>/a/<id:number>/", read.article, name="article"),
    path("search/", search.search_page, name="search"),
    path("search/stats/", search.search_stats, name="search_stats"),
    path("d/<id:document_id>/<id:number>/qr.svg", share.page_qr, name="page_qr"),
    path("robots.txt", seo.robots_txt, name="robots"),
    path("healthz", health.healthz, name="healthz"),
    # Unlisted documents: the same views, addressed by the document's access key (Document.route picks these).
    path("u/<key:document_id>/", read.document, name="document_by_key"),
    path("u/<key:document_id>/<id:number>/", read.document_page, name="document_page_by_key"),
    path("u/<key:document_id>/a/<id:number>/", read.article, name="article_by_key"),
    path("u/<key:document_id>/<id:number>/qr.svg", share.page_qr, name="page_qr_by_key"),
]
