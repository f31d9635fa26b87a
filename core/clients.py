"""Who is asking: the client's address, for sign-in lock-outs (django-axes) and for the rate
limits of public pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The sender's address. Behind `PROXY_COUNT` proxies (AXES_PROXY_COUNT), each of which adds
    the address it was reached from to X-Forwarded-For, the client is that many entries from the
    right: whatever a client writes in the header itself stays to the left, so it cannot choose
    its address. Without a proxy, or with a header shorter than the chain, the connection's own."""
    hops = int(getattr(settings, "PROXY_COUNT", 0) or 0)
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return str(request.META.get("REMOTE_ADDR", ""))
