"""Registration, sign-in, sign-out, sessions and password change over HTTP."""

import pytest
from litestar.testing import TestClient

from app import accounts
from app.main import create_app
from app.settings import Settings
from tests.conftest import post_form, sign_in
from tests.factories import PASSWORD, make_user, unique_username
from tests.web.conftest import field_error, signed_in_as

SIGN_IN_FAILED = "That username and password do not match an account."


def register(client, **fields):
    """Submit the registration form with sensible defaults."""
    form = {"name": "Grace Hopper", "username": unique_username(), "password": PASSWORD, **fields}
    return post_form(client, "/register", form, follow_redirects=False)


def test_registering_signs_the_new_user_in_and_welcomes_them(client):
    username = unique_username("new")
    response = register(client, username=username)
    assert (response.status_code, response.headers["location"]) == (302, "/")
    assert "Welcome to Videologue, Grace Hopper!" in client.get("/").text
    assert signed_in_as(client) == username


def test_registration_errors_are_shown_next_to_each_field_and_no_account_is_made(client, run):
    username = unique_username("bad")
    response = register(client, name=" ", username=username + "!", password="short")
    assert response.status_code == 422
    assert field_error(response.text, "name") == "Enter your name."
    assert field_error(response.text, "username") == "Use 3–20 letters, digits or underscores."
    assert field_error(response.text, "password") == "Use at least 8 characters."
    assert f'value="{username}!"' in response.text
    assert signed_in_as(client) is None
    assert run(accounts.authenticate_user, username + "!", "short") is None


def test_duplicate_username_in_another_case_is_rejected_on_the_form(client, run):
    taken = run(make_user).username
    response = register(client, username=taken.swapcase())
    assert response.status_code == 422
    assert field_error(response.text, "username") == "That username is taken."


def test_html_in_a_name_is_shown_as_text_in_the_welcome_message(client):
    register(client, name="<b>Bold</b>")
    page = client.get("/").text
    assert "Welcome to Videologue, &lt;b&gt;Bold&lt;/b&gt;!" in page
    assert "<b>Bold</b>" not in page


def test_signing_in_goes_home_and_shows_who_is_signed_in(client, run):
    user = run(make_user)
    response = sign_in(client, user.username)
    assert (response.status_code, response.headers["location"]) == (302, "/")
    assert signed_in_as(client) == user.username


def test_wrong_username_and_wrong_password_get_the_same_message(client, run):
    user = run(make_user)
    wrong_password = sign_in(client, user.username, "not the password")
    unknown_user = sign_in(client, unique_username("ghost"))
    assert wrong_password.status_code == unknown_user.status_code == 401
    messages = [page.text.split('role="alert">')[1].split("<")[0] for page in (wrong_password, unknown_user)]
    assert messages == [SIGN_IN_FAILED, SIGN_IN_FAILED]
    assert signed_in_as(client) is None


def test_signing_in_renews_the_session_and_the_old_session_id_signs_nobody_in(client, run):
    # A visitor's session, made to carry the sign-in flash (not followed: showing it would end it).
    client.get("/manage/videos", follow_redirects=False)
    planted = client.cookies["session"]
    user = run(make_user)
    sign_in(client, user.username)
    assert client.cookies["session"] != planted
    assert signed_in_as(client) == user.username
    with TestClient(app=create_app(Settings.from_env()), base_url="http://testserver.local") as attacker:
        attacker.cookies.set("session", planted)
        assert signed_in_as(attacker) is None
        assert attacker.get("/manage/videos", follow_redirects=False).status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(client, run):
    response = sign_in(client, run(make_user).username)
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("session="))
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=lax"} <= attributes
    assert "secure" not in attributes  # development serves plain HTTP; production is tested in test_settings


