"""Security headers Django's own SecurityMiddleware does not send: Content-Security-Policy and
Permissions-Policy (it sends nosniff, Referrer-Policy, Cross-Origin-Opener-Policy and HSTS; the
clickjacking middleware sends X-Frame-Options)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

# Only our own files run and style the pages: no inline <script>, no on…= handlers, no style=""
# (data for scripts goes in `json_script`, which the browser does not execute). Images are our
# own files too: data: pictures and QR codes exist only in the HTML WeasyPrint turns into PDF on
# the server, which no browser loads. The Django admin obeys the same policy (its pages have no
# inline code since Django 4.x).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
# No page needs the camera, the microphone or the position of the device.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"


class SecurityHeadersMiddleware:
    """Adds the policies to every response that has not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
