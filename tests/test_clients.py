"""The client's IP address (app/clients.py): the socket's peer unless a trusted proxy forwarded it."""

import pytest

from app.clients import client_ip, parse_networks

PROXIES = parse_networks("10.0.0.0/8, 192.0.2.1 2001:db8::/32")


def scope(peer: str | None, *forwarded_for: str) -> dict:
    """An HTTP scope from `peer`, with one X-Forwarded-For header per value."""
    return {"type": "http", "client": (peer, 50000) if peer else None,
            "headers": [(b"x-forwarded-for", value.encode()) for value in forwarded_for]}


def test_without_trusted_proxies_the_socket_peer_is_the_client():
    assert client_ip(scope("198.51.100.7")) == "198.51.100.7"


def test_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored():
    assert client_ip(scope("198.51.100.7", "203.0.113.9"), PROXIES) == "198.51.100.7"
    assert client_ip(scope("198.51.100.7", "10.0.0.5"), ()) == "198.51.100.7"


def test_through_a_trusted_proxy_the_forwarded_client_is_the_client():
    assert client_ip(scope("10.0.0.5", "203.0.113.9"), PROXIES) == "203.0.113.9"


def test_addresses_a_client_put_before_its_own_are_ignored():
    # The client sent "1.2.3.4" itself; the proxy appended the address it really saw.
    assert client_ip(scope("10.0.0.5", "1.2.3.4, 203.0.113.9"), PROXIES) == "203.0.113.9"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    forwarded = scope("10.0.0.5", "1.2.3.4, 203.0.113.9, 192.0.2.1", "10.1.1.1")
    assert client_ip(forwarded, PROXIES) == "203.0.113.9"


def test_garbage_in_the_header_stops_the_walk_at_the_last_trusted_hop():
    assert client_ip(scope("10.0.0.5", "203.0.113.9, not-an-ip, 10.2.2.2"), PROXIES) == "10.2.2.2"


def test_when_every_hop_is_a_trusted_proxy_the_left_most_is_the_client():
    assert client_ip(scope("10.0.0.5", "10.9.9.9, 10.8.8.8"), PROXIES) == "10.9.9.9"
    assert client_ip(scope("10.0.0.5"), PROXIES) == "10.0.0.5"


def test_ipv6_and_ipv4_mapped_addresses_are_written_one_way():
    assert client_ip(scope("2001:DB8:0:0::1", "2001:0db9::0001"), PROXIES) == "2001:db9::1"
    assert client_ip(scope("::ffff:198.51.100.7")) == "198.51.100.7"


@pytest.mark.parametrize("peer", [None, "testclient"])
def test_a_peer_that_is_no_ip_address_is_kept_as_it_is_and_never_trusted(peer):
    assert client_ip(scope(peer, "203.0.113.9"), PROXIES) == (peer or "unknown")
