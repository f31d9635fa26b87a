"""How many codes one client may look up: the public verify page answers a few dozen lookups per
client and window, so the 2**60 codes cannot be tried one by one.

Counted in Django's cache (per process with the default local-memory cache, so behind several
workers the limit is per worker; a shared cache such as Redis or the database cache makes it
global). The client's address is kept only as a keyed hash.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache

# Lookups per client and window; settings may lower or raise them.
LOOKUPS = 30
WINDOW_SECONDS = 600


def _limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "CERTIFICATE_VERIFY_LOOKUPS", LOOKUPS)),
        int(getattr(settings, "CERTIFICATE_VERIFY_WINDOW", WINDOW_SECONDS)),
    )


def _key(address: str, window: int) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), (address or "").encode(), hashlib.sha256
    ).hexdigest()[:32]
    return f"certificates.verify:{digest}:{window}"


def lookup_allowed(address: str, *, now: float | None = None) -> bool:
    """Count one lookup by the client at `address`; False once it is over the window's limit."""
    lookups, seconds = _limits()
    window = int((time.time() if now is None else now) // seconds)
    key = _key(address, window)
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= lookups
