"""GET /metrics: this process's Prometheus metrics, for a scraper on loopback or with METRICS_TOKEN.

HTTP requests are measured by Litestar's Prometheus middleware; the sockets by app.live.metrics.
Anyone else gets the same 404 as an unknown path, so the endpoint does not reveal itself.
"""

import hmac
from ipaddress import IPv6Address, ip_address

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import NotFoundException
from litestar.handlers import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.types import Scope

# A request relayed by a proxy on this machine arrives from loopback; these say it did.
PROXY_HEADERS = frozenset({b"x-forwarded-for", b"x-real-ip", b"forwarded"})

# Route templates (`/watch/{video_id}`), not paths, so each route is one series.
HTTP_METRICS = PrometheusConfig(app_name="videologue", prefix="videologue_http", group_path=True,
                                scopes={ScopeType.HTTP})


def _is_loopback(host: str) -> bool:
    try:
        address = ip_address(host)
    except ValueError:
        return False
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def metrics_allowed(scope: Scope, token: str | None) -> bool:
    """True when the request may read the metrics: it carries `Authorization: Bearer <token>`,
    or it carries no Authorization and comes straight from loopback (no proxy header)."""
    headers = scope["headers"]
    authorization = next((value for name, value in headers if name == b"authorization"), None)
    if authorization is not None:  # a credential that is offered must be the right one
        return token is not None and hmac.compare_digest(authorization, b"Bearer " + token.encode())
    if any(name in PROXY_HEADERS for name, _ in headers):
        return False
    client = scope.get("client")
    return client is not None and _is_loopback(client[0])


async def metrics_access(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Answer 404, as for an unknown path, unless metrics_allowed."""
    if not metrics_allowed(connection.scope, connection.app.state.settings.metrics_token):
        raise NotFoundException()


class MetricsController(PrometheusController):
    """The Prometheus text exposition of this process's registry, for allowed scrapers only."""

    guards = [metrics_access]
    include_in_schema = False
