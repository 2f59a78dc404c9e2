"""Where webhooks may be sent (SSRF): HTTPS to public addresses only.

Plain HTTP and loopback are allowed only to 127.0.0.1, localhost and [::1] when the service
runs in development or test. Private networks need GIAMNGHEO_WEBHOOK_ALLOW_PRIVATE_NETWORKS
(e.g. a government intranet). The address is checked again before every attempt, since DNS
may change; redirects are never followed.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
LOCAL_ENVS = frozenset({"development", "test"})


def url_problem(url: str, *, env: str, allow_private: bool) -> str | None:
    """Why this URL may not receive webhooks, or None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        return "not a valid URL"
    if not host:
        return "the URL has no host"
    if parts.username or parts.password:
        return "credentials in the URL are not allowed"
    if parts.fragment:
        return "a URL fragment is not allowed"
    local = env in LOCAL_ENVS and host in LOOPBACK_HOSTS
    if parts.scheme == "http":
        return None if local else "must be HTTPS (plain HTTP only to loopback in development)"
    if parts.scheme != "https":
        return "must be an https:// URL"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: its addresses are checked before each attempt
    return None if local else _address_problem(address, allow_private=allow_private)


def _address_problem(address, *, allow_private: bool) -> str | None:
    if address.is_global:
        return None
    if allow_private and address.is_private and not (address.is_loopback or address.is_link_local):
        return None
    return f"{address} is not a public address"


def resolve_problem(url: str, *, env: str, allow_private: bool) -> str | None:
    """Before an attempt: the URL is still acceptable and every address it resolves to too."""
    problem = url_problem(url, env=env, allow_private=allow_private)
    if problem:
        return problem
    parts = urlsplit(url)
    host = parts.hostname or ""
    if env in LOCAL_ENVS and host in LOOPBACK_HOSTS:
        return None
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        return f"cannot resolve {host}: {exc}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        problem = _address_problem(address, allow_private=allow_private)
        if problem:
            return f"{host} resolves to {problem.split(' is ')[0]}, not a public address"
    return None
