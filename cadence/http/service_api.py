"""Liveness, readiness and metrics: what an orchestrator and Prometheus scrape."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from cadence.http.deps import StateDep
from cadence.http.problems import problem

router = APIRouter(tags=["service"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
async def readyz(state: StateDep) -> dict[str, object] | Response:
    checks: dict[str, str] = {}
    try:
        async with state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    if state.settings.redis_url:
        try:
            import redis.asyncio as aioredis

            client = aioredis.from_url(state.settings.redis_url, socket_timeout=2)
            try:
                await client.ping()
            finally:
                await client.aclose()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
    if all(v == "ok" for v in checks.values()):
        return {"status": "ready", "checks": checks}
    return problem(
        503,
        "Not ready: " + ", ".join(f"{k} {v}" for k, v in checks.items()),
        slug="not-ready",
        checks=checks,
    )


@router.get("/metrics", response_class=Response)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
