"""Throwaway PostgreSQL and Redis servers for tests and `make cluster`; never used in production."""

from app.devservices.postgres import PostgresCluster
from app.devservices.redis_server import RedisServer

__all__ = ["PostgresCluster", "RedisServer"]
