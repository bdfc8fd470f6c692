"""The client's address and scheme behind reverse proxies the site owner trusts (WENKU_TRUSTED_PROXIES).

Only when the request comes straight from a trusted proxy are its X-Forwarded-For and X-Forwarded-Proto believed:
X-Forwarded-For is read from the right (each proxy appends the address it was reached from), skipping trusted
proxies, and the first address that is not one is the client's. It replaces REMOTE_ADDR, so that everything that
counts by address (login and 查重 limits, view counts) counts readers, not the proxy. From anyone else both headers
are ignored: a client cannot choose its own address or scheme.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies: tuple[Network, ...] = tuple(settings.WENKU_TRUSTED_PROXIES)

    def __call__(self, request):
        if self.proxies and _trusted(_parse(request.META.get("REMOTE_ADDR", "")), self.proxies):
            believe_proxy(request.META, self.proxies)
        return self.get_response(request)


def believe_proxy(meta: dict, proxies: tuple[Network, ...]) -> None:
    """Set REMOTE_ADDR and wsgi.url_scheme from the forwarded headers (the peer is known to be a trusted proxy)."""
    client = client_address(meta.get("HTTP_X_FORWARDED_FOR", ""), proxies)
    if client is not None:
        meta["REMOTE_ADDR"] = str(client)
    # The nearest proxy's word counts: the rightmost value, if a proxy appended rather than replaced the header.
    scheme = meta.get("HTTP_X_FORWARDED_PROTO", "").rsplit(",", 1)[-1].strip().lower()
    if scheme in ("http", "https"):
        meta["wsgi.url_scheme"] = scheme  # WSGIRequest.META is its environ: request.scheme and is_secure() follow


def client_address(forwarded_for: str, proxies: tuple[Network, ...]) -> Address | None:
    """The first address from the right of an X-Forwarded-For value that is not a trusted proxy; if all are, the
    leftmost; if an entry cannot be read, the last one read (a trusted proxy wrote everything right of it)."""
    found = None
    for entry in reversed(forwarded_for.split(",")):
        address = _parse(entry)
        if address is None:
            break
        found = address
        if not _trusted(address, proxies):
            break
    return found


def _trusted(address: Address | None, proxies: tuple[Network, ...]) -> bool:
    if address is None:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address.version == network.version and address in network for network in proxies)


def _parse(text: str) -> Address | None:
    """An address as proxies write it: ``1.2.3.4``, ``2001:db8::1``, ``[2001:db8::1]``, ``1.2.3.4:5678``,
    ``[2001:db8::1]:5678``; None for anything else (``unknown``, obfuscated names, garbage)."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
