"""The one launcher: uvicorn's transport settings come from Settings, and everyone starts it."""

import re
from dataclasses import replace

import pytest
import uvicorn
from uvicorn.importer import import_from_string
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from app.launcher import Launch, parse_launch, uvicorn_options
from app.settings import ROOT, Settings

# Any other way of starting the app: naming its factory to uvicorn, or uvicorn's own command.
OTHER_LAUNCHERS = re.compile(r'app\.main:create_app|-m uvicorn|"-m", "uvicorn"|\buvicorn (app|--)')


def config(settings: Settings, launch: Launch | None = None) -> uvicorn.Config:
    """The uvicorn configuration the launcher would serve with (a plain launch by default)."""
    return uvicorn.Config(**uvicorn_options(settings, launch or Launch()))


def test_the_transport_settings_come_from_settings():
    settings = Settings.from_env({"LIVE_MAX_MESSAGE_KB": "32", "LIVE_PING_INTERVAL": "7",
                                  "LIVE_PING_TIMEOUT": "9", "SHUTDOWN_TIMEOUT": "4",
                                  "HOST": "0.0.0.0", "PORT": "5123", "SECRET_KEY": "x"})
    served = config(settings)
    assert issubclass(import_from_string(served.ws), WebSocketsSansIOProtocol)
    assert served.ws_per_message_deflate is False
    assert served.ws_max_size == 32 * 1024
    assert (served.ws_ping_interval, served.ws_ping_timeout) == (7, 9)
    assert served.timeout_graceful_shutdown == 4
    assert (served.host, served.port, served.fd) == ("0.0.0.0", 5123, None)
    assert served.factory and served.app == "app.main:create_app"
    assert not served.reload and served.workers == 1


@pytest.mark.parametrize(("proxies", "trusted"), [
    ("", []), ("127.0.0.1, 10.0.0.0/8", ["127.0.0.1/32", "10.0.0.0/8"])])
def test_uvicorn_believes_proxy_headers_from_trusted_proxies_only(proxies, trusted):
    served = config(Settings.from_env({"TRUSTED_PROXIES": proxies, "SECRET_KEY": "x"}))
    assert served.forwarded_allow_ips == trusted  # not uvicorn's default, 127.0.0.1


def test_by_default_the_transport_refuses_messages_over_64_kib_and_frames_over_16_kib_are_the_apps():
    settings = Settings.from_env({"SECRET_KEY": "x"})
    assert config(settings).ws_max_size == 64 * 1024 == settings.live_max_message
    assert settings.live_max_frame == 16 * 1024 < settings.live_max_message


def test_the_command_line_chooses_only_what_differs_per_launch():
    settings = Settings.from_env({"SECRET_KEY": "x"})
    on_fd = config(settings, parse_launch(["--fd", "7", "--workers", "2"], settings))
    assert (on_fd.fd, on_fd.workers) == (7, 2)
    reloading = config(settings, parse_launch(["--reload", "--port", "0"], settings))
    assert reloading.reload and reloading.reload_dirs == [ROOT / "app"]
    assert reloading.port == 0
    legacy = config(settings, parse_launch(["--ws", "websockets"], settings))
    assert legacy.ws == "websockets" and legacy.ws_max_size == settings.live_max_message


@pytest.mark.parametrize("argv", [["--reload", "--workers", "2"], ["--fd", "3", "--port", "80"]])
def test_launches_that_cannot_be_served_are_refused(argv):
    with pytest.raises(SystemExit):
        parse_launch(argv, Settings.from_env({"SECRET_KEY": "x"}))


def test_production_never_reloads():
    production = replace(Settings.from_env({"SECRET_KEY": "x"}), production=True)
    with pytest.raises(SystemExit):
        parse_launch(["--reload"], production)


def test_every_launcher_and_every_documented_command_goes_through_python_m_app():
    sources = [ROOT / "Makefile", ROOT / "README.md",
               *[path for folder in ("app", "bench", "docs", "tests") for path in
                 (ROOT / folder).rglob("*") if path.suffix in (".py", ".md") and path.is_file()]]
    others = {str(path.relative_to(ROOT)) for path in sources
              if path.name not in ("launcher.py", "test_launcher.py")
              and OTHER_LAUNCHERS.search(path.read_text())}
    assert others == set()
    assert "$(RUN) python -m app --reload" in (ROOT / "Makefile").read_text()
    for launcher in ("app/devservices/cluster.py", "tests/server.py"):
        assert '"-m", "app", "--' in (ROOT / launcher).read_text()
    assert '"-m"]' in (ROOT / "bench/servers.py").read_text()
    assert 'return [*pin, "app", ' in (ROOT / "bench/servers.py").read_text()
