"""Probes for load balancers and orchestrators: is the process up, can it serve?"""

import asyncio
import logging

from litestar import Request, get
from litestar.response import Response

from app.database import ping

log = logging.getLogger(__name__)
# A dependency slower than this counts as down: a probe must answer before the prober gives up.
PROBE_TIMEOUT = 2.0


@get("/healthz", media_type="text/plain", sync_to_thread=False)
def healthz() -> str:
    """Liveness: the process answers HTTP. Touches no database, so it never hangs on one."""
    return "ok\n"


@get("/readyz", media_type="text/plain")
async def readyz(request: Request) -> Response[str]:
    """Readiness: 200 when the database and (when configured) Redis answer, 503 naming what
    does not."""
    checks = {"database": ping(request.app.state.engine),
              "redis": request.app.state.live.ping_redis()}
    failed = []
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check, PROBE_TIMEOUT)
        except Exception as error:  # any failure means "not ready", and says which
            log.warning("readiness: %s is not answering (%r)", name, error)
            failed.append(name)
    if failed:
        return Response(f"not ready: {', '.join(failed)} not answering\n", status_code=503,
                        headers={"Retry-After": "5"})
    return Response("ready\n")
