"""Per-request context: the client address for throttling and audit."""


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client_ip = client_ip(request)
        return self.get_response(request)


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the visitor chose another language with the switcher.

    The browser's Accept-Language is ignored on purpose: many phones in Vietnam are set
    to English, and their owners still read Vietnamese best.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        codes = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in codes else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
