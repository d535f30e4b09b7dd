"""Reading a limit from a setting (app/throttle/limits.py)."""

import pytest

from app.settings import ConfigurationError, Settings
from app.throttle import Limit


@pytest.mark.parametrize(("text", "burst", "period"), [
    ("30/1h", 30, 3600), ("10/3h", 10, 10800), ("20/1d", 20, 86400), ("5/m", 5, 60),
    (" 7 / 90s ", 7, 90),
])
def test_a_limit_is_a_burst_over_a_period(text, burst, period):
    assert Limit.parse(text) == Limit(burst, period)


def test_one_attempt_comes_back_every_period_over_burst():
    assert Limit.parse("10/3h").every == 1080


@pytest.mark.parametrize("text", ["10", "0/1h", "10/0h", "10/1w", "ten/1h", "-1/1h", "1e9/1h", ""])
def test_a_malformed_limit_stops_the_app_naming_the_variable(text):
    with pytest.raises(ConfigurationError, match="SIGN_IN_PER_USERNAME"):
        Settings.from_env({"SIGN_IN_PER_USERNAME": text})


def test_the_defaults_are_the_documented_ones():
    settings = Settings.from_env({})
    assert settings.sign_in_per_ip == Limit(30, 3600)
    assert settings.sign_in_per_username == Limit(10, 3 * 3600)
    assert settings.register_per_ip == Limit(20, 24 * 3600)
    assert settings.share_link_per_ip == Limit(60, 3600)
    assert (settings.hash_queue, settings.trusted_proxies) == (32, ())


@pytest.mark.parametrize(("variable", "value"), [("TRUSTED_PROXIES", "nginx.internal"),
                                                 ("HASH_QUEUE", "lots")])
def test_a_malformed_proxy_list_or_queue_size_stops_the_app(variable, value):
    with pytest.raises(ConfigurationError, match=variable):
        Settings.from_env({variable: value})


def test_the_share_link_limit_is_read_from_its_variable():
    assert Settings.from_env({"SHARE_LINK_PER_IP": "5/1m"}).share_link_per_ip == Limit(5, 60)
