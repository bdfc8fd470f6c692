from django.http import JsonResponse
from django.shortcuts import render

BAD_REQUEST = "无法处理这个请求：请求的格式不正确（例如表单不是 UTF-8 编码，或一次上传的文件太多）。"


def bad_request(request, exception=None):
    """Django's own 400 view re-runs the CSRF check (requires_csrf_token), which reads the body again: a body Django
    refused (a form in another charset than UTF-8) then raised a second time, and the 400 became a 500.
    API clients get JSON, as from every other API error."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": BAD_REQUEST}, status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "web/400.html", {"message": BAD_REQUEST}, status=400)


def not_found(request, exception=None):
    return render(request, "web/404.html", status=404)


def server_error(request):
    return render(request, "web/500.html", status=500)
