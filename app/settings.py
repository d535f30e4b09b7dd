"""The one reader of environment variables: a frozen Settings object."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.clients import Network, parse_networks
from app.origins import normalise_origin
from app.throttle.limits import Limit

ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET_FILE = ROOT / "var" / "secret-key"
# Earlier versions defaulted to this published value: a key anyone can forge tokens with.
PUBLISHED_SECRET = "dev-secret-change-me"


class ConfigurationError(RuntimeError):
    """Raised when the environment describes an app that must not start."""


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment, read once."""

    secret_key: str = ""
    production: bool = False
    database_url: str | None = None
    sqlite_path: Path = ROOT / "var" / "videologue.sqlite"
    redis_url: str | None = None
    media_dir: Path = ROOT / "var" / "media"
    session_dir: Path = ROOT / "var" / "sessions"
    node_id: str = field(default_factory=lambda: f"{socket.gethostname()}-{secrets.token_hex(4)}")
    token_max_age: int = 14 * 24 * 3600
    annotation_burst: int = 5
    annotation_per_second: float = 1.0
    reaction_burst: int = 20
    reaction_per_second: float = 5.0
    reaction_window: float = 0.25
    guest_address_burst: int = 15
    guest_address_per_second: float = 3.0
    live_backlog: int = 256
    live_max_frame: int = 16 * 1024
    replay_batch: int = 200
    presence_ttl: float = 20.0
    presence_heartbeat: float = 5.0
    presence_coalesce: float = 0.25
    upload_max_bytes: int = 500 * 1024 * 1024
    upload_quota_bytes: int = 2048 * 1024 * 1024
    uploads_in_flight: int = 2
    upload_free_reserve_bytes: int = 1024 * 1024 * 1024
    upload_read_timeout: float = 30.0
    gc_full_every: float = 300.0
    public_origins: tuple[str, ...] = ()
    metrics_token: str | None = None
    trusted_proxies: tuple[Network, ...] = ()
    sign_in_per_ip: Limit = Limit(30, 3600)
    sign_in_per_username: Limit = Limit(10, 3 * 3600)
    register_per_ip: Limit = Limit(20, 24 * 3600)
    share_link_per_ip: Limit = Limit(60, 3600)
    hash_queue: int = 32
    host: str = "127.0.0.1"
    port: int = 4000
    live_max_message: int = 64 * 1024
    live_ping_interval: float = 20.0
    live_ping_timeout: float = 20.0
    shutdown_timeout: float = 25.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables, refusing unsafe production set-ups."""
        env = os.environ if env is None else env
        defaults = cls()
        settings = cls(
            secret_key=env.get("SECRET_KEY", ""),
            production=env.get("APP_ENV", "development") == "production",
            database_url=env.get("DATABASE_URL") or None,
            sqlite_path=Path(env.get("SQLITE_PATH", defaults.sqlite_path)),
            redis_url=env.get("REDIS_URL") or None,
            media_dir=Path(env.get("MEDIA_DIR", defaults.media_dir)),
            session_dir=Path(env.get("SESSION_DIR", defaults.session_dir)),
            node_id=env.get("NODE_ID") or defaults.node_id,
            annotation_burst=int(env.get("ANNOTATION_BURST", defaults.annotation_burst)),
            annotation_per_second=float(
                env.get("ANNOTATION_PER_SECOND", defaults.annotation_per_second)
            ),
            reaction_burst=int(env.get("REACTION_BURST", defaults.reaction_burst)),
            reaction_per_second=float(env.get("REACTION_PER_SECOND", defaults.reaction_per_second)),
            reaction_window=int(env.get("LIVE_REACTION_WINDOW_MS", 250)) / 1000,
            guest_address_burst=int(env.get("GUEST_ADDRESS_BURST", defaults.guest_address_burst)),
            guest_address_per_second=float(
                env.get("GUEST_ADDRESS_PER_SECOND", defaults.guest_address_per_second)),
            live_backlog=int(env.get("LIVE_BACKLOG", defaults.live_backlog)),
            presence_ttl=float(env.get("PRESENCE_TTL", defaults.presence_ttl)),
            presence_heartbeat=float(env.get("PRESENCE_HEARTBEAT", defaults.presence_heartbeat)),
            upload_max_bytes=int(env.get("UPLOAD_MAX_MB", 500)) * 1024 * 1024,
            upload_quota_bytes=int(env.get("UPLOAD_QUOTA_MB", 2048)) * 1024 * 1024,
            uploads_in_flight=int(env.get("UPLOADS_IN_FLIGHT", defaults.uploads_in_flight)),
            upload_free_reserve_bytes=int(env.get("UPLOAD_FREE_RESERVE_MB", 1024)) * 1024 * 1024,
            upload_read_timeout=float(env.get("UPLOAD_READ_TIMEOUT", defaults.upload_read_timeout)),
            gc_full_every=float(env.get("GC_FULL_EVERY", defaults.gc_full_every)),
            public_origins=_origins(env.get("PUBLIC_ORIGINS", "")),
            metrics_token=env.get("METRICS_TOKEN") or None,
            **_throttles(env),
            host=env.get("HOST", defaults.host),
            port=int(env.get("PORT", defaults.port)),
            live_max_message=int(env.get("LIVE_MAX_MESSAGE_KB", 64)) * 1024,
            live_ping_interval=float(env.get("LIVE_PING_INTERVAL", defaults.live_ping_interval)),
            live_ping_timeout=float(env.get("LIVE_PING_TIMEOUT", defaults.live_ping_timeout)),
            shutdown_timeout=float(env.get("SHUTDOWN_TIMEOUT", defaults.shutdown_timeout)),
        )
        if settings.upload_read_timeout <= 0:
            raise ConfigurationError("UPLOAD_READ_TIMEOUT must be a number of seconds above 0")
        if settings.secret_key in ("", PUBLISHED_SECRET):
            if settings.production:
                raise ConfigurationError("APP_ENV=production needs a SECRET_KEY of your own")
            settings = replace(settings, secret_key=development_secret(DEVELOPMENT_SECRET_FILE))
        return settings


def _origins(value: str) -> tuple[str, ...]:
    """PUBLIC_ORIGINS: comma-separated `scheme://host[:port]`, each normalised."""
    origins = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        if (origin := normalise_origin(item)) is None:
            raise ConfigurationError(f"PUBLIC_ORIGINS: {item!r} is not like https://host[:port]")
        origins.append(origin)
    return tuple(origins)


def development_secret(path: Path) -> str:
    """This checkout's own random key, generated into `path` (mode 0600) on first use, then reused.

    Several processes may start at once (a cluster, a test run): the key is written to a private
    temporary file and linked into place, so every one of them reads the same complete key.
    """
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(48) + "\n")
    try:
        os.link(draft, path)  # fails if another process linked its key first: read that one
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()


def _throttles(env: Mapping[str, str]) -> dict:
    """The throttle settings, or a ConfigurationError naming the variable that is wrong."""
    readers = {"TRUSTED_PROXIES": ("trusted_proxies", parse_networks),
               "SIGN_IN_PER_IP": ("sign_in_per_ip", Limit.parse),
               "SIGN_IN_PER_USERNAME": ("sign_in_per_username", Limit.parse),
               "REGISTER_PER_IP": ("register_per_ip", Limit.parse),
               "SHARE_LINK_PER_IP": ("share_link_per_ip", Limit.parse),
               "HASH_QUEUE": ("hash_queue", lambda text: max(1, int(text)))}
    values = {}
    for variable, (name, read) in readers.items():
        if variable in env:
            try:
                values[name] = read(env[variable])
            except ValueError as error:
                raise ConfigurationError(f"{variable}: {error}") from error
    return values
