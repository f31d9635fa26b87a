"""The client's address behind nginx (core.clients): lock-outs and public rate limits use it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from core.clients import client_address


def request(forwarded: str | None, remote: str = "127.0.0.1") -> Any:
    extra: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),  # nginx added the client's address
        ("6.6.6.6, 203.0.113.7", "203.0.113.7"),  # a forged entry stays on the left
        (" 6.6.6.6 ,203.0.113.7 ", "203.0.113.7"),
        (None, "127.0.0.1"),  # no header: the connection's address (nginx's)
        ("", "127.0.0.1"),
    ],
)
def test_it_takes_the_address_nginx_added_behind_one_proxy(
    settings: Any, forwarded: str | None, expected: str
) -> None:
    settings.PROXY_COUNT = 1

    assert client_address(request(forwarded)) == expected


def test_it_counts_entries_from_the_right_behind_two_proxies(settings: Any) -> None:
    settings.PROXY_COUNT = 2

    assert client_address(request("6.6.6.6, 203.0.113.7, 10.0.0.5")) == "203.0.113.7"
    assert client_address(request("203.0.113.7")) == "127.0.0.1"  # shorter than the chain


def test_it_ignores_the_header_without_a_proxy(settings: Any) -> None:
    settings.PROXY_COUNT = 0

    assert client_address(request("203.0.113.7", remote="198.51.100.2")) == "198.51.100.2"


def test_sign_in_lock_outs_read_the_same_address(settings: Any) -> None:
    from axes.helpers import get_client_ip_address

    settings.PROXY_COUNT = 1

    assert settings.AXES_CLIENT_IP_CALLABLE == "core.clients.client_address"
    assert get_client_ip_address(request("6.6.6.6, 203.0.113.7")) == "203.0.113.7"
