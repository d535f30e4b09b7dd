"""The accounts context's table: users with a slow password hash."""

from piccolo.columns import Boolean, Integer, Timestamptz, Varchar
from piccolo.table import Table


class User(Table, tablename="users"):
    """A person who can sign in; `username_key` keeps usernames unique regardless of case.

    A guest (`guest`) is someone without an account who comments through a share link under a
    display name (`username`); their `username_key` is "~" and random hex, which no username
    can be, so a guest can never sign in, be mentioned or have a profile.
    """

    name = Varchar(length=100)
    username = Varchar(length=20)
    username_key = Varchar(length=20, unique=True, index=True)
    password_hash = Varchar(length=255)
    # Bumped on sign-out and password change: invalidates every session and socket token.
    session_generation = Integer(default=1)
    created_at = Timestamptz()
    guest = Boolean(default=False)
