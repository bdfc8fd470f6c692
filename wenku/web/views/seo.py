from django.http import HttpResponse
from django.urls import reverse

from wenku.web.absolute import absolute_url


def robots_txt(request):
    sitemap = absolute_url(request, reverse("sitemap-index"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/", "Allow: /", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
