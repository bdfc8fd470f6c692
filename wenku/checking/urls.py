from django.urls import path

from wenku.checking import views

app_name = "checking"

urlpatterns = [
    path("check/", views.check, name="check"),
    path("check/report/", views.report, name="report"),
]
