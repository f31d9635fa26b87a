"""Who is asking: the client's address for rate limits on public pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The sender's address: the proxy's forwarded address only behind a configured proxy (the
    same setting as the sign-in lock-out, AXES_PROXY_COUNT), so a client cannot pick its own."""
    if getattr(settings, "AXES_IPWARE_PROXY_COUNT", None):
        from axes.helpers import get_client_ip_address

        return get_client_ip_address(request) or ""
    return request.META.get("REMOTE_ADDR", "")
