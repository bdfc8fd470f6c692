from django.urls import path, register_converter

from wenku.web.converters import IdConverter
from wenku.web.views import browse, read, search, seo, share

app_name = "web"
register_converter(IdConverter, "id")

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
]
