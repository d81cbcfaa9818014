"""Per-request context: the client address for throttling and audit."""


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client_ip = client_ip(request)
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", getattr(request, "LANGUAGE_CODE", "vi"))
        return response
