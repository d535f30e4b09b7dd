"""Socket tokens: signed, expiring, and worthless once tampered with."""

from itsdangerous import URLSafeTimedSerializer

from app.accounts import Identity, sign_socket_token, verify_socket_token
from tests.factories import make_user

SECRET = "a test secret that is long enough"
DAY = 24 * 3600


async def test_a_token_carries_the_users_id_and_session_generation():
    user = await make_user()
    token = sign_socket_token(SECRET, user)
    assert verify_socket_token(SECRET, token, max_age=DAY) == Identity(user.id, user.session_generation)


async def test_a_tampered_token_is_rejected():
    token = sign_socket_token(SECRET, await make_user())
    payload, _, signature = token.rpartition(".")
    # The first character: the last one carries padding bits that decoding ignores.
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert verify_socket_token(SECRET, f"{payload}.{flipped}", max_age=DAY) is None
    assert verify_socket_token(SECRET, "x" + token, max_age=DAY) is None


async def test_an_expired_token_is_rejected():
    token = sign_socket_token(SECRET, await make_user())
    assert verify_socket_token(SECRET, token, max_age=-1) is None


async def test_a_token_signed_with_another_secret_is_rejected():
    token = sign_socket_token("some other secret entirely", await make_user())
    assert verify_socket_token(SECRET, token, max_age=DAY) is None


def test_garbage_and_well_signed_tokens_of_the_wrong_shape_are_rejected():
    serializer = URLSafeTimedSerializer(SECRET, salt="videologue user socket")
    assert verify_socket_token(SECRET, "", max_age=DAY) is None
    assert verify_socket_token(SECRET, "not.a.token", max_age=DAY) is None
    for payload in ([1], [1, 2, 3], ["one", "two"], [None, None], 7, "ab"):
        assert verify_socket_token(SECRET, serializer.dumps(payload), max_age=DAY) is None
