"""The client address of a request, believing X-Forwarded-For only from trusted proxies.

`adplane serve` runs uvicorn with `proxy_headers=False`, so the socket peer is what reaches the
app; `ADPLANE_TRUSTED_PROXIES` is then the only trust. Throttling keys on this address, so a
client that could choose it (a spoofed X-Forwarded-For) could dodge every per-address limit.
"""

from __future__ import annotations

import ipaddress

from starlette.requests import Request

from adplane.core.settings import IPNetwork, Settings


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None, networks: tuple[IPNetwork, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request: Request, settings: Settings) -> str:
    """The peer, or, when the peer is a trusted proxy, the nearest untrusted hop of X-Forwarded-For
    (read right to left: each trusted proxy appends the address it saw)."""
    peer = request.client.host if request.client else "unknown"
    networks = settings.trusted_proxy_networks
    current = _parse(peer)
    if not networks or not _trusted(current, networks):
        return current.compressed if current is not None else peer
    hops = [hop.strip() for value in request.headers.getlist("x-forwarded-for") for hop in value.split(",")]
    for hop in reversed([h for h in hops if h]):
        parsed = _parse(hop)
        if parsed is None:
            break  # a trusted proxy vouched for garbage: keep the proxy's own address
        current = parsed
        if not _trusted(current, networks):
            break
    assert current is not None
    return current.compressed
