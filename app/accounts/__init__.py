"""Accounts context: users, passwords, signed-in identities and socket tokens."""

from app.accounts.directory import find_users_by_usernames, get_user_by_username, list_users_by_prefix
from app.accounts.passwords import HashingBusy
from app.accounts.tables import User
from app.accounts.tokens import Identity, sign_socket_token, verify_socket_token
from app.accounts.users import (
    authenticate_user,
    change_password,
    clean_guest_name,
    create_guest,
    get_signed_in_user,
    list_users_by_ids,
    register_user,
    sign_out_everywhere,
    still_signed_in,
)

__all__ = [
    "HashingBusy",
    "Identity",
    "User",
    "authenticate_user",
    "change_password",
    "clean_guest_name",
    "create_guest",
    "find_users_by_usernames",
    "get_signed_in_user",
    "get_user_by_username",
    "list_users_by_ids",
    "list_users_by_prefix",
    "register_user",
    "sign_out_everywhere",
    "sign_socket_token",
    "still_signed_in",
    "verify_socket_token",
]