def test_a_page_that_needs_a_user_sends_visitors_to_sign_in_and_back_afterwards(client, run):
    response = client.get("/manage/videos/new", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (302, "/sign-in?next=/manage/videos/new")
    sign_in_page = client.get(response.headers["location"]).text
    assert "Please sign in to continue." in sign_in_page
    assert 'name="next" value="/manage/videos/new"' in sign_in_page
    user = run(make_user)
    response = post_form(client, "/sign-in", {"username": user.username, "password": PASSWORD,
                                              "next": "/manage/videos/new"}, follow_redirects=False)
    assert response.headers["location"] == "/manage/videos/new"
    assert client.get("/manage/videos/new").status_code == 200


@pytest.mark.parametrize("target", [
    "https://evil.example/steal",
    "//evil.example/steal",
    "/\\evil.example/steal",
    "\\\\evil.example/steal",
    "http:evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
])
def test_next_pointing_to_another_site_is_refused(client, run, target):
    assert f'value="{target}"' not in client.get("/sign-in", params={"next": target}).text
    user = run(make_user)
    response = post_form(client, "/sign-in", {"username": user.username, "password": PASSWORD,
                                              "next": target}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_next_keeps_a_local_path_with_its_query(client, run):
    user = run(make_user)
    response = post_form(client, "/sign-in", {"username": user.username, "password": PASSWORD,
                                              "next": "/?page=2&q=https://example.com/x"},
                         follow_redirects=False)
    assert response.headers["location"] == "/?page=2&q=https://example.com/x"


def test_a_form_post_without_a_csrf_token_is_forbidden(client, run):
    user = run(make_user)
    client.get("/sign-in")
    response = client.post("/sign-in", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 403
    assert signed_in_as(client) is None


def test_a_form_post_with_a_wrong_csrf_token_is_forbidden(client, user):
    response = client.post("/sign-out", data={"_csrf_token": "forged"})
    assert response.status_code == 403
    assert signed_in_as(client) == user.username


def test_signing_out_ends_the_session(client, user):
    session = client.cookies["session"]
    response = post_form(client, "/sign-out", {}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (302, "/")
    assert "You have signed out." in client.get("/").text
    assert signed_in_as(client) is None
    client.cookies.set("session", session)
    assert signed_in_as(client) is None


def test_signing_out_signs_out_the_users_other_sessions_too(client, second_client, user):
    sign_in(second_client, user.username)
    assert signed_in_as(second_client) == user.username
    post_form(client, "/sign-out", {})
    assert signed_in_as(second_client) is None
    assert second_client.get("/manage/videos", follow_redirects=False).status_code == 302


def test_changing_the_password_keeps_this_session_and_signs_out_the_others(client, second_client, user, run):
    sign_in(second_client, user.username)
    response = post_form(client, "/account/password",
                         {"current_password": PASSWORD, "new_password": "a brand new secret"},
                         follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (302, "/")
    assert signed_in_as(client) == user.username
    assert signed_in_as(second_client) is None
    assert run(accounts.authenticate_user, user.username, PASSWORD) is None
    assert sign_in(second_client, user.username, "a brand new secret").status_code == 302


def test_changing_the_password_refuses_a_wrong_current_password(client, user, run):
    response = post_form(client, "/account/password",
                         {"current_password": "not my password", "new_password": "a brand new secret"})
    assert response.status_code == 422
    assert field_error(response.text, "current_password") == "That is not your current password."
    assert run(accounts.authenticate_user, user.username, PASSWORD).id == user.id
    assert signed_in_as(client) == user.username


def test_changing_the_password_refuses_a_short_new_password(client, user, run):
    response = post_form(client, "/account/password", {"current_password": PASSWORD, "new_password": "short"})
    assert field_error(response.text, "new_password") == "Use at least 8 characters."
    assert run(accounts.authenticate_user, user.username, PASSWORD).id == user.id


def test_the_password_page_needs_a_signed_in_user(client):
    response = client.get("/account/password", follow_redirects=False)
    assert response.headers["location"] == "/sign-in?next=/account/password"


@pytest.mark.parametrize(("referer", "back"), [
    ("http://testserver.local/manage/videos/new", "/manage/videos/new"),
    ("https://evil.example/manage/videos/new", "/"),
])
def test_a_form_posted_after_the_session_ended_returns_to_the_referring_page_of_this_site(
        client, second_client, user, referer, back):
    sign_in(second_client, user.username)
    post_form(second_client, "/sign-out", {})
    response = post_form(client, "/manage/videos", {"title": "Late"}, headers={"referer": referer},
                         follow_redirects=False)
    assert response.headers["location"] == f"/sign-in?next={back}"
