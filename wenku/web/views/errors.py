from django.shortcuts import render


def bad_request(request, exception=None):
    """Django's own 400 view re-runs the CSRF check (requires_csrf_token), which reads the body again: a body Django
    refused (a form in another charset than UTF-8) then raised a second time, and the 400 became a 500."""
    return render(request, "web/400.html", status=400)


def not_found(request, exception=None):
    return render(request, "web/404.html", status=404)


def server_error(request):
    return render(request, "web/500.html", status=500)
