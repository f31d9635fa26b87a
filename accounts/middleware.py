"""Choose the interface language: the user's preference, else the language cookie, else Vietnamese.

The browser's Accept-Language is deliberately ignored: the product speaks Vietnamese unless a user
chooses English.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        available = dict(settings.LANGUAGES)
        user = getattr(request, "user", None)
        language = settings.LANGUAGE_CODE
        if user is not None and user.is_authenticated and user.language in available:
            language = user.language
        elif request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in available:
            language = request.COOKIES[settings.LANGUAGE_COOKIE_NAME]
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
